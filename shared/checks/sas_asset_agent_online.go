package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_asset_agent_online",
		Title:        "The Security Center agent is installed and online on every server",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Asset",
		Category:     catalog.Protection,
		Severity:     catalog.High,
		Free:         true,
		KSPM:         false,
		Frameworks:   refs(cis("8.2"), mlps("8.1.4.5 a)", "8.1.5.4 c)")),
		Description:  "A server whose agent is offline or paused is not protected or monitored by Security Center.",
		Remediation:  "Install or restart the agent (Security Center → Assets → Install agent).",
		Fix:          catalog.FixOnly,
	},
	check: each(sasAssets, func(x *collect.SASAsset, e *env) verdict {
		if !x.AgentOnline() {
			return failf("the agent is %s", x.AgentStatus)
		}
		return pass("the agent is online")
	}),
})
