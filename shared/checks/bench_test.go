package checks

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// benchInput is a generated account (2,000 instances, 10% misconfigured, two
// regions) plus the sample account's other products, collected once through
// cloudsim and the SDK.
var benchInput = sync.OnceValues(func() (*Input, error) {
	inv := cloudsim.Generate(cloudsim.GenOptions{Instances: 2000, Seed: 7, MisconfigRate: 0.1,
		Regions: []string{"cn-hangzhou", "cn-shanghai"}, AccountID: "1357924680135792"})
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	c := collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
		Endpoint: srv.Addr(), Rates: collect.Rates{Default: 100000, Burst: 1000}})
	defer c.Close()
	return Collect(context.Background(), c, srv.AccountID(), inv.RegionIDs(), All(), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
})

// BenchmarkEvaluate measures item × instance evaluations per second on one
// core: every automated rule over the generated account, results appended
// to a reused buffer (no findings built).
func BenchmarkEvaluate(b *testing.B) {
	in, err := benchInput()
	if err != nil {
		b.Fatal(err)
	}
	var rules []*Rule
	for _, r := range All() {
		if r.Automated() {
			rules = append(rules, r)
		}
	}
	in.index() // built once per Input, outside the loop
	buf := make([]Result, 0, 1<<16)
	evals := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		evals = 0
		for _, r := range rules {
			buf = r.AppendEval(in, buf[:0])
			evals += len(buf)
		}
	}
	b.ReportMetric(float64(evals), "evals/op")
	b.ReportMetric(float64(evals)*float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}

// BenchmarkFindings adds building and sorting findings: the whole
// evaluation step of a scan.
func BenchmarkFindings(b *testing.B) {
	in, err := benchInput()
	if err != nil {
		b.Fatal(err)
	}
	rules := All()
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n = len(Evaluate(in, rules))
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "findings/s")
}
