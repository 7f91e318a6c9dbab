package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "alb_access_log",
		Title:        "Access logs of ALB instances are delivered to Log Service",
		Product:      "alb",
		ResourceType: "ALIYUN::ALB::LoadBalancer",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.3.5 a)"),
		Description:  "Without access logs there is no record of the requests an attack sent through the load balancer.",
		Remediation:  "Enable access logs to an SLS project (EnableLoadBalancerAccessLog).",
		Fix:          catalog.FixRollback,
	},
	check: each(albs, func(x *collect.ALBLoadBalancer, e *env) verdict {
		if x.AccessLogProject == "" {
			return fail("access logs are off")
		}
		return passf("access logs go to SLS project %s", x.AccessLogProject)
	}),
})
