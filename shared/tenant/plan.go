package tenant

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// PlanOf returns the plan a stored tenant holds, with its authorization: the plan the
// last authorization recorded (a JSON entitlement.Plan), authorized while the tenant
// has authorized and not revoked. Call Plan.At before deciding anything with it.
func PlanOf(t store.Tenant) (entitlement.Plan, error) {
	var p entitlement.Plan
	if t.Plan == "" {
		return p, fmt.Errorf("tenant %s: no plan recorded: authorize it again", t.TenantID)
	}
	if err := json.Unmarshal([]byte(t.Plan), &p); err != nil {
		return p, fmt.Errorf("tenant %s: stored plan: %w", t.TenantID, err)
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("tenant %s: stored plan: %w", t.TenantID, err)
	}
	p.AuthorizedAt = t.AuthorizedAt
	p.Authorized = !t.AuthorizedAt.IsZero() && t.RevokedAt.IsZero()
	return p, nil
}

// QuotaAccount is the quota account the tenant's CSPM operations are charged to at
// now: its subscription term, or the pay-as-you-go month. ok is false when the plan
// in force has no CSPM (nothing is billable).
func QuotaAccount(t store.Tenant, p entitlement.Plan, now time.Time) (a quota.Account, ok bool) {
	a = quota.Account{TenantID: t.TenantID, Site: t.Site}
	switch p.At(now).CSPM {
	case entitlement.Subscription:
		a.Billing = quota.Subscription(p.CSPMTerm, p.CSPMStartsAt, p.CSPMExpiresAt, p.CSPMQuota)
	case entitlement.PayAsYouGo:
		a.Billing = quota.PayAsYouGo(now)
	default:
		return a, false
	}
	return a, true
}
