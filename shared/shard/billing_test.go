package shard

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// billItems mixes paid items (billable under CSPM) with a free one (never charged for
// a scan): the free one's findings must survive the quota running out.
var billItems = []string{"ecs_instance_public_ip", "ecs_sg_egress_unrestricted", "ecs_disk_cmk_encrypted", "ecs_sg_ssh_internet"}

// billRig is run-check-shard against otsim and the sample account in cloudsim, with a
// clock the test moves (leases and quota holds expire on it).
type billRig struct {
	t      *testing.T
	ots    *otsim.Server
	cloud  *cloudsim.Server
	st     *store.Store
	mu     sync.Mutex
	clock  time.Time
	tenant store.Tenant
}

func (r *billRig) now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clock
}

func (r *billRig) advance(d time.Duration) {
	r.mu.Lock()
	r.clock = r.clock.Add(d)
	r.mu.Unlock()
}

// newBillRig authorizes tenant "acme" with plan (JSON) and plans one task of n ecs
// shards in cn-hangzhou over billItems. Each shard id names a distinct operation set.
func newBillRig(t *testing.T, plan string, n int) (*billRig, [][]byte) {
	t.Helper()
	ots, cloud := emulators(t, cloudsim.Faults{})
	r := &billRig{t: t, ots: ots, cloud: cloud, clock: time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)}
	r.st = r.store(nil)
	ctx := context.Background()
	tables, err := infra.Tables()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.st.CreateTables(ctx, tables); err != nil {
		t.Fatal(err)
	}
	r.tenant = store.Tenant{TenantID: "acme", AccountID: tenantAccount, Site: "cn", RoleARN: roleARN, ExternalID: externalID,
		AuthorizedAt: r.clock.Add(-time.Hour), Plan: plan, Regions: []string{"cn-hangzhou"}, Products: []string{"ecs"}}
	if err := r.st.PutTenant(ctx, r.tenant); err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.PutTask(ctx, store.Task{TenantID: "acme", TaskID: "task-1", Kind: "scheduled", Shards: n}); err != nil {
		t.Fatal(err)
	}
	var batches [][]byte
	var shards []store.Shard
	for i := range n {
		j := event.ShardJob{Version: 1, TenantID: "acme", TaskID: "task-1", ShardID: fmt.Sprintf("%04d", i), Site: "cn",
			Region: "cn-hangzhou", Product: "ecs", Items: billItems, Kind: "config", Total: n, CreatedAt: "2026-11-24T02:00:00Z"}
		batches = append(batches, mustBatch(t, j))
		shards = append(shards, store.Shard{TenantID: "acme", TaskID: "task-1", ShardID: j.ShardID, Region: j.Region, Product: j.Product, Items: j.Items})
	}
	if _, err := r.st.PutShards(ctx, shards); err != nil {
		t.Fatal(err)
	}
	return r, batches
}

// store is a store over otsim through rt (nil: the default transport), on the rig's clock.
func (r *billRig) store(rt http.RoundTripper) *store.Store {
	cfg := tablestore.NewDefaultTableStoreConfig()
	if rt != nil {
		cfg.Transport = rt
	}
	c := tablestore.NewClientWithConfig(r.ots.URL(), "cspm-local", "cspm-local-ak", "cspm-local-secret", "", cfg)
	return store.New(c, &store.Options{Now: r.now})
}

// handler is a fresh run-check-shard process: its own store client and ledger.
func (r *billRig) handler(rt http.RoundTripper) *Handler {
	st := r.store(rt)
	return &Handler{Store: st, Now: r.now, Ledger: quota.New(st, &quota.Options{Now: r.now, Block: 7}),
		Cloud: collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: r.cloud.Addr()}}
}

// usage is the tenant's usage records: one per charged operation.
func (r *billRig) usage() []store.Usage {
	r.t.Helper()
	u, err := r.st.ListUsage(context.Background(), "acme", time.Time{}, time.Time{})
	if err != nil {
		r.t.Fatal(err)
	}
	return u
}

func (r *billRig) account() quota.Account {
	p, err := tenant.PlanOf(r.tenant)
	if err != nil {
		r.t.Fatal(err)
	}
	a, ok := tenant.QuotaAccount(r.tenant, p, r.now())
	if !ok {
		r.t.Fatal("the rig's plan has no CSPM")
	}
	return a
}

func subscription(units int) string {
	return fmt.Sprintf(`{"edition":"basic","cspm":"subscription","cspm_term":"sub-1","cspm_quota":%d,"cspm_starts_at":"2026-01-01T00:00:00Z","cspm_expires_at":"2027-01-01T00:00:00Z"}`, units)
}

