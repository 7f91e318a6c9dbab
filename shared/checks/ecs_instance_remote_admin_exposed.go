package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_remote_admin_exposed",
		Title:        "Internet-facing ECS instances do not expose SSH or RDP to the whole internet",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.4.4 c)", "8.1.4.1 c)"),
		Description: "An instance with a public IP or EIP whose security groups admit 0.0.0.0/0 or ::/0 to port " +
			"22 or 3389 is reachable for remote administration by anyone: the exposure that ends in most " +
			"compromised hosts.",
		Remediation: "Close 22/3389 to the internet in the instance's security groups; administer through a " +
			"bastion host or Cloud Assistant session manager.",
		Fix: catalog.FixRollback,
	},
	check: each(instances, func(x *collect.Instance, e *env) verdict {
		if !x.Public() {
			return pass("the instance has no public address")
		}
		for _, id := range x.SecurityGroupIDs {
			g := e.group(id)
			if g == nil {
				continue
			}
			if port, r := openPorts(g, []int{22, 3389}); r != nil {
				return failf("public instance: security group %s rule %s admits the internet to port %d",
					g.ID, describeRule(r), port)
			}
		}
		return pass("no security group of the public instance admits the internet to 22 or 3389")
	}),
})
