package schedule

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// recorder is a Sender for unit tests of the planning logic; the queue itself is tested
// over the real SDK against mnssim in shared/queue and functions/.
type recorder struct {
	mu     sync.Mutex
	queues []string
	bodies [][]byte
	err    error
}

func (r *recorder) SendBatch(_ context.Context, q string, bodies [][]byte) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil, r.err
	}
	ids := make([]string, len(bodies))
	for i, b := range bodies {
		r.queues = append(r.queues, q)
		r.bodies = append(r.bodies, b)
		ids[i] = "m" + string(rune('a'+i))
	}
	return ids, nil
}

var sample = tenant.Tenant{
	ID: "acme", AccountID: "1234567890123456", Site: tenant.SiteChina,
	Regions: []string{"cn-hangzhou", "cn-shanghai"}, Products: []string{"ecs", "oss", "ram"}, Policy: "cis-v2",
}

func newHandler(r *recorder) *Handler {
	return &Handler{
		Queue: r, ShardQueue: "cspm-shards",
		Tenants: func(context.Context) ([]tenant.Tenant, error) { return []tenant.Tenant{sample}, nil },
		Now:     func() time.Time { return time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) },
	}
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
	if _, err := Plan(sample, "no-such-policy", "t", "now"); err == nil || !strings.Contains(err.Error(), "unknown policy") {
		t.Errorf("Plan(unknown policy) = %v; want an unknown policy error", err)
	}
}

func TestHandleTimer(t *testing.T) {
	r := &recorder{}
	h := newHandler(r)
	timer, err := os.ReadFile(filepath.Join("..", "..", "events", "timer.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Handle(context.Background(), timer)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 1 || res.Tasks[0].Shards != 5 || len(r.bodies) != 5 {
		t.Fatalf("Handle(timer) = %+v with %d messages sent; want one task of 5 shards", res, len(r.bodies))
	}
	for i, b := range r.bodies {
		if _, err := event.DecodeShardJob(b); err != nil {
			t.Errorf("message %d is not a shard job: %v", i, err)
		}
		if r.queues[i] != "cspm-shards" {
			t.Errorf("message %d went to %q; want cspm-shards", i, r.queues[i])
		}
	}
	// A redelivered timer event plans the same task id.
	again, err := h.Handle(context.Background(), timer)
	if err != nil {
		t.Fatal(err)
	}
	if again.Tasks[0].TaskID != res.Tasks[0].TaskID {
		t.Errorf("the same timer event planned tasks %q and %q; want one id", res.Tasks[0].TaskID, again.Tasks[0].TaskID)
	}
}

func TestHandleChangeEvent(t *testing.T) {
	r := &recorder{}
	h := newHandler(r)
	ev, err := os.ReadFile(filepath.Join("..", "..", "events", "actiontrail-authorize-sg.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 1 || len(r.bodies) != 1 {
		t.Fatalf("Handle(change) = %+v, %d messages; want one one-shard task", res, len(r.bodies))
	}
	j, err := event.DecodeShardJob(r.bodies[0])
	if err != nil {
		t.Fatal(err)
	}
	if j.Kind != "incremental" || j.Product != "ecs" || j.ResourceID == "" {
		t.Errorf("change shard = %+v; want an incremental ecs shard naming the resource", j)
	}
}

func TestHandleErrors(t *testing.T) {
	tests := []struct {
		name, body string
		sendErr    error
		want       string
	}{
		{"unknown tenant", `{"tenant_id":"nobody"}`, nil, `unknown tenant "nobody"`},
		{"garbage", `{"hello":"world"}`, nil, "schedule-scan"},
		{"timer with bad payload", `{"triggerTime":"2026-11-24T02:00:00Z","triggerName":"nightly-scan","payload":"{\"policies\":1}"}`, nil, "payload"},
		{"timer with unknown policy", `{"triggerTime":"2026-11-24T02:00:00Z","triggerName":"nightly-scan","payload":"{\"policy\":\"nope\"}"}`, nil, "unknown policy"},
		{"queue down", `{"tenant_id":"acme"}`, errors.New("connection refused"), "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandler(&recorder{err: tt.sendErr})
			_, err := h.Handle(context.Background(), []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Handle(%s) = %v; want an error mentioning %q", tt.body, err, tt.want)
			}
		})
	}
}
