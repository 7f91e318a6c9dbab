package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_webshell_detection",
		Title:        "Webshell detection covers every web server",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Account",
		Category:     catalog.Protection,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("8.4"), mlps("8.1.4.5 a)")),
		Description:  "Webshells are how most web compromises keep their foothold.",
		Audit:        "Security Center console → Settings → Webshell detection: confirm every web server is in the scan scope.",
		Remediation:  "Add every web server to the webshell detection scope.",
		Fix:          catalog.FixConsole,
	},
})
