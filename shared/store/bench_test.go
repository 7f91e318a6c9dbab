package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

// benchFindings returns n findings of a tenant with a realistic payload (~300 bytes).
func benchFindings(tenant string, n int, at time.Time) []store.Finding {
	out := make([]store.Finding, n)
	for i := range out {
		out[i] = store.Finding{TenantID: tenant, ItemID: fmt.Sprintf("ecs-%03d", i%150), InstanceID: fmt.Sprintf("i-bp1%012d", i),
			Site: "cn", Region: "cn-hangzhou", Product: "ecs", Status: "fail", Severity: "high", Category: "network",
			Title:     "Security group allows inbound 0.0.0.0/0 on a management port",
			Evidence:  fmt.Sprintf(`{"group":"sg-bp1%08d","rules":[{"port":"22/22","cidr":"0.0.0.0/0","policy":"accept"}]}`, i),
			FirstSeen: at, LastSeen: at, TaskID: "task-bench"}
	}
	return out
}

// BenchmarkPutFindings writes findings into otsim both ways in each iteration —
// batched (PutFindings of 1,000: 5 BatchWriteRow requests, 4 in flight) and row by row
// (PutFindings of one finding, 200 times, one request each) — and reports findings/s
// for each and the ratio.
func BenchmarkPutFindings(b *testing.B) {
	const batched, single = 1000, 200
	client := newOtsim(b)
	st := storetest.NewStore(b, client, nil, "cspm_findings")
	ctx := context.Background()
	at := time.Now()
	var tb, ts time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fs := benchFindings(fmt.Sprintf("b%06d", i), batched, at)
		start := time.Now()
		if _, err := st.PutFindings(ctx, fs); err != nil {
			b.Fatal(err)
		}
		tb += time.Since(start)

		fs = benchFindings(fmt.Sprintf("r%06d", i), single, at)
		start = time.Now()
		for _, f := range fs {
			if _, err := st.PutFindings(ctx, []store.Finding{f}); err != nil {
				b.Fatal(err)
			}
		}
		ts += time.Since(start)
	}
	bRate := float64(batched*b.N) / tb.Seconds()
	sRate := float64(single*b.N) / ts.Seconds()
	b.ReportMetric(bRate, "batched-findings/s")
	b.ReportMetric(sRate, "row-findings/s")
	b.ReportMetric(bRate/sRate, "x-batched/row")
}

// BenchmarkListFindings reads a tenant's 10,000 findings through GetRange pages.
func BenchmarkListFindings(b *testing.B) {
	const n = 10000
	client := newOtsim(b)
	st := storetest.NewStore(b, client, nil, "cspm_findings")
	ctx := context.Background()
	if _, err := st.PutFindings(ctx, benchFindings("acme", n, time.Now())); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fs, err := st.ListFindings(ctx, "acme")
		if err != nil || len(fs) != n {
			b.Fatalf("ListFindings = %d findings, %v; want %d", len(fs), err, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWrite100k writes 100,000 new findings batched, per iteration (target:
// under 5 s on a 2-core machine, emulator included). STORE_BENCH_CONCURRENCY=k sets
// Options.BatchConcurrency, to compare with the default.
func BenchmarkWrite100k(b *testing.B) {
	const n = 100000
	client := newOtsim(b)
	var opts *store.Options
	if c := os.Getenv("STORE_BENCH_CONCURRENCY"); c != "" { // for comparing, e.g. 1 vs the default 4
		k, err := strconv.Atoi(c)
		if err != nil {
			b.Fatalf("STORE_BENCH_CONCURRENCY=%q: %v", c, err)
		}
		opts = &store.Options{BatchConcurrency: k}
	}
	st := storetest.NewStore(b, client, opts, "cspm_findings")
	ctx := context.Background()
	at := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fs := benchFindings(fmt.Sprintf("t%06d", i), n, at)
		b.StartTimer()
		stats, err := st.PutFindings(ctx, fs)
		if err != nil || stats.Written != n {
			b.Fatalf("PutFindings(100k) = %+v, %v", stats, err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/100k")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "findings/s")
}
