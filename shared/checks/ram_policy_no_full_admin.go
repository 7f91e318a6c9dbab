package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_policy_no_full_admin",
		Title:        "No custom RAM policy allows full \"*:*\" administrative privileges",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::Policy",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("1.15"), mlps("8.1.4.2 d)")),
		Description: "A custom policy with Effect Allow, Action * and Resource * is administrator access under " +
			"another name, easy to attach without review.",
		Remediation: "Replace the statement with the actions and resources the holders need; use the system " +
			"AdministratorAccess for the few who truly need it.",
		Fix: catalog.FixConsole,
	},
	check: each(ramPolicies, func(p *collect.RAMPolicy, _ *env) verdict {
		switch {
		case p.Type != "Custom":
			return pass("a system policy, not created in the account")
		case p.Document == nil:
			return notEvaluated(ReasonError, "the policy document could not be read: "+p.DocumentError)
		case p.Document.FullAdmin():
			return fail("a statement allows every action on every resource")
		}
		return pass("no statement allows every action on every resource")
	}),
})
