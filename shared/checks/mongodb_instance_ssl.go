package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "mongodb_instance_ssl",
		Title:        "SSL encryption is enabled for MongoDB instances",
		Product:      "mongodb",
		ResourceType: "ALIYUN::MONGODB::DBInstance",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.2.2 b)", "8.1.4.8 a)"),
		Description:  "Without SSL, documents and credentials cross the network in clear.",
		Remediation:  "Enable SSL (ModifyDBInstanceSSL SSLAction=Open).",
		Fix:          catalog.FixRollback,
	},
	check: each(mongoInstances, func(x *collect.MongoDBInstance, _ *env) verdict {
		return failIf(!x.SSLEnabled, "SSL is off", "SSL is on").evidence(x.SSLRaw)
	}),
})
