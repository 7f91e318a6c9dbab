package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_eni_multi_ip",
		Title:        "ACK clusters use Terway in ENI multiple-IP mode",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Network,
		Severity:     catalog.Low,
		KSPM:         true,
		Frameworks:   refs(cis("7.8"), mlps("8.2.4.2 b)")),
		Description:  "In ENI multi-IP mode pods get VPC addresses, so security groups and flow logs see pod traffic.",
		Remediation:  "Create clusters with the Terway network plugin in ENIIP mode.",
		Fix:          catalog.FixConsole,
	},
	check: each(clusters, func(x *collect.Cluster, _ *env) verdict {
		if x.ENIMultiIP() {
			return pass("Terway runs in ENI multiple-IP mode")
		}
		return failf("network plugin %q is not Terway in ENI multiple-IP mode", x.NetworkPlugin)
	}),
})
