package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "polardb_cluster_tde",
		Title:        "Transparent data encryption (TDE) is enabled on PolarDB clusters",
		Product:      "polardb",
		ResourceType: "ALIYUN::POLARDB::DBCluster",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.4.8 b)"),
		Description:  "Without TDE, data files and backups hold the data in clear.",
		Remediation:  "Enable TDE (ModifyDBClusterTDE TDEStatus=Enable).",
		Fix:          catalog.FixOnly,
	},
	check: each(polarClusters, func(x *collect.PolarDBCluster, _ *env) verdict {
		return failIf(!x.TDEEnabled, "TDE is off", "TDE is on").evidence(x.TDERaw)
	}),
})
