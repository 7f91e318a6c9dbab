package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_vuln_scan_scheduled",
		Title:        "Scheduled vulnerability scans cover every server",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Account",
		Category:     catalog.Protection,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("8.7"), mlps("8.1.4.4 e)")),
		Description:  "Without scheduled scans, new vulnerabilities on servers go unnoticed until exploited.",
		Audit:        "Security Center console → Settings → Vulnerability scan: confirm every vulnerability type is scanned periodically and every server is in scope.",
		Remediation:  "Enable periodic scanning for all vulnerability types on all servers.",
		Fix:          catalog.FixConsole,
	},
})
