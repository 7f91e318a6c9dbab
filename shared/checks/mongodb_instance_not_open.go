package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "mongodb_instance_not_open",
		Title:        "MongoDB instance whitelists do not admit the whole internet",
		Product:      "mongodb",
		ResourceType: "ALIYUN::MONGODB::DBInstance",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 c)", "8.1.4.4 c)"),
		Description:  "MongoDB reachable from any address is scanned and ransomed within hours.",
		Remediation:  "Replace 0.0.0.0/0 in the whitelist with the application's private CIDR blocks (ModifySecurityIps).",
		Fix:          catalog.FixRollback,
	},
	check: each(mongoInstances, func(x *collect.MongoDBInstance, _ *env) verdict {
		return whitelistVerdict(x.Whitelists)
	}),
})
