package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/sls"
)

// SLSInventory is the account's Log Service (SLS) configuration. The
// service switch, the Log Audit Service and its catalogue alert rules come
// from alibaba-cloud-sdk-go's Sls 2019-10-23 app API; projects, logstores
// with their retention and every project's alert rules come from SLS's
// data-plane API (ListProject, ListLogStores, GetLogStore, ListAlerts; LOG
// signature) through github.com/aliyun/aliyun-log-go-sdk, region by region
// (sls_projects.go). It is account-level: one read covers every region.
type SLSInventory struct {
	Enabled    bool            // GetSlsService Enabled
	Status     string          // GetSlsService Status ("Opened", ...)
	ServiceRaw json.RawMessage // the GetSlsService answer without its RequestId
	// Audit is the Log Audit Service's configuration, nil when it is not
	// set up (DescribeApp answers AppNotExist).
	Audit *LogAudit
	// Alerts are the SLSAlertCatalogue rules found in the audit project,
	// in catalogue order. A catalogue rule missing here does not exist.
	Alerts []SLSAlert
	// AlertsChecked lists the catalogue rules looked up; empty when there
	// is no audit project to look in.
	AlertsChecked []string
	// Projects are the account's projects in every region, with their
	// logstores and alert rules, read through SLS's data-plane API
	// (aliyun-log-go-sdk; see sls_projects.go).
	Projects []SLSProject
}

// Alert returns the named alert rule, or nil when it does not exist.
func (s *SLSInventory) Alert(name string) *SLSAlert {
	for i := range s.Alerts {
		if s.Alerts[i].Name == name {
			return &s.Alerts[i]
		}
	}
	return nil
}

// AlertFor returns the catalogue's alert rule for a CIS recommendation
// ("2.10"), or nil when the account does not have it.
func (s *SLSInventory) AlertFor(cis string) *SLSAlert {
	for _, spec := range SLSAlertCatalogue {
		if spec.CIS == cis {
			if a := s.Alert(spec.Name); a != nil {
				return a
			}
		}
	}
	return nil
}

// LogAudit is the Log Audit Service's configuration (DescribeApp "audit":
// AppModel.Config's initParam).
type LogAudit struct {
	DisplayName string
	Project     string // the central project, "slsaudit-center-<uid>-<region>"
	Region      string
	Logstore    string
	// Products maps an audited product ("actiontrail", "oss_access",
	// "vpc_flow", ...) to its collection switch and logstore retention, from
	// the "<product>_enabled" and "<product>_ttl" parameters.
	Products map[string]AuditProduct
	Raw      json.RawMessage // the AppModel object
}

// AuditProduct is one audited product's setting.
type AuditProduct struct {
	Enabled bool
	TTLDays int // logstore retention; 0 when not set
}

// SLSAlert is an alert rule (a ListAlerts result).
type SLSAlert struct {
	Name        string
	DisplayName string
	Project     string
	Enabled     bool   // status "ENABLED"
	Template    string // the built-in template it was made from, "" if custom
	Queries     []string
	Raw         json.RawMessage
}

// SLSAlertSpec names an alert rule the collector looks for.
type SLSAlertSpec struct {
	CIS      string // CIS Alibaba Cloud Foundations v2.0.0 recommendation
	Topic    string
	Name     string // the rule's name (AlertId)
	Template string // the SLS built-in template that makes it
}

// SLSAlertCatalogue is the CIS section 2 alert rules, as the SLS built-in
// ActionTrail templates ("sls.app.actiontrail.cis.at.*") name them when
// enabled from the Log Audit Service or the Alibaba Cloud landing zone.
var SLSAlertCatalogue = []SLSAlertSpec{
	{"2.10", "RAM role changes", "cis_at_ram_auth_change", "sls.app.actiontrail.cis.at.ram_auth_change"},
	{"2.11", "Cloud Firewall changes", "cis_at_cloudfirewall_conf_change", "sls.app.actiontrail.cis.at.cloudfirewall_conf_change"},
	{"2.12", "VPC network route changes", "cis_at_vpc_route_change", "sls.app.actiontrail.cis.at.vpc_route_change"},
	{"2.13", "VPC changes", "cis_at_vpc_conf_change", "sls.app.actiontrail.cis.at.vpc_conf_change"},
	{"2.14", "OSS permission changes", "cis_at_oss_policy_change", "sls.app.actiontrail.cis.at.oss_policy_change"},
	{"2.15", "RDS instance configuration changes", "cis_at_rds_conf_change", "sls.app.actiontrail.cis.at.rds_conf_change"},
	{"2.16", "unauthorized API calls", "cis_at_unauth_apicall", "sls.app.actiontrail.cis.at.unauth_apicall"},
	{"2.17", "console sign-in without MFA", "cis_at_ram_mfa_login", "sls.app.actiontrail.cis.at.ram_mfa_login"},
	{"2.18", "root account usage", "cis_at_root_login", "sls.app.actiontrail.cis.at.root_login"},
	{"2.19", "console authentication failures", "cis_at_unauth_login", "sls.app.actiontrail.cis.at.unauth_login"},
	{"2.22", "security group changes", "cis_at_securitygroup_change", "sls.app.actiontrail.cis.at.securitygroup_change"},
	{"", "RAM policy changes", "cis_at_ram_policy_change", "sls.app.actiontrail.cis.at.ram_policy_change"},
	{"", "trail turned off", "cis_at_trail_off", "sls.app.actiontrail.cis.at.trail_off"},
}

