package quota

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/store"
)

func TestChargeKey(t *testing.T) {
	base := ChargeKey{TenantID: "acme", Site: SiteChina, TaskID: "task1", ShardID: "cn-hangzhou/ecs", ItemID: "ecs-001", InstanceID: "i-1", Operation: entitlement.Scan}
	if got, want := base.String(), "cn/task1/cn-hangzhou%2Fecs/ecs-001/i-1/scan"; got != want {
		t.Errorf("ChargeKey.String() = %q; want %q", got, want)
	}
	// "/" inside a part must not make two keys equal.
	a, b := base, base
	a.ItemID, a.InstanceID = "x/y", "z"
	b.ItemID, b.InstanceID = "x", "y/z"
	if a.String() == b.String() {
		t.Errorf("keys with item x/y,instance z and item x,instance y/z both give %q; want distinct", a.String())
	}
	long := base
	long.InstanceID = strings.Repeat("i", 300)
	if s := long.String(); len(s) > store.MaxKeyBytes || !strings.HasPrefix(s, "sha256/") {
		t.Errorf("ChargeKey.String() of a 300-byte instance = %q (%d bytes); want a sha256/ digest within %d bytes", s, len(s), store.MaxKeyBytes)
	}
	for _, tt := range []struct {
		name   string
		mutate func(*ChargeKey)
		want   string
	}{
		{"empty tenant", func(k *ChargeKey) { k.TenantID = "" }, "tenant is empty"},
		{"bad site", func(k *ChargeKey) { k.Site = "eu" }, `site "eu"`},
		{"empty task", func(k *ChargeKey) { k.TaskID = "" }, "task is empty"},
		{"empty item", func(k *ChargeKey) { k.ItemID = "" }, "item is empty"},
		{"empty instance", func(k *ChargeKey) { k.InstanceID = "" }, "instance is empty"},
		{"bad operation", func(k *ChargeKey) { k.Operation = "delete" }, `operation "delete"`},
		{"item not UTF-8", func(k *ChargeKey) { k.ItemID = "ecs-\xff" }, "not UTF-8"},
		{"instance with NUL", func(k *ChargeKey) { k.InstanceID = "i-\x00" }, "without NUL"},
	} {
		k := base
		tt.mutate(&k)
		if err := k.validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("validate(%s) = %v; want an error mentioning %q", tt.name, err, tt.want)
		}
	}
	k := base
	k.ShardID = ""
	if err := k.validate(); err != nil {
		t.Errorf("validate(no shard) = %v; want nil (a shard id is optional)", err)
	}
}

func TestCounterNames(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		site string
		b    Billing
		want string
	}{
		{SiteChina, Subscription("order-1", start, start.AddDate(1, 0, 0), 3000), "cspm/cn/sub/order-1"},
		{SiteIntl, Subscription("order-1", start, start.AddDate(1, 0, 0), 3000), "cspm/intl/sub/order-1"},
		{SiteChina, Subscription("a/seq", start, time.Time{}, 1), "cspm/cn/sub/a%2Fseq"},
		{SiteChina, PayAsYouGo(time.Date(2026, 3, 31, 23, 59, 0, 0, time.UTC)), "cspm/cn/payg/2026-03"},
		{SiteIntl, PayAsYouGo(time.Date(2026, 4, 1, 7, 0, 0, 0, time.FixedZone("CST", 8*3600))), "cspm/intl/payg/2026-03"},
	}
	for _, tt := range tests {
		if got := Counter(tt.site, tt.b); got != tt.want {
			t.Errorf("Counter(%s, %s %s) = %q; want %q", tt.site, tt.b.Method, tt.b.Term, got, tt.want)
		}
	}
}

