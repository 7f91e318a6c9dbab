package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_pg_log_connections",
		Title:        "The PostgreSQL parameter 'log_connections' is on for RDS instances",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.LogAudit,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("6.7"), mlps("8.1.4.3 a)")),
		Description:  "With log_connections off, PostgreSQL does not log connection attempts, leaving gaps in the audit trail.",
		Remediation:  "Set log_connections to on in the instance's parameters (ModifyParameter).",
		Fix:          catalog.FixRollback,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		if !x.IsPostgreSQL() {
			return pass("not a PostgreSQL instance")
		}
		v, ok := x.Parameter("log_connections")
		switch {
		case !ok:
			return fail("log_connections is not set (default off)").evidence(x.ParametersRaw)
		case !on(v):
			return failf("log_connections is %q", v).evidence(x.ParametersRaw)
		}
		return pass("log_connections is on").evidence(x.ParametersRaw)
	}),
})
