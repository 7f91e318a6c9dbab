// Package meter is the meter-quota function. On its hourly timer it totals every
// tenant's metered usage (package quota's usage records) per period — hour, day and
// month — by operation and check item into the bills table, and reconciles each
// tenant's quota counter with its usage records, reporting any mismatch loudly.
//
// Each run bills, for each period kind, the last closed period (final) and the
// current one (provisional: rewritten by every run until it closes), so a bill is
// always up to date and a usage record settled late still lands in its period's bill.
// Reconciling first reclaims the quota held by dead processes and repairs a quiet
// counter that a process killed between two writes left above its usage (units lost,
// never charged); every mismatch is logged at level ERROR and returned in the result.
package meter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// Period is a billing period kind.
type Period = quota.Period

// The billing periods.
const (
	Hour  = quota.Hour
	Day   = quota.Day
	Month = quota.Month
)

// Window is one period: [Start, End). Open is true for the current, unfinished one.
type Window struct {
	Period Period `json:"period"`
	Start  string `json:"start"`
	End    string `json:"end"`
	Open   bool   `json:"open,omitempty"`
}

// Bill is one bill the run wrote.
type Bill struct {
	TenantID   string `json:"tenant_id"`
	BillID     string `json:"bill_id"`
	Method     string `json:"method"`
	Units      int64  `json:"units"`
	Records    int    `json:"records"`
	Open       bool   `json:"open,omitempty"`
	Reconciled string `json:"reconciled"`
}

// Reconciled is one quota counter as the run found it.
type Reconciled struct {
	TenantID  string   `json:"tenant_id"`
	Counter   string   `json:"counter"`
	Method    string   `json:"method"`
	Used      int64    `json:"used"`
	Usage     int64    `json:"usage"`
	Held      int64    `json:"held"`
	Reclaimed int64    `json:"reclaimed,omitempty"`
	Repaired  int64    `json:"repaired,omitempty"`
	OK        bool     `json:"ok"`
	Problems  []string `json:"problems,omitempty"`
}

// Result is what one run covered.
type Result struct {
	TriggerTime string       `json:"trigger_time"`
	Windows     []Window     `json:"windows"`
	Bills       []Bill       `json:"bills"`
	Counters    []Reconciled `json:"counters"`
	Mismatches  int          `json:"mismatches"`
}

// Handler totals usage and reconciles quota.
type Handler struct {
	Store *store.Store
	// Ledger reads usage and counters; nil: a ledger over Store with Now.
	Ledger *quota.Ledger
	// Now is the clock for reconciling (quiet counters, expired holds); nil: time.Now.
	Now func() time.Time

	once sync.Once
}

// FromEnv builds the handler from the function's environment (store.FromEnv).
func FromEnv() (*Handler, error) {
	st, err := store.FromEnv()
	if err != nil {
		return nil, fmt.Errorf("meter-quota: %w", err)
	}
	return &Handler{Store: st}, nil
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

func (h *Handler) ledger(ctx context.Context) *quota.Ledger {
	h.once.Do(func() {
		if h.Ledger == nil {
			h.Ledger = quota.New(h.Store, &quota.Options{Now: h.now, Logger: fcrun.Logger(ctx)})
		}
	})
	return h.Ledger
}

type payload struct {
	Periods []Period `json:"periods"`
}

// Handle is the function's entry point.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	t, err := event.DecodeTimer(raw)
	if err != nil {
		return Result{}, fmt.Errorf("meter-quota: %w", err)
	}
	at, err := time.Parse(time.RFC3339, t.TriggerTime)
	if err != nil {
		return Result{}, fmt.Errorf("meter-quota: triggerTime %q: want RFC 3339", t.TriggerTime)
	}
	periods := []Period{Hour, Day, Month}
	if len(bytes.TrimSpace([]byte(t.Payload))) > 0 {
		dec := json.NewDecoder(bytes.NewReader([]byte(t.Payload)))
		dec.DisallowUnknownFields()
		var p payload
		if err := dec.Decode(&p); err != nil {
			return Result{}, fmt.Errorf("meter-quota: payload %q: want {\"periods\":[\"hour\",\"day\",\"month\"]}: %w", t.Payload, err)
		}
		for _, pd := range p.Periods {
			if !pd.Valid() {
				return Result{}, fmt.Errorf("meter-quota: payload: unknown period %q (want hour, day or month)", pd)
			}
		}
		if len(p.Periods) > 0 {
			periods = p.Periods
		}
	}
	res := Result{TriggerTime: t.TriggerTime, Bills: []Bill{}, Counters: []Reconciled{}}
	for _, p := range periods {
		res.Windows = append(res.Windows, LastClosed(p, at), Current(p, at))
	}
	if h.Store == nil {
		return res, errors.New("meter-quota: no store configured")
	}
	tenants, err := h.Store.ListTenants(ctx)
	if err != nil {
		return res, fmt.Errorf("meter-quota: list tenants: %w", err)
	}
	log := fcrun.Logger(ctx)
	for _, t := range tenants {
		rec, err := h.reconcile(ctx, t)
		if err != nil {
			return res, fmt.Errorf("meter-quota: tenant %s: %w", t.TenantID, err)
		}
		status := "ok"
		if rec != nil {
			res.Counters = append(res.Counters, *rec)
			if !rec.OK {
				res.Mismatches++
				status = "mismatch: " + strings.Join(rec.Problems, "; ")
				log.Error("QUOTA MISMATCH: the quota counter does not match the usage records",
					"tenant_id", t.TenantID, "counter", rec.Counter, "used", rec.Used, "usage", rec.Usage,
					"held", rec.Held, "problems", rec.Problems)
			}
		}
		bills, err := h.bill(ctx, t.TenantID, res.Windows, status)
		if err != nil {
			return res, fmt.Errorf("meter-quota: tenant %s: %w", t.TenantID, err)
		}
		res.Bills = append(res.Bills, bills...)
	}
	log.Info("usage metered", "tenants", len(tenants), "bills", len(res.Bills), "mismatches", res.Mismatches)
	return res, nil
}

