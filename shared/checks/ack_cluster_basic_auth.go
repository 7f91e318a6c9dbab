package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_basic_auth",
		Title:        "Basic authentication is not enabled on ACK clusters",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		KSPM:         true,
		Manual:       true,
		Frameworks:   refs(cis("7.6"), mlps("8.1.4.1 a)")),
		Description:  "Static basic-auth passwords cannot be rotated or tied to a person.",
		Audit:        "Inspect the API server's configuration (kube-apiserver flags or static pod manifest on dedicated clusters): there is no --basic-auth-file; managed clusters do not support basic authentication.  Manual because no ACK API reports the API server's authentication flags (DescribeClusterDetail has none). Kubernetes removed --basic-auth-file in 1.19, so a cluster whose current_version is 1.19 or later cannot have it.",
		Remediation:  "Remove --basic-auth-file from the API server and use RAM-based kubeconfigs.",
		Fix:          catalog.FixConsole,
	},
})
