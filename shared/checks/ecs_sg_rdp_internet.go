package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_sg_rdp_internet",
		Title:        "Security groups do not admit the internet (0.0.0.0/0 or ::/0) to RDP port 3389",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::SecurityGroup",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("4.4"), mlps("8.1.3.2 c)", "8.1.4.4 c)")),
		Description: "An ingress rule that accepts TCP port 3389 from 0.0.0.0/0 or ::/0 exposes Windows Remote " +
			"Desktop on every instance in the group to brute force and exploits from the whole internet.",
		Audit: "ECS console → Security Groups → each group → Inbound rules: no Allow rule with source 0.0.0.0/0 " +
			"or ::/0 whose port range covers 3389.",
		Remediation: "Replace the rule with one that admits only the administrators' addresses or a bastion host.",
		Fix:         catalog.FixRollback,
		Links:       []string{"https://www.alibabacloud.com/help/en/ecs/user-guide/security-group-rules"},
	},
	check: each(securityGroups, func(g *collect.SecurityGroup, _ *env) verdict {
		if r := openIngress(g, 3389); r != nil {
			return failf("rule %s admits the internet to port 3389", describeRule(r)).evidence(r.Raw)
		}
		return pass("no rule admits the internet to port 3389")
	}),
})
