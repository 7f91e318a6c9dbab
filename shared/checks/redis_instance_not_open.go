package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "redis_instance_not_open",
		Title:        "Redis (Tair) instance whitelists do not admit the whole internet",
		Product:      "redis",
		ResourceType: "ALIYUN::REDIS::Instance",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 c)", "8.1.4.4 c)"),
		Description:  "Redis reachable from any address is a favourite target: weak passwords are guessed and instances turned into miners.",
		Remediation:  "Replace 0.0.0.0/0 in the whitelist with the application's private CIDR blocks (ModifySecurityIps).",
		Fix:          catalog.FixRollback,
	},
	check: each(redisInstances, func(x *collect.RedisInstance, _ *env) verdict {
		return whitelistVerdict(x.Whitelists)
	}),
})
