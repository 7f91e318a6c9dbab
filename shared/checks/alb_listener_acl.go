package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "alb_listener_acl",
		Title:        "Listeners of internet-facing ALB instances have an access control list",
		Product:      "alb",
		ResourceType: "ALIYUN::ALB::Listener",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 a)", "8.1.3.2 c)"),
		Description:  "A listener without an ACL accepts connections from every address.",
		Remediation:  "Associate an access control list with the listener (AssociateAclsWithListener).",
		Fix:          catalog.FixRollback,
	},
	check: each(albListeners, func(x *collect.ALBListener, e *env) verdict {
		if lb := e.albLB(x.LoadBalancerID); lb != nil && !lb.Internet() {
			return pass("the load balancer is internal")
		}
		if len(x.ACLIDs) == 0 {
			return failf("%s listener on port %d of an internet-facing load balancer has no access control list", x.Protocol, x.Port)
		}
		return passf("%s access control list(s) %v", x.ACLType, x.ACLIDs)
	}),
})
