package quota

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cspm-alibaba/cspm/shared/entitlement"
)

// Period is a billing period kind. Periods are aligned in UTC.
type Period string

// The billing periods.
const (
	Hour  Period = "hour"
	Day   Period = "day"
	Month Period = "month"
)

// Valid reports whether p is hour, day or month.
func (p Period) Valid() bool { return p == Hour || p == Day || p == Month }

// Start returns the start (UTC) of the period of kind p that contains t.
func (p Period) Start(t time.Time) time.Time {
	t = t.UTC()
	switch p {
	case Hour:
		return t.Truncate(time.Hour)
	case Day:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// Next returns the start of the period after the one that starts at start.
func (p Period) Next(start time.Time) time.Time {
	switch p {
	case Hour:
		return start.Add(time.Hour)
	case Day:
		return start.AddDate(0, 0, 1)
	}
	return start.AddDate(0, 1, 0)
}

// Total is the metered usage of one period, site, billing method, operation and check
// item.
type Total struct {
	Start     time.Time // start of the period (UTC)
	Site      string
	Method    entitlement.Billing
	Operation entitlement.Operation
	ItemID    string
	Units     int64
	Records   int
}

// Totals reads a tenant's usage records with from <= time < to and totals them per
// period of kind p, site, billing method, operation and check item, in that order.
// from and to should be period boundaries (a partial period is totalled as far as it
// goes); a zero from or to leaves that side open.
func (l *Ledger) Totals(ctx context.Context, tenantID string, p Period, from, to time.Time) ([]Total, error) {
	op := "quota: totals " + tenantID
	if !p.Valid() {
		return nil, fmt.Errorf("%s: %w: period %q: want hour, day or month", op, ErrInvalid, p)
	}
	usage, err := l.st.ListUsage(ctx, tenantID, from, to)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	type key struct {
		start           int64
		site, method    string
		operation, item string
	}
	sums := map[key]*Total{}
	for _, u := range usage {
		start := p.Start(u.At)
		k := key{start.UnixMilli(), u.Site, u.BillingMethod, u.Operation, u.ItemID}
		t := sums[k]
		if t == nil {
			t = &Total{Start: start, Site: u.Site, Method: entitlement.Billing(u.BillingMethod),
				Operation: entitlement.Operation(u.Operation), ItemID: u.ItemID}
			sums[k] = t
		}
		t.Units += max(u.Units, 1)
		t.Records++
	}
	out := make([]Total, 0, len(sums))
	for _, t := range sums {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Total) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Site, b.Site), cmp.Compare(a.Method, b.Method),
			cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.ItemID, b.ItemID))
	})
	return out, nil
}

// Bill is the metered usage of one tenant for one period on one site under one billing
// method: what the billing job hands on. ID is its key in a bills table.
type Bill struct {
	TenantID string
	Period   Period
	Start    time.Time // UTC
	End      time.Time
	Site     string
	Method   entitlement.Billing
	Units    int64
	Records  int
	Lines    []Line // by operation and item
}

// Line is one operation on one check item within a Bill.
type Line struct {
	Operation entitlement.Operation
	ItemID    string
	Units     int64
	Records   int
}

// ID returns the bill's key: "<period>/<start, RFC 3339>/<site>/<method>", e.g.
// "month/2026-01-01T00:00:00Z/cn/subscription". Writing a bill under it only if absent
// makes the billing job idempotent.
func (b Bill) ID() string {
	return fmt.Sprintf("%s/%s/%s/%s", b.Period, b.Start.UTC().Format(time.RFC3339), esc(b.Site), b.Method)
}

// Bills groups the tenant's Totals for [from, to) into one Bill per period, site and
// billing method, in that order.
func (l *Ledger) Bills(ctx context.Context, tenantID string, p Period, from, to time.Time) ([]Bill, error) {
	totals, err := l.Totals(ctx, tenantID, p, from, to)
	if err != nil {
		return nil, err
	}
	var bills []Bill
	for _, t := range totals {
		n := len(bills)
		if n == 0 || !bills[n-1].Start.Equal(t.Start) || bills[n-1].Site != t.Site || bills[n-1].Method != t.Method {
			bills = append(bills, Bill{TenantID: tenantID, Period: p, Start: t.Start, End: p.Next(t.Start), Site: t.Site, Method: t.Method})
			n++
		}
		b := &bills[n-1]
		b.Units += t.Units
		b.Records += t.Records
		b.Lines = append(b.Lines, Line{Operation: t.Operation, ItemID: t.ItemID, Units: t.Units, Records: t.Records})
	}
	return bills, nil
}
