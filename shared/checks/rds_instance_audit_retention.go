package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_audit_retention",
		Title:        "RDS SQL audit logs are kept for more than 6 months (180 days)",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.LogAudit,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("6.4"), mlps("8.1.4.3 c)", "8.1.5.4 d)")),
		Description:  "Investigations and the Cybersecurity Law need at least six months of audit records.",
		Remediation:  "Set the SQL audit retention to 180 days or more (ModifySQLCollectorRetention).",
		Fix:          catalog.FixRollback,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		switch {
		case !x.Audit.Enabled:
			return fail("SQL auditing is off")
		case x.Audit.RetentionDays < 180:
			return failf("SQL audit logs are kept %d days, under 180", x.Audit.RetentionDays)
		}
		return passf("SQL audit logs are kept %d days", x.Audit.RetentionDays)
	}),
})
