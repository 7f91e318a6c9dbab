package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_password_reuse",
		Title:        "The RAM password policy prevents reusing the last 5 passwords",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::PasswordPolicy",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("1.12"), mlps("8.1.4.1 a)")),
		Description:  "Users forced to change a password fall back to a previous one, undoing the change.",
		Remediation:  "Set password history to 5 or more (SetPasswordPolicy PasswordReusePrevention=5).",
		Fix:          catalog.FixRollback,
	},
	check: each(passwordPolicy, func(p *collect.RAMPasswordPolicy, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the password policy was not reported")
		}
		if p.ReusePrevention < 5 {
			return failf("only the last %d password(s) may not be reused; want 5 or more", p.ReusePrevention)
		}
		return passf("the last %d passwords may not be reused", p.ReusePrevention)
	}),
})
