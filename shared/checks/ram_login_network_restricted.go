package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_login_network_restricted",
		Title:        "RAM user console logons are allowed only from the organization's networks",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::SecurityPreference",
		Category:     catalog.Identity,
		Severity:     catalog.Low,
		Frameworks:   mlps("8.1.4.4 c)"),
		Description:  "Without logon network masks, a stolen password works from anywhere in the world.",
		Remediation:  "Set the logon network masks to the offices' and VPN's egress CIDR blocks.",
		Fix:          catalog.FixRollback,
	},
	check: each(securityPreference, func(p *collect.RAMSecurityPreference, _ *env) verdict {
		if p.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the security preference was not reported")
		}
		if len(p.LoginNetworkMasks) == 0 {
			return fail("console logons are allowed from any address")
		}
		return passf("console logons are allowed from %s", strings.Join(p.LoginNetworkMasks, ", "))
	}),
})
