package entitlement

import (
	"fmt"
	"strings"
)

// ParsePlan reads the plan a tenant recorded at authorization (the tenant row's plan
// and billing method) into a Plan. The plan is one or more words joined by "+":
//
//	an edition        none, basic, antivirus, value-added, advanced, enterprise, ultimate
//	CSPM              cspm-subscription, cspm-payg, or cspm (the method from billing)
//	host-payg         Host and Container Security pay-as-you-go (Enterprise per host)
//	trial             the 7-day trial
//
// for example "cspm-subscription", "enterprise", "advanced+cspm-payg". billing is
// "", "none", "subscription" or "payg"; it must agree with a cspm-… word. Authorized
// is left false: the caller knows whether the tenant has authorized.
func ParsePlan(plan, billing string) (Plan, error) {
	var p Plan
	b := Billing(billing)
	if !b.Valid() {
		return Plan{}, fmt.Errorf("plan %q: billing method %q: want subscription, payg or none", plan, billing)
	}
	if strings.TrimSpace(plan) == "" {
		return Plan{}, fmt.Errorf("plan: missing")
	}
	edition := false
	for _, w := range strings.Split(plan, "+") {
		w = strings.ToLower(strings.TrimSpace(w))
		switch {
		case w == "cspm" || strings.HasPrefix(w, "cspm-"):
			m := b.norm()
			if w != "cspm" {
				m = Billing(strings.TrimPrefix(w, "cspm-"))
				if m != Subscription && m != PayAsYouGo {
					return Plan{}, fmt.Errorf("plan %q: %q: want cspm-subscription or cspm-payg", plan, w)
				}
				if b.norm() != NoCSPM && b.norm() != m {
					return Plan{}, fmt.Errorf("plan %q says CSPM %s but the billing method is %s", plan, m, b)
				}
			}
			if m == NoCSPM {
				return Plan{}, fmt.Errorf("plan %q: cspm needs a billing method (subscription or payg)", plan)
			}
			p.CSPM = m
		case w == "host-payg":
			p.HostPAYG = true
		case w == "trial":
			p.Trial = true
		case Edition(w).Valid() && w != "":
			if edition {
				return Plan{}, fmt.Errorf("plan %q names two editions", plan)
			}
			edition = true
			p.Edition = Edition(w)
		default:
			return Plan{}, fmt.Errorf("plan %q: unknown word %q (want an edition, cspm-subscription, cspm-payg, host-payg or trial)", plan, w)
		}
	}
	return p, nil
}
