package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_log_service",
		Title:        "Log Service is enabled on ACK clusters",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		KSPM:         true,
		Frameworks:   refs(cis("2.4", "7.1"), mlps("8.1.4.3 a)")),
		Description:  "Without the Log Service component, cluster and container logs (and the API server audit log) are not kept.",
		Remediation:  "Install the logtail-ds (or loongcollector) component and enable cluster auditing.",
		Fix:          catalog.FixOnly,
	},
	check: each(clusters, func(x *collect.Cluster, _ *env) verdict {
		if x.LogServiceEnabled() {
			return pass("the Log Service component is installed")
		}
		return fail("no Log Service component (logtail-ds or loongcollector) is installed")
	}),
})
