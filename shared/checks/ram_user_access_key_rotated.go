package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_user_access_key_rotated",
		Title:        "Active access keys of RAM users are rotated every 90 days or less",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::User",
		Category:     catalog.Identity,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("1.6"), mlps("8.1.4.1 a)")),
		Description:  "The older a key, the more places it has been copied to and the longer a leak stays useful.",
		Remediation: "Create a new key, move its users to it, then disable and delete the old one " +
			"(CreateAccessKey, UpdateAccessKey Inactive, DeleteAccessKey).",
		Fix: catalog.FixConsole,
	},
	check: each(ramUsers, func(u *collect.RAMUser, e *env) verdict {
		now := e.in.now()
		for _, k := range u.AccessKeys {
			if k.Active && olderThan(k.CreateDate, now, ninetyDays) {
				return failf("active access key %s was created %d days ago", k.ID, days(now.Sub(k.CreateDate))).evidence(k.Raw)
			}
		}
		return pass("no active access key is older than 90 days")
	}),
})
