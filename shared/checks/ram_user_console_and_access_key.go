package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_user_console_and_access_key",
		Title:        "RAM users are either people (console) or programs (access keys), not both",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::User",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Frameworks:   mlps("8.1.4.2 d)"),
		Description: "A user with both a console password and an active access key mixes a person's identity " +
			"with a program's, so neither can be restricted or audited on its own.",
		Remediation: "Split the user: keep console access for the person and create a separate user or role for the program.",
		Fix:         catalog.FixConsole,
	},
	check: each(ramUsers, func(u *collect.RAMUser, _ *env) verdict {
		if !u.ConsoleAccess() {
			return pass("no console password")
		}
		for _, k := range u.AccessKeys {
			if k.Active {
				return failf("the console user also has active access key %s", k.ID)
			}
		}
		return pass("the console user has no active access key")
	}),
})
