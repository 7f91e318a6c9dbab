package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_user_admin_privileges",
		Title:        "RAM users do not hold full administrative privileges, directly or through a group",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::User",
		Category:     catalog.Identity,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.4.2 d)"),
		Description: "Every user with AdministratorAccess (or a policy allowing * on *) is another root " +
			"account; their keys and passwords are the account's weakest link.",
		Remediation: "Grant the user the product-level policies the job needs; keep administration to a " +
			"break-glass role assumed with MFA.",
		Fix: catalog.FixConsole,
	},
	check: each(ramUsers, func(u *collect.RAMUser, e *env) verdict {
		for _, p := range u.Policies {
			if e.adminPolicy(p) {
				return failf("policy %s, attached to the user, grants full administrative access", p.Name)
			}
		}
		for _, gn := range u.Groups {
			g := e.ramGroup(gn)
			if g == nil {
				continue
			}
			for _, p := range g.Policies {
				if e.adminPolicy(p) {
					return failf("policy %s of group %s grants the user full administrative access", p.Name, g.Name)
				}
			}
		}
		return pass("no policy of the user or its groups grants full administrative access")
	}),
})
