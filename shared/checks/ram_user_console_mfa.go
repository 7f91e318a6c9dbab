package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_user_console_mfa",
		Title:        "RAM users with a console password have MFA enabled",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::User",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("1.4"), mlps("8.1.4.1 d)")),
		Description:  "A console user without MFA is taken over with the password alone.",
		Remediation: "Bind an MFA device to the user (RAM console → Users → Authentication → MFA), or require " +
			"MFA for every console logon in the security settings.",
		Fix: catalog.FixConsole,
	},
	check: each(ramUsers, func(u *collect.RAMUser, _ *env) verdict {
		switch {
		case !u.ConsoleAccess():
			return pass("no console password")
		case u.MFADevice == nil:
			return fail("the user logs on to the console without MFA")
		}
		return passf("MFA device %s (%s)", u.MFADevice.SerialNumber, u.MFADevice.Type)
	}),
})
