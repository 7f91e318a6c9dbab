package quota

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// sweep is what one pass over a subscription counter's holds found and did.
type sweep struct {
	Held      int64 // units held by live reservations
	Live      int   // live reservations
	Pending   int   // hold numbers given out whose hold row is not written yet
	Expired   int   // reservations reclaimed by this pass
	Reclaimed int64 // units they held, returned to the counter
	Stuck     int   // expired holds another pass claimed and has not closed
}

// sweep visits the holds of a subscription counter that are not known to be closed
// (from the low-water mark to the last number given out), reclaims those that have
// been silent for Options.HoldTTL, and moves the low-water mark past the closed ones.
//
// A reclaim is claimed first (a row that can be created once), so two passes never
// return the same units twice. The hold is closed before the counter is lowered.
func (l *Ledger) sweep(ctx context.Context, tenant, counter string) (sweep, error) {
	var sw sweep
	op := "quota: reclaim " + tenant + "/" + counter
	seq, err := l.st.GetQuota(ctx, tenant, seqRow(counter))
	if errors.Is(err, store.ErrNotFound) {
		return sw, nil
	}
	if err != nil {
		return sw, fmt.Errorf("%s: %w", op, err)
	}
	low, err := l.st.GetQuota(ctx, tenant, lowRow(counter))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return sw, fmt.Errorf("%s: %w", op, err)
	}
	ttl := l.opts.HoldTTL
	newLow, contiguous := low.Used, true
	for k := low.Used + 1; k <= seq.Used; k++ {
		now := l.now()
		h, err := l.st.GetQuota(ctx, tenant, holdRow(counter, k))
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Numbered, never opened: the reservation died before touching the counter,
			// or is about to open it. Closed once numbering has been quiet for the TTL.
			if now.Sub(seq.UpdatedAt) < ttl {
				sw.Pending++
				contiguous = false
				continue
			}
		case err != nil:
			return sw, fmt.Errorf("%s: hold %d: %w", op, k, err)
		case h.Used > 0:
			closed, err := l.visitOpen(ctx, tenant, counter, k, h, now, &sw)
			if err != nil {
				return sw, err
			}
			if !closed {
				contiguous = false
				continue
			}
		case h.Used < 0:
			l.warn("quota: hold below zero", "tenant", tenant, "counter", counter, "hold", k, "used", h.Used)
		}
		if contiguous {
			newLow = k
		}
	}
	if newLow > low.Used {
		// Capped at newLow, so concurrent passes never move the mark too far.
		_, err := l.st.ReserveQuota(ctx, tenant, lowRow(counter), newLow-low.Used, newLow)
		if err != nil && !errors.Is(err, store.ErrExhausted) {
			return sw, fmt.Errorf("%s: low-water mark: %w", op, err)
		}
	}
	return sw, nil
}

// visitOpen looks at an open hold: live, it counts what it holds; expired, it
// reclaims it. closed reports whether the hold is closed now.
func (l *Ledger) visitOpen(ctx context.Context, tenant, counter string, k int64, h store.Quota, now time.Time, sw *sweep) (closed bool, err error) {
	op := fmt.Sprintf("quota: reclaim %s/%s hold %d", tenant, counter, k)
	last := h.UpdatedAt
	beat, err := l.st.GetQuota(ctx, tenant, beatRow(counter, k))
	switch {
	case err == nil:
		if beat.UpdatedAt.After(last) {
			last = beat.UpdatedAt
		}
	case !errors.Is(err, store.ErrNotFound):
		return false, fmt.Errorf("%s: heartbeat: %w", op, err)
	}
	if now.Sub(last) < l.opts.HoldTTL {
		sw.Live++
		sw.Held += h.Used - 1
		return false, nil
	}
	if _, err := l.st.ReserveQuota(ctx, tenant, reclaimRow(counter, k), 1, 1); errors.Is(err, store.ErrExhausted) {
		// Another pass claimed it; if it died before closing the hold, the units stay
		// in the counter, unheld, and Reconcile reports them.
		sw.Stuck++
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("%s: claim: %w", op, err)
	}
	h, err = l.st.GetQuota(ctx, tenant, holdRow(counter, k))
	if err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if h.Used <= 0 {
		return true, nil
	}
	after, err := l.st.AddQuota(ctx, tenant, holdRow(counter, k), -h.Used)
	if err != nil {
		return false, fmt.Errorf("%s: close: %w", op, err)
	}
	if after != 0 {
		l.warn("quota: a reclaimed hold changed while it was reclaimed", "tenant", tenant, "counter", counter, "hold", k, "after", after)
	}
	units := h.Used - 1
	if units > 0 {
		if _, err := l.st.AddQuota(ctx, tenant, counter, -units); err != nil {
			return false, fmt.Errorf("%s: return %d units: %w", op, units, err)
		}
	}
	sw.Expired++
	sw.Reclaimed += units
	return true, nil
}

