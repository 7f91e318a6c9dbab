package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_deletion_protection",
		Title:        "Deletion protection is on for RDS instances",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         false,
		Frameworks:   mlps("8.1.4.9 a)"),
		Description:  "Without deletion protection one API call or console slip destroys the instance.",
		Remediation:  "Enable deletion protection (ModifyDBInstanceDeletionProtection).",
		Fix:          catalog.FixRollback,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		return failIf(!x.DeletionProtection, "deletion protection is off", "deletion protection is on")
	}),
})
