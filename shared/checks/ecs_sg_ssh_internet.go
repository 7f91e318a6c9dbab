package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_sg_ssh_internet",
		Title:        "Security groups do not admit the internet (0.0.0.0/0 or ::/0) to SSH port 22",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::SecurityGroup",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("3.2", "4.3"), mlps("8.1.3.2 c)", "8.1.4.4 c)")),
		Description: "An ingress rule that accepts TCP port 22 from 0.0.0.0/0 or ::/0 exposes SSH on every instance " +
			"in the group to password guessing and exploits from the whole internet.",
		Audit: "ECS console → Network and Security → Security Groups → each group → Inbound rules: no Allow rule " +
			"with source 0.0.0.0/0 or ::/0 whose port range covers 22 (22/22, 1/65535, -1/-1, or protocol All).",
		Remediation: "Replace the rule with one that admits only the administrators' addresses or a bastion host " +
			"(RevokeSecurityGroup, then AuthorizeSecurityGroup with a narrow SourceCidrIp).",
		Fix:   catalog.FixRollback,
		Links: []string{"https://www.alibabacloud.com/help/en/ecs/user-guide/security-group-rules"},
	},
	check: each(securityGroups, func(g *collect.SecurityGroup, _ *env) verdict {
		if r := openIngress(g, 22); r != nil {
			return failf("rule %s admits the internet to port 22", describeRule(r)).evidence(r.Raw)
		}
		return pass("no rule admits the internet to port 22")
	}),
})
