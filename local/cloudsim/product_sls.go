package cloudsim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// slsProduct is Log Service's control-plane RPC API as alibaba-cloud-sdk-go
// has it (Sls 2019-10-23): the service switch, the apps (the Log Audit
// Service is the app "audit") and the alert rules of those apps. It is
// account-level. Projects, logstores and their retention are SLS's data
// plane (LOG signature), which this SDK does not have: product_log.go
// emulates it for aliyun-log-go-sdk. The audit app's configuration also
// holds the retention of its logstores (initParam "<product>_ttl").
//
// Inventory (global.sls):
//
//	SlsService  the GetSlsService answer, one object ({"Enabled", "Status"}); absent,
//	            the service is enabled ("Opened")
//	Apps        DescribeApp AppModel objects; Config is a JSON string holding
//	            {"initParam": {...}} as the Log Audit Service writes it
//	Alerts      alert rules, each the object GetAlert returns JSON-encoded in Data
//	            (the SLS 2020-12-30 Alert shape: name, displayName, status
//	            ENABLED/DISABLED, configuration, schedule), plus "project", the
//	            SLS project the rule lives in
//
// The request and answer fields of this API version are in the SDK; what
// GetAlert's Data holds, the error codes (AppNotExist, JobNotExist) and
// their HTTP statuses were chosen without a live confirmation.
var slsProduct = &product{
	name:    "Sls",
	version: "2019-10-23",
	key:     "sls",
	global:  true,
	collections: []collection{
		{name: "SlsService"},
		{name: "Apps", id: "AppName", required: []string{"Config"}},
		{name: "Alerts", id: "name", required: []string{"project"}},
	},
	validate: validateSLS,
	actions: map[string]action{
		"GetSlsService": {fn: slsGetSlsService},
		"DescribeApp":   {fn: slsDescribeApp},
		"AnalyzeAppLog": {fn: slsAnalyzeAppLog, write: true},
		"GetAlert":      {fn: slsGetAlert},
		"EnableAlert":   {fn: slsSetAlert("ENABLED"), write: true},
		"DisableAlert":  {fn: slsSetAlert("DISABLED"), write: true},
	},
}

// slsAlertTemplates are the built-in ActionTrail alert templates EnableAlert
// creates a rule from (RuleId), after the SLS "sls.app.actiontrail.cis.at.*"
// templates the Alibaba Cloud landing zone enables. The queries are
// illustrative.
var slsAlertTemplates = map[string]struct{ name, display, query string }{
	"sls.app.actiontrail.cis.at.ram_auth_change": {"cis_at_ram_auth_change", "Alert of RAM Auth Change",
		"event.serviceName: Ram and (event.eventName: CreateRole or DeleteRole or UpdateRole or AttachPolicyToRole or DetachPolicyFromRole)"},
	"sls.app.actiontrail.cis.at.ram_policy_change": {"cis_at_ram_policy_change", "RAM policy Change Alert",
		"event.serviceName: Ram and (event.eventName: CreatePolicy or DeletePolicy or CreatePolicyVersion or DeletePolicyVersion)"},
	"sls.app.actiontrail.cis.at.securitygroup_change": {"cis_at_securitygroup_change", "Security Group Change Alert",
		"event.serviceName: Ecs and (event.eventName: AuthorizeSecurityGroup or RevokeSecurityGroup or AuthorizeSecurityGroupEgress or RevokeSecurityGroupEgress or CreateSecurityGroup or DeleteSecurityGroup)"},
	"sls.app.actiontrail.cis.at.vpc_route_change": {"cis_at_vpc_route_change", "VPC Route Change Alert",
		"event.serviceName: Vpc and (event.eventName: CreateRouteEntry or DeleteRouteEntry or ModifyRouteEntry)"},
	"sls.app.actiontrail.cis.at.vpc_conf_change": {"cis_at_vpc_conf_change", "VPC Configuration Change Alert",
		"event.serviceName: Vpc and (event.eventName: CreateVpc or DeleteVpc or ModifyVpcAttribute)"},
	"sls.app.actiontrail.cis.at.oss_policy_change": {"cis_at_oss_policy_change", "OSS Policy Change Alert",
		"event.serviceName: Oss and (event.eventName: PutBucketAcl or PutBucketPolicy or DeleteBucketPolicy)"},
	"sls.app.actiontrail.cis.at.rds_conf_change": {"cis_at_rds_conf_change", "RDS Configuration Change Alert",
		"event.serviceName: Rds and event.eventName: Modify*"},
	"sls.app.actiontrail.cis.at.unauth_apicall": {"cis_at_unauth_apicall", "Unauthorized API Call Alert",
		"event.errorCode: NoPermission or event.errorCode: Forbidden*"},
	"sls.app.actiontrail.cis.at.ram_mfa_login": {"cis_at_ram_mfa_login", "Console Login without MFA Alert",
		"event.eventName: ConsoleSignin and event.additionalEventData.MFAUsed: false"},
	"sls.app.actiontrail.cis.at.root_login": {"cis_at_root_login", "Root Account Login Alert",
		"event.eventName: ConsoleSignin and event.userIdentity.type: root-account"},
	"sls.app.actiontrail.cis.at.unauth_login": {"cis_at_unauth_login", "Console Login Failure Alert",
		"event.eventName: ConsoleSignin and event.errorMessage: *"},
	"sls.app.actiontrail.cis.at.cloudfirewall_conf_change": {"cis_at_cloudfirewall_conf_change", "Cloud Firewall Configuration Change Alert",
		"event.serviceName: Cloudfw and event.eventName: Modify*"},
	"sls.app.actiontrail.cis.at.trail_off": {"cis_at_trail_off", "Alert of Attempt to Turn off Trails",
		"event.serviceName: Actiontrail and (event.eventName: StopLogging or DeleteTrail or UpdateTrail)"},
}

