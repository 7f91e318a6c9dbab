package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "redis_instance_vpc",
		Title:        "Redis (Tair) instances run in a VPC, not the classic network",
		Product:      "redis",
		ResourceType: "ALIYUN::REDIS::Instance",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.2.3.1 a)"),
		Description:  "Classic-network instances cannot be isolated by VPC.",
		Remediation:  "Switch the instance to a VPC (SwitchNetwork).",
		Fix:          catalog.FixConsole,
	},
	check: each(redisInstances, func(x *collect.RedisInstance, _ *env) verdict {
		if !strings.EqualFold(x.NetworkType, "VPC") {
			return failf("the instance runs in the %s network", x.NetworkType)
		}
		return passf("the instance runs in VPC %s", x.VPCID)
	}),
})
