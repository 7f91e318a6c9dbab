package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_edition_advanced",
		Title:        "Security Center is the Advanced edition or higher",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Account",
		Category:     catalog.Protection,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Frameworks:   refs(cis("8.1"), mlps("8.1.4.4 f)", "8.1.4.5 a)")),
		Description:  "The Basic and Anti-virus editions lack intrusion detection, vulnerability fixes and baseline checks.",
		Remediation:  "Upgrade Security Center to Advanced, Enterprise or Ultimate.",
		Fix:          catalog.FixConsole,
	},
	check: each(sasAccount, func(x *collect.SASInventory, e *env) verdict {
		if x.AdvancedOrEnterprise() {
			return passf("Security Center edition %s", x.EditionName)
		}
		return failf("Security Center edition %s lacks intrusion detection and vulnerability fixing", x.EditionName)
	}),
})
