package entitlement

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestSwitchBilling proves "An account uses one CSPM billing method at a time.
// Subscription → pay-as-you-go only after the subscription expires or is unsubscribed;
// unused subscription quota is forfeited then."
func TestSwitchBilling(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	end := now.AddDate(0, 2, 0)
	sub := Plan{Edition: AntiVirus, CSPM: Subscription, CSPMExpiresAt: end, CSPMQuota: 3000, CSPMUsed: 1200, Authorized: true}
	expired := sub
	expired.CSPMExpiresAt = now.Add(-time.Hour)
	overused := sub
	overused.CSPMUsed = 3000
	payg := Plan{Edition: AntiVirus, CSPM: PayAsYouGo, Authorized: true}
	tests := []struct {
		name    string
		plan    Plan
		to      Billing
		want    Billing
		forfeit Forfeit
		err     error
	}{
		{"plans: subscription → pay-as-you-go refused while the subscription runs", sub, PayAsYouGo, Subscription, Forfeit{}, ErrSubscriptionActive},
		{"plans: subscription → pay-as-you-go after expiry, unused quota forfeited", expired, PayAsYouGo, PayAsYouGo, Forfeit{Units: 1800, TermEnd: expired.CSPMExpiresAt}, nil},
		{"plans: unsubscribe (subscription → none) at any time forfeits the unused quota", sub, NoCSPM, NoCSPM, Forfeit{Units: 1800, TermEnd: now}, nil},
		{"plans: unsubscribe with the quota used up forfeits nothing", overused, NoCSPM, NoCSPM, Forfeit{TermEnd: now}, nil},
		{"plans: a new subscription term after expiry forfeits the old term's quota", expired, Subscription, Subscription, Forfeit{Units: 1800, TermEnd: expired.CSPMExpiresAt}, nil},
		{"plans: subscription → subscription while running is no change", sub, Subscription, Subscription, Forfeit{}, nil},
		{"reading: pay-as-you-go → subscription allowed, pay-as-you-go turned off, nothing forfeited", payg, Subscription, Subscription, Forfeit{}, nil},
		{"reading: pay-as-you-go → none allowed", payg, NoCSPM, NoCSPM, Forfeit{}, nil},
		{"reading: none → pay-as-you-go allowed", Plan{Authorized: true}, PayAsYouGo, PayAsYouGo, Forfeit{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f, err := SwitchBilling(tt.plan, tt.to, now)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("SwitchBilling(%s → %s) error = %v; want %v", tt.plan.CSPM, tt.to, err, tt.err)
			}
			if got.CSPM.norm() != tt.want {
				t.Errorf("SwitchBilling(%s → %s).CSPM = %q; want %q", tt.plan.CSPM, tt.to, got.CSPM, tt.want)
			}
			if f != tt.forfeit {
				t.Errorf("SwitchBilling(%s → %s) forfeit = %+v; want %+v", tt.plan.CSPM, tt.to, f, tt.forfeit)
			}
			if got.CSPM != tt.plan.CSPM && got.CSPMQuota != 0 {
				t.Errorf("SwitchBilling(%s → %s) kept quota %d; a new method starts with none", tt.plan.CSPM, tt.to, got.CSPMQuota)
			}
		})
	}
	if _, _, err := SwitchBilling(sub, "yearly", now); err == nil {
		t.Errorf("SwitchBilling(to \"yearly\") = nil error; want an unknown-method error")
	}
}

// Example walks an account through the plans: it authorizes, tries the trial, buys
// CSPM by subscription, cannot switch to pay-as-you-go while it runs, unsubscribes and
// switches.
func Example() {
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	plan := Plan{Edition: Basic, Authorized: true, AuthorizedAt: now}
	plan.LegacyFreeSet = LegacyFreeSetFor(plan.Edition, plan.AuthorizedAt)
	cis := Item{ID: "hc-cis-001", Kind: Baseline, BaselineCategory: CIS}

	fmt.Println("basic, CIS scan:", Decide(plan, cis, Scan, "").Allowed)
	plan = StartTrial(plan, now)
	fmt.Println("trial, CIS scan:", Decide(plan.At(now), cis, Scan, "").Allowed)

	plan.Trial = false
	plan.CSPM, plan.CSPMQuota, plan.CSPMExpiresAt = Subscription, RecommendedPurchase(150), now.AddDate(1, 0, 0)
	d := Decide(plan, cis, Scan, "")
	fmt.Println("CSPM subscription, CSPM scan billable:", d.Billable)

	plan.CSPMUsed = 1000
	if _, _, err := SwitchBilling(plan, PayAsYouGo, now); errors.Is(err, ErrSubscriptionActive) {
		fmt.Println("switch to pay-as-you-go: refused while the subscription runs")
	}
	plan, f, _ := SwitchBilling(plan, NoCSPM, now)
	fmt.Println("unsubscribed, forfeited units:", f.Units)
	plan, _, _ = SwitchBilling(plan, PayAsYouGo, now)
	fmt.Println("now:", plan.CSPM)
	// Output:
	// basic, CIS scan: false
	// trial, CIS scan: true
	// CSPM subscription, CSPM scan billable: true
	// switch to pay-as-you-go: refused while the subscription runs
	// unsubscribed, forfeited units: 2000
	// now: payg
}
