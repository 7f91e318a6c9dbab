package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ddos_log_enabled",
		Title:        "Anti-DDoS access and attack logs are delivered to Log Service",
		Product:      "ddos",
		ResourceType: "ALIYUN::DDOS::Instance",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("2.6"), mlps("8.1.3.5 a)")),
		Description:  "Without Anti-DDoS logs, attacks and the traffic they carried cannot be analyzed afterwards.",
		Audit:        "Anti-DDoS Pro/Premium console → Investigation → Log Analysis: confirm log analysis is enabled for every protected website and port and the logstore retention meets policy.",
		Remediation:  "Enable full log analysis for the Anti-DDoS instances.",
		Fix:          catalog.FixConsole,
	},
})
