package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_role_trust_any",
		Title:        "RAM roles do not trust every account (\"*\" principal)",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::Role",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.4.2 a)", "8.1.4.2 d)"),
		Description:  "A trust policy whose principal is * lets any Alibaba Cloud account assume the role.",
		Remediation:  "Name the exact accounts, roles or services that may assume the role in its trust policy.",
		Fix:          catalog.FixConsole,
	},
	check: each(ramRoles, func(r *collect.RAMRole, _ *env) verdict {
		if r.TrustPolicy == nil {
			return notEvaluated(ReasonError, "the trust policy could not be read: "+r.TrustPolicyError)
		}
		for _, s := range r.TrustPolicy.Statement {
			if s.Allows() && trustsAnyone(s) {
				return fail("the trust policy allows any principal to assume the role")
			}
		}
		return pass("the trust policy names its principals")
	}),
})
