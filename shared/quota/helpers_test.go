package quota

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

// clock is a settable clock shared by the store and the ledgers of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is one test's store on otsim, its clock and ledger options.
type env struct {
	tb    testing.TB
	ctx   context.Context
	st    *store.Store
	clock *clock
	opts  Options
}

// t0 is where every test's clock starts: mid-month, mid-day.
var t0 = time.Date(2026, 1, 14, 10, 30, 0, 0, time.UTC)

func newEnv(tb testing.TB, opts Options) *env {
	tb.Helper()
	srv, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		tb.Fatalf("otsim.NewServer: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("otsim Close: %v", err)
		}
	})
	c := &clock{t: t0}
	st := storetest.NewStore(tb, srv.Client(), &store.Options{Now: c.Now}, "cspm_usage", "cspm_quota")
	opts.Now = c.Now
	return &env{tb: tb, ctx: context.Background(), st: st, clock: c, opts: opts}
}

// ledger returns a new Ledger, as a new process would have.
func (e *env) ledger() *Ledger { return newLedger(e.st, &e.opts) }

func (e *env) ledgerOver(b backend) *Ledger { return newLedger(b, &e.opts) }

// sub is a subscription account of tenant on site cn, term "t1" over January 2026.
func sub(tenant string, quota int64) Account {
	return Account{TenantID: tenant, Site: SiteChina, Billing: Subscription("t1",
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), quota)}
}

func payg(tenant string) Account {
	return Account{TenantID: tenant, Site: SiteChina, Billing: PayAsYouGo(t0)}
}

// keys returns the n operations of one shard: n items scanned on one instance.
func keys(a Account, task, shard string, n int) []ChargeKey {
	out := make([]ChargeKey, n)
	for i := range out {
		out[i] = ChargeKey{TenantID: a.TenantID, Site: a.Site, TaskID: task, ShardID: shard,
			ItemID: fmt.Sprintf("ecs-%03d", i), InstanceID: "i-bp1" + shard, Operation: entitlement.Scan}
	}
	return out
}

// run runs a shard's operations: Reserve, Take each (all succeed), Settle. It stops at
// ErrExhausted and returns how many operations were taken.
func run(ctx context.Context, l *Ledger, a Account, ks []ChargeKey) (taken int, s Settlement, err error) {
	r, err := l.Reserve(ctx, a, int64(len(ks)))
	if err != nil {
		return 0, s, err
	}
	for _, k := range ks {
		if err = r.Take(ctx, k); err != nil {
			break
		}
		taken++
	}
	s, serr := r.Settle(ctx)
	return taken, s, errors.Join(err, serr)
}

// counter reads a counter's used units (0 if missing).
func (e *env) counter(tenant, counter string) int64 {
	e.tb.Helper()
	q, err := e.st.GetQuota(e.ctx, tenant, counter)
	if errors.Is(err, store.ErrNotFound) {
		return 0
	}
	if err != nil {
		e.tb.Fatalf("GetQuota(%s, %s): %v", tenant, counter, err)
	}
	return q.Used
}

// usage returns the usage records of a tenant by key, failing on a key recorded twice
// (which the table cannot hold; this checks the listing).
func (e *env) usage(tenant string) map[string]store.Usage {
	e.tb.Helper()
	us, err := e.st.ListUsage(e.ctx, tenant, time.Time{}, time.Time{})
	if err != nil {
		e.tb.Fatalf("ListUsage(%s): %v", tenant, err)
	}
	out := map[string]store.Usage{}
	for _, u := range us {
		if _, dup := out[u.Key]; dup {
			e.tb.Fatalf("ListUsage(%s): key %s listed twice", tenant, u.Key)
		}
		out[u.Key] = u
	}
	return out
}

// wantCharged fails unless the tenant's usage records are exactly ks, once each.
func (e *env) wantCharged(what, tenant string, ks []ChargeKey) {
	e.tb.Helper()
	got := e.usage(tenant)
	for _, k := range ks {
		if _, ok := got[k.String()]; !ok {
			e.tb.Errorf("%s: operation %s has no usage record; want it charged once", what, k)
		}
	}
	if len(got) != len(ks) {
		e.tb.Errorf("%s: %d usage records; want %d (one per operation)", what, len(got), len(ks))
	}
}

var errKilled = errors.New("process killed")

// faulty is a backend that kills its "process" at one call: that call and every later
// one fail with errKilled. With after set, the deadly call reaches the store and only
// its answer is lost. With survive set, only that one call fails (a network error)
// and the process carries on. It counts calls, and ReserveQuota calls on their own.
type faulty struct {
	backend
	killAt   int64 // 1-based call number; 0: never
	after    bool
	survive  bool
	calls    atomic.Int64
	reserves atomic.Int64 // ReserveQuota calls
	dead     atomic.Bool
}

func (f *faulty) before() (int64, error) {
	n := f.calls.Add(1)
	if f.dead.Load() {
		return n, errKilled
	}
	if n == f.killAt && !f.after {
		f.dead.Store(!f.survive)
		return n, errKilled
	}
	return n, nil
}

func (f *faulty) lost(n int64) bool {
	if n == f.killAt && f.after {
		f.dead.Store(!f.survive)
		return true
	}
	return false
}

func (f *faulty) RecordUsage(ctx context.Context, u store.Usage) (bool, error) {
	n, err := f.before()
	if err != nil {
		return false, err
	}
	created, err := f.backend.RecordUsage(ctx, u)
	if f.lost(n) {
		return false, errKilled
	}
	return created, err
}

// RecordUsages is one store call: killed before, nothing is written; killed after,
// every record is written and every answer lost.
func (f *faulty) RecordUsages(ctx context.Context, us []store.Usage) ([]bool, []error) {
	errs := make([]error, len(us))
	n, err := f.before()
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return make([]bool, len(us)), errs
	}
	created, errs := f.backend.RecordUsages(ctx, us)
	if f.lost(n) {
		for i := range errs {
			errs[i] = errKilled
		}
		return make([]bool, len(us)), errs
	}
	return created, errs
}

func (f *faulty) ListUsage(ctx context.Context, tenantID string, from, to time.Time) ([]store.Usage, error) {
	if _, err := f.before(); err != nil {
		return nil, err
	}
	return f.backend.ListUsage(ctx, tenantID, from, to)
}

func (f *faulty) AddQuota(ctx context.Context, tenantID, counter string, n int64) (int64, error) {
	c, err := f.before()
	if err != nil {
		return 0, err
	}
	used, err := f.backend.AddQuota(ctx, tenantID, counter, n)
	if f.lost(c) {
		return 0, errKilled
	}
	return used, err
}

func (f *faulty) ReserveQuota(ctx context.Context, tenantID, counter string, n, limit int64) (store.Quota, error) {
	f.reserves.Add(1)
	c, err := f.before()
	if err != nil {
		return store.Quota{}, err
	}
	q, err := f.backend.ReserveQuota(ctx, tenantID, counter, n, limit)
	if f.lost(c) {
		return store.Quota{}, errKilled
	}
	return q, err
}

func (f *faulty) GetQuota(ctx context.Context, tenantID, counter string) (store.Quota, error) {
	if _, err := f.before(); err != nil {
		return store.Quota{}, err
	}
	return f.backend.GetQuota(ctx, tenantID, counter)
}
