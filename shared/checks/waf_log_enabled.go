package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "waf_log_enabled",
		Title:        "WAF access and security logs are delivered to Log Service",
		Product:      "waf",
		ResourceType: "ALIYUN::WAF::Domain",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("2.7"), mlps("8.1.3.5 a)")),
		Description:  "Without WAF logs, blocked and passed web attacks leave no record.",
		Audit:        "WAF console → Log Service: confirm log collection is on for every protected domain.",
		Remediation:  "Enable WAF log collection for every protected domain.",
		Fix:          catalog.FixConsole,
	},
})
