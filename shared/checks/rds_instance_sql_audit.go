package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_sql_audit",
		Title:        "SQL auditing (SQL Explorer) is on for RDS instances",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("6.3"), mlps("8.1.4.3 a)")),
		Description:  "Without SQL audit there is no record of who ran which statement against the data.",
		Remediation:  "Enable SQL Explorer and Audit (ModifySQLCollectorPolicy SQLCollectorStatus=Enable).",
		Fix:          catalog.FixRollback,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		return failIf(!x.Audit.Enabled, "SQL auditing is off", "SQL auditing is on")
	}),
})
