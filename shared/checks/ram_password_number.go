package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_password_number",
		Title:        "The RAM password policy requires at least one number",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::PasswordPolicy",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("1.10"), mlps("8.1.4.1 a)")),
		Description:  "Passwords without character-class rules are short dictionary words that fall to guessing.",
		Remediation:  "Require numbers in the password policy (SetPasswordPolicy RequireNumbers=true).",
		Fix:          catalog.FixRollback,
	},
	check: each(passwordPolicy, func(p *collect.RAMPasswordPolicy, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the password policy was not reported")
		}
		return failIf(!p.RequireNumbers, "passwords need no digit", "passwords need a digit")
	}),
})
