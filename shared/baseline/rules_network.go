package baseline

import (
	"strings"
)

var hostsDeny = register(Item{
	ID: "host.network.tcp_wrappers", Title: "Remote administration is restricted by source address", Category: CatIntrusion,
	Baseline: MLPS, Severity: Medium, Frameworks: mlps("8.1.4.4 c)", false),
	Remediation: "Restrict SSH to administrator addresses with sshd AllowUsers user@addr, hosts.allow/hosts.deny, or a host firewall, in addition to the ECS security group.",
	Good:        []Example{ex("hosts.allow", rootWith("/etc/hosts.allow", "sshd: 10.0.0.0/8\n", "/etc/hosts.deny", "sshd: ALL\n"))},
	Bad:         []Example{ex("none", baseFS())},
	Eval: func(f *Facts) Result {
		if t, ok, _ := f.Text("/etc/hosts.deny"); ok {
			for _, l := range lines(t) {
				if strings.Contains(l, "ALL") {
					return pass("/etc/hosts.deny: " + strings.TrimSpace(l))
				}
			}
		}
		if c, _ := loadSSHD(f); c != nil {
			for _, k := range []string{"allowusers", "allowgroups"} {
				if s, ok := c.first[k]; ok && strings.Contains(s.Value, "@") {
					return pass(s.String())
				}
			}
		}
		return fail("no source-address restriction for remote login on the host (hosts.deny, AllowUsers user@addr)")
	},
})
