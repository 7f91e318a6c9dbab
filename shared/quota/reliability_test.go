package quota

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRaceForLastUnits: 64 shards race for the last 100 units of a subscription: exactly
// 100 operations are charged, every operation past the cap is refused, and the counter
// never goes over the purchased quantity.
func TestRaceForLastUnits(t *testing.T) {
	const (
		shards   = 64
		perShard = 10
		quota    = 130
		before   = 30 // used before the race
	)
	e := newEnv(t, Options{})
	a := sub("acme", quota)
	l := e.ledger()
	if _, s, err := run(e.ctx, l, a, keys(a, "task0", "s0", before)); err != nil || s.Charged != before {
		t.Fatalf("setup: charging %d units = %+v, %v", before, s, err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		taken int
		all   []ChargeKey
		errs  []error
	)
	for i := range shards {
		ks := keys(a, "task1", fmt.Sprintf("s%02d", i), perShard)
		all = append(all, ks...)
		wg.Go(func() {
			n, s, err := run(e.ctx, l, a, ks)
			mu.Lock()
			defer mu.Unlock()
			taken += n
			if s.Charged != n {
				errs = append(errs, fmt.Errorf("shard %d took %d units but charged %d", i, n, s.Charged))
			}
			if err != nil && !errors.Is(err, ErrExhausted) {
				errs = append(errs, fmt.Errorf("shard %d: %w", i, err))
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if taken != quota-before {
		t.Errorf("%d shards × %d operations raced for the last %d units: %d operations charged; want exactly %d",
			shards, perShard, quota-before, taken, quota-before)
	}
	if refused := shards*perShard - taken; refused != shards*perShard-(quota-before) {
		t.Errorf("%d operations refused; want %d (every operation past the cap)", refused, shards*perShard-(quota-before))
	}
	usage := e.usage("acme")
	if len(usage) != quota {
		t.Errorf("%d usage records; want %d", len(usage), quota)
	}
	if got := e.counter("acme", Counter(a.Site, a.Billing)); got != quota {
		t.Errorf("counter = %d; want the purchased %d, never more", got, quota)
	}
	rec, err := l.Reconcile(e.ctx, a, nil)
	if err != nil || rec.Used != quota || rec.Usage != quota || rec.Held != 0 {
		t.Errorf("Reconcile = %+v, %v; want counter %d == usage %d, nothing held", rec, err, quota, quota)
	}
}

// TestDuplicateDelivery: every shard is delivered twice, one delivery after the other
// (a retry) or both at once (at-least-once delivery): each operation is charged once.
func TestDuplicateDelivery(t *testing.T) {
	const (
		shards   = 16
		perShard = 12
	)
	for _, mode := range []string{"retry", "concurrent"} {
		for _, method := range []string{"subscription", "payg"} {
			t.Run(mode+"/"+method, func(t *testing.T) {
				// Retries refill small blocks and settle in several chunks; concurrent
				// deliveries reserve one block each (contention on one counter is the
				// store's optimistic concurrency, tested there).
				o := Options{Block: 5, Chunk: 7}
				if mode == "concurrent" {
					o = Options{Chunk: 7}
				}
				e := newEnv(t, o)
				a := sub("acme", 10_000)
				if method == "payg" {
					a = payg("acme")
				}
				var (
					wg               sync.WaitGroup
					mu               sync.Mutex
					all              []ChargeKey
					charged, dups    int
					deliveries, errs int
				)
				deliver := func(i int, ks []ChargeKey) {
					n, s, err := run(e.ctx, e.ledger(), a, ks) // a new process per delivery
					mu.Lock()
					defer mu.Unlock()
					deliveries++
					charged += s.Charged
					dups += s.Duplicates
					if err != nil || n != len(ks) {
						errs++
						t.Errorf("shard %d delivery: took %d of %d, %v", i, n, len(ks), err)
					}
				}
				for i := range shards {
					ks := keys(a, "task1", fmt.Sprintf("s%02d", i), perShard)
					all = append(all, ks...)
					if mode == "retry" {
						deliver(i, ks)
						deliver(i, ks)
						continue
					}
					wg.Go(func() { deliver(i, ks) })
					wg.Go(func() { deliver(i, ks) })
				}
				wg.Wait()
				if want := shards * perShard; charged != want || dups != want {
					t.Errorf("%d deliveries of %d shards: charged %d, duplicates %d; want %d and %d (each operation charged once)",
						deliveries, shards, charged, dups, want, want)
				}
				e.wantCharged("after duplicate delivery", "acme", all)
				if got := e.counter("acme", Counter(a.Site, a.Billing)); got != int64(len(all)) {
					t.Errorf("counter = %d; want %d (duplicates' units given back)", got, len(all))
				}
				rec, err := e.ledger().Reconcile(e.ctx, a, nil)
				if err != nil || rec.Used != rec.Usage || rec.Usage != int64(len(all)) {
					t.Errorf("Reconcile = %+v, %v; want counter == usage == %d", rec, err, len(all))
				}
			})
		}
	}
}

// TestKilledBeforeSettle: at ≥20 random points a process takes some operations of a
// shard and dies without settling. The shard is re-run by a new process; once the dead
// reservation's hold has expired, Reconcile returns what it held. Each operation is
// charged once and the counter equals the usage, with no mismatch and no repair.
func TestKilledBeforeSettle(t *testing.T) {
	const (
		points = 24
		ops    = 30
	)
	ttl := 10 * time.Minute
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	e := newEnv(t, Options{Block: 8, HoldTTL: ttl})
	for p := range points {
		a := sub(fmt.Sprintf("k%02d", p), 1000)
		ks := keys(a, "task1", "s1", ops)
		killAfter := rng.IntN(ops + 1) // operations taken before the process dies
		what := fmt.Sprintf("seed %d point %d (killed after %d of %d takes)", seed, p, killAfter, ops)

		dead, err := e.ledger().Reserve(e.ctx, a, ops)
		if err != nil {
			t.Fatalf("%s: Reserve: %v", what, err)
		}
		for _, k := range ks[:killAfter] {
			if err := dead.Take(e.ctx, k); err != nil {
				t.Fatalf("%s: Take: %v", what, err)
			}
		}
		held := dead.Free() + int64(dead.Pending())
		// The process dies here: dead is never used again.

		n, s, err := run(e.ctx, e.ledger(), a, ks)
		if err != nil || n != ops || s.Charged != ops {
			t.Fatalf("%s: re-run = %d taken, %+v, %v; want all %d charged", what, n, s, err, ops)
		}
		e.clock.Advance(ttl)
		rec, err := e.ledger().Reconcile(e.ctx, a, nil)
		if err != nil || len(rec.Mismatches) != 0 {
			t.Errorf("%s: Reconcile = %+v, %v; want no mismatch", what, rec, err)
		}
		if rec.Expired != 1 || rec.Reclaimed != held {
			t.Errorf("%s: Reconcile reclaimed %d units of %d reservations; want the %d units the dead one held", what, rec.Reclaimed, rec.Expired, held)
		}
		if rec.Used != ops || rec.Usage != ops {
			t.Errorf("%s: after Reconcile counter %d, usage %d; want both %d", what, rec.Used, rec.Usage, ops)
		}
		e.wantCharged(what, a.TenantID, ks)
	}
}

// TestKilledAtStoreCall: at ≥20 random store calls of a shard's run — inside Reserve,
// a block refill or Settle, before the call reaches the store or after it has been
// applied — the process dies. A new process re-runs the shard. Each operation is
// charged once; the counter is never below the usage (a write cut in half only loses
// units); and Reconcile with Repair brings counter and usage together.
func TestKilledAtStoreCall(t *testing.T) {
	const (
		points = 24
		ops    = 30
		quota  = 80 // room for the re-run next to units a cut write loses
	)
	ttl := 10 * time.Minute
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	e := newEnv(t, Options{Block: 8, Chunk: 10, HoldTTL: ttl})

	// How many store calls a clean run makes.
	clean := &faulty{backend: e.st}
	a := sub("clean", quota)
	if _, _, err := run(e.ctx, e.ledgerOver(clean), a, keys(a, "task1", "s1", ops)); err != nil {
		t.Fatalf("clean run: %v", err)
	}
	calls := clean.calls.Load()

	for p := range points {
		a := sub(fmt.Sprintf("c%02d", p), quota)
		ks := keys(a, "task1", "s1", ops)
		f := &faulty{backend: e.st, killAt: 1 + rng.Int64N(calls), after: rng.IntN(2) == 1}
		what := fmt.Sprintf("seed %d point %d (killed at store call %d of %d, after=%v)", seed, p, f.killAt, calls, f.after)

		_, _, err := run(e.ctx, e.ledgerOver(f), a, ks)
		if !errors.Is(err, errKilled) {
			t.Fatalf("%s: the killed run returned %v; want errKilled", what, err)
		}
		if c, u := e.counter(a.TenantID, Counter(a.Site, a.Billing)), int64(len(e.usage(a.TenantID))); c < u {
			t.Errorf("%s: after the kill counter %d < usage %d; want never below", what, c, u)
		}
		e.clock.Advance(ttl) // the dead hold expires; the re-run reclaims it if it must

		n, _, err := run(e.ctx, e.ledger(), a, ks)
		if err != nil || n != ops {
			t.Fatalf("%s: re-run = %d taken, %v; want all %d", what, n, err, ops)
		}
		e.wantCharged(what, a.TenantID, ks)
		e.clock.Advance(ttl)

		rec, err := e.ledger().Reconcile(e.ctx, a, nil)
		for _, m := range rec.Mismatches {
			if m.Diff <= 0 {
				t.Errorf("%s: mismatch %s; want only a counter above usage", what, m)
			}
		}
		if err != nil && !errors.Is(err, ErrMismatch) {
			t.Fatalf("%s: Reconcile: %v", what, err)
		}
		e.clock.Advance(ttl) // the reclaim wrote the counter: let it become quiet
		rec, err = e.ledger().Reconcile(e.ctx, a, &ReconcileOptions{Repair: true})
		if err != nil || rec.Used != ops || rec.Usage != ops {
			t.Errorf("%s: Reconcile(Repair) = %+v, %v; want counter %d == usage %d", what, rec, err, ops, ops)
		}
		e.clock.Advance(ttl)
		if rec, err := e.ledger().Reconcile(e.ctx, a, nil); err != nil || len(rec.Mismatches) != 0 || rec.Used != ops {
			t.Errorf("%s: Reconcile after repair = %+v, %v; want clean", what, rec, err)
		}
	}
}

// TestLostAnswer: at ≥20 random store calls of a shard's run, one call fails — before
// reaching the store, or after it was applied with its answer lost — and the process
// carries on (a network error). The shard is then delivered again. Each operation is
// charged once, the counter is never below the usage, and Reconcile with Repair brings
// them together.
func TestLostAnswer(t *testing.T) {
	const (
		points = 24
		ops    = 30
		quota  = 80
	)
	ttl := 10 * time.Minute
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 2))
	e := newEnv(t, Options{Block: 8, Chunk: 10, HoldTTL: ttl})
	clean := &faulty{backend: e.st}
	a := sub("clean", quota)
	if _, _, err := run(e.ctx, e.ledgerOver(clean), a, keys(a, "task1", "s1", ops)); err != nil {
		t.Fatalf("clean run: %v", err)
	}
	calls := clean.calls.Load()

	for p := range points {
		a := sub(fmt.Sprintf("n%02d", p), quota)
		ks := keys(a, "task1", "s1", ops)
		f := &faulty{backend: e.st, killAt: 1 + rng.Int64N(calls), after: rng.IntN(2) == 1, survive: true}
		what := fmt.Sprintf("seed %d point %d (call %d of %d failed, applied=%v)", seed, p, f.killAt, calls, f.after)

		l := e.ledgerOver(f)
		r, err := l.Reserve(e.ctx, a, ops)
		if err == nil {
			for _, k := range ks {
				if err = r.Take(e.ctx, k); err != nil {
					break
				}
			}
			if _, serr := r.Settle(e.ctx); serr != nil {
				if _, serr = r.Settle(e.ctx); serr != nil && !errors.Is(serr, ErrExpired) { // the caller retries once
					t.Errorf("%s: Settle retried = %v", what, serr)
				}
			}
		}
		if c, u := e.counter(a.TenantID, Counter(a.Site, a.Billing)), int64(len(e.usage(a.TenantID))); c < u {
			t.Errorf("%s: counter %d < usage %d; want never below", what, c, u)
		}
		n, _, err := run(e.ctx, e.ledger(), a, ks) // delivered again
		if err != nil || n != ops {
			t.Fatalf("%s: second delivery = %d taken, %v; want all %d", what, n, err, ops)
		}
		e.wantCharged(what, a.TenantID, ks)

		e.clock.Advance(ttl)
		rec, err := e.ledger().Reconcile(e.ctx, a, nil)
		for _, m := range rec.Mismatches {
			if m.Diff <= 0 {
				t.Errorf("%s: mismatch %s; want only a counter above usage", what, m)
			}
		}
		if err != nil && !errors.Is(err, ErrMismatch) {
			t.Fatalf("%s: Reconcile: %v", what, err)
		}
		e.clock.Advance(ttl)
		rec, err = e.ledger().Reconcile(e.ctx, a, &ReconcileOptions{Repair: true})
		if err != nil || rec.Used != ops || rec.Usage != ops {
			t.Errorf("%s: Reconcile(Repair) = %+v, %v; want counter %d == usage %d", what, rec, err, ops, ops)
		}
	}
}

// doubler applies one hold write twice, as the SDK does when it resends an UpdateRow
// whose answer it lost.
type doubler struct {
	backend
	done bool
}

func (d *doubler) AddQuota(ctx context.Context, tenantID, counter string, n int64) (int64, error) {
	if !d.done && n > 1 && strings.Contains(counter, "/hold/") {
		d.done = true
		if _, err := d.backend.AddQuota(ctx, tenantID, counter, n); err != nil {
			return 0, err
		}
	}
	return d.backend.AddQuota(ctx, tenantID, counter, n)
}

// TestHoldAppliedTwice: a hold write applied twice is taken back at once, so the hold
// never claims units the counter lacks, and nothing is lost or charged twice.
func TestHoldAppliedTwice(t *testing.T) {
	e := newEnv(t, Options{Block: 8})
	a := sub("acme", 100)
	d := &doubler{backend: e.st}
	ks := keys(a, "task1", "s1", 20)
	if n, s, err := run(e.ctx, e.ledgerOver(d), a, ks); err != nil || n != 20 || s.Charged != 20 {
		t.Fatalf("run with a hold write applied twice = %d, %+v, %v; want 20 charged", n, s, err)
	}
	if !d.done {
		t.Fatal("no hold write was doubled")
	}
	e.clock.Advance(time.Hour)
	rec, err := e.ledger().Reconcile(e.ctx, a, nil)
	if err != nil || len(rec.Mismatches) != 0 || rec.Used != 20 || rec.Reclaimed != 0 {
		t.Errorf("Reconcile = %+v, %v; want counter 20 == usage 20, nothing to reclaim", rec, err)
	}
}
