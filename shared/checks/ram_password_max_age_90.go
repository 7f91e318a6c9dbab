package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_password_max_age_90",
		Title:        "The RAM password policy expires passwords within 90 days or less (CIS v1.0.0)",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::PasswordPolicy",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cisV1("1.13"), mlps("8.1.4.1 a)")),
		Description:  "CIS v1.0.0 and MLPS 2.0 ask for periodic password changes: passwords expire within 90 days.",
		Remediation:  "Set the password validity period to 90 days or less (SetPasswordPolicy MaxPasswordAge=90).",
		Fix:          catalog.FixRollback,
	},
	check: each(passwordPolicy, func(p *collect.RAMPasswordPolicy, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the password policy was not reported")
		}
		switch {
		case p.MaxAgeDays == 0:
			return fail("passwords never expire")
		case p.MaxAgeDays > 90:
			return failf("passwords expire after %d days, over 90", p.MaxAgeDays)
		}
		return passf("passwords expire after %d days", p.MaxAgeDays)
	}),
})
