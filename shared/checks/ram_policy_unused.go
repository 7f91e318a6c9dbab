package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_policy_unused",
		Title:        "Custom RAM policies are attached to someone or deleted",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::Policy",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Frameworks:   mlps("8.1.4.2 c)"),
		Description:  "Unattached custom policies are stale grants waiting to be reattached without review.",
		Remediation:  "Delete custom policies nothing uses (DeletePolicy).",
		Fix:          catalog.FixOnly,
	},
	check: each(ramPolicies, func(p *collect.RAMPolicy, _ *env) verdict {
		if p.Type != "Custom" {
			return pass("a system policy")
		}
		if p.AttachmentCount == 0 && len(p.Users)+len(p.Groups)+len(p.Roles) == 0 {
			return fail("the custom policy is attached to no user, group or role")
		}
		return pass("the custom policy is attached")
	}),
})
