package shard

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// BenchmarkCharging runs the same ECS shard of a generated 200-instance account under
// pay-as-you-go with charging off and on, alternately in one process, and reports the
// wall time ratio on ÷ off (target ≤ 1.1) and the operations charged per second of
// the charged runs.
func BenchmarkCharging(b *testing.B) {
	ctx := context.Background()
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ots.Close()
	const account = "2468013579246801"
	inv := cloudsim.Generate(cloudsim.GenOptions{Instances: 200, Seed: 5, MisconfigRate: 0.3, AccountID: account,
		AuditRole: struct{ Trusted, ExternalID string }{"1234567890123456", "bench-ext-id"}})
	cloud, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Principal: "acs:ram::1234567890123456:user/cspm-platform"})
	if err != nil {
		b.Fatal(err)
	}
	defer cloud.Close()
	st := store.New(ots.Client(), nil)
	tables, err := infra.Tables()
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateTables(ctx, tables); err != nil {
		b.Fatal(err)
	}
	tn := store.Tenant{TenantID: "bench", AccountID: account, Site: "cn", RoleARN: "acs:ram::" + account + ":role/cspmauditrole",
		ExternalID: "bench-ext-id", AuthorizedAt: time.Now(), Plan: paygPlan}
	if err := st.PutTenant(ctx, tn); err != nil {
		b.Fatal(err)
	}
	h := &Handler{Store: st, Cloud: collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID,
		AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: cloud.Addr()}}
	seq := 0
	run := func(off bool) (time.Duration, int) {
		seq++
		task := fmt.Sprintf("task-%d", seq)
		j := event.ShardJob{Version: 1, TenantID: "bench", TaskID: task, ShardID: "0000", Site: "cn", Region: "cn-hangzhou",
			Product: "ecs", Items: billItems, Kind: "config", Total: 1, CreatedAt: "2026-11-24T02:00:00Z"}
		if _, err := st.PutTask(ctx, store.Task{TenantID: "bench", TaskID: task, Kind: "scheduled", Shards: 1}); err != nil {
			b.Fatal(err)
		}
		if _, err := st.PutShards(ctx, []store.Shard{{TenantID: "bench", TaskID: task, ShardID: "0000", Region: j.Region, Product: j.Product, Items: j.Items}}); err != nil {
			b.Fatal(err)
		}
		batch := mustBatch(b, j)
		h.chargeOff = off
		start := time.Now()
		res, err := h.Handle(ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start), res.Shards[0].Charged
	}
	run(false) // warm the role's credentials and the tables
	var on, off time.Duration
	charged := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, _ := run(true)
		off += d
		d, n := run(false)
		on += d
		charged += n
	}
	b.ReportMetric(float64(on)/float64(off), "on/off")
	b.ReportMetric(float64(charged)/on.Seconds(), "charged/s")
}
