package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_root_mfa",
		Title:        "MFA is enabled for the root account",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::Account",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("1.3"), mlps("8.1.4.1 d)")),
		Description:  "Without MFA, the root account falls to a single phished or reused password.",
		Remediation:  "Bind a virtual MFA device or security key to the root account (Security Settings → MFA).",
		Fix:          catalog.FixConsole,
	},
	check: each(rootAccount, func(r *collect.RAMRoot, _ *env) verdict {
		if r.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the account security summary was not reported")
		}
		return failIf(!r.MFABound, "no MFA device guards the root account", "an MFA device guards the root account")
	}),
})
