package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "slb_delete_protection",
		Title:        "Deletion protection is on for CLB instances",
		Product:      "slb",
		ResourceType: "ALIYUN::SLB::LoadBalancer",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         false,
		Frameworks:   mlps("8.1.4.9 a)"),
		Description:  "Without deletion protection one API call takes the service's entry point off the internet.",
		Remediation:  "Enable deletion protection (SetLoadBalancerDeleteProtection DeleteProtection=on).",
		Fix:          catalog.FixRollback,
	},
	check: each(slbs, func(x *collect.SLBLoadBalancer, e *env) verdict {
		return failIf(!x.DeleteProtection, "deletion protection is off", "deletion protection is on")
	}),
})
