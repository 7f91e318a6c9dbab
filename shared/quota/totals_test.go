package quota

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/entitlement"
)

// TestTotalsAndBills: "The billing job reads metered usage per account and period
// (hour/day/month), totals by operation and check item".
func TestTotalsAndBills(t *testing.T) {
	e := newEnv(t, Options{})
	l := e.ledger()
	pa, sa := payg("acme"), sub("acme", 100)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	charges := []struct {
		at   string
		a    Account
		item string
		inst string
		op   entitlement.Operation
	}{
		{"2026-01-14T10:30:00Z", pa, "oss-001", "b-1", entitlement.Scan},
		{"2026-01-14T10:30:00Z", pa, "oss-002", "b-1", entitlement.Scan},
		{"2026-01-14T10:45:00Z", pa, "oss-001", "b-1", entitlement.Verify},
		{"2026-01-14T10:50:00Z", sa, "ecs-009", "i-1", entitlement.Scan},
		{"2026-01-14T11:10:00Z", pa, "oss-001", "b-2", entitlement.Scan},
		{"2026-01-15T09:00:00Z", pa, "oss-002", "b-1", entitlement.Fix},
		{"2026-01-15T09:00:00Z", pa, "oss-002", "b-1", entitlement.Fix}, // duplicate: once
	}
	for _, c := range charges {
		e.clock.Set(at(c.at))
		k := ChargeKey{TenantID: "acme", Site: SiteChina, TaskID: "task-" + c.at, ItemID: c.item, InstanceID: c.inst, Operation: c.op}
		if _, err := l.Charge(e.ctx, k, c.a.Billing); err != nil {
			t.Fatalf("Charge(%s at %s): %v", k, c.at, err)
		}
	}
	from, to := at("2026-01-14T00:00:00Z"), at("2026-01-16T00:00:00Z")
	P, S := entitlement.PayAsYouGo, entitlement.Subscription
	tot := func(start string, m entitlement.Billing, op entitlement.Operation, item string, units int64) Total {
		return Total{Start: at(start), Site: SiteChina, Method: m, Operation: op, ItemID: item, Units: units, Records: int(units)}
	}
	tests := []struct {
		p    Period
		want []Total
	}{
		{Hour, []Total{
			tot("2026-01-14T10:00:00Z", P, entitlement.Scan, "oss-001", 1),
			tot("2026-01-14T10:00:00Z", P, entitlement.Scan, "oss-002", 1),
			tot("2026-01-14T10:00:00Z", P, entitlement.Verify, "oss-001", 1),
			tot("2026-01-14T10:00:00Z", S, entitlement.Scan, "ecs-009", 1),
			tot("2026-01-14T11:00:00Z", P, entitlement.Scan, "oss-001", 1),
			tot("2026-01-15T09:00:00Z", P, entitlement.Fix, "oss-002", 1),
		}},
		{Day, []Total{
			tot("2026-01-14T00:00:00Z", P, entitlement.Scan, "oss-001", 2),
			tot("2026-01-14T00:00:00Z", P, entitlement.Scan, "oss-002", 1),
			tot("2026-01-14T00:00:00Z", P, entitlement.Verify, "oss-001", 1),
			tot("2026-01-14T00:00:00Z", S, entitlement.Scan, "ecs-009", 1),
			tot("2026-01-15T00:00:00Z", P, entitlement.Fix, "oss-002", 1),
		}},
		{Month, []Total{
			tot("2026-01-01T00:00:00Z", P, entitlement.Fix, "oss-002", 1),
			tot("2026-01-01T00:00:00Z", P, entitlement.Scan, "oss-001", 2),
			tot("2026-01-01T00:00:00Z", P, entitlement.Scan, "oss-002", 1),
			tot("2026-01-01T00:00:00Z", P, entitlement.Verify, "oss-001", 1),
			tot("2026-01-01T00:00:00Z", S, entitlement.Scan, "ecs-009", 1),
		}},
	}
	for _, tt := range tests {
		got, err := l.Totals(e.ctx, "acme", tt.p, from, to)
		if err != nil {
			t.Fatalf("Totals(%s): %v", tt.p, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Totals(%s) =\n%+v\nwant\n%+v", tt.p, got, tt.want)
		}
	}
	if got, err := l.Totals(e.ctx, "acme", Hour, at("2026-01-14T11:00:00Z"), at("2026-01-14T12:00:00Z")); err != nil || len(got) != 1 || got[0].ItemID != "oss-001" {
		t.Errorf("Totals(hour, [11:00, 12:00)) = %+v, %v; want the one scan at 11:10", got, err)
	}

	bills, err := l.Bills(e.ctx, "acme", Day, from, to)
	if err != nil {
		t.Fatal(err)
	}
	type brief struct {
		id           string
		units, lines int
		end          time.Time
	}
	var gotBills []brief
	for _, b := range bills {
		gotBills = append(gotBills, brief{b.ID(), int(b.Units), len(b.Lines), b.End})
	}
	wantBills := []brief{
		{"day/2026-01-14T00:00:00Z/cn/payg", 4, 3, at("2026-01-15T00:00:00Z")},
		{"day/2026-01-14T00:00:00Z/cn/subscription", 1, 1, at("2026-01-15T00:00:00Z")},
		{"day/2026-01-15T00:00:00Z/cn/payg", 1, 1, at("2026-01-16T00:00:00Z")},
	}
	if !reflect.DeepEqual(gotBills, wantBills) {
		t.Errorf("Bills(day) = %+v; want %+v", gotBills, wantBills)
	}
	if _, err := l.Totals(e.ctx, "acme", "week", from, to); !errors.Is(err, ErrInvalid) {
		t.Errorf("Totals(week) = %v; want ErrInvalid", err)
	}
}

func TestPeriod(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 59, 0, 0, time.FixedZone("CST", 8*3600)) // 15:59 UTC
	tests := []struct {
		p           Period
		start, next time.Time
	}{
		{Hour, time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)},
		{Day, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Month, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		start := tt.p.Start(at)
		if !start.Equal(tt.start) || !tt.p.Next(start).Equal(tt.next) {
			t.Errorf("%s.Start(%s) = %s, Next = %s; want %s, %s", tt.p, at, start, tt.p.Next(start), tt.start, tt.next)
		}
	}
}
