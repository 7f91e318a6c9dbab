package collect_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// BenchmarkCollect10k collects a generated 10,000-instance account (two
// regions) through cloudsim with every API limited to 50 calls/s per
// (account, region), the collector configured to the same rate. Metrics:
//
//	calls/min    calls made ÷ the minimum the page sizes allow (target 1.0)
//	wall/floor   wall time ÷ the rate-limit floor, (n−1)/rate for the
//	             busiest (region, API) (target ≤ 1.2)
//	peak-heap-MB heap in use at its peak during the collect, above the
//	             heap before it (the emulated account is not counted, but
//	             the emulator's answers in flight are: it runs in-process)
//	retained-MB  what the collected inventories keep after GC (normalized
//	             structs plus every item's raw JSON)
//
// Run with: go test -run '^$' -bench Collect10k -benchtime 1x ./shared/collect/
func BenchmarkCollect10k(b *testing.B) {
	const rate = 50.0
	regions := []string{"cn-hangzhou", "cn-shanghai"}
	inv := cloudsim.Generate(cloudsim.GenOptions{Instances: 10_000, Seed: 1, MisconfigRate: 0.1, Regions: regions})
	minimum := minimumCalls(inv, regions...)
	var floor time.Duration
	for _, r := range regions {
		for _, n := range minimumCalls(inv, r) {
			floor = max(floor, time.Duration(float64(n-1)/rate*float64(time.Second)))
		}
	}
	srv := start(b, cloudsim.Options{Inventory: inv, RateLimits: map[string]float64{"Ecs": rate, "Vpc": rate}})
	ctx := context.Background()
	var calls map[string]int
	var wall time.Duration
	var peak, retained uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		srv.ResetCalls()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		stop := make(chan struct{})
		sampled := make(chan uint64)
		go func() {
			top := base
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					sampled <- top - base
					return
				case <-t.C:
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					top = max(top, m.HeapInuse)
				}
			}
		}()
		c := collect.New(collect.Config{
			AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
			Endpoint: srv.Addr(), Rates: collect.Rates{Default: rate},
		})
		b.StartTimer()

		began := time.Now()
		var wg sync.WaitGroup
		results := make([]*collect.Inventory, len(regions))
		errs := make([]error, len(regions))
		for j, r := range regions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[j], errs[j] = c.Collect(ctx, inv.AccountID, r)
			}()
		}
		wg.Wait()
		wall = time.Since(began)

		b.StopTimer()
		close(stop)
		peak = <-sampled
		c.Close()
		instances := 0
		for j := range regions {
			if errs[j] != nil || len(results[j].NotEvaluated) > 0 {
				b.Fatalf("Collect %s: %v %v", regions[j], errs[j], results[j].NotEvaluated)
			}
			instances += len(results[j].ECS.Instances)
		}
		if instances != 10_000 {
			b.Fatalf("collected %d instances; want 10000", instances)
		}
		calls = srv.Calls()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		retained = ms.HeapInuse - min(ms.HeapInuse, base)
		runtime.KeepAlive(results)
		b.StartTimer()
	}
	b.ReportMetric(float64(sum(calls))/float64(sum(minimum)), "calls/min")
	b.ReportMetric(wall.Seconds()/floor.Seconds(), "wall/floor")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
	b.ReportMetric(float64(sum(calls)), "calls")
	b.ReportMetric(floor.Seconds(), "floor-s")
}