// TestSubscriptionShard: a shard takes units, one operation fails and is cancelled,
// Settle records the rest and gives the untaken units back.
func TestSubscriptionShard(t *testing.T) {
	e := newEnv(t, Options{Block: 50})
	a := sub("acme", 100)
	l := e.ledger()
	ks := keys(a, "task1", "s1", 10)
	r, err := l.Reserve(e.ctx, a, 0)
	if err != nil {
		t.Fatalf("Reserve: %v", err)
	}
	if got := e.counter("acme", Counter(a.Site, a.Billing)); got != 50 {
		t.Errorf("counter after Reserve = %d; want a block of 50 held", got)
	}
	for _, k := range ks {
		if err := r.Take(e.ctx, k); err != nil {
			t.Fatalf("Take(%s): %v", k, err)
		}
	}
	if err := r.Take(e.ctx, ks[0]); err != nil || r.Free() != 40 {
		t.Errorf("Take(a key taken before) = %v, free %d; want nil and no unit taken (free 40)", err, r.Free())
	}
	if !r.Cancel(ks[3]) {
		t.Errorf("Cancel(taken key) = false; want true")
	}
	if r.Cancel(ks[3]) {
		t.Errorf("Cancel(cancelled key) = true; want false")
	}
	s, err := r.Settle(e.ctx)
	if err != nil {
		t.Fatalf("Settle: %v", err)
	}
	if want := (Settlement{Charged: 9, Released: 41}); s != want {
		t.Errorf("Settle = %+v; want %+v (9 charged, 41 untaken units back)", s, want)
	}
	want := append(append([]ChargeKey{}, ks[:3]...), ks[4:]...)
	e.wantCharged("after Settle", "acme", want)
	if got := e.counter("acme", Counter(a.Site, a.Billing)); got != 9 {
		t.Errorf("counter after Settle = %d; want 9 (the failed operation is not charged)", got)
	}
	u := e.usage("acme")[ks[0].String()]
	if u.BillingMethod != "subscription" || u.Site != "cn" || u.TaskID != "task1" || u.ShardID != "s1" || u.ItemID != "ecs-000" ||
		u.Operation != "scan" || u.Units != 1 || !u.At.Equal(t0) {
		t.Errorf("usage record = %+v; want subscription/cn/task1/s1/ecs-000/scan, 1 unit at %s", u, t0)
	}
	if s2, err := r.Settle(e.ctx); err != nil || s2 != s {
		t.Errorf("second Settle = %+v, %v; want the same settlement, nil", s2, err)
	}
	if err := r.Take(e.ctx, ks[0]); !errors.Is(err, ErrSettled) {
		t.Errorf("Take after Settle = %v; want ErrSettled", err)
	}
	if used, err := l.Used(e.ctx, a); err != nil || used != 9 {
		t.Errorf("Used = %d, %v; want 9", used, err)
	}
	rec, err := l.Reconcile(e.ctx, a, nil)
	if err != nil || rec.Used != 9 || rec.Usage != 9 || rec.Held != 0 || len(rec.Mismatches) != 0 {
		t.Errorf("Reconcile = %+v, %v; want counter 9 == usage 9, nothing held, no mismatch", rec, err)
	}
}

// TestExhaustedMidShard: "if the remaining quota cannot cover the whole scan task, the
// task runs until quota is exhausted and then stops early; results are kept".
func TestExhaustedMidShard(t *testing.T) {
	e := newEnv(t, Options{Block: 10})
	a := sub("acme", 25)
	ks := keys(a, "task1", "s1", 40)
	taken, s, err := run(e.ctx, e.ledger(), a, ks)
	if !errors.Is(err, ErrExhausted) {
		t.Fatalf("run(40 operations, quota 25) error = %v; want ErrExhausted", err)
	}
	if taken != 25 || s.Charged != 25 {
		t.Errorf("run(40 operations, quota 25) took %d, charged %d; want 25, 25 (then stop)", taken, s.Charged)
	}
	e.wantCharged("after stopping early", "acme", ks[:25])
	if got := e.counter("acme", Counter(a.Site, a.Billing)); got != 25 {
		t.Errorf("counter = %d; want 25: never beyond the purchased quantity", got)
	}
	if _, err := e.ledger().Reserve(e.ctx, a, 1); !errors.Is(err, ErrExhausted) {
		t.Errorf("Reserve with the quota used up = %v; want ErrExhausted", err)
	}
	if _, err := e.ledger().Charge(e.ctx, keys(a, "task2", "s1", 1)[0], a.Billing); !errors.Is(err, ErrExhausted) {
		t.Errorf("Charge with the quota used up = %v; want ErrExhausted", err)
	}
	if rec, err := e.ledger().Reconcile(e.ctx, a, nil); err != nil || rec.Used != 25 || rec.Usage != 25 {
		t.Errorf("Reconcile = %+v, %v; want counter 25 == usage 25", rec, err)
	}
}

