package quota

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCharge charges operations into otsim both ways in each iteration — through
// a reservation (Reserve a shard of 100 operations, Take each, Settle: blocks of 50)
// and one by one (Charge, 20 times) — and reports charged operations per second for
// each, their ratio, and the store calls and counter reservations per operation.
func BenchmarkCharge(b *testing.B) {
	const blockOps, singleOps = 100, 20
	e := newEnv(b, Options{})
	e.opts.Now = time.Now // real time: the clock is not advanced
	f := &faulty{backend: e.st}
	l := e.ledgerOver(f)
	var (
		tb, ts               time.Duration
		callsB, callsS       int64
		reservesB, reservesS int64
		chargedB, chargedS   int
	)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		a := sub(fmt.Sprintf("b%06d", i), 1_000_000)
		a.Billing.Start, a.Billing.End = time.Time{}, time.Time{}
		ks := keys(a, "task1", "s1", blockOps)
		c0, r0 := f.calls.Load(), f.reserves.Load()
		start := time.Now()
		_, s, err := run(e.ctx, l, a, ks)
		if err != nil {
			b.Fatal(err)
		}
		tb += time.Since(start)
		chargedB += s.Charged
		callsB += f.calls.Load() - c0
		reservesB += f.reserves.Load() - r0

		ks = keys(a, "task2", "s1", singleOps)
		c0, r0 = f.calls.Load(), f.reserves.Load()
		start = time.Now()
		for _, k := range ks {
			ok, err := l.Charge(e.ctx, k, a.Billing)
			if err != nil || !ok {
				b.Fatalf("Charge(%s) = %v, %v", k, ok, err)
			}
			chargedS++
		}
		ts += time.Since(start)
		callsS += f.calls.Load() - c0
		reservesS += f.reserves.Load() - r0
	}
	bRate := float64(chargedB) / tb.Seconds()
	sRate := float64(chargedS) / ts.Seconds()
	b.ReportMetric(bRate, "blocks-ops/s")
	b.ReportMetric(sRate, "per-op-ops/s")
	b.ReportMetric(bRate/sRate, "x-blocks/per-op")
	b.ReportMetric(float64(callsB)/float64(chargedB), "blocks-calls/op")
	b.ReportMetric(float64(callsS)/float64(chargedS), "per-op-calls/op")
	b.ReportMetric(float64(reservesS)/float64(reservesB)*float64(chargedB)/float64(chargedS), "x-reserves-per-op/blocks")
}

// BenchmarkTake measures Take within a block: no I/O.
func BenchmarkTake(b *testing.B) {
	e := newEnv(b, Options{Block: 1 << 30})
	e.opts.Now = time.Now
	l := e.ledger()
	a := sub("acme", 1<<40)
	a.Billing.Start, a.Billing.End = time.Time{}, time.Time{}
	r, err := l.Reserve(e.ctx, a, 1<<30)
	if err != nil {
		b.Fatal(err)
	}
	ks := keys(a, "task1", "s1", 1)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := ks[0]
		k.InstanceID = fmt.Sprint(i)
		if err := r.Take(e.ctx, k); err != nil {
			b.Fatal(err)
		}
	}
}
