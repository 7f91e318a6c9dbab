package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "redis_instance_ssl",
		Title:        "SSL encryption is enabled for Redis (Tair) instances",
		Product:      "redis",
		ResourceType: "ALIYUN::REDIS::Instance",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.2.2 b)", "8.1.4.8 a)"),
		Description:  "Without SSL, cached data and the instance password cross the network in clear.",
		Remediation:  "Enable SSL (ModifyInstanceSSL SSLEnabled=Enable).",
		Fix:          catalog.FixRollback,
	},
	check: each(redisInstances, func(x *collect.RedisInstance, _ *env) verdict {
		return failIf(!x.SSLEnabled, "SSL is off", "SSL is on").evidence(x.SSLRaw)
	}),
})
