package checks

import (
	"bytes"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_role_cross_account_external_id",
		Title:        "RAM roles trusted by other accounts require an external ID",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::Role",
		Category:     catalog.Identity,
		Severity:     catalog.Medium,
		Frameworks:   mlps("8.1.4.2 a)"),
		Description: "A role another account may assume without an sts:ExternalId condition is open to the " +
			"confused-deputy attack: any customer of that vendor can point it at your account.",
		Remediation: "Add a StringEquals condition on sts:ExternalId with a secret agreed with the other account.",
		Fix:         catalog.FixConsole,
	},
	check: each(ramRoles, func(r *collect.RAMRole, e *env) verdict {
		if r.TrustPolicy == nil {
			return notEvaluated(ReasonError, "the trust policy could not be read: "+r.TrustPolicyError)
		}
		for _, s := range r.TrustPolicy.Statement {
			if !s.Allows() {
				continue
			}
			for _, acct := range trustedAccounts(s) {
				if acct != e.in.AccountID && !bytes.Contains(bytes.ToLower(s.Condition), []byte("sts:externalid")) {
					return failf("account %s may assume the role without an external ID", acct)
				}
			}
		}
		return pass("no other account may assume the role without an external ID")
	}),
})
