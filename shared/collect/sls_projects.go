package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// SLS's data plane (projects, logstores, alert rules) is a REST API signed
// "LOG <AccessKeyId>:<signature>", served per region at
// <region>.log.aliyuncs.com with the project as the host's first label
// (<project>.<region>.log.aliyuncs.com). alibaba-cloud-sdk-go does not have
// it; the SLS SDK github.com/aliyun/aliyun-log-go-sdk does, and this file
// drives that SDK with the collector's credentials, rate limiter, retries
// and error classes.

// SLSProject is a Log Service project (a ListProject item) with its
// logstores and alert rules.
type SLSProject struct {
	Name        string // projectName
	Region      string // the region whose endpoint lists it
	Description string
	Status      string // "Normal", ...
	Logstores   []SLSLogstore
	// Alerts are the project's alert rules (ListAlerts), Log Audit
	// Service rules included.
	Alerts []SLSAlert
	Raw    json.RawMessage // the ListProject item
}

// SLSLogstore is a logstore (GetLogStore).
type SLSLogstore struct {
	Project       string
	Region        string
	Name          string // logstoreName
	TTLDays       int    // ttl: days data is kept (3650 is "forever")
	HotTTLDays    int    // hot_ttl, 0 when not set
	TelemetryType string // "" or "None" for logs, "Metrics" for metricstores
	Raw           json.RawMessage
}

// Page sizes: the largest ListProject, ListLogStores and ListAlerts allow
// (size ≤ 500, ≤ 500 and ≤ 200).
const (
	slsProjectPage  = 500
	slsLogstorePage = 500
	slsAlertPage    = 200
)

// slsRetryOff turns off the SLS SDK's own retry loop once: it sleeps on
// the wall clock for up to RetryTimeOut on 5xx answers, while the
// collector retries with its own limiter, clock and jitter.
var slsRetryOff sync.Once

