package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_log_analysis",
		Title:        "Security Center network, host and security logs are delivered to Log Service",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Account",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("2.9"), mlps("8.1.5.4 d)")),
		Description:  "Without log analysis, Security Center's host and network events cannot be searched or kept.",
		Audit:        "Security Center console → Log Analysis: confirm log analysis is enabled and every log type (network, host, security) is selected.",
		Remediation:  "Enable Security Center log analysis for all log types.",
		Fix:          catalog.FixConsole,
	},
})
