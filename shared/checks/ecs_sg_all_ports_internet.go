package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_sg_all_ports_internet",
		Title:        "Security groups do not admit the internet to every port",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::SecurityGroup",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 a)", "8.1.3.2 c)", "8.2.4.2 b)"),
		Description: "A rule accepting all protocols, -1/-1 or 1/65535 from 0.0.0.0/0 or ::/0 turns the security " +
			"group off: every listening service of every member instance is on the internet.",
		Remediation: "Delete the rule and admit only the ports the workload serves.",
		Fix:         catalog.FixRollback,
	},
	check: each(securityGroups, func(g *collect.SecurityGroup, _ *env) verdict {
		for i := range g.Rules {
			r := &g.Rules[i]
			if r.Direction == "ingress" && r.Policy == "accept" && anywhere(r) && allPorts(r) && !droppedBefore(g, r, 1, "tcp") {
				return failf("rule %s admits the internet to every port", describeRule(r)).evidence(r.Raw)
			}
		}
		return pass("no rule admits the internet to every port")
	}),
})
