package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_cloud_monitor",
		Title:        "CloudMonitor is enabled on ACK cluster nodes",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Monitoring,
		Severity:     catalog.Low,
		KSPM:         true,
		Frameworks:   refs(cis("7.2"), mlps("8.1.5.4 c)")),
		Description:  "Without the CloudMonitor agent, node health and resource exhaustion raise no alarm.",
		Remediation:  "Enable CloudMonitor in every node pool (kubernetes_config.cms_enabled).",
		Fix:          catalog.FixConsole,
	},
	check: each(clusters, func(x *collect.Cluster, _ *env) verdict {
		if x.CloudMonitorEnabled() {
			return pass("every node pool runs the CloudMonitor agent")
		}
		return fail("a node pool does not run the CloudMonitor agent (or the cluster has no node pool)")
	}),
})
