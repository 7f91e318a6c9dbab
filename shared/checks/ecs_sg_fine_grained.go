package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_sg_fine_grained",
		Title:        "Security groups are configured with fine-grained rules",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::SecurityGroup",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Manual:       true,
		Frameworks:   refs(cis("3.5"), mlps("8.1.3.2 b)")),
		Description: "Broad rules (whole port ranges, large CIDRs, groups shared by unrelated tiers) admit more " +
			"traffic than the workload needs.",
		Audit: "ECS console → Security Groups: for each group, confirm every rule names a single port or a small " +
			"range, a specific CIDR or security group as its source, and a documented purpose; that each tier " +
			"has its own group; and that unused rules are removed.",
		Remediation: "Split broad rules into per-port, per-source rules and delete rules no workload uses.",
		Fix:         catalog.FixConsole,
	},
})
