package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_user_no_direct_policies",
		Title:        "RAM policies are attached only to groups or roles, not directly to users",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::User",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("1.16"), mlps("8.1.4.2 a)")),
		Description: "Permissions attached user by user drift apart and are hard to review; groups make the " +
			"grant follow the job, not the person.",
		Remediation: "Move the user into a group that carries the policy, then detach the policy from the user.",
		Fix:         catalog.FixConsole,
	},
	check: each(ramUsers, func(u *collect.RAMUser, _ *env) verdict {
		if len(u.Policies) == 0 {
			return pass("no policy is attached to the user directly")
		}
		names := make([]string, len(u.Policies))
		for i, p := range u.Policies {
			names[i] = p.Name
		}
		return failf("policies attached directly: %s", strings.Join(names, ", "))
	}),
})
