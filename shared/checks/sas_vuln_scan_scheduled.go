package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

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
		Frameworks:   refs(cis("8.7"), mlps("8.1.4.4 e)")),
		Description:  "Without scheduled scans, new vulnerabilities on servers go unnoticed until exploited.",
		Remediation:  "Security Center → Settings → Vulnerability scan: turn on Linux software (cve), Windows system (sys), Web-CMS (cms) and urgent (emg) vulnerability scanning for all servers (ModifyVulConfig).",
		Fix:          catalog.FixConsole,
	},
	check: each(sasAccount, func(x *collect.SASInventory, _ *env) verdict {
		for _, t := range collect.SASVulTypes {
			v := x.VulConfig(t)
			switch {
			case v == nil:
				return failf("DescribeVulConfig reports no %s vulnerability scan setting", t)
			case v.Config != "on":
				return failf("%s vulnerability scanning is off", t).evidence(v.Raw)
			case v.OverAll != "on":
				return failf("%s vulnerability scanning does not cover every server (OverAllConfig %s)", t, v.OverAll).evidence(v.Raw)
			}
		}
		return pass("cve, sys, cms and emg vulnerabilities are scanned on every server")
	}),
})
