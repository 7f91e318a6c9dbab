package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_private",
		Title:        "The API server of ACK clusters has no internet endpoint",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Network,
		Severity:     catalog.High,
		KSPM:         true,
		Frameworks:   refs(cis("7.9"), mlps("8.1.3.1 a)", "8.1.4.4 c)")),
		Description:  "An API server on the internet is exposed to credential stuffing and every future Kubernetes vulnerability.",
		Remediation:  "Unbind the API server's EIP (or internet SLB) and reach it from the VPC or a bastion.",
		Fix:          catalog.FixRollback,
	},
	check: each(clusters, func(x *collect.Cluster, _ *env) verdict {
		if x.Private() {
			return pass("the API server has no internet endpoint")
		}
		return failf("the API server is on the internet at %s", x.PublicEndpoint)
	}),
})
