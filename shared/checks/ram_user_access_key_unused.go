package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_user_access_key_unused",
		Title:        "RAM users have no active access key left unused for 90 days or more",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::User",
		Category:     catalog.Identity,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.4.2 c)"),
		Description: "An active key nobody uses is pure risk: it grants access and its owner will not notice " +
			"when someone else starts using it.",
		Remediation: "Disable the key (UpdateAccessKey Status=Inactive), then delete it once nothing breaks.",
		Fix:         catalog.FixRollback,
	},
	check: each(ramUsers, func(u *collect.RAMUser, e *env) verdict {
		now := e.in.now()
		for _, k := range u.AccessKeys {
			switch {
			case !k.Active:
			case k.LastUsedDate.IsZero() && olderThan(k.CreateDate, now, ninetyDays):
				return failf("active access key %s was never used in %d days", k.ID, days(now.Sub(k.CreateDate))).evidence(k.Raw)
			case olderThan(k.LastUsedDate, now, ninetyDays):
				return failf("active access key %s was last used %d days ago", k.ID, days(now.Sub(k.LastUsedDate))).evidence(k.Raw)
			}
		}
		return pass("every active access key was used within 90 days")
	}),
})
