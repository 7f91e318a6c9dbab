package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_ssl",
		Title:        "RDS instances require SSL for incoming connections",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("6.1"), mlps("8.1.2.2 b)", "8.1.4.8 a)")),
		Description:  "Without SSL, database credentials and query results cross the network in clear.",
		Remediation:  "Enable SSL on the instance's endpoint (ModifyDBInstanceSSL) and force encrypted connections.",
		Fix:          catalog.FixRollback,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		if !x.SSL.Enabled {
			return fail("SSL is off").evidence(x.SSL.Raw)
		}
		return passf("SSL is on (%s)", x.SSL.TLSVersion).evidence(x.SSL.Raw)
	}),
})
