package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ack_cluster_check_weekly",
		Title:        "Cluster Check runs at least once a week on ACK clusters",
		Product:      "ack",
		ResourceType: "ALIYUN::CS::ManagedKubernetesCluster",
		Category:     catalog.Monitoring,
		Severity:     catalog.Low,
		KSPM:         true,
		Frameworks:   refs(cis("7.4"), mlps("8.1.5.4 c)")),
		Description:  "Cluster Check (periodic cluster inspection) finds unhealthy components and risky configuration before they cause an outage.",
		Remediation:  "ACK console → cluster → Inspections: enable periodic inspection (CreateClusterInspectConfig / UpdateClusterInspectConfig with enabled true and a daily recurrence).",
		Fix:          catalog.FixConsole,
	},
	check: each(clusters, func(x *collect.Cluster, _ *env) verdict {
		i := x.Inspection
		switch {
		case i == nil:
			return fail("no periodic inspection is configured (GetClusterInspectConfig has none)")
		case !i.Enabled:
			return fail("periodic inspection is configured but disabled").evidence(i.Raw)
		case !i.AtLeastWeekly():
			return failf("periodic inspection recurs %q, less often than weekly", i.Recurrence).evidence(i.Raw)
		}
		return passf("periodic inspection is on (%s)", i.Recurrence).evidence(i.Raw)
	}),
})