// Errors of the SLS app API (codes after the Terraform provider's handling
// of DescribeApp; statuses chosen).
var (
	errAppNotExist = &APIError{Status: http.StatusNotFound, Code: "AppNotExist", Message: "The specified app does not exist."}
	errJobNotExist = &APIError{Status: http.StatusNotFound, Code: "JobNotExist", Message: "The specified alert does not exist."}
)

func validateSLS(v *validation, path string, cols Collections) {
	for i, raw := range cols["Apps"] {
		var cfg struct {
			InitParam map[string]any `json:"initParam"`
		}
		if json.Unmarshal([]byte(fieldString(raw, "Config")), &cfg) != nil {
			v.add(path+".Apps["+itoa(i)+"].Config", `want a JSON string holding {"initParam": {...}}`)
		}
	}
	for i, raw := range cols["Alerts"] {
		if s := fieldString(raw, "status"); s != "" && s != "ENABLED" && s != "DISABLED" {
			v.add(path+".Alerts["+itoa(i)+"].status", "want ENABLED or DISABLED, got "+s)
		}
	}
}

// slsOK is the success envelope of this API version.
func slsOK(m map[string]any) map[string]any {
	m["Success"], m["Code"], m["Message"] = true, "200", "successful"
	return m
}

// slsGetSlsService answers whether Log Service is activated.
func slsGetSlsService(c *call) (map[string]any, *APIError) {
	out := slsOK(map[string]any{"Enabled": true, "Status": "Opened"})
	if objs := c.objects("sls", "SlsService"); len(objs) > 0 {
		var m map[string]any
		decodeInto(objs[0], &m)
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}

// slsDescribeApp returns an app by AppName ("audit" is the Log Audit
// Service).
func slsDescribeApp(c *call) (map[string]any, *APIError) {
	name := c.param("AppName")
	if name == "" {
		return nil, errMissing("AppName")
	}
	_, raw, ok := c.find("sls", "Apps", name)
	if !ok {
		return nil, errAppNotExist
	}
	out := slsOK(map[string]any{"AppModel": raw})
	out["Success"] = "true" // DescribeAppResponse.Success is a string
	return out, nil
}

// slsAnalyzeAppLog configures an app (AppType, DisplayName) with
// VariableMap, a JSON object merged into its initParam, as the Log Audit
// Service does: {"actiontrail_ttl": "365"} changes the retention of the
// ActionTrail audit logstore.
func slsAnalyzeAppLog(c *call) (map[string]any, *APIError) {
	app := c.param("AppType")
	if app == "" {
		return nil, errMissing("AppType")
	}
	vars := map[string]any{}
	if s := c.param("VariableMap"); s != "" {
		if err := json.Unmarshal([]byte(s), &vars); err != nil {
			return nil, errInvalid("VariableMap")
		}
	}
	i, raw, exists := c.find("sls", "Apps", app)
	cfg := struct {
		InitParam map[string]any `json:"initParam"`
	}{InitParam: map[string]any{}}
	if exists {
		decodeInto([]byte(fieldString(raw, "Config")), &cfg)
		if cfg.InitParam == nil {
			cfg.InitParam = map[string]any{}
		}
	}
	for k, v := range vars {
		cfg.InitParam[k] = v
	}
	b, _ := json.Marshal(cfg) // decoded JSON always marshals
	display := c.param("DisplayName")
	if exists {
		c.replace("sls", "Apps", i, patch(raw, func(m map[string]any) {
			m["Config"] = string(b)
			if display != "" {
				m["DisplayName"] = display
			}
		}))
	} else {
		obj, _ := json.Marshal(map[string]any{"AppName": app, "DisplayName": orDefault(display, app),
			"Config": string(b), "Uid": json.Number(c.st.inv.AccountID)})
		c.add("sls", "Apps", obj)
	}
	out := slsOK(map[string]any{})
	out["Success"] = "true" // AnalyzeAppLogResponse.Success is a string
	return out, nil
}

// slsAlert finds the alert AlertId in ProjectName.
func slsAlert(c *call) (int, json.RawMessage, *APIError) {
	for _, p := range []string{"App", "ProjectName", "AlertId"} {
		if c.param(p) == "" {
			return -1, nil, errMissing(p)
		}
	}
	i, raw, ok := c.find("sls", "Alerts", c.param("AlertId"))
	if !ok || fieldString(raw, "project") != c.param("ProjectName") {
		return -1, nil, errJobNotExist
	}
	return i, raw, nil
}

// slsGetAlert returns an alert rule JSON-encoded in Data.
func slsGetAlert(c *call) (map[string]any, *APIError) {
	_, raw, aerr := slsAlert(c)
	if aerr != nil {
		return nil, aerr
	}
	return slsOK(map[string]any{"Data": string(without(raw, "project"))}), nil
}

// slsSetAlert enables or disables an alert rule. EnableAlert with a RuleId
// naming a built-in template creates the rule (named after the template
// unless AlertId says otherwise) when the project has none by that name.
func slsSetAlert(status string) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		i, raw, aerr := slsAlert(c)
		if aerr == nil {
			c.replace("sls", "Alerts", i, patch(raw, func(m map[string]any) {
				m["status"], m["lastModifiedTime"] = status, c.now.Unix()
			}))
			return slsOK(map[string]any{}), nil
		}
		tpl, known := slsAlertTemplates[c.param("RuleId")]
		if status != "ENABLED" || aerr != errJobNotExist || !known {
			return nil, aerr
		}
		if _, _, taken := c.find("sls", "Alerts", c.param("AlertId")); taken {
			return nil, Errorf(http.StatusConflict, "JobAlreadyExist", "alert %s already exists in another project", c.param("AlertId"))
		}
		tokens := map[string]any{}
		if s := c.param("Tokens"); s != "" && json.Unmarshal([]byte(s), &tokens) != nil {
			return nil, errInvalid("Tokens")
		}
		store, _ := tokens["default.logstore"].(string)
		alert := map[string]any{
			"name": c.param("AlertId"), "displayName": tpl.display, "description": "", "status": "ENABLED",
			"project": c.param("ProjectName"),
			"configuration": map[string]any{"version": "2.0", "type": "tpl",
				"template":  map[string]any{"id": c.param("RuleId"), "type": "sys", "lang": strings.ToLower(orDefault(c.param("Language"), "en")), "tokens": tokens},
				"queryList": []any{map[string]any{"store": store, "query": tpl.query}}},
			"schedule":   map[string]any{"type": "FixedRate", "interval": "15m"},
			"createTime": c.now.Unix(), "lastModifiedTime": c.now.Unix(),
		}
		obj, _ := json.Marshal(alert) // plain values always marshal
		c.add("sls", "Alerts", obj)
		return slsOK(map[string]any{}), nil
	}
}
