package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "vpc_flow_log_enabled",
		Title:        "Every VPC has an active flow log delivered to Log Service",
		Product:      "vpc",
		ResourceType: "ALIYUN::VPC::VPC",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("2.5", "3.3"), mlps("8.1.3.5 a)", "8.2.5.1 c)")),
		Description: "Without flow logs there is no record of which addresses talked to which instances, so " +
			"scans, lateral movement and exfiltration go unseen and cannot be investigated.",
		Remediation: "VPC console → Flow Log → Create: resource type VPC, traffic All, an SLS project and logstore.",
		Fix:         catalog.FixOnly,
		Links:       []string{"https://www.alibabacloud.com/help/en/vpc/user-guide/flow-logs-overview"},
	},
	check: each(vpcs, func(v *collect.VPC, e *env) verdict {
		if e.flowLogged(v.ID) {
			return pass("an active flow log covers the VPC")
		}
		for _, sw := range v.VSwitchIDs {
			if !e.flowLogged(sw) {
				return fail("no active flow log covers the VPC or all of its vSwitches")
			}
		}
		if len(v.VSwitchIDs) > 0 {
			return pass("active flow logs cover every vSwitch of the VPC")
		}
		return fail("no active flow log covers the VPC")
	}),
})
