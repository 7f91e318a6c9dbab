package shard

import (
	"context"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
)

func TestState(t *testing.T) {
	row := func(status checks.Status, state string) *store.Finding {
		return &store.Finding{Status: string(status), State: state}
	}
	cases := []struct {
		name string
		prev *store.Finding
		now  checks.Status
		want string
	}{
		{"first seen failing", nil, checks.NotPass, StateNew},
		{"first seen passing", nil, checks.Pass, ""},
		{"first seen not evaluated", nil, checks.NotEvaluated, ""},
		{"new, still failing", row(checks.NotPass, StateNew), checks.NotPass, StateOpen},
		{"open, still failing", row(checks.NotPass, StateOpen), checks.NotPass, StateOpen},
		{"reopened, still failing", row(checks.NotPass, StateReopened), checks.NotPass, StateOpen},
		{"failing, now passing", row(checks.NotPass, StateOpen), checks.Pass, StateFixed},
		{"new, now passing", row(checks.NotPass, StateNew), checks.Pass, StateFixed},
		{"fixed, still passing", row(checks.Pass, StateFixed), checks.Pass, StateFixed},
		{"fixed, failing again", row(checks.Pass, StateFixed), checks.NotPass, StateReopened},
		{"always passed, now failing", row(checks.Pass, ""), checks.NotPass, StateReopened},
		{"always passed, still passing", row(checks.Pass, ""), checks.Pass, ""},
		{"open, now not evaluated: kept", row(checks.NotPass, StateOpen), checks.NotEvaluated, StateOpen},
		{"not evaluated after failing, failing again", row(checks.NotEvaluated, StateOpen), checks.NotPass, StateOpen},
		{"not evaluated after failing, now passing", row(checks.NotEvaluated, StateNew), checks.Pass, StateFixed},
		{"not evaluated after a fix, failing", row(checks.NotEvaluated, StateFixed), checks.NotPass, StateReopened},
		{"never evaluated, now failing", row(checks.NotEvaluated, ""), checks.NotPass, StateNew},
		{"manual stays stateless", row(checks.Manual, ""), checks.Manual, ""},
	}
	for _, c := range cases {
		if got := State(c.prev, c.now); got != c.want {
			t.Errorf("%s: State(%+v, %s) = %q; want %q", c.name, c.prev, c.now, got, c.want)
		}
	}
}

// TestLifecycleAcrossScans: the same shard run by three tasks keeps first_seen, moves
// last_seen, and takes failing findings from new to open; a finding whose previous row
// is fixed stays fixed while it passes.
func TestLifecycleAcrossScans(t *testing.T) {
	job := func(task string) event.ShardJob {
		return event.ShardJob{Version: 1, TenantID: "acme", TaskID: task, ShardID: "0000", Site: "cn",
			Region: "cn-hangzhou", Product: "ecs", Items: []string{"ecs_sg_ssh_internet"}, Kind: "config", Total: 1,
			CreatedAt: "2026-11-24T02:00:00Z"}
	}
	b1, b2, b3 := mustBatch(t, job("task-1")), mustBatch(t, job("task-2")), mustBatch(t, job("task-3"))
	h := newHandler(t, b1, b2, b3)
	ctx := context.Background()
	clock := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	h.Now = func() time.Time { return clock }
	run := func(b []byte) map[string]store.Finding {
		t.Helper()
		if _, err := h.Handle(ctx, b); err != nil {
			t.Fatal(err)
		}
		fs, err := h.Store.ListFindings(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]store.Finding{}
		for _, f := range fs {
			out[f.InstanceID] = f
		}
		return out
	}
	first := run(b1)
	var failing, passing string
	for id, f := range first {
		switch {
		case f.Status == string(checks.NotPass) && f.State == StateNew:
			failing = id
		case f.Status == string(checks.Pass) && f.State == "":
			passing = id
		default:
			t.Errorf("first scan: %s is %s with state %q", id, f.Status, f.State)
		}
	}
	if failing == "" || passing == "" {
		t.Fatalf("want a failing and a passing security group in cn-hangzhou; got %+v", first)
	}
	// Pretend the passing group had failed and then been fixed.
	fixed := first[passing]
	fixed.State = StateFixed
	if _, err := h.Store.PutFindings(ctx, []store.Finding{fixed}); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(24 * time.Hour)
	second := run(b2)
	if f := second[failing]; f.State != StateOpen || !f.FirstSeen.Equal(first[failing].FirstSeen) || !f.LastSeen.Equal(clock) || f.TaskID != "task-2" {
		t.Errorf("second scan: failing finding %+v; want open, first_seen kept, last_seen now, task-2", f)
	}
	if f := second[passing]; f.State != StateFixed {
		t.Errorf("second scan: fixed finding still passing has state %q; want fixed", f.State)
	}
	clock = clock.Add(24 * time.Hour)
	third := run(b3)
	if f := third[failing]; f.State != StateOpen || !f.FirstSeen.Equal(first[failing].FirstSeen) {
		t.Errorf("third scan: failing finding %+v; want still open, first_seen kept", f)
	}
}

// TestAccountLevelShard: an account-level shard whose check also reads a regional
// product (the ActionTrail bucket check reads OSS) finds the bucket in the tenant's
// regions and gives a verdict; its assets are the trails only.
func TestAccountLevelShard(t *testing.T) {
	b := mustBatch(t, event.ShardJob{Version: 1, TenantID: "acme", TaskID: "task-1", ShardID: "0000", Site: "cn",
		Region: "global", Product: "actiontrail", Items: []string{"actiontrail_bucket_not_public", "actiontrail_multi_region"},
		Kind: "config", Total: 1, CreatedAt: "2026-11-24T02:00:00Z"})
	h := newHandler(t, b)
	ctx := context.Background()
	res, err := h.Handle(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Shards[0]; s.Status != StatusDone || s.Findings == 0 {
		t.Fatalf("shard = %+v; want done with findings", s)
	}
	fs, err := h.Store.ListFindings(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Status != string(checks.Pass) && f.Status != string(checks.NotPass) {
			t.Errorf("finding %s/%s is %s: %s; want a verdict", f.ItemID, f.InstanceID, f.Status, f.Message)
		}
	}
	assets, err := h.Store.ListAssets(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range assets {
		if a.Product != "actiontrail" {
			t.Errorf("asset %s/%s in %q recorded by the actiontrail shard", a.Product, a.AssetID, a.Region)
		}
	}
}
