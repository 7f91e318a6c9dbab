package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_disk_cmk_encrypted",
		Title:        "Encrypted disks use a customer-managed KMS key (BYOK)",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Disk",
		Category:     catalog.Data,
		Severity:     catalog.Low,
		Frameworks:   mlps("8.2.4.5 d)"),
		Description: "Disks encrypted with the service key cannot be made unreadable by disabling a key the " +
			"customer controls, and their key use is not auditable per key.",
		Remediation: "Create new disks encrypted with a customer-managed KMS key (KMSKeyId) and migrate the data.",
		Fix:         catalog.FixConsole,
	},
	check: each(disks, func(d *collect.Disk, _ *env) verdict {
		switch {
		case !d.Encrypted:
			return fail("the disk is not encrypted")
		case d.KMSKeyID == "":
			return fail("the disk is encrypted with the service key, not a customer-managed key")
		}
		return pass("the disk is encrypted with a customer-managed KMS key")
	}),
})
