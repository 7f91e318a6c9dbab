package checks

import (
	"bytes"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "alb_listener_https",
		Title:        "Internet-facing ALB instances serve HTTPS, not plain HTTP",
		Product:      "alb",
		ResourceType: "ALIYUN::ALB::Listener",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.2.2 b)", "8.1.4.8 a)"),
		Description:  "Plain HTTP on the internet exposes sessions, cookies and form data to anyone on the path.",
		Remediation:  "Add an HTTPS listener and make the HTTP listener's default action a redirect to HTTPS.",
		Fix:          catalog.FixConsole,
	},
	check: each(albListeners, func(x *collect.ALBListener, e *env) verdict {
		if x.Protocol != "http" {
			return passf("a %s listener", x.Protocol)
		}
		if lb := e.albLB(x.LoadBalancerID); lb != nil && !lb.Internet() {
			return pass("the load balancer is internal")
		}
		if bytes.Contains(x.Raw, []byte(`"Redirect`)) {
			return pass("the HTTP listener redirects")
		}
		return failf("HTTP listener on port %d serves plain HTTP to the internet", x.Port)
	}),
})
