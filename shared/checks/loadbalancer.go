package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// weakTLS reports whether a TLS security policy admits TLS 1.0 or 1.1: the
// system policies tls_cipher_policy_1_0 and _1_1 (an empty policy is the
// default, 1.0).
func weakTLS(policy string) bool {
	p := strings.ToLower(policy)
	return p == "" || p == "tls_cipher_policy_1_0" || p == "tls_cipher_policy_1_1"
}

// albLB returns an ALB instance of the env's region.
func (e *env) albLB(id string) *collect.ALBLoadBalancer {
	for i := range e.inv.ALB.LoadBalancers {
		if e.inv.ALB.LoadBalancers[i].ID == id {
			return &e.inv.ALB.LoadBalancers[i]
		}
	}
	return nil
}