// ReconcileOptions configures Reconcile. A nil *ReconcileOptions means the zero value.
type ReconcileOptions struct {
	// Repair sets a counter that does not match its usage records to their sum, when
	// the counter is quiet: no live reservation and no write for Options.Quiet. The
	// ledger only ever leaves a counter above its usage (units lost when a process died
	// in the middle of a write, never charged), and a repair gives those units back.
	Repair bool
}

// Reconciliation is what Reconcile found for one counter.
type Reconciliation struct {
	TenantID string
	Site     string
	Counter  string
	Method   entitlement.Billing
	Used     int64 // the counter, after reclaiming and any repair
	Usage    int64 // units in the term's usage records on the site and method
	Records  int   // those records
	Held     int64 // units held by live reservations
	Expired  int   // reservations found expired and reclaimed
	// Reclaimed is the units the expired reservations held, returned to the counter.
	Reclaimed int64
	// Repaired is the units added to the counter by the repair (negative: removed).
	Repaired int64
	// Quiet is true when no reservation was live and the counter had not been written
	// for Options.Quiet: a mismatch then is not an operation in flight.
	Quiet      bool
	Mismatches []Mismatch
}

// Mismatch is one disagreement between a counter and the usage records.
type Mismatch struct {
	Counter string
	Used    int64 // the counter
	Usage   int64 // the usage records' units
	Held    int64 // units held by live reservations
	Diff    int64 // Used - Usage - Held
	// InFlight is true when the counter is above its usage and was not quiet: the
	// difference may be an operation between its writes, not a loss. A counter below
	// its usage is never in flight.
	InFlight bool
	// Repaired is true when Repair has set the counter right.
	Repaired bool
	Problem  string
}

// String describes the mismatch in one line.
func (m Mismatch) String() string {
	s := fmt.Sprintf("%s: counter %d, usage %d, held %d (diff %+d): %s", m.Counter, m.Used, m.Usage, m.Held, m.Diff, m.Problem)
	if m.InFlight {
		s += " (counter busy: may be in flight)"
	}
	if m.Repaired {
		s += " (repaired)"
	}
	return s
}

