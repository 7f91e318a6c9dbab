package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_default_vpc",
		Title:        "ECS instances do not run in the region's default VPC",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Network,
		Severity:     catalog.Low,
		Frameworks:   mlps("8.2.3.1 a)"),
		Description: "The default VPC is created with broad defaults and tends to collect unrelated workloads that " +
			"then share one network.",
		Remediation: "Run workloads in VPCs planned for them, one per environment or tier.",
		Fix:         catalog.FixConsole,
	},
	check: each(instances, func(x *collect.Instance, e *env) verdict {
		if v := e.vpc(x.VPCID); v != nil && v.IsDefault {
			return failf("the instance runs in the default VPC %s", v.ID)
		}
		return pass("the instance does not run in a default VPC")
	}).also("vpc"),
})