// SLSAuditApp is the app name of the Log Audit Service.
const SLSAuditApp = "audit"

// SLS collects the account's Log Service configuration, once per
// Collector and account.
//
// Calls: GetSlsService, DescribeApp("audit") and the data-plane lists of
// every region (ECS DescribeRegions names them; see slsProjects),
// concurrently. When the audit app names a central project, the
// SLSAlertCatalogue rules are looked up by name among that project's
// ListAlerts results: a rule not there is absent. A permission, throttling or activation failure returns a
// *NotEvaluatedError for the product.
func (c *Collector) SLS(ctx context.Context, account string) (*SLSInventory, error) {
	return accountWide(ctx, c, "sls", account, c.collectSLS)
}

func (c *Collector) collectSLS(ctx context.Context, account string) (*SLSInventory, error) {
	out := &SLSInventory{}
	g := newGroup(ctx)
	g.run(func(ctx context.Context) error {
		r := sls.CreateGetSlsServiceRequest()
		body, err := c.do(ctx, account, "", r)
		if err != nil {
			return err
		}
		var v struct {
			Enabled *flexBool
			Status  string
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return malformed(r, "", err)
		}
		if v.Enabled == nil {
			return malformed(r, "", fmt.Errorf("Enabled missing"))
		}
		out.Enabled, out.Status, out.ServiceRaw = bool(*v.Enabled), v.Status, withoutRequestID(body)
		return nil
	})
	g.run(func(ctx context.Context) error {
		r := sls.CreateDescribeAppRequest()
		r.AppName = SLSAuditApp
		body, err := c.do(ctx, account, "", r)
		if errors.Is(err, ErrNotFound) {
			return nil // the Log Audit Service is not set up
		}
		if err != nil {
			return err
		}
		audit, err := decodeAudit(body)
		if err != nil {
			return malformed(r, "", err)
		}
		out.Audit = audit
		return nil
	})
	g.run(func(ctx context.Context) error {
		ps, err := c.slsProjects(ctx, account)
		out.Projects = ps
		return err
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	if out.Audit == nil || out.Audit.Project == "" {
		return out, nil
	}
	// The catalogue rules live in the audit project, whose alert rules the
	// data plane's ListAlerts has read already: no GetAlert per rule.
	byName := map[string]*SLSAlert{}
	for i := range out.Projects {
		if p := &out.Projects[i]; p.Name == out.Audit.Project {
			for j := range p.Alerts {
				byName[p.Alerts[j].Name] = &p.Alerts[j]
			}
		}
	}
	for _, spec := range SLSAlertCatalogue {
		out.AlertsChecked = append(out.AlertsChecked, spec.Name)
		if a := byName[spec.Name]; a != nil {
			out.Alerts = append(out.Alerts, *a)
		}
	}
	return out, nil
}

// decodeAudit reads DescribeApp's AppModel and the initParam in its Config.
func decodeAudit(body []byte) (*LogAudit, error) {
	var env struct{ AppModel json.RawMessage }
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, err
	}
	var m struct{ AppName, DisplayName, Config string }
	if len(env.AppModel) == 0 || json.Unmarshal(env.AppModel, &m) != nil || m.AppName == "" {
		return nil, fmt.Errorf("AppModel missing or without AppName")
	}
	var cfg struct {
		InitParam map[string]json.RawMessage `json:"initParam"`
	}
	if err := json.Unmarshal([]byte(m.Config), &cfg); err != nil {
		return nil, fmt.Errorf("AppModel.Config: %v", err)
	}
	str := func(k string) string {
		var s string
		if json.Unmarshal(cfg.InitParam[k], &s) == nil {
			return s
		}
		return strings.Trim(string(cfg.InitParam[k]), `"`)
	}
	a := &LogAudit{DisplayName: m.DisplayName, Project: str("project"), Region: str("region"), Logstore: str("logstore"),
		Products: map[string]AuditProduct{}, Raw: env.AppModel}
	keys := make([]string, 0, len(cfg.InitParam))
	for k := range cfg.InitParam {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if name, ok := strings.CutSuffix(k, "_enabled"); ok {
			p := a.Products[name]
			p.Enabled = strings.EqualFold(str(k), "true")
			a.Products[name] = p
		}
		if name, ok := strings.CutSuffix(k, "_ttl"); ok {
			n, err := strconv.Atoi(str(k))
			if err != nil {
				return nil, fmt.Errorf("initParam.%s: %q is not a number of days", k, str(k))
			}
			p := a.Products[name]
			p.TTLDays = n
			a.Products[name] = p
		}
	}
	return a, nil
}

// withoutRequestID returns a single-object answer without its RequestId,
// which differs on every call, so the evidence of equal states is equal.
func withoutRequestID(body []byte) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	if _, ok := m["RequestId"]; !ok {
		return body
	}
	delete(m, "RequestId")
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}
