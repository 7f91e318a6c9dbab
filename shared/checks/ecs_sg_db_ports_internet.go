package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// dbPorts are database listeners that never belong on the internet: MySQL,
// SQL Server, Oracle, PostgreSQL, Redis, MongoDB.
var dbPorts = []int{3306, 1433, 1521, 5432, 6379, 27017}

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_sg_db_ports_internet",
		Title:        "Security groups do not admit the internet to database ports (3306, 1433, 1521, 5432, 6379, 27017)",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::SecurityGroup",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 c)", "8.1.4.4 b)"),
		Description: "Self-managed databases reachable from 0.0.0.0/0 or ::/0 are found by scanners within minutes " +
			"and attacked with default credentials and known exploits.",
		Remediation: "Admit database ports only from the application tier's security group or private CIDR.",
		Fix:         catalog.FixRollback,
	},
	check: each(securityGroups, func(g *collect.SecurityGroup, _ *env) verdict {
		if port, r := openPorts(g, dbPorts); r != nil {
			return failf("rule %s admits the internet to database port %d", describeRule(r), port).evidence(r.Raw)
		}
		return pass("no rule admits the internet to a database port")
	}),
})
