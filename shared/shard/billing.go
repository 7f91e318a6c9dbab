package shard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// ReasonQuotaExhausted starts the note of a shard, and the detail of a task, that the
// subscription's quota stopped.
const ReasonQuotaExhausted = "quota exhausted"

// billing is the entitlement and quota side of one shard: which of its items the
// tenant's plan lets it run, and the reservation its billable operations are charged
// to. Every successful billable operation (an item's verdict, PASS or NOT_PASS, on
// one instance) takes one unit before its result is kept; a NOT_EVALUATED result is
// a failed operation and is not charged; MANUAL is no operation.
type billing struct {
	plan     entitlement.Plan
	op       entitlement.Operation
	acct     quota.Account
	billable map[string]bool // item id (or item id + "\x00" + instance id) → billable
	ledger   *quota.Ledger
	res      *quota.Reservation
	taken    []quota.ChargeKey

	Refused   []string // "item: reason" for items the plan does not allow
	Charged   int      // units taken (settled: see Settlement)
	Withheld  int      // billable results dropped because the quota ran out
	Exhausted bool
	Settled   quota.Settlement
}

// admit decides the shard's items against the tenant's plan in force: it returns the
// rules that may run and the billing that charges them. An item the plan does not
// allow is left out, with the reason in Refused (schedule-scan plans only allowed
// items; the plan may have changed since).
func admit(t store.Tenant, plan entitlement.Plan, j event.ShardJob, rules []*checks.Rule, now time.Time) ([]*checks.Rule, *billing) {
	b := newBilling(t, plan, j, now)
	kept := rules[:0:0]
	for _, r := range rules {
		d := entitlement.Decide(b.plan, r.Entitlement(), b.op, "")
		if !d.Allowed {
			b.Refused = append(b.Refused, r.ID+": "+d.Reason)
			continue
		}
		if d.Billable && r.Automated() {
			b.billable[r.ID] = true
		}
		kept = append(kept, r)
	}
	return kept, b
}

// newBilling is the billing of shard j for a tenant holding plan, as in force at now;
// nothing is billable yet.
func newBilling(t store.Tenant, plan entitlement.Plan, j event.ShardJob, now time.Time) *billing {
	b := &billing{plan: plan.At(now), op: operation(j), billable: map[string]bool{}}
	b.acct, _ = tenant.QuotaAccount(t, plan, now)
	return b
}

// operation is what a shard job does with its items.
func operation(j event.ShardJob) entitlement.Operation {
	if j.Kind == event.ShardVerify {
		return entitlement.Verify
	}
	return entitlement.Scan
}

// precheck looks, before anything is collected, whether a subscription has any unit
// left when some item is billable: quota.ErrExhausted says it has none (the shard runs
// nothing). Nothing is reserved yet: units are reserved when the shard knows how many
// billable verdicts it has (charge), so no shard holds units it will not use while
// another is refused for want of them.
func (b *billing) precheck(ctx context.Context, l *quota.Ledger) error {
	b.ledger = l
	if len(b.billable) == 0 || b.acct.Billing.Method != entitlement.Subscription {
		return nil
	}
	used, err := l.Used(ctx, b.acct)
	if err != nil {
		return err
	}
	if used >= b.acct.Billing.Quota {
		b.Exhausted = true
		return fmt.Errorf("quota: %s/%s: %d of %d units used: %w", b.acct.TenantID, b.acct.Site, used, b.acct.Billing.Quota, quota.ErrExhausted)
	}
	return nil
}

// isBillable reports whether f is a verdict that costs a unit.
func (b *billing) isBillable(f *checks.Finding) bool {
	return (b.billable[f.ItemID] || b.billable[f.ItemID+"\x00"+f.InstanceID]) && (f.Status == checks.Pass || f.Status == checks.NotPass)
}

// charge takes one unit for each billable result of fs, in order, and returns the
// results to keep: every result that is not billable, and the billable ones whose
// unit was taken. Once the quota runs out no billable result after that point is
// kept: the operation is not done, so it is not reported either.
func (b *billing) charge(ctx context.Context, t store.Tenant, j event.ShardJob, fs []checks.Finding) ([]checks.Finding, error) {
	n := 0
	for i := range fs {
		if b.isBillable(&fs[i]) {
			n++
		}
	}
	if n == 0 || b.ledger == nil {
		return fs, nil
	}
	res, err := b.ledger.Reserve(ctx, b.acct, int64(n))
	switch {
	case errors.Is(err, quota.ErrExhausted):
		b.Exhausted = true
	case err != nil:
		return nil, err
	default:
		b.res = res
	}
	kept := fs[:0:0]
	for _, f := range fs {
		if !b.isBillable(&f) {
			kept = append(kept, f)
			continue
		}
		if !b.Exhausted {
			k := quota.ChargeKey{TenantID: t.TenantID, Site: t.Site, TaskID: j.TaskID, ShardID: j.ShardID,
				ItemID: f.ItemID, InstanceID: f.InstanceID, Operation: b.op}
			err := b.res.Take(ctx, k)
			if err == nil {
				b.taken = append(b.taken, k)
				b.Charged++
				kept = append(kept, f)
				continue
			}
			if !errors.Is(err, quota.ErrExhausted) {
				return nil, err
			}
			b.Exhausted = true
		}
		b.Withheld++
	}
	return kept, nil
}

// settle writes the usage records of the units taken and gives back the rest.
func (b *billing) settle(ctx context.Context) error {
	if b.res == nil {
		return nil
	}
	s, err := b.res.Settle(ctx)
	b.Settled = s
	return err
}

// abandon gives back every unit when the shard's results were not written: nothing
// was done, so nothing is charged. Errors are joined to cause.
func (b *billing) abandon(ctx context.Context, cause error) error {
	if b == nil || b.res == nil {
		return cause
	}
	for _, k := range b.taken {
		b.res.Cancel(k)
	}
	b.taken, b.Charged = nil, 0
	if _, err := b.res.Settle(ctx); err != nil {
		return errors.Join(cause, fmt.Errorf("give back the reserved quota: %w", err))
	}
	return cause
}

// note says what billing did, for the shard's note; "" when nothing is worth saying.
func (b *billing) note() string {
	var parts []string
	if b.Charged > 0 || b.Settled.Duplicates > 0 {
		s := fmt.Sprintf("%d units charged", b.Settled.Charged)
		if b.Settled.Duplicates > 0 {
			s += fmt.Sprintf(" (%d charged before)", b.Settled.Duplicates)
		}
		parts = append(parts, s)
	}
	if n := len(b.Refused); n > 0 {
		parts = append(parts, fmt.Sprintf("%d items not in the plan (%s)", n, strings.Join(b.Refused, "; ")))
	}
	return strings.Join(parts, "; ")
}
