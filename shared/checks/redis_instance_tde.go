package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "redis_instance_tde",
		Title:        "Transparent data encryption (TDE) is enabled for Redis (Tair) instances",
		Product:      "redis",
		ResourceType: "ALIYUN::REDIS::Instance",
		Category:     catalog.Data,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.4.8 b)"),
		Description:  "Without TDE, persisted data and backups are stored in clear.",
		Remediation:  "Enable TDE (ModifyInstanceTDE TDEStatus=Enabled).",
		Fix:          catalog.FixOnly,
	},
	check: each(redisInstances, func(x *collect.RedisInstance, _ *env) verdict {
		return failIf(!x.TDEEnabled, "TDE is off", "TDE is on").evidence(x.TDERaw)
	}),
})
