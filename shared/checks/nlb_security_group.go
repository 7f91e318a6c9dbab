package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "nlb_security_group",
		Title:        "Internet-facing NLB instances are in a security group",
		Product:      "nlb",
		ResourceType: "ALIYUN::NLB::LoadBalancer",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 a)"),
		Description:  "An NLB without a security group passes every source address to its listeners.",
		Remediation:  "Join the NLB to a security group that admits only the clients it serves (LoadBalancerJoinSecurityGroup).",
		Fix:          catalog.FixRollback,
	},
	check: each(nlbs, func(x *collect.NLBLoadBalancer, e *env) verdict {
		if !x.Internet() {
			return pass("the load balancer is internal")
		}
		if len(x.SecurityGroupIDs) == 0 {
			return fail("the internet-facing load balancer is in no security group")
		}
		return passf("security groups %v", x.SecurityGroupIDs)
	}),
})
