package shard

import (
	"context"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// TestStateOfWhitelisted: WHITELISTED is no verdict; the next verdict is compared with
// the last one known.
func TestStateOfWhitelisted(t *testing.T) {
	cases := []struct {
		name string
		prev *store.Finding
		now  checks.Status
		want string
	}{
		{"first seen whitelisted", nil, checks.Whitelisted, ""},
		{"open, now whitelisted: kept", &store.Finding{Status: string(checks.NotPass), State: StateOpen}, checks.Whitelisted, StateOpen},
		{"whitelisted while open, rule removed, failing", &store.Finding{Status: string(checks.Whitelisted), State: StateOpen}, checks.NotPass, StateOpen},
		{"whitelisted while new, now passing", &store.Finding{Status: string(checks.Whitelisted), State: StateNew}, checks.Pass, StateFixed},
		{"whitelisted from the start, now failing", &store.Finding{Status: string(checks.Whitelisted)}, checks.NotPass, StateNew},
	}
	for _, c := range cases {
		if got := State(c.prev, c.now); got != c.want {
			t.Errorf("%s: State(%+v, %s) = %q; want %q", c.name, c.prev, c.now, got, c.want)
		}
	}
}

// TestWhitelistInTheChain: rules stored in Tablestore mute the findings they cover when
// run-check-shard runs: an instance rule mutes one instance, keeping its verdict,
// message and evidence with the rule's reason; an expired rule mutes nothing; a
// whole-item rule mutes every instance; removing the rule brings the verdict back
// with its lifecycle intact.
func TestWhitelistInTheChain(t *testing.T) {
	job := func(task string) event.ShardJob {
		return event.ShardJob{Version: 1, TenantID: "acme", TaskID: task, ShardID: "0000", Site: "cn",
			Region: "cn-hangzhou", Product: "ecs", Items: []string{"ecs_sg_ssh_internet"}, Kind: "config", Total: 1,
			CreatedAt: "2026-11-24T02:00:00Z"}
	}
	var batches [][]byte
	for _, task := range []string{"task-1", "task-2", "task-3", "task-4"} {
		batches = append(batches, mustBatch(t, job(task)))
	}
	h := newHandler(t, batches...)
	ctx := context.Background()
	clock := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	h.Now = func() time.Time { return clock }
	run := func(i int) (Shard, map[string]store.Finding) {
		t.Helper()
		res, err := h.Handle(ctx, batches[i])
		if err != nil {
			t.Fatalf("task-%d: %v", i+1, err)
		}
		fs, err := h.Store.ListFindings(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]store.Finding{}
		for _, f := range fs {
			out[f.InstanceID] = f
		}
		return res.Shards[0], out
	}
	_, first := run(0)
	var failing string
	failed := 0
	for id, f := range first {
		if f.Status == string(checks.NotPass) {
			failing = id
			failed++
		}
	}
	if failing == "" {
		t.Fatal("want a failing security group in cn-hangzhou")
	}
	reason := `bastion "<b>jump</b>" host — 接受风险`
	put := func(r store.WhitelistRule) {
		t.Helper()
		if err := h.Store.PutWhitelistRule(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	put(store.WhitelistRule{TenantID: "acme", ItemID: "ecs_sg_ssh_internet", InstanceID: failing, Reason: reason, CreatedBy: "alice", Expires: clock.Add(48 * time.Hour)})
	put(store.WhitelistRule{TenantID: "acme", ItemID: "ecs_sg_ssh_internet", Reason: "expired", Expires: clock.Add(time.Hour)})
	put(store.WhitelistRule{TenantID: "acme", ItemID: "no_such_item_any_more", Reason: "retired item"})
	put(store.WhitelistRule{TenantID: "other", ItemID: "ecs_sg_ssh_internet", Reason: "another tenant's rule"})

	clock = clock.Add(24 * time.Hour)
	sh, second := run(1)
	f := second[failing]
	want := first[failing]
	if f.Status != string(checks.Whitelisted) || f.OriginalStatus != string(checks.NotPass) || f.Remark != reason ||
		f.Reason != checks.ReasonWhitelist || f.Message != want.Message || f.Evidence != want.Evidence {
		t.Errorf("whitelisted finding = %+v; want WHITELISTED with original status NOT_PASS, remark %q, message and evidence kept", f, reason)
	}
	if f.State != StateNew || f.StateTaskID != "task-1" {
		t.Errorf("whitelisted finding state %q (set by %q); want new, set by task-1 (no verdict: state kept)", f.State, f.StateTaskID)
	}
	if sh.NotPassed != failed-1 {
		t.Errorf("shard counted %d NOT_PASS; want %d (the whitelisted one does not count)", sh.NotPassed, failed-1)
	}
	for id, g := range second {
		if id != failing && g.Status == string(checks.Whitelisted) {
			t.Errorf("%s is whitelisted by an expired rule or another tenant's", id)
		}
	}

	// A whole-item rule mutes every instance.
	put(store.WhitelistRule{TenantID: "acme", ItemID: "ecs_sg_ssh_internet", Reason: "lab account", Expires: clock.Add(72 * time.Hour)})
	clock = clock.Add(24 * time.Hour)
	_, third := run(2)
	for id, g := range third {
		if g.Status != string(checks.Whitelisted) || g.OriginalStatus == "" {
			t.Errorf("with a whole-item rule, %s is %s (original %q); want WHITELISTED with its verdict kept", id, g.Status, g.OriginalStatus)
		}
	}

	// Rules removed: the verdict is back, against the last one known.
	if err := h.Store.DeleteWhitelistRule(ctx, "acme", "ecs_sg_ssh_internet", ""); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.DeleteWhitelistRule(ctx, "acme", "ecs_sg_ssh_internet", failing); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(24 * time.Hour)
	_, fourth := run(3)
	if g := fourth[failing]; g.Status != string(checks.NotPass) || g.State != StateOpen || g.OriginalStatus != "" || g.Remark != "" ||
		g.Message != want.Message {
		t.Errorf("after the rules were removed: %+v; want NOT_PASS, open, no whitelist columns", g)
	}
}