// slsProjects lists every region's projects with their logstores and
// alert rules. Calls per region: ListProject pages, then per project
// ListLogStores pages, one GetLogStore per logstore and ListAlerts pages,
// concurrently.
func (c *Collector) slsProjects(ctx context.Context, account string) ([]SLSProject, error) {
	regions, err := c.Regions(ctx, account)
	if err != nil {
		var ne *NotEvaluatedError
		if errors.As(err, &ne) && ne.Err != nil {
			return nil, ne.Err // no regions to read: SLS is not evaluated for the same reason
		}
		return nil, err
	}
	perRegion := make([][]SLSProject, len(regions))
	err = c.fanOut(ctx, len(regions), func(ctx context.Context, i int) error {
		ps, err := c.slsRegion(ctx, account, regions[i].ID)
		perRegion[i] = ps
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []SLSProject
	for _, ps := range perRegion {
		out = append(out, ps...)
	}
	return out, nil
}

func (c *Collector) slsRegion(ctx context.Context, account, region string) ([]SLSProject, error) {
	var out []SLSProject
	for offset := 0; ; {
		body, err := c.slsDo(ctx, account, region, "ListProject", func(cl *sls.Client) error {
			_, _, _, err := cl.ListProjectV2(offset, slsProjectPage)
			return err
		})
		if err != nil {
			return nil, err
		}
		var page struct {
			Projects []json.RawMessage `json:"projects"`
			Count    *int              `json:"count"`
			Total    *int              `json:"total"`
		}
		if err := json.Unmarshal(body, &page); err != nil || page.Total == nil || page.Projects == nil {
			return nil, slsMalformed("ListProject", region, fmt.Errorf("want {count, total, projects}: %v", err))
		}
		for _, raw := range page.Projects {
			var p struct {
				ProjectName, Description, Status, Region string
			}
			if err := decodeItem(raw, &p, "projects", func() string { return p.ProjectName }); err != nil {
				return nil, slsMalformed("ListProject", region, err)
			}
			out = append(out, SLSProject{Name: p.ProjectName, Region: region, Description: p.Description, Status: p.Status, Raw: raw})
		}
		offset += len(page.Projects)
		if len(page.Projects) == 0 || offset >= *page.Total {
			break
		}
	}
	err := c.fanOut(ctx, len(out), func(ctx context.Context, i int) error {
		p := &out[i]
		g := newGroup(ctx)
		g.run(func(ctx context.Context) error {
			stores, err := c.slsLogstores(ctx, account, region, p.Name)
			p.Logstores = stores
			return err
		})
		g.run(func(ctx context.Context) error {
			alerts, err := c.slsAlerts(ctx, account, region, p.Name)
			p.Alerts = alerts
			return err
		})
		return g.wait()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// slsLogstores lists a project's logstores and reads each one. A logstore
// or project deleted meanwhile (LogStoreNotExist, ProjectNotExist) is
// left out.
func (c *Collector) slsLogstores(ctx context.Context, account, region, project string) ([]SLSLogstore, error) {
	var names []string
	for offset := 0; ; {
		body, err := c.slsDo(ctx, account, region, "ListLogStores", func(cl *sls.Client) error {
			_, err := cl.ListLogStoreV2(project, offset, slsLogstorePage, "")
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		var page struct {
			Logstores []string `json:"logstores"`
			Total     *int     `json:"total"`
		}
		if err := json.Unmarshal(body, &page); err != nil || page.Logstores == nil {
			return nil, slsMalformed("ListLogStores", region, fmt.Errorf("project %s: want {count, total, logstores}: %v", project, err))
		}
		names = append(names, page.Logstores...)
		offset += len(page.Logstores)
		if len(page.Logstores) < slsLogstorePage || (page.Total != nil && offset >= *page.Total) {
			break
		}
	}
	found := make([]*SLSLogstore, len(names))
	err := c.fanOut(ctx, len(names), func(ctx context.Context, i int) error {
		body, err := c.slsDo(ctx, account, region, "GetLogStore", func(cl *sls.Client) error {
			_, err := cl.GetLogStore(project, names[i])
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var s struct {
			LogstoreName  string   `json:"logstoreName"`
			TTL           *flexInt `json:"ttl"`
			HotTTL        *flexInt `json:"hot_ttl"`
			TelemetryType string   `json:"telemetryType"`
		}
		if err := decodeItem(body, &s, "logstore", func() string { return s.LogstoreName }); err != nil {
			return slsMalformed("GetLogStore", region, fmt.Errorf("project %s: %v", project, err))
		}
		if s.TTL == nil {
			return slsMalformed("GetLogStore", region, fmt.Errorf("project %s logstore %s: ttl missing", project, s.LogstoreName))
		}
		ls := &SLSLogstore{Project: project, Region: region, Name: s.LogstoreName, TTLDays: int(*s.TTL),
			TelemetryType: s.TelemetryType, Raw: body}
		if s.HotTTL != nil {
			ls.HotTTLDays = int(*s.HotTTL)
		}
		found[i] = ls
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []SLSLogstore
	for _, ls := range found {
		if ls != nil {
			out = append(out, *ls)
		}
	}
	return out, nil
}

// slsAlerts lists a project's alert rules with their queries (ListAlerts
// answers whole rules, so no GetAlert is needed).
func (c *Collector) slsAlerts(ctx context.Context, account, region, project string) ([]SLSAlert, error) {
	var out []SLSAlert
	for offset := 0; ; {
		body, err := c.slsDo(ctx, account, region, "ListAlerts", func(cl *sls.Client) error {
			_, _, _, err := cl.ListAlert(project, "", "", offset, slsAlertPage)
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		var page struct {
			Results []json.RawMessage `json:"results"`
			Total   *int              `json:"total"`
		}
		if err := json.Unmarshal(body, &page); err != nil || page.Results == nil || page.Total == nil {
			return nil, slsMalformed("ListAlerts", region, fmt.Errorf("project %s: want {count, total, results}: %v", project, err))
		}
		for _, raw := range page.Results {
			a, err := decodeAlertRule(raw, project)
			if err != nil {
				return nil, slsMalformed("ListAlerts", region, fmt.Errorf("project %s: %v", project, err))
			}
			out = append(out, *a)
		}
		offset += len(page.Results)
		if len(page.Results) == 0 || offset >= *page.Total {
			break
		}
	}
	return out, nil
}

// slsMalformed is a malformed-answer *Error for an SLS data-plane call.
func slsMalformed(op, region string, err error) error {
	return &Error{Code: Unknown, API: "Sls." + op, Region: region, Malformed: true, Attempts: 1, Err: err}
}

// classifySLS maps an SLS error code and HTTP status to a Code. SLS
// refuses a RAM identity with 401 Unauthorized ("denied by sts or ram")
// and a disabled project with 403 ProjectForbidden: both are permission
// gaps. Quota answers (403 ReadQuotaExceed and friends) are throttling.
func classifySLS(code string, status int) Code {
	switch code {
	case "ReadQuotaExceed", "WriteQuotaExceed", "ShardReadQuotaExceed", "ShardWriteQuotaExceed",
		"ProjectQpsLimitExceeded", "QpsLimitExceeded", "ExceedQPSLimitation":
		return Throttled
	case "Unauthorized", "InvalidAccessKeyId", "ProjectForbidden", "AccessDenied":
		return PermissionDenied
	case "SignatureNotMatch", "RequestTimeTooSkewed", "RequestTimeExpired", "InvalidRequestTime",
		"MissAccessKeyId", "InvalidSecurityToken", "SecurityTokenExpired":
		return Unknown // a configuration failure, not a gap
	case "ProjectNotExist", "LogStoreNotExist", "JobNotExist", "AlertNotExist":
		return NotFound
	}
	return classify(code, status)
}

// slsRetryable: throttling, ServerBusy, InternalServerError and any 5xx.
func slsRetryable(code string, status int) bool {
	return classifySLS(code, status) == Throttled || status >= 500 || code == "ServerBusy" || code == "InternalServerError"
}

// slsExchange records what the transport saw of one call.
type slsExchange struct {
	status int
	body   []byte
	err    error // the transport's own failure
}

// slsTransport sends the SDK's requests with the call's context, to
// cloudsim when the collector has an endpoint (keeping the SDK's Host
// header, <project>.<region>.log.aliyuncs.com, which names the project and
// region), and keeps the answer's status and body. A transport failure
// (refused, reset, timed out, the context cancelled) is kept and handed
// to the SDK as an error answer: the SDK retries transport errors itself,
// sleeping on the wall clock until its RetryTimeOut, without the context,
// and the collector's own retries must stay in charge.
type slsTransport struct {
	ctx      context.Context
	base     http.RoundTripper
	scheme   string
	endpoint string
	seen     *slsExchange
}

func (t slsTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(t.ctx)
	if t.endpoint != "" {
		r.Host = r.URL.Host
		r.URL.Scheme, r.URL.Host = t.scheme, t.endpoint
	}
	resp, err := t.base.RoundTrip(r)
	var b []byte
	if err == nil {
		b, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
	}
	if err != nil {
		t.seen.err = err
		msg, _ := json.Marshal(map[string]string{"errorCode": "ClientTransportError", "errorMessage": err.Error()})
		return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 transport failure", Header: http.Header{},
			Body: io.NopCloser(bytes.NewReader(msg)), Request: r}, nil
	}
	t.seen.status, t.seen.body = resp.StatusCode, b
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// slsDo sends one SLS data-plane call through the SDK with rate limiting
// and retries, and returns the answer's body as received. fn makes the
// call with a client for the region. Errors are *Error (or the context's
// error).
func (c *Collector) slsDo(ctx context.Context, account, region, op string, fn func(cl *sls.Client) error) ([]byte, error) {
	api := "Sls." + op
	slsRetryOff.Do(func() { sls.RetryOnServerErrorEnabled = false })
	creds, err := c.credentials(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("collect: %s: credentials for account %s: %w", api, account, err)
	}
	scheme := "https"
	if c.endpoint != "" {
		scheme = "http" // the transport sends it to c.endpoint with c.scheme
	}
	for attempt := 1; ; attempt++ {
		if err := c.limiter.wait(ctx, account, region, api); err != nil {
			return nil, err
		}
		seen := &slsExchange{}
		cl := &sls.Client{
			// Production: HTTPS to the region's public endpoint.
			Endpoint:        scheme + "://" + region + ".log.aliyuncs.com",
			AccessKeyID:     creds.AccessKeyID,
			AccessKeySecret: creds.AccessKeySecret,
			SecurityToken:   creds.SecurityToken,
			UserAgent:       "cspm-collect",
			RequestTimeOut:  c.cfg.Timeout,
			RetryTimeOut:    c.cfg.Timeout,
			HTTPClient: &http.Client{Timeout: c.cfg.Timeout, Transport: slsTransport{ctx: ctx, base: c.transport,
				scheme: c.scheme, endpoint: c.endpoint, seen: seen}},
		}
		err := fn(cl)
		c.mu.Lock()
		c.calls[api]++
		c.mu.Unlock()
		if err == nil {
			return seen.body, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e := &Error{API: api, Region: region, Attempts: attempt, Err: err}
		var (
			se  *sls.Error
			bre *sls.BadResponseError
		)
		switch {
		case seen.err != nil:
			// Transport failures: refused, reset, timed out.
			e.Err = seen.err
			if attempt >= c.cfg.Retry.MaxAttempts {
				return nil, e
			}
		case seen.status == http.StatusOK:
			e.Malformed = true // answered, but the SDK could not read it
			return nil, e
		case errors.As(err, &se) && se.HTTPCode > 0:
			e.ErrorCode, e.Message = se.Code, se.Message
			e.Code = classifySLS(se.Code, int(se.HTTPCode))
			if !slsRetryable(se.Code, int(se.HTTPCode)) || attempt >= c.cfg.Retry.MaxAttempts {
				return nil, e
			}
		case errors.As(err, &bre) || seen.status > 0:
			status := seen.status
			if bre != nil {
				status = bre.HTTPCode
			}
			e.Code = classifySLS("", status)
			if status < 500 || attempt >= c.cfg.Retry.MaxAttempts {
				return nil, e
			}
		default:
			return nil, e // the SDK refused the request before sending it
		}
		if err := c.clock.Sleep(ctx, c.backoff(attempt)); err != nil {
			return nil, err
		}
	}
}

// decodeAlertRule reads an alert rule in the SLS 2020-12-30 Alert shape
// (a ListAlerts result, or GetAlert's Data).
func decodeAlertRule(raw json.RawMessage, project string) (*SLSAlert, error) {
	var a struct {
		Name          string `json:"name"`
		DisplayName   string `json:"displayName"`
		Status        string `json:"status"`
		Configuration struct {
			Template struct {
				ID string `json:"id"`
			} `json:"template"`
			QueryList []struct {
				Query string `json:"query"`
			} `json:"queryList"`
		} `json:"configuration"`
	}
	if err := decodeItem(raw, &a, "alert", func() string { return a.Name }); err != nil {
		return nil, err
	}
	out := &SLSAlert{Name: a.Name, DisplayName: a.DisplayName, Project: project,
		Enabled: strings.EqualFold(a.Status, "ENABLED"), Template: a.Configuration.Template.ID, Raw: raw}
	for _, q := range a.Configuration.QueryList {
		out.Queries = append(out.Queries, q.Query)
	}
	return out, nil
}

// SLSAlertWatch says which alert queries watch a CIS topic: a query
// watches it when it contains every term of All and, if Any is set, at
// least one term of Any (case-insensitively).
type SLSAlertWatch struct {
	CIS   string
	Topic string
	All   []string
	Any   []string
}

// SLSAlertWatches are the ActionTrail events each CIS section 2 alert
// recommendation asks to be alerted on, as terms of an SLS query over
// ActionTrail logs (event.serviceName, event.eventName, ...).
var SLSAlertWatches = []SLSAlertWatch{
	{"2.10", "RAM role changes", []string{"ram"}, []string{"CreateRole", "DeleteRole", "UpdateRole", "AttachPolicyToRole", "DetachPolicyFromRole"}},
	{"2.11", "Cloud Firewall changes", []string{"cloudfw"}, nil},
	{"2.12", "VPC network route changes", []string{"vpc"}, []string{"CreateRouteEntry", "DeleteRouteEntry", "ModifyRouteEntry"}},
	{"2.13", "VPC changes", []string{"vpc"}, []string{"CreateVpc", "DeleteVpc", "ModifyVpcAttribute"}},
	{"2.14", "OSS permission changes", []string{"oss"}, []string{"PutBucketAcl", "PutObjectAcl"}},
	{"2.15", "RDS instance configuration changes", []string{"rds"}, []string{"Modify"}},
	{"2.16", "unauthorized API calls", []string{"errorCode"}, []string{"NoPermission", "Forbidden"}},
	{"2.17", "console sign-in without MFA", []string{"ConsoleSignin", "MFAUsed"}, nil},
	{"2.18", "root account usage", []string{"root-account"}, nil},
	{"2.19", "console authentication failures", []string{"ConsoleSignin", "errorMessage"}, nil},
	{"2.20", "disabling or deletion of customer-managed keys", []string{"kms"}, []string{"DisableKey", "ScheduleKeyDeletion"}},
	{"2.21", "OSS bucket policy changes", []string{"oss"}, []string{"PutBucketPolicy", "DeleteBucketPolicy"}},
	{"2.22", "security group changes", []string{"ecs"}, []string{"AuthorizeSecurityGroup", "RevokeSecurityGroup", "CreateSecurityGroup", "DeleteSecurityGroup"}},
}

// Watches reports whether one of the alert's queries watches w's events.
func (a *SLSAlert) Watches(w SLSAlertWatch) bool {
	for _, q := range a.Queries {
		q = strings.ToLower(q)
		ok := true
		for _, t := range w.All {
			ok = ok && strings.Contains(q, strings.ToLower(t))
		}
		if !ok {
			continue
		}
		if len(w.Any) == 0 {
			return true
		}
		for _, t := range w.Any {
			if strings.Contains(q, strings.ToLower(t)) {
				return true
			}
		}
	}
	return false
}

// Watching returns the alert rules that watch the events of CIS
// recommendation cis ("2.20"), enabled ones first: the Log Audit Service's
// catalogue rule when it exists, and every project's rule whose query
// watches them.
func (s *SLSInventory) Watching(cis string) []*SLSAlert {
	var w *SLSAlertWatch
	for i := range SLSAlertWatches {
		if SLSAlertWatches[i].CIS == cis {
			w = &SLSAlertWatches[i]
		}
	}
	var out []*SLSAlert
	seen := map[string]bool{}
	add := func(a *SLSAlert) {
		if k := a.Project + "/" + a.Name; !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	if a := s.AlertFor(cis); a != nil {
		add(a)
	}
	for i := range s.Projects {
		for j := range s.Projects[i].Alerts {
			if a := &s.Projects[i].Alerts[j]; w != nil && a.Watches(*w) {
				add(a)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Enabled && !out[j].Enabled })
	return out
}

// Logstores returns every project's logstores, in project order.
func (s *SLSInventory) Logstores() []SLSLogstore {
	var out []SLSLogstore
	for _, p := range s.Projects {
		out = append(out, p.Logstores...)
	}
	return out
}
