package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "kms_key_deletion_protection",
		Title:        "Deletion protection is on for enabled KMS keys",
		Product:      "kms",
		ResourceType: "ALIYUN::KMS::Key",
		Category:     catalog.Data,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.4.9 a)"),
		Description:  "Deleting a key destroys every piece of data encrypted under it.",
		Remediation:  "Enable deletion protection (SetDeletionProtection EnableDeletionProtection=true).",
		Fix:          catalog.FixRollback,
	},
	check: each(kmsKeys, func(x *collect.KMSKey, e *env) verdict {
		if x.State != "Enabled" {
			return passf("the key is %s", x.State)
		}
		return failIf(!x.DeletionProtection, "deletion protection is off", "deletion protection is on")
	}),
})
