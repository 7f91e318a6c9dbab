package entitlement

import (
	"errors"
	"fmt"
	"time"
)

// ErrSubscriptionActive is returned by SwitchBilling for a switch from a CSPM
// subscription that is still running to pay-as-you-go.
var ErrSubscriptionActive = errors.New("cspm subscription still active")

// Forfeit is what a switch away from a CSPM subscription gives up: the unused quota of
// the term.
type Forfeit struct {
	Units   int64     // purchased minus used, never negative
	TermEnd time.Time // when the term ended: the expiry, or the switch for an unsubscribe
}

// SwitchBilling moves plan to the CSPM billing method to at now. An account uses one
// method at a time:
//
//   - subscription → pay-as-you-go only once the subscription has expired (at
//     CSPMExpiresAt) or has been unsubscribed (a switch to NoCSPM, allowed at any
//     time); before that it returns ErrSubscriptionActive. Leaving a subscription, by
//     expiry or unsubscribe, forfeits its unused quota, which is returned.
//   - pay-as-you-go → subscription is allowed at any time: the documents forbid only
//     two methods at once and the direct subscription → pay-as-you-go switch, so
//     buying a subscription turns pay-as-you-go CSPM off. Nothing is forfeited (usage
//     so far stays metered and billed).
//   - from no CSPM, to anything; pay-as-you-go → none: allowed, nothing forfeited.
//   - to the current method: no change (a running subscription is not a new term).
//
// A new subscription starts with no quota and no expiry in the returned plan; the
// caller sets CSPMQuota and CSPMExpiresAt from the order.
func SwitchBilling(plan Plan, to Billing, now time.Time) (Plan, Forfeit, error) {
	if !to.Valid() {
		return plan, Forfeit{}, fmt.Errorf("entitlement: switch billing: unknown method %q (want subscription, payg or none)", to)
	}
	if !plan.CSPM.Valid() {
		return plan, Forfeit{}, fmt.Errorf("entitlement: switch billing: plan has an unknown method %q", plan.CSPM)
	}
	from, to := plan.CSPM.norm(), to.norm()
	expired := from == Subscription && !plan.CSPMExpiresAt.IsZero() && !now.Before(plan.CSPMExpiresAt)
	if from == to && !expired {
		return plan, Forfeit{}, nil
	}
	if from == Subscription && to == PayAsYouGo && !expired {
		until := "no end date"
		if !plan.CSPMExpiresAt.IsZero() {
			until = plan.CSPMExpiresAt.UTC().Format(time.RFC3339)
		}
		return plan, Forfeit{}, fmt.Errorf("entitlement: switch billing to pay-as-you-go: %w (%s): wait for it to expire or unsubscribe first (switch to none); its unused quota is then forfeited", ErrSubscriptionActive, until)
	}
	var f Forfeit
	if from == Subscription {
		f.Units = max(plan.CSPMQuota-plan.CSPMUsed, 0)
		f.TermEnd = now
		if expired {
			f.TermEnd = plan.CSPMExpiresAt
		}
	}
	plan.CSPM = to
	plan.CSPMExpiresAt, plan.CSPMQuota, plan.CSPMUsed = time.Time{}, 0, 0
	return plan, f, nil
}
