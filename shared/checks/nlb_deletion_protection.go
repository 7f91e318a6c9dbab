package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "nlb_deletion_protection",
		Title:        "Deletion protection is on for NLB instances",
		Product:      "nlb",
		ResourceType: "ALIYUN::NLB::LoadBalancer",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.4.9 a)"),
		Description:  "Without deletion protection one API call takes the service's entry point away.",
		Remediation:  "Enable deletion protection (EnableDeletionProtection).",
		Fix:          catalog.FixRollback,
	},
	check: each(nlbs, func(x *collect.NLBLoadBalancer, e *env) verdict {
		return failIf(!x.DeletionProtection, "deletion protection is off", "deletion protection is on")
	}),
})
