package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_no_classic_network",
		Title:        "ECS instances run in a VPC, not the legacy classic network",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("3.1"), mlps("8.2.3.1 a)")),
		Description: "Classic-network instances share a flat network with other tenants' instances and cannot use " +
			"VPC isolation, flow logs or route control.",
		Remediation: "Migrate the instance to a VPC (ECS console → Instance → Migrate from classic network to VPC).",
		Fix:         catalog.FixConsole,
	},
	check: each(instances, func(x *collect.Instance, _ *env) verdict {
		if x.VPCID == "" {
			return fail("the instance has no VPC: it runs in the classic network")
		}
		return pass("the instance runs in a VPC")
	}),
})
