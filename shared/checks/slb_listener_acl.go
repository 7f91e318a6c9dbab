package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "slb_listener_acl",
		Title:        "Listeners of internet-facing CLB instances have access control (ACL) turned on",
		Product:      "slb",
		ResourceType: "ALIYUN::SLB::Listener",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 a)", "8.1.3.2 c)"),
		Description:  "A listener without an ACL accepts connections from every address; management and partner services need an allow list.",
		Remediation:  "Bind an access control list to the listener and turn access control on (SetLoadBalancer*ListenerAttribute AclStatus=on).",
		Fix:          catalog.FixRollback,
	},
	check: each(slbListeners, func(x *collect.SLBListener, e *env) verdict {
		lb := e.inv.SLB.LoadBalancer(x.LoadBalancerID)
		switch {
		case lb != nil && !lb.Internet():
			return pass("the load balancer is internal")
		case !x.ACLOn:
			return failf("%s listener on port %d of an internet-facing load balancer has no access control", x.Protocol, x.Port)
		}
		return passf("access control is on (%s list %s)", x.ACLType, x.ACLID)
	}),
})