// TestCharge: one operation at a time; a duplicate is charged once.
func TestCharge(t *testing.T) {
	for _, a := range []Account{sub("acme", 10), payg("acme")} {
		t.Run(string(a.Billing.Method), func(t *testing.T) {
			e := newEnv(t, Options{})
			l := e.ledger()
			k := keys(a, "verify-req-7", "", 1)[0]
			k.Operation = entitlement.Verify
			for i, want := range []bool{true, false, false} {
				charged, err := l.Charge(e.ctx, k, a.Billing)
				if err != nil || charged != want {
					t.Errorf("Charge #%d = %v, %v; want %v, nil", i+1, charged, err, want)
				}
			}
			e.wantCharged("after 3 charges of one key", "acme", []ChargeKey{k})
			if got := e.counter("acme", Counter(a.Site, a.Billing)); got != 1 {
				t.Errorf("counter = %d; want 1", got)
			}
			bad := k
			bad.Operation = "delete"
			if _, err := l.Charge(e.ctx, bad, a.Billing); !errors.Is(err, ErrInvalid) {
				t.Errorf("Charge(bad operation) = %v; want ErrInvalid", err)
			}
		})
	}
}

// TestPayAsYouGo: no limit; every billable operation is metered, in the counter of its
// month.
func TestPayAsYouGo(t *testing.T) {
	e := newEnv(t, Options{Block: 5})
	a := payg("acme")
	e.clock.Set(time.Date(2026, 1, 31, 23, 59, 0, 0, time.UTC))
	l := e.ledger()
	ks := keys(a, "task1", "s1", 300)
	r, err := l.Reserve(e.ctx, a, 0)
	if err != nil {
		t.Fatalf("Reserve(payg): %v", err)
	}
	for i, k := range ks {
		if i == 100 {
			e.clock.Set(time.Date(2026, 2, 1, 0, 1, 0, 0, time.UTC))
		}
		if err := r.Take(e.ctx, k); err != nil {
			t.Fatalf("Take #%d (payg, no limit): %v", i, err)
		}
	}
	s, err := r.Settle(e.ctx)
	if err != nil || s.Charged != 300 || s.Released != 0 {
		t.Fatalf("Settle = %+v, %v; want 300 charged", s, err)
	}
	jan, feb := e.counter("acme", "cspm/cn/payg/2026-01"), e.counter("acme", "cspm/cn/payg/2026-02")
	if jan != 100 || feb != 200 {
		t.Errorf("payg counters January %d, February %d; want 100, 200 (each operation in its month)", jan, feb)
	}
	if _, err := l.Reconcile(e.ctx, Account{TenantID: "acme", Site: SiteChina, Billing: Billing{Method: entitlement.PayAsYouGo}}, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Reconcile(payg without a month) = %v; want ErrInvalid", err)
	}
	for _, m := range []struct {
		b    Billing
		want int64
	}{{PayAsYouGo(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)), 100}, {PayAsYouGo(time.Date(2026, 2, 5, 0, 0, 0, 0, time.UTC)), 200}} {
		rec, err := l.Reconcile(e.ctx, Account{TenantID: "acme", Site: SiteChina, Billing: m.b}, nil)
		if err != nil || rec.Usage != m.want || rec.Used != m.want {
			t.Errorf("Reconcile(payg %s) = %+v, %v; want counter %d == usage %d", m.b.Term, rec, err, m.want, m.want)
		}
	}
}

