package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "vpc_peering_least_access",
		Title:        "Route tables for VPC peering connections are least access",
		Product:      "vpc",
		ResourceType: "ALIYUN::VPC::RouteTable",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Manual:       true,
		Frameworks:   refs(cis("3.4"), mlps("8.1.3.2 b)")),
		Description: "Routes that send a whole VPC CIDR over a peering connection let every host on either side " +
			"reach the other, when only a few subnets need to.",
		Audit: "VPC console → Route Tables: for each route whose next hop is a VPC peering connection (or a CEN " +
			"transit router), confirm its destination is the smallest CIDR the peer needs, not the whole VPC, " +
			"and that only the vSwitches that need the peer use that route table.",
		Remediation: "Narrow peering routes to the subnets that must communicate; use separate route tables for " +
			"vSwitches that need no peering.",
		Fix: catalog.FixConsole,
	},
})
