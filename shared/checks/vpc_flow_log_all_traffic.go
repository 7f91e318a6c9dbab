package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "vpc_flow_log_all_traffic",
		Title:        "VPC flow logs capture all traffic, accepted and rejected",
		Product:      "vpc",
		ResourceType: "ALIYUN::VPC::FlowLog",
		Category:     catalog.LogAudit,
		Severity:     catalog.Low,
		Frameworks:   mlps("8.1.3.5 a)"),
		Description: "A flow log limited to accepted (or to rejected) traffic misses half of the evidence an " +
			"investigation needs.",
		Remediation: "Recreate the flow log with traffic type All.",
		Fix:         catalog.FixConsole,
	},
	check: each(flowLogs, func(f *collect.FlowLog, _ *env) verdict {
		if !f.Active {
			return fail("the flow log is not active")
		}
		if t := f.TrafficType; t != "" && !strings.EqualFold(t, "all") {
			return failf("the flow log captures only %s traffic", t)
		}
		return pass("the flow log captures all traffic")
	}),
})
