package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_mfa_required_for_login",
		Title:        "The account requires MFA for every RAM user console logon",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::SecurityPreference",
		Category:     catalog.Identity,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.4.1 d)"),
		Description: "Left to each user (independent) or to risk detection (adaptive), MFA protects only the " +
			"users who opted in.",
		Remediation: "RAM console → Settings → Security Settings → MFA for logon: required for all users " +
			"(SetSecurityPreference MFAOperationForLogin=mandatory).",
		Fix: catalog.FixRollback,
	},
	check: each(securityPreference, func(p *collect.RAMSecurityPreference, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the security preference was not reported")
		}
		if p.MFAOperationForLogin == "mandatory" || p.EnforceMFAForLogin {
			return pass("MFA is required for every console logon")
		}
		return failf("MFA for logon is %q: users without a device log on with a password alone", p.MFAOperationForLogin)
	}),
})
