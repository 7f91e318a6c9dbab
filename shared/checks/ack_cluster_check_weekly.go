package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_check_weekly",
		Title:        "Cluster Check runs at least once a week on ACK clusters",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Monitoring,
		Severity:     catalog.Low,
		KSPM:         true,
		Manual:       true,
		Frameworks:   refs(cis("7.4"), mlps("8.1.5.4 c)")),
		Description:  "Cluster Check finds unhealthy components and risky configuration before they cause an outage.",
		Audit:        "ACK console → cluster → Inspections (Cluster Check): confirm a check ran in the last 7 days or a weekly schedule is set.",
		Remediation:  "Schedule a weekly cluster inspection.",
		Fix:          catalog.FixConsole,
	},
})
