package shard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The sample account trusts the platform account's root with this ExternalId.
const (
	tenantAccount = "1357924680135792"
	roleARN       = "acs:ram::1357924680135792:role/cspmauditrole"
	externalID    = "acme-retail-7f3c"
)

// paygPlan is CSPM pay-as-you-go: every item runs, paid ones are metered.
const paygPlan = `{"edition":"basic","cspm":"payg"}`

// emulators starts otsim and cloudsim playing the sample account (with faults),
// closed when the test ends.
func emulators(t *testing.T, faults cloudsim.Faults) (*otsim.Server, *cloudsim.Server) {
	t.Helper()
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	inv, err := cloudsim.LoadInventory("../../local/cloudsim/testdata/sample-account.json")
	if err != nil {
		t.Fatal(err)
	}
	cloud, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Principal: "acs:ram::1234567890123456:user/cspm-platform", Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cloud.Close() })
	return ots, cloud
}

// newHandler runs against a real store in otsim and the sample account in cloudsim,
// with the shards of the given batches already planned, as schedule-scan leaves them,
// and their tenants authorized.
func newHandler(t *testing.T, batches ...[]byte) *Handler {
	t.Helper()
	ots, cloud := emulators(t, cloudsim.Faults{})
	st := storetest.NewStore(t, ots.Client(), nil)
	ctx := context.Background()
	for _, b := range batches {
		ds, err := event.ShardJobs(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			j := d.Job
			if err := st.PutTenant(ctx, store.Tenant{TenantID: j.TenantID, AccountID: tenantAccount, Site: j.Site,
				RoleARN: roleARN, ExternalID: externalID, AuthorizedAt: time.Now(), Plan: paygPlan}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.PutTask(ctx, store.Task{TenantID: j.TenantID, TaskID: j.TaskID, Kind: "scheduled", Shards: j.Total}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.PutShards(ctx, []store.Shard{{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: j.ShardID, Region: j.Region, Product: j.Product, Items: j.Items}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return &Handler{Store: st, Cloud: collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID,
		AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: cloud.Addr()}}
}

func TestHandle(t *testing.T) {
	for _, name := range []string{"mns-shard-batch.json", "mns-shard-event.json", "mns-shard-base64.json"} {
		t.Run(name, func(t *testing.T) {
			body := read(t, name)
			h := newHandler(t, body)
			res, err := h.Handle(context.Background(), body)
			if err != nil {
				t.Fatalf("Handle(%s) = %v", name, err)
			}
			if len(res.Shards) == 0 {
				t.Fatalf("Handle(%s) ran no shards", name)
			}
			for i, s := range res.Shards {
				if (s.Status != StatusDone && s.Status != StatusNotEvaluated) || s.Attempt != 1 {
					t.Errorf("shard %d = %+v; want done (or not evaluated) on attempt 1", i, s)
				}
				got, err := h.Store.GetShard(context.Background(), store.ShardKey{TenantID: s.TenantID, TaskID: s.TaskID, ShardID: s.ShardID})
				if err != nil || got.State != store.ShardDone {
					t.Errorf("stored shard %s = %+v, %v; want state done", s.ShardID, got, err)
				}
			}
		})
	}
}

// TestRedeliveryRunsNothingTwice: the same batch delivered again, and delivered to many
// instances at once, runs each shard exactly once.
func TestRedeliveryRunsNothingTwice(t *testing.T) {
	body := read(t, "mns-shard-batch.json")
	h := newHandler(t, body)
	var mu sync.Mutex
	done := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := h.Handle(context.Background(), body)
			if err != nil {
				t.Errorf("Handle = %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, s := range res.Shards {
				if s.Status != StatusDuplicate {
					done[s.TaskID+"/"+s.ShardID]++
				}
			}
		}()
	}
	wg.Wait()
	ds, err := event.ShardJobs(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		k := d.Job.TaskID + "/" + d.Job.ShardID
		if done[k] != 1 {
			t.Errorf("shard %s ran %d times across 8 concurrent deliveries; want exactly 1", k, done[k])
		}
	}
}

// TestTaskFinishes: the task is done once its last shard is.
func TestTaskFinishes(t *testing.T) {
	body := read(t, "mns-shard-batch.json")
	h := newHandler(t, body)
	ds, err := event.ShardJobs(body)
	if err != nil {
		t.Fatal(err)
	}
	j := ds[0].Job
	// Plan the whole task so its status depends on every shard of it.
	var all []store.Shard
	for i := 0; i < j.Total; i++ {
		all = append(all, store.Shard{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: shardID(i), Region: j.Region, Product: j.Product, Items: j.Items})
	}
	if _, err := h.Store.PutShards(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Handle(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	task, err := h.Store.GetTask(context.Background(), j.TenantID, j.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != store.TaskRunning {
		t.Fatalf("task status after some shards = %q; want running", task.Status)
	}
	// Run the rest.
	for i := 0; i < j.Total; i++ {
		k := store.ShardKey{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: shardID(i)}
		sh, err := h.Store.GetShard(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		if sh.State != store.ShardQueued {
			continue
		}
		job := j
		job.ShardID = shardID(i)
		batch := mustBatch(t, job)
		if _, err := h.Handle(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	task, err = h.Store.GetTask(context.Background(), j.TenantID, j.TaskID)
	if err != nil || task.Status != store.TaskDone {
		t.Fatalf("task after every shard = %+v, %v; want done", task, err)
	}
}

func shardID(i int) string { return fmt.Sprintf("%04d", i) }

func mustBatch(t testing.TB, j event.ShardJob) []byte {
	t.Helper()
	b, err := j.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	batch, err := event.NewMNSCloudEvents(event.BatchSource{Region: "cn-hangzhou", AccountID: "1234567890123456", Queue: "cspm-shards", EventBus: "MNS-cspm-run-check-shard-shards"},
		[]event.QueuedMessage{{MessageID: "M" + j.ShardID, RequestID: "R" + j.ShardID, Body: b, PublishTime: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	return batch
}

func TestHandleRejectsWholeBatch(t *testing.T) {
	unplanned := read(t, "mns-shard-batch.json")
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"empty batch", []byte(`[]`), "empty batch"},
		{"timer", read(t, "timer.json"), "run-check-shard"},
		{"data not a job", read(t, "bad/data-not-a-job.json"), "batch[0]"},
		{"shard never planned", unplanned, "never planned"},
		{"unknown item id", mustBatch(t, event.ShardJob{Version: 1, TenantID: "acme", TaskID: "task-1", ShardID: "0000", Site: "cn",
			Region: "cn-hangzhou", Product: "ecs", Items: []string{"ecs_sg_ssh_internet", "ecs-no-such-item"}, Kind: "config", Total: 1,
			CreatedAt: "2026-11-24T02:00:00Z"}), `unknown item id "ecs-no-such-item"`},
	}
	h := newHandler(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.Handle(context.Background(), tt.body)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Handle = %v; want an error mentioning %q", err, tt.want)
			}
			if len(res.Shards) != 0 {
				t.Errorf("a rejected batch still ran %d shards", len(res.Shards))
			}
		})
	}
}

// TestCollectsAsTheTenant: a shard assumes the tenant's role, collects its product in
// its region and records the resources as assets; a product the role cannot read is
// done as not evaluated, with the reason; nothing runs for a revoked tenant.
func TestCollectsAsTheTenant(t *testing.T) {
	job := func(tenant, product string) event.ShardJob {
		return event.ShardJob{Version: 1, TenantID: tenant, TaskID: "task-1", ShardID: "0000", Site: "cn",
			Region: "cn-hangzhou", Product: product, Items: []string{"ecs_sg_ssh_internet", "ecs_instance_endpoint_protection"}, Kind: "config", Total: 1,
			CreatedAt: "2026-11-24T02:00:00Z"}
	}
	cases := []struct {
		name    string
		job     event.ShardJob
		revoked bool
		denied  map[string]bool
		status  string
		assets  bool
	}{
		{"ecs collected", job("acme", "ecs"), false, nil, StatusDone, true},
		{"ecs denied", job("acme", "ecs"), false, map[string]bool{"Ecs": true}, StatusNotEvaluated, false},
		{"revoked tenant", job("acme", "ecs"), true, nil, StatusRefused, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			batch := mustBatch(t, c.job)
			h := newHandler(t, batch)
			ctx := context.Background()
			if c.revoked {
				tn, err := h.Store.GetTenant(ctx, "acme")
				if err != nil {
					t.Fatal(err)
				}
				tn.RevokedAt = time.Now()
				if err := h.Store.PutTenant(ctx, tn); err != nil {
					t.Fatal(err)
				}
			}
			if c.denied != nil {
				_, cloud := emulators(t, cloudsim.Faults{PermissionDenied: c.denied})
				h.Cloud.Endpoint = cloud.Addr()
			}
			res, err := h.Handle(ctx, batch)
			if err != nil {
				t.Fatalf("Handle = %v", err)
			}
			got := res.Shards[0]
			if got.Status != c.status || (got.Assets > 0) != c.assets {
				t.Fatalf("shard = %+v; want status %s with assets=%v", got, c.status, c.assets)
			}
			assets, err := h.Store.ListAssets(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			if len(assets) != got.Assets {
				t.Errorf("the store holds %d assets; the shard reported %d", len(assets), got.Assets)
			}
			if c.status == StatusNotEvaluated && !strings.Contains(got.Detail, "PermissionDenied") {
				t.Errorf("not-evaluated detail %q does not say why", got.Detail)
			}
			fs, err := h.Store.ListFindings(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != got.Findings {
				t.Errorf("the store holds %d findings; the shard reported %d", len(fs), got.Findings)
			}
			notPassed := 0
			for _, f := range fs {
				if f.Status == string(checks.NotPass) {
					notPassed++
				}
				switch {
				case c.status == StatusDone && f.Status != string(checks.Pass) && f.Status != string(checks.NotPass):
					t.Errorf("finding %s/%s is %s (%s); want a verdict", f.ItemID, f.InstanceID, f.Status, f.Message)
				case c.status == StatusNotEvaluated && (f.Status != string(checks.NotEvaluated) || f.Reason != checks.ReasonPermission || f.Message == ""):
					t.Errorf("finding %+v of a product the role cannot read; want NOT_EVALUATED, reason permission, with a message", f)
				}
				if f.TaskID != "task-1" || f.FirstSeen.IsZero() || !f.FirstSeen.Equal(f.LastSeen) || f.Title == "" || f.Severity == "" {
					t.Errorf("finding %+v lacks its metadata", f)
				}
			}
			if notPassed != got.NotPassed {
				t.Errorf("the store holds %d NOT_PASS findings; the shard reported %d", notPassed, got.NotPassed)
			}
			if c.status == StatusDone && (len(fs) == 0 || notPassed == 0) {
				t.Errorf("the sample account's ECS in cn-hangzhou gave %d findings, %d NOT_PASS; want some of each", len(fs), notPassed)
			}
			if c.status == StatusRefused && len(fs) != 0 {
				t.Errorf("a refused shard wrote %d findings", len(fs))
			}
			sh, err := h.Store.GetShard(ctx, store.ShardKey{TenantID: "acme", TaskID: "task-1", ShardID: "0000"})
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("%d findings, %d not passed, %d assets", got.Findings, got.NotPassed, got.Assets); c.status != StatusRefused && !strings.HasPrefix(sh.Note, want) {
				t.Errorf("shard note %q; want it to start %q", sh.Note, want)
			}
		})
	}
}