// Reconcile checks the counter of the account's billing (the subscription term, or the
// pay-as-you-go month) against the usage records: first it reclaims the units of
// reservations that expired (a process died after reserving and before settling),
// then it compares the counter with the sum of the term's usage records plus what live
// reservations hold. They agree unless a process died in the middle of a write; then
// the counter is above the usage (never below: units are lost, never charged twice or
// beyond the cap). With opts.Repair a quiet counter is set right.
//
// Every mismatch is in the result, and logged at level Error when Options.Logger is
// set. The error wraps ErrMismatch when a mismatch remains that is neither in flight
// nor repaired; the Reconciliation is valid then too.
func (l *Ledger) Reconcile(ctx context.Context, a Account, opts *ReconcileOptions) (Reconciliation, error) {
	var o ReconcileOptions
	if opts != nil {
		o = *opts
	}
	if err := a.validate(); err != nil {
		return Reconciliation{}, fmt.Errorf("quota: reconcile: %w: %w", ErrInvalid, err)
	}
	if a.Billing.Method == entitlement.PayAsYouGo && (a.Billing.Start.IsZero() || a.Billing.End.IsZero()) {
		return Reconciliation{}, fmt.Errorf("quota: reconcile %s/%s: %w: pay-as-you-go billing without its month (use PayAsYouGo(t))", a.TenantID, a.Site, ErrInvalid)
	}
	counter := Counter(a.Site, a.Billing)
	rec := Reconciliation{TenantID: a.TenantID, Site: a.Site, Counter: counter, Method: a.Billing.Method}
	op := "quota: reconcile " + a.TenantID + "/" + counter
	sub := a.Billing.Method == entitlement.Subscription
	var sw sweep
	if sub {
		var err error
		if sw, err = l.sweep(ctx, a.TenantID, counter); err != nil {
			return rec, err
		}
	}
	rec.Held, rec.Expired, rec.Reclaimed = sw.Held, sw.Expired, sw.Reclaimed
	// Usage, then the counter: a record is only ever written after its unit is in the
	// counter, so a quiet counter read after the usage covers all of it.
	usage, err := l.st.ListUsage(ctx, a.TenantID, a.Billing.Start, a.Billing.End)
	if err != nil {
		return rec, fmt.Errorf("%s: %w", op, err)
	}
	for _, u := range usage {
		if u.Site == a.Site && u.BillingMethod == string(a.Billing.Method) {
			rec.Usage += max(u.Units, 1)
			rec.Records++
		}
	}
	q, err := l.st.GetQuota(ctx, a.TenantID, counter)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return rec, fmt.Errorf("%s: %w", op, err)
	}
	rec.Used = q.Used
	rec.Quiet = sw.Live == 0 && sw.Pending == 0 && l.now().Sub(q.UpdatedAt) >= l.opts.Quiet
	if diff := q.Used - rec.Usage - rec.Held; diff != 0 {
		// Only a counter above its usage can be in flight: a unit is always in the
		// counter before its record is written, and held before it is taken.
		m := Mismatch{Counter: counter, Used: q.Used, Usage: rec.Usage, Held: rec.Held, Diff: diff, InFlight: diff > 0 && !rec.Quiet}
		if diff > 0 {
			m.Problem = fmt.Sprintf("%d units counted with no usage record and no live reservation: lost when a process died between writes, never charged", diff)
		} else {
			m.Problem = fmt.Sprintf("%d units recorded as usage beyond the counter: operations charged without quota", -diff)
		}
		if o.Repair && rec.Quiet {
			used, err := l.st.AddQuota(ctx, a.TenantID, counter, -diff)
			if err != nil {
				return rec, fmt.Errorf("%s: repair by %+d: %w", op, -diff, err)
			}
			rec.Used, rec.Repaired, m.Repaired = used, -diff, true
			if used != rec.Usage {
				l.warn("quota: the counter changed during the repair", "tenant", a.TenantID, "counter", counter, "used", used, "usage", rec.Usage)
			}
		}
		rec.Mismatches = append(rec.Mismatches, m)
	}
	if sub && rec.Usage > a.Billing.Quota {
		rec.Mismatches = append(rec.Mismatches, Mismatch{Counter: counter, Used: rec.Used, Usage: rec.Usage, Held: rec.Held,
			Diff: rec.Usage - a.Billing.Quota, Problem: fmt.Sprintf("usage %d exceeds the purchased quota %d", rec.Usage, a.Billing.Quota)})
	}
	var open []Mismatch
	for _, m := range rec.Mismatches {
		if l.opts.Logger != nil {
			l.opts.Logger.Error("quota: counter does not match usage", "tenant", a.TenantID, "mismatch", m.String())
		}
		if !m.InFlight && !m.Repaired {
			open = append(open, m)
		}
	}
	if len(open) > 0 {
		return rec, fmt.Errorf("%s: %w: %s", op, ErrMismatch, open[0])
	}
	return rec, nil
}
