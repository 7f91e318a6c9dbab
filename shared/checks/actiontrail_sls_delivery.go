package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "actiontrail_sls_delivery",
		Title:        "ActionTrail trails deliver events to Log Service for analysis and alerting",
		Product:      "actiontrail",
		ResourceType: "ALIYUN::ACTIONTRAIL::Trail",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(mlps("8.1.5.4 d)", "8.1.5.4 f)")),
		Description:  "Events only in OSS cannot drive the real-time alerts of CIS 2.10–2.22.",
		Remediation:  "Set the trail's SLS project (UpdateTrail SlsProjectArn, SlsWriteRoleArn).",
		Fix:          catalog.FixOnly,
	},
	check: each(trails, func(x *collect.Trail, e *env) verdict {
		if x.SLSProjectARN == "" {
			return fail("the trail does not deliver to Log Service")
		}
		return passf("events go to %s", x.SLSProjectARN)
	}),
})
