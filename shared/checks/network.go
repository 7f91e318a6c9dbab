package checks

import (
	"fmt"
	"net/netip"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// openIngress returns the first accepting ingress rule of g that admits any
// internet address (0.0.0.0/0 or ::/0) to port over TCP, or nil. Policies
// are compared case-insensitively (the collector lower-cases "Accept");
// -1/-1 and 1/65535 cover every port. A drop rule of higher priority
// (lower number) that covers the same traffic wins, as on Alibaba Cloud.
func openIngress(g *collect.SecurityGroup, port int) *collect.Rule {
	return openIngressProto(g, port, "tcp")
}

func openIngressProto(g *collect.SecurityGroup, port int, proto string) *collect.Rule {
	var open *collect.Rule
	for i := range g.Rules {
		r := &g.Rules[i]
		if r.Direction != "ingress" || r.Policy != "accept" || !protoCovers(r.Protocol, proto) || !anywhere(r) || !r.Covers(port) {
			continue
		}
		if (open == nil || r.Priority < open.Priority) && !droppedBefore(g, r, port, proto) {
			open = r
		}
	}
	return open
}

// droppedBefore reports whether a drop rule of g from the same whole address
// family, covering port, takes precedence over accept rule a: a lower or
// equal priority number (on a tie, drop wins, as on Alibaba Cloud).
func droppedBefore(g *collect.SecurityGroup, a *collect.Rule, port int, proto string) bool {
	for i := range g.Rules {
		r := &g.Rules[i]
		if r.Direction != "ingress" || r.Policy != "drop" || !protoCovers(r.Protocol, proto) || !r.Covers(port) || r.Priority > a.Priority {
			continue
		}
		v4 := !isAny(a.SourceCIDR) || isAny(r.SourceCIDR)
		v6 := !isAny(a.SourceIPv6CIDR) || isAny(r.SourceIPv6CIDR)
		if v4 && v6 {
			return true
		}
	}
	return false
}

func protoCovers(ruleProto, proto string) bool { return ruleProto == "all" || ruleProto == proto }

// anywhere reports whether an ingress rule's source is the whole internet:
// 0.0.0.0/0 or ::/0, however spelled ("0.0.0.0", "::0/0").
func anywhere(r *collect.Rule) bool {
	return r.FromAnywhere() || isAny(r.SourceCIDR) || isAny(r.SourceIPv6CIDR)
}

// isAny reports whether a CIDR string is a whole address family.
func isAny(cidr string) bool {
	switch cidr {
	case "":
		return false
	case "0.0.0.0/0", "::/0", "0.0.0.0":
		return true
	}
	p, err := netip.ParsePrefix(cidr)
	return err == nil && p.Bits() == 0
}

// source names a rule's internet source.
func source(r *collect.Rule) string {
	if isAny(r.SourceCIDR) {
		return r.SourceCIDR
	}
	return r.SourceIPv6CIDR
}

// allPorts reports whether a rule covers every port.
func allPorts(r *collect.Rule) bool {
	return r.Protocol == "all" || (r.FromPort == -1 && r.ToPort == -1) || (r.FromPort <= 1 && r.ToPort >= 65535)
}

// exposedPorts returns, for each of ports that an internet-facing accept
// rule of g opens, the rule that opens it.
func openPorts(g *collect.SecurityGroup, ports []int) (port int, rule *collect.Rule) {
	for _, p := range ports {
		if r := openIngress(g, p); r != nil {
			return p, r
		}
	}
	return 0, nil
}

// describeRule is "sgr-1 (tcp 22/22 from 0.0.0.0/0, priority 1)".
func describeRule(r *collect.Rule) string {
	id := r.ID
	if id == "" {
		id = "a rule"
	}
	return fmt.Sprintf("%s (%s %s from %s, priority %d)", id, r.Protocol, r.PortRange, source(r), r.Priority)
}
