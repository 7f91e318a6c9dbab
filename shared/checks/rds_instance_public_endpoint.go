package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_public_endpoint",
		Title:        "RDS instances have no public (internet) endpoint",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.3.1 a)"),
		Description:  "A public endpoint puts the database port on the internet, protected only by the whitelist.",
		Remediation:  "Release the public endpoint (ReleaseInstancePublicConnection) and connect from the VPC.",
		Fix:          catalog.FixOnly,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		if x.NetType == "Internet" {
			return failf("the instance has a public endpoint %s", x.ConnectionString)
		}
		return pass("no public endpoint")
	}),
})
