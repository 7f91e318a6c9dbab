package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_sg_egress_unrestricted",
		Title:        "Security groups restrict outbound traffic",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::SecurityGroup",
		Category:     catalog.Network,
		Severity:     catalog.Low,
		Frameworks:   mlps("8.1.3.1 a)"),
		Description: "A group with no outbound rules (a basic group's default is allow all) or an outbound rule to " +
			"0.0.0.0/0 on every port lets a compromised instance reach any command-and-control server or " +
			"exfiltrate data.",
		Remediation: "Add outbound rules for the destinations the workload needs and a low-priority drop rule for the rest.",
		Fix:         catalog.FixConsole,
	},
	check: each(securityGroups, func(g *collect.SecurityGroup, _ *env) verdict {
		egress := 0
		for i := range g.Rules {
			r := &g.Rules[i]
			if r.Direction != "egress" {
				continue
			}
			egress++
			if r.Policy == "accept" && (isAny(r.DestCIDR) || isAny(r.DestIPv6CIDR)) && allPorts(r) {
				return failf("outbound rule %s accepts every port to the internet", r.ID).evidence(r.Raw)
			}
		}
		if egress == 0 && g.Type != "enterprise" {
			return fail("no outbound rules: the basic security group allows all outbound traffic")
		}
		return pass("outbound traffic is restricted")
	}),
})
