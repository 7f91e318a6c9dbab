package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "rds_instance_tde_byok",
		Title:        "RDS TDE uses a customer-managed key (BYOK)",
		Product:      "rds",
		ResourceType: "ALIYUN::RDS::DBInstance",
		Category:     catalog.Data,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("6.6"), mlps("8.2.4.5 d)")),
		Description:  "With the service key, the customer cannot revoke or audit use of the key protecting the data.",
		Remediation:  "Enable TDE with a customer master key from KMS (ModifyDBInstanceTDE EncryptionKey, RoleArn).",
		Fix:          catalog.FixOnly,
	},
	check: each(rdsInstances, func(x *collect.RDSInstance, _ *env) verdict {
		switch {
		case !x.TDE.Enabled:
			return fail("TDE is off").evidence(x.TDE.Raw)
		case !strings.Contains(strings.ToUpper(x.TDE.Mode), "BYOK"):
			return failf("TDE uses the service key (mode %q)", x.TDE.Mode).evidence(x.TDE.Raw)
		}
		return pass("TDE uses a customer-managed key").evidence(x.TDE.Raw)
	}),
})
