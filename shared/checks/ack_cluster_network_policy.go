package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_network_policy",
		Title:        "Network policies are enforced on ACK clusters",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		KSPM:         true,
		Frameworks:   refs(cis("7.7"), mlps("8.2.4.2 b)")),
		Description:  "Without network policy enforcement every pod can reach every other pod: one compromised pod reaches the whole cluster.",
		Remediation:  "Use Terway with NetworkPolicy enabled and write policies that isolate namespaces.",
		Fix:          catalog.FixConsole,
	},
	check: each(clusters, func(x *collect.Cluster, _ *env) verdict {
		if x.NetworkPolicy {
			return passf("network policies are enforced by %s", x.NetworkPlugin)
		}
		return failf("network policies are not enforced (network plugin %q)", x.NetworkPlugin)
	}),
})
