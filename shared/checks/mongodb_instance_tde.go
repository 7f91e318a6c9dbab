package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "mongodb_instance_tde",
		Title:        "Transparent data encryption (TDE) is enabled for MongoDB instances",
		Product:      "mongodb",
		ResourceType: "ALIYUN::MONGODB::DBInstance",
		Category:     catalog.Data,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.4.8 b)"),
		Description:  "Without TDE, data files and backups are stored in clear.",
		Remediation:  "Enable TDE (ModifyDBInstanceTDE TDEStatus=enabled).",
		Fix:          catalog.FixOnly,
	},
	check: each(mongoInstances, func(x *collect.MongoDBInstance, _ *env) verdict {
		return failIf(!x.TDEEnabled, "TDE is off", "TDE is on").evidence(x.TDERaw)
	}),
})
