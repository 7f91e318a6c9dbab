package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_disk_unattached_encrypted",
		Title:        "Unattached disks are encrypted",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Disk",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("4.1"), mlps("8.1.4.8 b)")),
		Description: "A detached disk still holds its data; unencrypted, it can be attached to any instance of " +
			"the account and read.",
		Remediation: "Copy the data to an encrypted disk and release the unencrypted one, or release it if unused.",
		Fix:         catalog.FixConsole,
	},
	check: each(disks, func(d *collect.Disk, _ *env) verdict {
		switch {
		case d.InstanceID != "":
			return pass("the disk is attached (see ecs_disk_encrypted)")
		case d.Encrypted:
			return pass("the detached disk is encrypted")
		}
		return fail("the detached disk is not encrypted")
	}),
})
