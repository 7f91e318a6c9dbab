package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "alb_deletion_protection",
		Title:        "Deletion protection is on for ALB instances",
		Product:      "alb",
		ResourceType: "ALIYUN::ALB::LoadBalancer",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         false,
		Frameworks:   mlps("8.1.4.9 a)"),
		Description:  "Without deletion protection one API call takes the service's entry point off the internet.",
		Remediation:  "Enable deletion protection (EnableDeletionProtection).",
		Fix:          catalog.FixRollback,
	},
	check: each(albs, func(x *collect.ALBLoadBalancer, e *env) verdict {
		return failIf(!x.DeletionProtection, "deletion protection is off", "deletion protection is on")
	}),
})
