package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_high_availability",
		Title:        "RDS instances use a high-availability edition, not Basic",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         false,
		Frameworks:   mlps("8.1.4.9 a)"),
		Description:  "A Basic-edition instance has a single node: a host failure stops the database until it is rebuilt.",
		Remediation:  "Upgrade the instance to the High-availability edition.",
		Fix:          catalog.FixConsole,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		if x.Category == "Basic" {
			return fail("the instance is a single-node Basic edition")
		}
		return passf("the instance is %s", x.Category)
	}),
})
