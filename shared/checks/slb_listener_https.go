package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "slb_listener_https",
		Title:        "HTTP listeners of internet-facing CLB instances redirect to HTTPS",
		Product:      "slb",
		ResourceType: "ALIYUN::SLB::Listener",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.2.2 b)", "8.1.4.8 a)"),
		Description:  "Plain HTTP on the internet exposes sessions, cookies and form data to anyone on the path.",
		Remediation:  "Serve HTTPS and turn the HTTP listener into a redirect to it (ListenerForward on).",
		Fix:          catalog.FixRollback,
	},
	check: each(slbListeners, func(x *collect.SLBListener, e *env) verdict {
		lb := e.inv.SLB.LoadBalancer(x.LoadBalancerID)
		switch {
		case x.Protocol != "http":
			return passf("a %s listener", x.Protocol)
		case lb != nil && !lb.Internet():
			return pass("the load balancer is internal")
		case x.RedirectsToHTTPS:
			return pass("the HTTP listener redirects to HTTPS")
		}
		return failf("HTTP listener on port %d serves plain HTTP to the internet", x.Port)
	}),
})