// reconcile checks the counter of the tenant's billing in force (nil when it has no
// CSPM), repairing it when it is quiet.
func (h *Handler) reconcile(ctx context.Context, t store.Tenant) (*Reconciled, error) {
	plan, err := tenant.PlanOf(t)
	if err != nil {
		// Its counter cannot be found: say so as loudly as a mismatch.
		return &Reconciled{TenantID: t.TenantID, Problems: []string{"not reconciled: " + err.Error()}}, nil
	}
	acct, ok := tenant.QuotaAccount(t, plan, h.now())
	if !ok {
		return nil, nil
	}
	rec, err := h.ledger(ctx).Reconcile(ctx, acct, &quota.ReconcileOptions{Repair: true})
	if err != nil && !errors.Is(err, quota.ErrMismatch) {
		return nil, err
	}
	out := &Reconciled{TenantID: t.TenantID, Counter: rec.Counter, Method: string(rec.Method), Used: rec.Used,
		Usage: rec.Usage, Held: rec.Held, Reclaimed: rec.Reclaimed, Repaired: rec.Repaired, OK: true}
	for _, m := range rec.Mismatches {
		if m.InFlight && !m.Repaired {
			continue // an operation between its writes: not yet a mismatch
		}
		// A repaired counter is reported too: units were lost (or worse) before it.
		out.OK = false
		out.Problems = append(out.Problems, m.String())
	}
	return out, nil
}

// bill totals the tenant's usage in each window and writes the bills.
func (h *Handler) bill(ctx context.Context, tenantID string, windows []Window, reconciled string) ([]Bill, error) {
	var rows []store.Bill
	var out []Bill
	for _, w := range windows {
		start, _ := time.Parse(time.RFC3339, w.Start)
		end, _ := time.Parse(time.RFC3339, w.End)
		bills, err := h.ledger(ctx).Bills(ctx, tenantID, w.Period, start, end)
		if err != nil {
			return nil, err
		}
		for _, b := range bills {
			lines, err := json.Marshal(linesOf(b))
			if err != nil {
				return nil, err
			}
			rows = append(rows, store.Bill{TenantID: tenantID, BillID: b.ID(), Period: string(b.Period), Start: b.Start,
				End: b.End, Site: b.Site, Method: string(b.Method), Units: b.Units, Records: b.Records,
				Lines: string(lines), Reconciled: reconciled})
			out = append(out, Bill{TenantID: tenantID, BillID: b.ID(), Method: string(b.Method), Units: b.Units,
				Records: b.Records, Open: w.Open, Reconciled: reconciled})
		}
	}
	if _, err := h.Store.PutBills(ctx, rows); err != nil {
		return nil, err
	}
	return out, nil
}

// Line is one operation on one check item in a bill, as the bills table keeps it.
type Line struct {
	Operation string `json:"operation"`
	ItemID    string `json:"item_id"`
	Units     int64  `json:"units"`
	Records   int    `json:"records"`
}

func linesOf(b quota.Bill) []Line {
	out := make([]Line, len(b.Lines))
	for i, l := range b.Lines {
		out[i] = Line{Operation: string(l.Operation), ItemID: l.ItemID, Units: l.Units, Records: l.Records}
	}
	return out
}

// LastClosed returns the most recent period of kind p that ended at or before t (UTC).
func LastClosed(p Period, t time.Time) Window {
	end := p.Start(t)
	start := p.Start(end.Add(-time.Nanosecond))
	return Window{Period: p, Start: start.Format(time.RFC3339), End: end.Format(time.RFC3339)}
}

// Current returns the period of kind p that contains t (UTC): still open.
func Current(p Period, t time.Time) Window {
	start := p.Start(t)
	return Window{Period: p, Start: start.Format(time.RFC3339), End: p.Next(start).Format(time.RFC3339), Open: true}
}
