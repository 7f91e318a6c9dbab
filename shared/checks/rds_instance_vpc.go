package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_vpc",
		Title:        "RDS instances run in a VPC, not the classic network",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.2.3.1 a)"),
		Description:  "Classic-network database instances cannot be isolated by VPC.",
		Remediation:  "Switch the instance to a VPC (SwitchDBInstanceVpc).",
		Fix:          catalog.FixConsole,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		if x.NetworkType == "Classic" {
			return fail("the instance runs in the classic network")
		}
		return passf("the instance runs in VPC %s", x.VPCID)
	}),
})
