package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_password_max_age_365",
		Title:        "The RAM password policy expires passwords in 365 days or more, or never (CIS v2.0.0)",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::PasswordPolicy",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cisV2("1.13"), mlps("8.1.4.1 a)")),
		Description:  "CIS v2.0.0 follows current guidance: frequent forced changes lead to predictable passwords, so expiry is 365 days or more (or off).",
		Remediation:  "Set the password validity period to 365 days or more, or 0 (SetPasswordPolicy MaxPasswordAge).",
		Fix:          catalog.FixRollback,
	},
	check: each(passwordPolicy, func(p *collect.RAMPasswordPolicy, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the password policy was not reported")
		}
		switch {
		case p.MaxAgeDays == 0:
			return pass("passwords never expire")
		case p.MaxAgeDays < 365:
			return failf("passwords expire after %d days, under 365: frequent forced changes breed weak passwords", p.MaxAgeDays)
		}
		return passf("passwords expire after %d days", p.MaxAgeDays)
	}),
})
