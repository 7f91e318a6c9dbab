package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_password_login_attempts",
		Title:        "The RAM password policy blocks logon after at most 5 wrong passwords within an hour",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::PasswordPolicy",
		Category:     catalog.Identity,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("1.14"), mlps("8.1.4.1 b)")),
		Description:  "Without a lockout threshold, passwords can be guessed online without limit.",
		Remediation:  "Set the maximum password retries to 5 or fewer (SetPasswordPolicy MaxLoginAttemps=5).",
		Fix:          catalog.FixRollback,
	},
	check: each(passwordPolicy, func(p *collect.RAMPasswordPolicy, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the password policy was not reported")
		}
		switch {
		case p.MaxLoginAttempts == 0:
			return fail("wrong passwords never block logon")
		case p.MaxLoginAttempts > 5:
			return failf("logon is blocked only after %d wrong passwords, more than 5", p.MaxLoginAttempts)
		}
		return passf("logon is blocked after %d wrong passwords", p.MaxLoginAttempts)
	}),
})
