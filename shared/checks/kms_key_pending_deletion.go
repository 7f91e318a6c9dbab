package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "kms_key_pending_deletion",
		Title:        "No KMS key is pending deletion unnoticed",
		Product:      "kms",
		ResourceType: "ALIYUN::KMS::Key",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.4.9 a)"),
		Description:  "When a key's deletion window ends, everything encrypted with it is lost for good; scheduled deletions should be deliberate.",
		Remediation:  "Cancel the deletion if the key is still needed (CancelKeyDeletion).",
		Fix:          catalog.FixRollback,
	},
	check: each(kmsKeys, func(x *collect.KMSKey, e *env) verdict {
		if x.State == "PendingDeletion" {
			return fail("the key is scheduled for deletion")
		}
		return passf("the key is %s", x.State)
	}),
})
