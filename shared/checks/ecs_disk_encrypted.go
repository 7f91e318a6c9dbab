package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_disk_encrypted",
		Title:        "Disks attached to ECS instances are encrypted",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Disk",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("4.2"), mlps("8.1.4.8 b)")),
		Description: "Unencrypted system and data disks, and the snapshots taken of them, expose their contents " +
			"to anyone who can copy or share the snapshot.",
		Remediation: "Encryption cannot be turned on in place: snapshot the disk, create an encrypted disk from " +
			"the snapshot, and swap it in. Enable account-level default encryption for new disks.",
		Fix:   catalog.FixConsole,
		Links: []string{"https://www.alibabacloud.com/help/en/ecs/user-guide/encryption-overview"},
	},
	check: each(disks, func(d *collect.Disk, _ *env) verdict {
		switch {
		case d.InstanceID == "":
			return pass("detached disk (see ecs_disk_unattached_encrypted)")
		case d.Encrypted:
			return pass("the attached disk is encrypted")
		}
		return failf("%s disk of %s is not encrypted", d.Type, d.InstanceID)
	}),
})
