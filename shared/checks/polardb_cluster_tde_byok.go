package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "polardb_cluster_tde_byok",
		Title:        "PolarDB TDE uses a customer-managed key (BYOK)",
		Product:      "polardb",
		ResourceType: "ALIYUN::POLARDB::DBCluster",
		Category:     catalog.Data,
		Severity:     catalog.Low,
		Free:         false,
		Frameworks:   mlps("8.2.4.5 d)"),
		Description:  "With the service key, the customer cannot revoke or audit use of the key protecting the data.",
		Remediation:  "Enable TDE with a customer master key (ModifyDBClusterTDE EncryptionKey, RoleArn).",
		Fix:          catalog.FixOnly,
	},
	check: each(polarClusters, func(x *collect.PolarDBCluster, _ *env) verdict {
		switch {
		case !x.TDEEnabled:
			return fail("TDE is off").evidence(x.TDERaw)
		case x.TDEKeyID == "":
			return fail("TDE uses the service key").evidence(x.TDERaw)
		}
		return passf("TDE uses KMS key %s", x.TDEKeyID).evidence(x.TDERaw)
	}),
})
