package entitlement

import "fmt"

// RoleName is the service-linked role whose existence means the account has
// authorized.
const RoleName = "AliyunServiceRoleForSasCspm"

// Decision is the answer of Decide: whether the operation may run, whether it consumes
// one quota unit when it succeeds, and why, in a sentence fit for a user.
type Decision struct {
	Allowed  bool
	Billable bool
	Reason   string
}

// Reasons for refusals that callers may want to match.
const (
	ReasonNotAuthorized = "tenant has not authorized (service-linked role " + RoleName + " missing): nothing runs"
	ReasonFreeFix       = "fix of free config items needs CSPM (subscription or pay-as-you-go)"
	ReasonNoAttackPath  = "attack path analysis needs CSPM (subscription or pay-as-you-go)"
	ReasonNoBaseline    = "baseline check needs the Advanced, Enterprise or Ultimate edition, Host and Container pay-as-you-go, or CSPM (subscription or pay-as-you-go)"
)

func refuse(format string, args ...any) Decision {
	return Decision{Reason: fmt.Sprintf(format, args...)}
}

func free(format string, args ...any) Decision {
	return Decision{Allowed: true, Reason: fmt.Sprintf(format, args...)}
}

func billable(format string, args ...any) Decision {
	return Decision{Allowed: true, Billable: true, Reason: fmt.Sprintf(format, args...)}
}

// Decide says whether plan may run op on item, and whether a successful op consumes
// one quota unit. host names the host of a baseline item (it selects the host's
// protection edition under Host and Container pay-as-you-go); "" means a host with
// the default edition. plan is taken as given: call Plan.At first to drop an expired
// subscription or trial.
//
// The rules, from shared/design/billing.md:
//   - Nothing runs before the account has authorized.
//   - Config check without CSPM: the free items (with the account's legacy set, and
//     KSMP items with the Ultimate edition) may be scanned and verified, free; no fix,
//     no paid items.
//   - Config check with CSPM: every item and operation; a free item's fix and every
//     operation on a paid item consume quota.
//   - Baseline check with an edition that includes it (Advanced: default policy and
//     weak password; Enterprise and the trial: all but container security; Ultimate:
//     all; under Host and Container pay-as-you-go, the host's edition, Enterprise by
//     default): only that edition's items, scan, verify and fix, no quota — even when
//     CSPM is bought.
//   - Baseline check with CSPM and no such edition: every item and operation, all
//     consuming quota.
func Decide(plan Plan, item Item, op Operation, host string) Decision {
	if !plan.Authorized {
		return refuse("%s", ReasonNotAuthorized)
	}
	if !op.Valid() {
		return refuse("unknown operation %q (want scan, verify or fix)", op)
	}
	if !plan.Edition.Valid() {
		return refuse("plan has an unknown edition %q", plan.Edition)
	}
	if !plan.CSPM.Valid() {
		return refuse("plan has an unknown CSPM billing method %q", plan.CSPM)
	}
	switch item.Kind {
	case Config:
		return decideConfig(plan, item, op)
	case Baseline:
		return decideBaseline(plan, item, op, host)
	}
	return refuse("check item %s has unknown kind %q (want config or baseline)", item.ID, item.Kind)
}

func decideConfig(p Plan, it Item, op Operation) Decision {
	isFree := it.FreeFor(p.LegacyFreeSet)
	if p.HasCSPM() {
		m := p.CSPM.title()
		switch {
		case isFree && op != Fix:
			return free("free config item %s: %s consumes no quota", it.ID, op)
		case isFree:
			return billable("fix of free config item %s consumes 1 quota unit (CSPM %s)", it.ID, m)
		default:
			return billable("paid config item %s: %s consumes 1 quota unit (CSPM %s)", it.ID, op, m)
		}
	}
	ksmp := it.KSMP && p.Edition.norm() == Ultimate
	switch {
	case !isFree && it.KSMP && !ksmp:
		return refuse("KSMP config item %s needs the Ultimate edition or CSPM (subscription or pay-as-you-go)", it.ID)
	case !isFree && !ksmp:
		return refuse("paid config item %s needs CSPM (subscription or pay-as-you-go)", it.ID)
	case op == Fix && isFree:
		return refuse("%s", ReasonFreeFix)
	case op == Fix:
		return refuse("fix of config items needs CSPM (subscription or pay-as-you-go); the Ultimate edition covers scan and verify of KSMP item %s only", it.ID)
	case isFree:
		return free("free config item %s: %s consumes no quota", it.ID, op)
	default:
		return free("KSMP config item %s is in the Ultimate edition: %s consumes no quota", it.ID, op)
	}
}

// covers reports whether an edition that includes baseline check covers category c.
func covers(e Edition, c Category) bool {
	switch e.norm() {
	case Advanced:
		return c == DefaultPolicy || c == WeakPassword
	case Enterprise:
		return c != ContainerSecurity
	case Ultimate:
		return true
	}
	return false
}

func coverage(e Edition) string {
	switch e.norm() {
	case Advanced:
		return "covers only the default-policy and weak-password baseline items"
	case Enterprise:
		return "covers every baseline category but container-security"
	}
	return "covers every baseline category"
}

func decideBaseline(p Plan, it Item, op Operation, host string) Decision {
	c := it.BaselineCategory
	if c == "" {
		return refuse("baseline item %s has no category", it.ID)
	}
	e := p.HostEdition(host)
	on := ""
	if host != "" {
		on = " on host " + host
	}
	if e.includesBaseline() {
		if !covers(e, c) {
			d := refuse("%s%s %s, not %s", e.title(), on, coverage(e), c)
			if p.HasCSPM() {
				d.Reason += "; CSPM does not add baseline items while an Advanced, Enterprise or Ultimate edition is held"
			}
			return d
		}
		return free("baseline %s item %s is in %s%s: %s consumes no quota", c, it.ID, e.title(), on, op)
	}
	if p.HasCSPM() {
		return billable("baseline %s item %s under CSPM %s with %s%s: %s consumes 1 quota unit", c, it.ID, p.CSPM.title(), e.title(), on, op)
	}
	return refuse("%s (%s%s has none)", ReasonNoBaseline, e.title(), on)
}

// AttackPathAllowed says whether plan may run attack path analysis: only with CSPM
// (subscription or pay-as-you-go), and it never consumes quota.
func AttackPathAllowed(plan Plan) Decision {
	if !plan.Authorized {
		return refuse("%s", ReasonNotAuthorized)
	}
	if !plan.HasCSPM() {
		return refuse("%s", ReasonNoAttackPath)
	}
	return free("attack path analysis is included with CSPM %s and consumes no quota", plan.CSPM.title())
}
