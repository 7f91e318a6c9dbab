package meter

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

func TestLastClosed(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 5, 0, 0, time.UTC)
	tests := []struct {
		p          Period
		start, end string
	}{
		{Hour, "2026-02-28T23:00:00Z", "2026-03-01T00:00:00Z"},
		{Day, "2026-02-28T00:00:00Z", "2026-03-01T00:00:00Z"},
		{Month, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"},
	}
	for _, tt := range tests {
		w := LastClosed(tt.p, at)
		if w.Start != tt.start || w.End != tt.end {
			t.Errorf("LastClosed(%s, %s) = [%s, %s); want [%s, %s)", tt.p, at, w.Start, w.End, tt.start, tt.end)
		}
	}
}

func TestHandle(t *testing.T) {
	tests := []struct {
		name, body string
		windows    int
		wantErr    string
	}{
		{"all periods", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":"{\"periods\":[\"hour\",\"day\",\"month\"]}"}`, 3, ""},
		{"empty payload means all", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":""}`, 3, ""},
		{"one period", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":"{\"periods\":[\"day\"]}"}`, 1, ""},
		{"unknown period", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":"{\"periods\":[\"week\"]}"}`, 0, `unknown period "week"`},
		{"bad payload", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":"{\"period\":1}"}`, 0, "payload"},
		{"bad time", `{"triggerTime":"yesterday","triggerName":"hourly-meter","payload":""}`, 0, "RFC 3339"},
		{"not a timer", `{"tenant_id":"acme"}`, 0, "meter-quota"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := newMeter(t).Handle(context.Background(), []byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Handle = %v; want an error mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(res.Windows) != 2*tt.windows {
				t.Fatalf("Handle = %+v, %v; want %d windows (each period's last closed one and its current one)", res, err, 2*tt.windows)
			}
		})
	}
}

func newMeter(t *testing.T) *Handler {
	t.Helper()
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	return &Handler{Store: storetest.NewStore(t, ots.Client(), nil)}
}

// TestBillsAndReconcile: usage charged under a subscription and under pay-as-you-go
// is totalled into one bill per period, site and method, with lines by operation and
// item; the counters reconcile; a counter set wrong is reported as a mismatch, and the
// bill says so.
func TestBillsAndReconcile(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	st := storetest.NewStore(t, ots.Client(), &store.Options{Now: now})
	l := quota.New(st, &quota.Options{Now: now})
	plans := map[string]string{
		"acme":    `{"edition":"basic","cspm":"subscription","cspm_term":"sub-1","cspm_quota":100}`,
		"globex":  `{"edition":"basic","cspm":"payg"}`,
		"initech": `{"edition":"advanced","cspm":"none"}`,
	}
	charges := map[string]int{"acme": 7, "globex": 5}
	for id, plan := range plans {
		row := store.Tenant{TenantID: id, AccountID: "1357924680135792", Site: "cn", Plan: plan, AuthorizedAt: clock.Add(-time.Hour)}
		if err := st.PutTenant(ctx, row); err != nil {
			t.Fatal(err)
		}
		p, err := tenant.PlanOf(row)
		if err != nil {
			t.Fatal(err)
		}
		acct, ok := tenant.QuotaAccount(row, p, clock)
		if !ok {
			continue
		}
		for i := range charges[id] {
			item := "ecs_instance_public_ip"
			if i%2 == 1 {
				item = "ecs_sg_egress_unrestricted"
			}
			k := quota.ChargeKey{TenantID: id, Site: "cn", TaskID: "task-1", ShardID: "0000", ItemID: item,
				InstanceID: fmt.Sprintf("i-%d", i), Operation: "scan"}
			if _, err := l.Charge(ctx, k, acct.Billing); err != nil {
				t.Fatal(err)
			}
		}
	}
	h := &Handler{Store: st, Ledger: l, Now: now}
	timer := `{"triggerTime":"2026-11-24T09:30:00Z","triggerName":"hourly-meter","payload":""}`
	res, err := h.Handle(ctx, []byte(timer))
	if err != nil {
		t.Fatal(err)
	}
	if res.Mismatches != 0 || len(res.Counters) != 2 {
		t.Fatalf("result = %+v; want two counters (the CSPM tenants), no mismatch", res)
	}
	for id, n := range charges {
		bills, err := st.ListBills(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		periods := map[string]int64{}
		for _, b := range bills {
			periods[b.Period] += b.Units
			if b.Reconciled != "ok" {
				t.Errorf("%s bill %s reconciled %q; want ok", id, b.BillID, b.Reconciled)
			}
			var lines []Line
			if err := json.Unmarshal([]byte(b.Lines), &lines); err != nil || len(lines) != 2 {
				t.Errorf("%s bill %s lines %s (%v); want 2 (one per item)", id, b.BillID, b.Lines, err)
			}
		}
		for _, p := range []string{"hour", "day", "month"} {
			if periods[p] != int64(n) {
				t.Errorf("%s: %s bills total %d units; want %d", id, p, periods[p], n)
			}
		}
	}
	if bills, _ := st.ListBills(ctx, "initech"); len(bills) != 0 {
		t.Errorf("a tenant without CSPM has %d bills; want none", len(bills))
	}

	// A usage record whose unit never reached the counter: counter below usage, a
	// mismatch no repair may hide.
	if _, err := st.RecordUsage(ctx, store.Usage{TenantID: "acme", Key: "cn/forged/0000/x/i-9/scan", Site: "cn",
		BillingMethod: "subscription", ItemID: "x", InstanceID: "i-9", Operation: "scan", At: clock}); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(2 * time.Hour)
	res, err = h.Handle(ctx, []byte(timer))
	if err != nil {
		t.Fatal(err)
	}
	if res.Mismatches != 1 {
		t.Fatalf("after a forged usage record: %d mismatches; want 1 (%+v)", res.Mismatches, res.Counters)
	}
	bills, _ := st.ListBills(ctx, "acme")
	for _, b := range bills {
		if !strings.HasPrefix(b.Reconciled, "mismatch: ") {
			t.Errorf("acme bill %s reconciled %q; want the mismatch", b.BillID, b.Reconciled)
		}
	}

	// A tenant row whose plan no longer reads is reported, not skipped.
	row, err := st.GetTenant(ctx, "globex")
	if err != nil {
		t.Fatal(err)
	}
	row.Plan = "platinum"
	if err := st.PutTenant(ctx, row); err != nil {
		t.Fatal(err)
	}
	res, err = h.Handle(ctx, []byte(timer))
	if err != nil {
		t.Fatal(err)
	}
	// acme's counter was set right by the run before (the repair is reported once).
	if res.Mismatches != 1 || len(res.Counters) != 2 || res.Counters[1].TenantID != "globex" || res.Counters[1].OK {
		t.Errorf("with globex's plan unreadable: %d mismatches, counters %+v; want globex reported not reconciled, acme fine", res.Mismatches, res.Counters)
	}
}
