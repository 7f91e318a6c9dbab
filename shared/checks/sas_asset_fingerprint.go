package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_asset_fingerprint",
		Title:        "Asset fingerprints are collected automatically",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Account",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("8.8"), mlps("8.1.5.4 c)")),
		Description:  "Without fingerprints (ports, processes, accounts, software), unusual changes on hosts go unseen.",
		Audit:        "Security Center console → Settings → Asset fingerprints: confirm every collection type has a refresh period.",
		Remediation:  "Set a collection period for every asset fingerprint type.",
		Fix:          catalog.FixConsole,
	},
})
