package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "actiontrail_multi_region",
		Title:        "An ActionTrail trail records all events (read and write) in every region and is logging",
		Product:      "actiontrail",
		ResourceType: "ALIYUN::ACTIONTRAIL::Trail",
		Category:     catalog.LogAudit,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("2.1"), mlps("8.1.4.3 a)", "8.1.5.4 d)", "8.2.5.1 c)")),
		Description:  "Without a multi-region trail of every event, API activity in other regions or of read calls leaves no audit record.",
		Remediation:  "Create a trail with TrailRegion All and EventRW All delivering to OSS or SLS, and start logging (CreateTrail, StartLogging).",
		Fix:          catalog.FixOnly,
	},
	check: each(trailAccount, func(x *collect.ActionTrailInventory, e *env) verdict {
		for i := range x.Trails {
			t := &x.Trails[i]
			if t.MultiRegion && strings.EqualFold(t.EventRW, "All") && t.Logging {
				return passf("trail %s records all events in every region", t.Name).evidence(t.Raw)
			}
		}
		if len(x.Trails) == 0 {
			return fail("the account has no trail")
		}
		return failf("none of the %d trail(s) records all events in every region while logging", len(x.Trails))
	}),
})
