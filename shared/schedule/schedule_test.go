package schedule

import (
	"context"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/queue"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

var sample = tenant.Tenant{
	ID: "acme", AccountID: "1234567890123456", Site: tenant.SiteChina,
	Regions: []string{"cn-hangzhou", "cn-shanghai"}, Products: []string{"ecs", "oss", "ram"}, Policy: "cis-v2",
	Plan: entitlement.Plan{Authorized: true, Edition: entitlement.Basic, CSPM: entitlement.PayAsYouGo},
}

// rig is the real store (otsim) and queue (mnssim) the handler runs against.
type rig struct {
	h *Handler
	q *queue.Client
}

func newRig(t *testing.T, authorized bool) *rig {
	t.Helper()
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	st := storetest.NewStore(t, ots.Client(), nil)
	mns, err := mnssim.NewServer(mnssim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mns.Close() })
	q, err := queue.New(mns.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := q.CreateQueue(ctx, "cspm-shards", time.Minute); err != nil {
		t.Fatal(err)
	}
	row := store.Tenant{TenantID: sample.ID, AccountID: sample.AccountID, Site: string(sample.Site), Regions: sample.Regions,
		Products: sample.Products, Policy: sample.Policy, Plan: `{"edition":"basic","cspm":"subscription","cspm_term":"sub-1","cspm_quota":1000}`, BillingMethod: "subscription",
		RoleARN: "acs:ram::1234567890123456:role/cspm-scan"}
	if authorized {
		row.AuthorizedAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	if err := st.PutTenant(ctx, row); err != nil {
		t.Fatal(err)
	}
	return &rig{
		h: &Handler{Store: st, Queue: q, ShardQueue: "cspm-shards",
			Now: func() time.Time { return time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) }},
		q: q,
	}
}

func (r *rig) drain(t *testing.T) []event.ShardJob {
	t.Helper()
	var jobs []event.ShardJob
	for {
		msgs, err := r.q.Receive(context.Background(), "cspm-shards", 16, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			return jobs
		}
		for _, m := range msgs {
			j, err := event.DecodeShardJob(m.Body)
			if err != nil {
				t.Fatalf("queued message is not a shard job: %v", err)
			}
			jobs = append(jobs, j)
			if err := r.q.Delete(context.Background(), "cspm-shards", m.ReceiptHandle); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func readEvent(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPlan(t *testing.T) {
	jobs, err := Plan(sample, "cis-v2", "task-1", "2026-11-24T02:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	// ecs and oss per region (2 × 2) + ram once.
	if len(jobs) != 5 {
		t.Fatalf("Plan gave %d shards; want 5 (2 regional products × 2 regions + 1 account-level)", len(jobs))
	}
	seen := map[string]bool{}
	for i, j := range jobs {
		if err := j.Validate(); err != nil {
			t.Errorf("shard %d is not a valid job: %v", i, err)
		}
		if j.Total != 5 || seen[j.ShardID] {
			t.Errorf("shard %d: id %q total %d; want unique ids and total 5", i, j.ShardID, j.Total)
		}
		seen[j.ShardID] = true
		if j.Product == "ram" && j.Region != "global" {
			t.Errorf("ram shard in region %q; account-level products run once, as region global", j.Region)
		}
	}
	// The plan decides the items: without CSPM only the free ones; unauthorized, none.
	count := func(p entitlement.Plan) (shards, items int, paid []string) {
		tt := sample
		tt.Plan = p
		jobs, err := Plan(tt, "all", "task-1", "2026-11-24T02:00:00Z")
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			items += len(j.Items)
			for _, id := range j.Items {
				if it, _ := checks.Catalog().Item(id); it != nil && !it.Free {
					paid = append(paid, id)
				}
			}
		}
		return len(jobs), items, paid
	}
	_, all, _ := count(sample.Plan)
	_, free, paid := count(entitlement.Plan{Authorized: true, Edition: entitlement.Basic})
	if free == 0 || free >= all || len(paid) > 0 {
		t.Errorf("Basic edition without CSPM plans %d items (paid among them: %v); want only the free ones, fewer than the %d CSPM plans", free, paid, all)
	}
	if n, _, _ := count(entitlement.Plan{Edition: entitlement.Basic, CSPM: entitlement.PayAsYouGo}); n != 0 {
		t.Errorf("a tenant that has not authorized gets %d shards; want none", n)
	}
	if _, err := Plan(sample, "no-such-policy", "t", "now"); err == nil || !strings.Contains(err.Error(), "unknown policy") {
		t.Errorf("Plan(unknown policy) = %v; want an unknown policy error", err)
	}
}

// TestHandleTimer: the timer plans one task, records it and its shards, and queues every
// shard; the same timer event delivered again plans the same task and sends nothing new
// for shards that are no longer queued.
func TestHandleTimer(t *testing.T) {
	r := newRig(t, true)
	ctx := context.Background()
	timer := readEvent(t, "timer.json")
	res, err := r.h.Handle(ctx, timer)
	if err != nil {
		t.Fatal(err)
	}
	// 5 config shards (TestPlan) + 2 baseline shards: the CSPM subscription includes
	// host baseline, one shard per region.
	if len(res.Tasks) != 1 || res.Tasks[0].Shards != 7 || res.Tasks[0].Sent != 7 {
		t.Fatalf("Handle(timer) = %+v; want one task of 7 shards, all sent", res)
	}
	task := res.Tasks[0]
	if jobs := r.drain(t); len(jobs) != 7 {
		t.Fatalf("the queue holds %d jobs; want 7", len(jobs))
	}
	got, err := r.h.Store.GetTask(ctx, sample.ID, task.TaskID)
	if err != nil || got.Shards != 7 || got.Status != store.TaskQueued {
		t.Fatalf("stored task = %+v, %v; want 7 shards, queued", got, err)
	}
	shards, err := r.h.Store.ListShards(ctx, sample.ID, task.TaskID)
	if err != nil || len(shards) != 7 {
		t.Fatalf("stored shards = %d, %v; want 7", len(shards), err)
	}
	// One shard has run since: a redelivered timer re-sends only the other six.
	if _, err := r.h.Store.ClaimShard(ctx, shards[0].Key(), time.Minute); err != nil {
		t.Fatal(err)
	}
	again, err := r.h.Handle(ctx, timer)
	if err != nil {
		t.Fatal(err)
	}
	if again.Tasks[0].TaskID != task.TaskID || again.Tasks[0].Sent != 6 {
		t.Errorf("redelivered timer = %+v; want task %s again with 6 shards re-sent", again.Tasks[0], task.TaskID)
	}
	if jobs := r.drain(t); len(jobs) != 6 {
		t.Errorf("after the redelivery the queue holds %d jobs; want 6", len(jobs))
	}
}

func TestHandleChangeEvent(t *testing.T) {
	r := newRig(t, true)
	res, err := r.h.Handle(context.Background(), readEvent(t, "actiontrail-authorize-sg.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 1 || res.Tasks[0].Sent != 1 {
		t.Fatalf("Handle(change) = %+v; want one one-shard task", res)
	}
	jobs := r.drain(t)
	if len(jobs) != 1 {
		t.Fatalf("the queue holds %d jobs; want 1", len(jobs))
	}
	if j := jobs[0]; j.Kind != "incremental" || j.Product != "ecs" || j.ResourceID == "" {
		t.Errorf("change shard = %+v; want an incremental ecs shard naming the resource", j)
	}
	// The same event again is the same task: nothing more is sent.
	again, err := r.h.Handle(context.Background(), readEvent(t, "actiontrail-authorize-sg.json"))
	if err != nil {
		t.Fatal(err)
	}
	if again.Tasks[0].TaskID != res.Tasks[0].TaskID {
		t.Errorf("the same change event planned tasks %q and %q; want one", res.Tasks[0].TaskID, again.Tasks[0].TaskID)
	}
}

func TestUnauthorizedTenantIsNotScanned(t *testing.T) {
	r := newRig(t, false)
	res, err := r.h.Handle(context.Background(), readEvent(t, "timer.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 0 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "has not authorized") {
		t.Fatalf("Handle(timer) = %+v; want no task and the tenant skipped as not authorized", res)
	}
	if jobs := r.drain(t); len(jobs) != 0 {
		t.Errorf("%d jobs queued for a tenant that has not authorized", len(jobs))
	}
	_, err = r.h.Handle(context.Background(), []byte(`{"tenant_id":"acme"}`))
	if err == nil || !strings.Contains(err.Error(), "has not authorized") {
		t.Errorf("on-demand scan of an unauthorized tenant = %v; want a clear refusal", err)
	}
}

func TestHandleErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"unknown tenant", `{"tenant_id":"nobody"}`, `unknown tenant "nobody"`},
		{"garbage", `{"hello":"world"}`, "schedule-scan"},
		{"timer with bad payload", `{"triggerTime":"2026-11-24T02:00:00Z","triggerName":"nightly-scan","payload":"{\"policies\":1}"}`, "payload"},
		{"timer with unknown policy", `{"triggerTime":"2026-11-24T02:00:00Z","triggerName":"nightly-scan","payload":"{\"policy\":\"nope\"}"}`, "unknown policy"},
	}
	r := newRig(t, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.h.Handle(context.Background(), []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Handle(%s) = %v; want an error mentioning %q", tt.body, err, tt.want)
			}
		})
	}
	if jobs := r.drain(t); len(jobs) != 0 {
		t.Errorf("bad input queued %d jobs; want none", len(jobs))
	}
}

// TestQueueDown: when the queue cannot be reached the invocation fails, so FC retries it.
func TestQueueDown(t *testing.T) {
	r := newRig(t, true)
	down, err := queue.New(queue.Config{Endpoint: "http://1234567890123456.mns.cn-hangzhou.aliyuncs.com", DialAddr: "127.0.0.1:1",
		AccessKeyID: "ak", AccessKeySecret: "sk"})
	if err != nil {
		t.Fatal(err)
	}
	r.h.Queue = down
	_, err = r.h.Handle(context.Background(), []byte(`{"tenant_id":"acme"}`))
	if err == nil {
		t.Fatal("Handle with the queue down succeeded; want an error so the invocation is retried")
	}
}
