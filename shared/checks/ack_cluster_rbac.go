package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_rbac",
		Title:        "Role-based access control (RBAC) authorization is enabled on ACK clusters",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		KSPM:         true,
		Manual:       true,
		Frameworks:   refs(cis("7.3"), mlps("8.1.4.2 a)")),
		Description:  "Without RBAC (legacy ABAC), permissions cannot be granted per namespace and user.",
		Audit:        "ACK console → cluster → Authorizations: confirm RAM users and roles are granted RBAC roles per namespace; run kubectl api-versions and check rbac.authorization.k8s.io/v1 is served and the API server runs with --authorization-mode including RBAC.  Manual because no ACK API reports the API server's authorization mode: DescribeClusterDetail and its meta_data carry no such field, and DescribeUserPermission lists the RBAC grants of a RAM user, not whether RBAC is the mode in force.",
		Remediation:  "Recreate legacy clusters without RBAC, and grant access through ACK's RBAC authorization.",
		Fix:          catalog.FixConsole,
	},
})
