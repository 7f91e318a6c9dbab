package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_user_multiple_access_keys",
		Title:        "RAM users have at most one active access key",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::User",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.4.2 c)"),
		Description:  "Two active keys outside a rotation window usually mean one of them is forgotten somewhere.",
		Remediation:  "Finish the rotation: disable and delete the older key.",
		Fix:          catalog.FixConsole,
	},
	check: each(ramUsers, func(u *collect.RAMUser, _ *env) verdict {
		n := 0
		for _, k := range u.AccessKeys {
			if k.Active {
				n++
			}
		}
		if n > 1 {
			return failf("the user has %d active access keys", n)
		}
		return passf("the user has %d active access key(s)", n)
	}),
})
