package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_password_uppercase",
		Title:        "The RAM password policy requires at least one uppercase letter",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::PasswordPolicy",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("1.7"), mlps("8.1.4.1 a)")),
		Description:  "Passwords without character-class rules are short dictionary words that fall to guessing.",
		Remediation:  "RAM console → Settings → Security Settings → Password strength: require uppercase letters (SetPasswordPolicy RequireUppercaseCharacters=true).",
		Fix:          catalog.FixRollback,
	},
	check: each(passwordPolicy, func(p *collect.RAMPasswordPolicy, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the password policy was not reported")
		}
		return failIf(!p.RequireUppercase, "passwords need no uppercase letter", "passwords need an uppercase letter")
	}),
})
