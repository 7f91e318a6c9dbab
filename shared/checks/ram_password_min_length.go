package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_password_min_length",
		Title:        "The RAM password policy requires a minimum length of 14 or more",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::PasswordPolicy",
		Category:     catalog.Identity,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("1.11"), mlps("8.1.4.1 a)")),
		Description:  "Length is what makes a password resist offline and online guessing.",
		Remediation:  "Set the minimum password length to 14 or more (SetPasswordPolicy MinimumPasswordLength=14).",
		Fix:          catalog.FixRollback,
	},
	check: each(passwordPolicy, func(p *collect.RAMPasswordPolicy, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the password policy was not reported")
		}
		if p.MinimumLength < 14 {
			return failf("the minimum password length is %d, below 14", p.MinimumLength)
		}
		return passf("the minimum password length is %d", p.MinimumLength)
	}),
})
