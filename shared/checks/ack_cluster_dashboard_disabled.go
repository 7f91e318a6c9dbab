package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_dashboard_disabled",
		Title:        "The Kubernetes web dashboard is not installed on ACK clusters",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		KSPM:         true,
		Frameworks:   refs(cis("7.5"), mlps("8.1.4.4 a)")),
		Description:  "The legacy dashboard has been the entry point of cluster takeovers; ACK's console replaces it.",
		Remediation:  "Uninstall the kubernetes-dashboard component.",
		Fix:          catalog.FixOnly,
	},
	check: each(clusters, func(x *collect.Cluster, _ *env) verdict {
		if x.DashboardEnabled() {
			return fail("the kubernetes-dashboard component is installed")
		}
		return pass("the kubernetes-dashboard component is not installed")
	}),
})
