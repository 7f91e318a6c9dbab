package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "polardb_cluster_ssl",
		Title:        "SSL encryption is enabled on PolarDB cluster endpoints",
		Product:      "polardb",
		ResourceType: "ALIYUN::POLARDB::DBCluster",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.2.2 b)", "8.1.4.8 a)"),
		Description:  "Without SSL, queries and results cross the network in clear.",
		Remediation:  "Enable SSL on the cluster endpoints (ModifyDBClusterSSL SSLEnabled=Enable).",
		Fix:          catalog.FixRollback,
	},
	check: each(polarClusters, func(x *collect.PolarDBCluster, _ *env) verdict {
		for _, s := range x.SSL {
			if !s.Enabled {
				return failf("SSL is off on endpoint %s", s.EndpointID).evidence(x.SSLRaw)
			}
		}
		if !x.SSLEnabled && len(x.SSL) == 0 {
			return fail("SSL is off").evidence(x.SSLRaw)
		}
		return pass("SSL is on").evidence(x.SSLRaw)
	}),
})
