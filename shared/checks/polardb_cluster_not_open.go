package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "polardb_cluster_not_open",
		Title:        "PolarDB cluster whitelists do not admit the whole internet",
		Product:      "polardb",
		ResourceType: "ALIYUN::POLARDB::DBCluster",
		Category:     catalog.Network,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 c)", "8.1.4.4 c)"),
		Description:  "A whitelist entry of 0.0.0.0/0 lets any address reach the cluster endpoints and try credentials.",
		Remediation:  "Replace the entry with the application's private CIDR blocks (ModifyDBClusterAccessWhitelist).",
		Fix:          catalog.FixRollback,
	},
	check: each(polarClusters, func(x *collect.PolarDBCluster, _ *env) verdict {
		return whitelistVerdict(x.Whitelists)
	}),
})