// TestSitesApart: "assets, findings and quota are kept apart per site".
func TestSitesApart(t *testing.T) {
	e := newEnv(t, Options{})
	cn := sub("acme", 5)
	intl := cn
	intl.Site = SiteIntl
	l := e.ledger()
	if _, _, err := run(e.ctx, l, cn, keys(cn, "task1", "s1", 6)); !errors.Is(err, ErrExhausted) {
		t.Fatalf("run(6 operations on cn, quota 5) = %v; want ErrExhausted", err)
	}
	taken, _, err := run(e.ctx, l, intl, keys(intl, "task1", "s1", 5))
	if err != nil || taken != 5 {
		t.Errorf("run(5 operations on intl) with cn exhausted = %d taken, %v; want 5, nil (a counter per site)", taken, err)
	}
	if got := e.counter("acme", Counter(SiteIntl, intl.Billing)); got != 5 {
		t.Errorf("intl counter = %d; want 5", got)
	}
	if _, err := l.Reserve(e.ctx, cn, 1); err != nil {
		// still exhausted on cn
		if !errors.Is(err, ErrExhausted) {
			t.Errorf("Reserve(cn) = %v; want ErrExhausted", err)
		}
	} else {
		t.Errorf("Reserve(cn) = nil error; want ErrExhausted: intl usage must not free cn quota")
	}
	r, err := l.Reserve(e.ctx, payg("acme"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Take(e.ctx, keys(intl, "task1", "s1", 1)[0]); !errors.Is(err, ErrInvalid) {
		t.Errorf("Take(intl key) on a cn reservation = %v; want ErrInvalid", err)
	}
}

func TestOutsideTerm(t *testing.T) {
	e := newEnv(t, Options{})
	a := sub("acme", 100)
	l := e.ledger()
	r, err := l.Reserve(e.ctx, a, 0)
	if err != nil {
		t.Fatal(err)
	}
	ks := keys(a, "task1", "s1", 2)
	if err := r.Take(e.ctx, ks[0]); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(a.Billing.End)
	if err := r.Take(e.ctx, ks[1]); !errors.Is(err, ErrOutsideTerm) {
		t.Errorf("Take at the end of the term = %v; want ErrOutsideTerm", err)
	}
	if _, err := l.Reserve(e.ctx, a, 0); !errors.Is(err, ErrOutsideTerm) {
		t.Errorf("Reserve after the term = %v; want ErrOutsideTerm", err)
	}
	for _, bad := range []Account{
		{TenantID: "", Site: SiteChina, Billing: a.Billing},
		{TenantID: "acme", Site: "us", Billing: a.Billing},
		{TenantID: "acme", Site: SiteChina, Billing: Billing{Method: entitlement.NoCSPM}},
		{TenantID: "acme", Site: SiteChina, Billing: Subscription("", t0, t0.Add(time.Hour), 1)},
		{TenantID: "acme", Site: SiteChina, Billing: Subscription("t", t0, t0, 1)},
		{TenantID: "acme", Site: SiteChina, Billing: Subscription("t", t0, time.Time{}, -1)},
	} {
		if _, err := l.Reserve(e.ctx, bad, 1); !errors.Is(err, ErrInvalid) {
			t.Errorf("Reserve(%+v) = %v; want ErrInvalid", bad, err)
		}
	}
}

// TestTakeNoIO: Take does no I/O until the block is used up.
func TestTakeNoIO(t *testing.T) {
	e := newEnv(t, Options{Block: 50})
	f := &faulty{backend: e.st}
	l := e.ledgerOver(f)
	a := sub("acme", 1000)
	r, err := l.Reserve(e.ctx, a, 0)
	if err != nil {
		t.Fatal(err)
	}
	ks := keys(a, "task1", "s1", 120)
	before := f.calls.Load()
	for i, k := range ks {
		if err := r.Take(e.ctx, k); err != nil {
			t.Fatal(err)
		}
		calls := f.calls.Load() - before
		// Blocks run out at takes 51 and 101; each refill is a ReserveQuota and a hold write.
		want := int64(0)
		if i >= 50 {
			want = 2
		}
		if i >= 100 {
			want = 4
		}
		if calls != want {
			t.Fatalf("store calls after Take #%d = %d; want %d (I/O only when a block is used up)", i+1, calls, want)
		}
	}
	if _, err := r.Settle(e.ctx); err != nil {
		t.Fatal(err)
	}
}

// TestHeartbeatAndExpiry: a reservation left silent for a quarter of the TTL writes a
// heartbeat and carries on; silent for half of it, it gives up, and the units it held
// come back at the next reconcile once the TTL has passed.
func TestHeartbeatAndExpiry(t *testing.T) {
	ttl := 20 * time.Minute
	e := newEnv(t, Options{Block: 10, HoldTTL: ttl})
	a := sub("acme", 100)
	l := e.ledger()
	ks := keys(a, "task1", "s1", 3)
	r, err := l.Reserve(e.ctx, a, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Take(e.ctx, ks[0]); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(6 * time.Minute) // > TTL/4
	if err := r.Take(e.ctx, ks[1]); err != nil {
		t.Fatalf("Take after 6 of 20 minutes silent = %v; want nil (heartbeat)", err)
	}
	e.clock.Advance(19 * time.Minute) // 25 minutes after the hold was last written, 19 after the heartbeat
	rec, err := l.Reconcile(e.ctx, a, nil)
	if err != nil || rec.Held != 10 || rec.Expired != 0 {
		t.Errorf("Reconcile 19 minutes after the heartbeat = %+v, %v; want the reservation live, 10 units held", rec, err)
	}
	e.clock.Advance(time.Minute) // 20 minutes: silent for TTL, so more than TTL/2
	if err := r.Take(e.ctx, ks[2]); !errors.Is(err, ErrExpired) {
		t.Errorf("Take after 20 of 20 minutes silent = %v; want ErrExpired", err)
	}
	if _, err := r.Settle(e.ctx); !errors.Is(err, ErrExpired) {
		t.Errorf("Settle of an expired reservation = %v; want ErrExpired", err)
	}
	rec, err = l.Reconcile(e.ctx, a, nil)
	if err != nil || rec.Expired != 1 || rec.Reclaimed != 10 || rec.Used != 0 || rec.Usage != 0 {
		t.Errorf("Reconcile after the TTL = %+v, %v; want 1 reservation reclaimed, 10 units back, counter 0 == usage 0", rec, err)
	}
	rec, err = l.Reconcile(e.ctx, a, nil)
	if err != nil || rec.Expired != 0 || rec.Reclaimed != 0 || rec.Used != 0 {
		t.Errorf("second Reconcile = %+v, %v; want nothing more reclaimed", rec, err)
	}
}

// TestReclaimOnExhaustion: units held by a dead process are not lost for good: once its
// hold has expired, a reservation that finds the quota exhausted reclaims them.
func TestReclaimOnExhaustion(t *testing.T) {
	ttl := 10 * time.Minute
	e := newEnv(t, Options{Block: 20, HoldTTL: ttl})
	a := sub("acme", 20)
	dead, err := e.ledger().Reserve(e.ctx, a, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = dead // the process dies holding 20 units
	if _, err := e.ledger().Reserve(e.ctx, a, 5); !errors.Is(err, ErrExhausted) {
		t.Fatalf("Reserve while a live hold has every unit = %v; want ErrExhausted", err)
	}
	e.clock.Advance(ttl)
	ks := keys(a, "task1", "s1", 5)
	taken, s, err := run(e.ctx, e.ledger(), a, ks)
	if err != nil || taken != 5 || s.Charged != 5 {
		t.Fatalf("run after the dead hold expired = %d taken, %+v, %v; want 5 charged (units reclaimed)", taken, s, err)
	}
	rec, err := e.ledger().Reconcile(e.ctx, a, nil)
	if err != nil || rec.Used != 5 || rec.Usage != 5 {
		t.Errorf("Reconcile = %+v, %v; want counter 5 == usage 5", rec, err)
	}
}

// TestReconcileMismatch: a counter that disagrees with its usage is reported, loudly
// (ErrMismatch) once it is quiet, and Repair sets it right.
func TestReconcileMismatch(t *testing.T) {
	e := newEnv(t, Options{HoldTTL: 10 * time.Minute})
	a := sub("acme", 100)
	l := e.ledger()
	if _, _, err := run(e.ctx, l, a, keys(a, "task1", "s1", 7)); err != nil {
		t.Fatal(err)
	}
	c := Counter(a.Site, a.Billing)
	if _, err := e.st.AddQuota(e.ctx, "acme", c, 3); err != nil { // 3 units lost in a crash window
		t.Fatal(err)
	}
	rec, err := l.Reconcile(e.ctx, a, &ReconcileOptions{Repair: true})
	if err != nil || len(rec.Mismatches) != 1 || !rec.Mismatches[0].InFlight || rec.Repaired != 0 {
		t.Errorf("Reconcile of a busy counter 3 above usage = %+v, %v; want the mismatch reported in flight, no error, no repair", rec, err)
	}
	e.clock.Advance(10 * time.Minute)
	rec, err = l.Reconcile(e.ctx, a, nil)
	if !errors.Is(err, ErrMismatch) || len(rec.Mismatches) != 1 || rec.Mismatches[0].Diff != 3 {
		t.Fatalf("Reconcile of a quiet counter 3 above usage = %+v, %v; want ErrMismatch with diff +3", rec, err)
	}
	if !strings.Contains(err.Error(), "never charged") {
		t.Errorf("Reconcile error %q does not say the units were never charged", err)
	}
	rec, err = l.Reconcile(e.ctx, a, &ReconcileOptions{Repair: true})
	if err != nil || rec.Repaired != -3 || rec.Used != 7 || !rec.Mismatches[0].Repaired {
		t.Errorf("Reconcile(Repair) = %+v, %v; want repaired by -3 to counter 7", rec, err)
	}
	// A usage record with no unit in the counter: consumption beyond the counter.
	if _, err := e.st.RecordUsage(e.ctx, store.Usage{TenantID: "acme", Key: "forged", Site: "cn", BillingMethod: "subscription",
		ItemID: "x", InstanceID: "y", Operation: "scan", At: t0}); err != nil {
		t.Fatal(err)
	}
	rec, err = l.Reconcile(e.ctx, a, nil)
	if !errors.Is(err, ErrMismatch) || rec.Mismatches[0].Diff != -1 || !strings.Contains(err.Error(), "without quota") {
		t.Errorf("Reconcile with a record beyond the counter = %+v, %v; want ErrMismatch, diff -1, charged without quota", rec, err)
	}
}
