package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_password_symbol",
		Title:        "The RAM password policy requires at least one symbol",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::PasswordPolicy",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("1.9"), mlps("8.1.4.1 a)")),
		Description:  "Passwords without character-class rules are short dictionary words that fall to guessing.",
		Remediation:  "Require symbols in the password policy (SetPasswordPolicy RequireSymbols=true).",
		Fix:          catalog.FixRollback,
	},
	check: each(passwordPolicy, func(p *collect.RAMPasswordPolicy, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the password policy was not reported")
		}
		return failIf(!p.RequireSymbols, "passwords need no symbol", "passwords need a symbol")
	}),
})
