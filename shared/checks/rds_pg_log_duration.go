package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_pg_log_duration",
		Title:        "The PostgreSQL parameter 'log_duration' is on for RDS instances",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.LogAudit,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("6.9"), mlps("8.1.4.3 a)")),
		Description:  "With log_duration off, PostgreSQL does not log the duration of every completed statement, leaving gaps in the audit trail.",
		Remediation:  "Set log_duration to on in the instance's parameters (ModifyParameter).",
		Fix:          catalog.FixRollback,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		if !x.IsPostgreSQL() {
			return pass("not a PostgreSQL instance")
		}
		v, ok := x.Parameter("log_duration")
		switch {
		case !ok:
			return fail("log_duration is not set (default off)").evidence(x.ParametersRaw)
		case !on(v):
			return failf("log_duration is %q", v).evidence(x.ParametersRaw)
		}
		return pass("log_duration is on").evidence(x.ParametersRaw)
	}),
})
