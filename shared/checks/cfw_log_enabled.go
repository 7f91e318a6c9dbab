package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "cfw_log_enabled",
		Title:        "Cloud Firewall traffic logs are delivered to Log Service",
		Product:      "cfw",
		ResourceType: "ALIYUN::CFW::Instance",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("2.8"), mlps("8.1.3.5 a)")),
		Description:  "Without Cloud Firewall logs, internet and VPC traffic decisions cannot be reviewed.",
		Audit:        "Cloud Firewall console → Log Audit / Log Analysis: confirm log delivery is enabled.",
		Remediation:  "Enable Cloud Firewall log analysis.",
		Fix:          catalog.FixConsole,
	},
})
