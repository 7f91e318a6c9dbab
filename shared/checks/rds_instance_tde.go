package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_tde",
		Title:        "Transparent data encryption (TDE) is enabled on RDS instances",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("6.5"), mlps("8.1.4.8 b)")),
		Description:  "Without TDE, data files and backups hold the data in clear.",
		Remediation:  "Enable TDE (ModifyDBInstanceTDE) and encrypt the sensitive tables.",
		Fix:          catalog.FixOnly,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		return failIf(!x.TDE.Enabled, "TDE is off", "TDE is on").evidence(x.TDE.Raw)
	}),
})