// billableOps is how many billable verdicts one shard over billItems has: learnt
// from a pay-as-you-go run (no cap), so the tests below do not hard-code the sample.
func billableOps(t *testing.T) int {
	t.Helper()
	r, batches := newBillRig(t, paygPlan, 1)
	res, err := r.handler(nil).Handle(context.Background(), batches[0])
	if err != nil {
		t.Fatal(err)
	}
	n := res.Shards[0].Charged
	if n < 4 || len(r.usage()) != n {
		t.Fatalf("pay-as-you-go shard charged %d with %d usage records; want the same, and at least 4 for the tests to mean anything", n, len(r.usage()))
	}
	return n
}

// TestQuotaRunsOutMidTask: a subscription with fewer units than the task needs runs
// until they are gone: exactly the purchased units are charged, the shard that ran
// out keeps its free findings and the charged ones, the shards after it do not run,
// and the task says "stopped" with its counts.
func TestQuotaRunsOutMidTask(t *testing.T) {
	per := billableOps(t)
	units := per + per/2 // the second shard runs out halfway
	r, batches := newBillRig(t, subscription(units), 3)
	ctx := context.Background()
	var got []Shard
	for _, b := range batches {
		res, err := r.handler(nil).Handle(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res.Shards...)
	}
	if got[0].Status != StatusDone || got[0].Charged != per {
		t.Errorf("shard 0 = %+v; want done with %d charged", got[0], per)
	}
	if got[1].Status != StatusStopped || got[1].Charged != units-per {
		t.Errorf("shard 1 = %+v; want stopped with %d charged", got[1], units-per)
	}
	if got[2].Status != StatusStopped || got[2].Charged != 0 || got[2].Findings != 0 {
		t.Errorf("shard 2 = %+v; want stopped, not run", got[2])
	}
	if u := len(r.usage()); u != units {
		t.Errorf("%d usage records; want exactly the %d units purchased", u, units)
	}
	used, err := quota.New(r.st, &quota.Options{Now: r.now}).Used(ctx, r.account())
	if err != nil || used != int64(units) {
		t.Errorf("counter = %d (%v); want %d", used, err, units)
	}
	task, err := r.st.GetTask(ctx, "acme", "task-1")
	if err != nil {
		t.Fatal(err)
	}
	if want := "quota exhausted: 1/3 shards done, 2 stopped"; task.Status != store.TaskStopped || task.Detail != want {
		t.Errorf("task = %s %q; want stopped %q", task.Status, task.Detail, want)
	}
	fs, err := r.st.ListFindings(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	free := 0
	for _, f := range fs {
		if f.ItemID == "ecs_sg_ssh_internet" {
			free++
		}
	}
	if free == 0 {
		t.Errorf("no findings of the free item kept after the quota ran out: %d findings in all", len(fs))
	}
}

// TestRaceForTheLastUnits: 64 shards run at once against the last 100 units: exactly
// 100 are charged, and every operation past the cap is withheld, not run.
func TestRaceForTheLastUnits(t *testing.T) {
	per := billableOps(t)
	const shards, units = 64, 100
	if per*shards <= units {
		t.Fatalf("64 shards of %d operations do not need more than %d units", per, units)
	}
	r, batches := newBillRig(t, subscription(units), shards)
	ctx := context.Background()
	var charged atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, shards)
	for _, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := r.handler(nil).Handle(ctx, b)
			if err != nil {
				errs <- err
				return
			}
			charged.Add(int64(res.Shards[0].Charged))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if c := charged.Load(); c != units {
		t.Errorf("shards report %d units charged; want exactly %d", c, units)
	}
	if u := len(r.usage()); u != units {
		t.Errorf("%d usage records; want exactly %d", u, units)
	}
	rec, err := quota.New(r.st, &quota.Options{Now: r.now}).Reconcile(ctx, r.account(), nil)
	if err != nil || rec.Used != units || rec.Usage != units {
		t.Errorf("reconcile = %+v (%v); want counter and usage both %d", rec, err, units)
	}
}

