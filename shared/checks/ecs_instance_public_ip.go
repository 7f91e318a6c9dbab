package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_public_ip",
		Title:        "ECS instances are reached through a load balancer or NAT, not a public IP of their own",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Network,
		Severity:     catalog.Low,
		Frameworks:   mlps("8.1.3.1 a)"),
		Description: "Every instance with its own public IP or EIP is an internet boundary whose protection rests " +
			"on its security groups alone.",
		Remediation: "Release the public IP (or unbind the EIP) and publish the service through SLB; reach the " +
			"internet through a NAT gateway.",
		Fix: catalog.FixConsole,
	},
	check: each(instances, func(x *collect.Instance, _ *env) verdict {
		if !x.Public() {
			return pass("no public address")
		}
		addrs := x.PublicIPs
		if x.EIP != "" {
			addrs = append(addrs[:len(addrs):len(addrs)], x.EIP)
		}
		return failf("the instance has public address %s", strings.Join(addrs, ", "))
	}),
})
