package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_not_open",
		Title:        "RDS instance whitelists do not admit the whole internet (0.0.0.0/0)",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("6.2"), mlps("8.1.3.2 c)", "8.1.4.4 c)")),
		Description:  "A whitelist entry of 0.0.0.0/0 lets any address reach the database port and try credentials.",
		Remediation:  "Replace the entry with the application's private CIDR blocks (ModifySecurityIps).",
		Fix:          catalog.FixRollback,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		return whitelistVerdict(x.Whitelists)
	}),
})
