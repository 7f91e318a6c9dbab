package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_deletion_protection",
		Title:        "Deletion protection is on for ACK clusters",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		KSPM:         true,
		Frameworks:   mlps("8.1.4.9 a)"),
		Description:  "Without deletion protection one API call or console slip destroys the cluster.",
		Remediation:  "Enable deletion protection (ModifyCluster deletion_protection=true).",
		Fix:          catalog.FixRollback,
	},
	check: each(clusters, func(x *collect.Cluster, _ *env) verdict {
		return failIf(!x.DeletionProtection, "deletion protection is off", "deletion protection is on")
	}),
})
