package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sls_audit_integrated",
		Title:        "Audit logs of several cloud products are collected centrally by the Log Audit Service",
		Product:      "sls",
		ResourceType: "ALIYUN::SLS::Project",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Frameworks:   refs(cis("2.3"), mlps("8.1.5.4 d)", "8.2.5.1 c)")),
		Description:  "Audit logs scattered over products and regions cannot be correlated or kept consistently; the Log Audit Service gathers them in one project.",
		Remediation:  "Log Service → Log Audit Service: enable collection of ActionTrail and the other products' audit logs into the central project.",
		Fix:          catalog.FixOnly,
	},
	check: each(slsAccount, func(x *collect.SLSInventory, e *env) verdict {
		if x.Audit == nil {
			return fail("the Log Audit Service is not set up")
		}
		var on []string
		for name, p := range x.Audit.Products {
			if p.Enabled {
				on = append(on, name)
			}
		}
		switch {
		case !x.Audit.Products["actiontrail"].Enabled:
			return fail("the Log Audit Service does not collect ActionTrail events")
		case len(on) < 2:
			return fail("the Log Audit Service collects only ActionTrail")
		}
		return passf("the Log Audit Service collects %d products into %s", len(on), x.Audit.Project)
	}),
})
