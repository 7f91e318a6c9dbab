package checks

import (
	"slices"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sls_logstore_retention",
		Title:        "Audit logstores keep data for 365 days or more",
		Product:      "sls",
		ResourceType: "ALIYUN::SLS::Logstore",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Frameworks:   refs(cis("2.23"), mlps("8.1.4.3 c)", "8.1.5.4 d)")),
		Description:  "Attacks are often found months later; logs kept a few weeks cannot show how they started.",
		Remediation:  "Set the retention of each audit logstore to 365 days or more (Log Audit Service → <product>_ttl).",
		Fix:          catalog.FixRollback,
	},
	check: each(slsAccount, func(x *collect.SLSInventory, e *env) verdict {
		if x.Audit == nil {
			return notEvaluated(ReasonNotCollected, "no Log Audit Service: logstores are not listed by the collector")
		}
		names := make([]string, 0, len(x.Audit.Products))
		for name := range x.Audit.Products {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if p := x.Audit.Products[name]; p.Enabled && p.TTLDays > 0 && p.TTLDays < 365 {
				return failf("the %s audit logstore keeps data %d days, under 365", name, p.TTLDays)
			}
		}
		return pass("every enabled audit logstore keeps data 365 days or more")
	}),
})
