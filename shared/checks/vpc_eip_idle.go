package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "vpc_eip_idle",
		Title:        "Elastic IP addresses are bound to a resource",
		Product:      "vpc",
		ResourceType: "ALIYUN::VPC::EIP",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.4.2 c)"),
		Description: "An allocated but unbound EIP is forgotten inventory: it is billed, and when bound later " +
			"by mistake it exposes whatever it lands on.",
		Remediation: "Release EIPs nothing uses (ReleaseEipAddress).",
		Fix:         catalog.FixOnly,
	},
	check: each(eips, func(x *collect.EIP, _ *env) verdict {
		if x.InstanceID == "" {
			return failf("EIP %s is not bound to any resource (status %s)", x.IP, x.Status)
		}
		return pass("the EIP is bound to a resource")
	}),
})
