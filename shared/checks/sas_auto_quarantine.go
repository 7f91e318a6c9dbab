package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_auto_quarantine",
		Title:        "Automatic quarantine of malicious files is enabled in Security Center",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Account",
		Category:     catalog.Protection,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("8.3"), mlps("8.1.4.5 a)")),
		Description:  "Without automatic quarantine, detected malware keeps running until someone acts.",
		Audit:        "Security Center console → Settings → Virus blocking / Anti-virus: confirm automatic quarantine is on.",
		Remediation:  "Turn on automatic quarantine (virus blocking) in Security Center.",
		Fix:          catalog.FixConsole,
	},
})