// TestEveryMessageTwice: each shard message delivered twice — at once and again
// later — charges every operation once.
func TestEveryMessageTwice(t *testing.T) {
	per := billableOps(t)
	r, batches := newBillRig(t, paygPlan, 4)
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, b := range batches {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := r.handler(nil).Handle(ctx, b); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	for _, b := range batches {
		res, err := r.handler(nil).Handle(ctx, b)
		if err != nil || res.Shards[0].Status != StatusDuplicate {
			t.Errorf("late redelivery = %+v, %v; want a duplicate", res, err)
		}
	}
	u := r.usage()
	if len(u) != 4*per {
		t.Errorf("%d usage records; want %d (4 shards × %d operations, each once)", len(u), 4*per, per)
	}
	keys := map[string]bool{}
	for _, x := range u {
		if keys[x.Key] {
			t.Errorf("operation %s charged twice", x.Key)
		}
		keys[x.Key] = true
	}
}

// dying is a process's network to Tablestore that dies at its kill-th request: that
// request is lost (sent or not) and every later one fails, as for a killed process.
type dying struct {
	base  http.RoundTripper
	kill  int64
	sent  atomic.Int64
	apply bool // the fatal request reaches the store before the process dies
}

var errDead = errors.New("process killed")

func (d *dying) RoundTrip(req *http.Request) (*http.Response, error) {
	n := d.sent.Add(1)
	switch {
	case n < d.kill:
		return d.base.RoundTrip(req)
	case n == d.kill && d.apply:
		if resp, err := d.base.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
	}
	return nil, errDead
}

// outcome is what a run leaves that must not depend on a kill: each finding's verdict
// and the operations charged.
func outcome(t *testing.T, r *billRig) (map[string]string, []string) {
	t.Helper()
	fs, err := r.st.ListFindings(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]string{}
	for _, f := range fs {
		verdicts[f.ItemID+"/"+f.InstanceID] = f.Status + "/" + f.State
	}
	var keys []string
	for _, u := range r.usage() {
		keys = append(keys, u.Key)
	}
	slices.Sort(keys)
	return verdicts, keys
}

// TestKilledMidShard: a run-check-shard process killed at a random Tablestore request
// of a shard (≥ 20 trials, under a subscription), then the shard redelivered to a new
// process once the lease has expired: every operation is charged once, the findings
// are those of a clean run, and once the dead process's hold has expired the counter
// reconciles with the usage records.
func TestKilledMidShard(t *testing.T) {
	ctx := context.Background()
	plan := subscription(10000)
	clean, batches := newBillRig(t, plan, 1)
	count := &dying{base: http.DefaultTransport, kill: 1 << 62}
	if _, err := clean.handler(count).Handle(ctx, batches[0]); err != nil {
		t.Fatal(err)
	}
	calls := count.sent.Load()
	wantFindings, wantKeys := outcome(t, clean)
	if len(wantKeys) == 0 || len(wantFindings) == 0 {
		t.Fatalf("clean run: %d findings, %d charged; want some of each", len(wantFindings), len(wantKeys))
	}
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	const trials = 24
	for p := range trials {
		d := &dying{base: http.DefaultTransport, kill: 1 + rng.Int64N(calls), apply: rng.IntN(2) == 1}
		what := fmt.Sprintf("seed %d trial %d (killed at Tablestore request %d of %d, applied=%v)", seed, p, d.kill, calls, d.apply)
		r, batches := newBillRig(t, plan, 1)
		if _, err := r.handler(d).Handle(ctx, batches[0]); err == nil {
			t.Fatalf("%s: the killed run succeeded", what)
		}
		// The lease and the dead process's quota hold expire; the shard is redelivered.
		r.advance(DefaultLease + time.Minute)
		res, err := r.handler(nil).Handle(ctx, batches[0])
		if err != nil {
			t.Fatalf("%s: rerun: %v", what, err)
		}
		if s := res.Shards[0]; s.Status != StatusDone && s.Status != StatusDuplicate {
			t.Fatalf("%s: rerun = %+v; want done (or a duplicate, when the kill came after the shard finished)", what, s)
		}
		gotFindings, gotKeys := outcome(t, r)
		if !slices.Equal(gotKeys, wantKeys) {
			t.Errorf("%s: charged %d operations; want each of the clean run's %d once", what, len(gotKeys), len(wantKeys))
		}
		for k, v := range wantFindings {
			if gotFindings[k] != v {
				t.Errorf("%s: finding %s is %q; clean run %q", what, k, gotFindings[k], v)
			}
		}
		if len(gotFindings) != len(wantFindings) {
			t.Errorf("%s: %d findings; clean run %d", what, len(gotFindings), len(wantFindings))
		}
		// meter-quota's hourly reconcile: the first pass reclaims the dead process's
		// expired hold; units it lost between two writes (counted, never charged) leave
		// the counter above the usage, never below, and a repair once the counter is
		// quiet gives them back.
		l := quota.New(r.st, &quota.Options{Now: r.now})
		r.advance(31 * time.Minute) // past quota.Options.HoldTTL
		rec, _ := l.Reconcile(ctx, r.account(), nil)
		if rec.Used < rec.Usage || rec.Usage != int64(len(wantKeys)) {
			t.Errorf("%s: after the kill: counter %d, usage %d; want usage %d and the counter never below it", what, rec.Used, rec.Usage, len(wantKeys))
		}
		r.advance(31 * time.Minute)
		if _, err := l.Reconcile(ctx, r.account(), &quota.ReconcileOptions{Repair: true}); err != nil {
			t.Errorf("%s: repair: %v", what, err)
		}
		rec, err = l.Reconcile(ctx, r.account(), nil)
		if err != nil || rec.Used != int64(len(wantKeys)) || rec.Usage != int64(len(wantKeys)) {
			t.Errorf("%s: reconcile after repair = %+v (%v); want counter = usage = %d", what, rec, err, len(wantKeys))
		}
	}
}
