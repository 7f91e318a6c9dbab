package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// riskyPorts are high-risk services: FTP, Telnet, RPC, NetBIOS, SMB, the
// Docker API, VNC, Elasticsearch, memcached and the kubelet.
var riskyPorts = []int{21, 23, 135, 139, 445, 2375, 5900, 9200, 11211, 10250}

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_sg_risky_ports_internet",
		Title:        "Security groups do not admit the internet to high-risk ports (FTP, Telnet, SMB, Docker API, VNC, ...)",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::SecurityGroup",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.4.4 b)", "8.2.3.1 a)"),
		Description: "Ports 21, 23, 135, 139, 445, 2375, 5900, 9200, 11211 and 10250 carry clear-text or " +
			"unauthenticated services that worms and ransomware scan the internet for.",
		Remediation: "Remove the internet rule, or admit the port only from known addresses.",
		Fix:         catalog.FixRollback,
	},
	check: each(securityGroups, func(g *collect.SecurityGroup, _ *env) verdict {
		if port, r := openPorts(g, riskyPorts); r != nil {
			return failf("rule %s admits the internet to high-risk port %d", describeRule(r), port).evidence(r.Raw)
		}
		return pass("no rule admits the internet to a high-risk port")
	}),
})
