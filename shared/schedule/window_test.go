package schedule

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// monEvening is a custom policy restricted to Mondays, 18:00–24:00.
var monEvening = catalog.Policy{ID: "mon-evening", Items: []string{"ecs_sg_ssh_internet", "oss_bucket_logging"},
	Weekdays: []time.Weekday{time.Monday}, Windows: []catalog.Window{catalog.Window18to24}}

// Monday 23 November 2026, in UTC; 10:00Z is 18:00 in UTC+8.
func monday(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, time.UTC) }

func TestDueSlot(t *testing.T) {
	slot := time.Date(2026, 11, 23, 18, 0, 0, 0, Zone(tenant.SiteChina))
	cases := []struct {
		name string
		at   time.Time
		due  bool
	}{
		{"Monday 18:00 UTC+8", monday(10, 0), true},
		{"Monday 21:30 UTC+8", monday(13, 30), true},
		{"Monday 23:59 UTC+8", monday(15, 59), true},
		{"Monday 17:59 UTC+8", monday(9, 59), false},
		{"Tuesday 00:00 UTC+8 (still Monday in UTC)", monday(16, 0), false},
		{"Monday 06:00 UTC+8 (Sunday in UTC)", monday(-2, 0), false},
		{"Monday 18:00 UTC (Tuesday 02:00 UTC+8)", monday(18, 0), false},
		{"Monday a week later, 19:00 UTC+8", monday(11, 0).AddDate(0, 0, 7), true},
	}
	for _, site := range []tenant.Site{tenant.SiteChina, tenant.SiteIntl} {
		for _, c := range cases {
			got, ok := DueSlot(monEvening, site, c.at)
			if ok != c.due {
				t.Errorf("%s, site %s: DueSlot(mon-evening, %s) due = %v; want %v", c.name, site, c.at.Format(time.RFC3339), ok, c.due)
				continue
			}
			if want := slot.AddDate(0, 0, 7*int(c.at.Sub(monday(0, 0))/(7*24*time.Hour))); ok && !got.Equal(want) {
				t.Errorf("%s, site %s: slot %v; want %v (the window's start)", c.name, site, got, want)
			}
		}
	}
}

// TestTimerRunsDuePolicies: the hourly timer plans a task only for tenants whose policy
// is due at its time in UTC+8, once per window; the demo's built-in policy is due at
// every hour of every day, once a day.
func TestTimerRunsDuePolicies(t *testing.T) {
	r := newRig(t, true)
	ctx := context.Background()
	r.h.Policies = []catalog.Policy{monEvening}
	row, err := r.h.Store.GetTenant(ctx, sample.ID)
	if err != nil {
		t.Fatal(err)
	}
	row.Policy = monEvening.ID
	if err := r.h.Store.PutTenant(ctx, row); err != nil {
		t.Fatal(err)
	}
	fire := func(at time.Time, payload string) Result {
		t.Helper()
		res, err := r.h.Handle(ctx, event.NewTimer("nightly-scan", at, payload))
		if err != nil {
			t.Fatalf("timer at %s: %v", at.Format(time.RFC3339), err)
		}
		return res
	}
	for _, at := range []time.Time{monday(9, 0), monday(16, 0), monday(2, 0), monday(10, 0).AddDate(0, 0, 1)} {
		res := fire(at, "")
		if len(res.Tasks) != 0 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "mon-evening is not due") {
			t.Errorf("timer at %s (%s in UTC+8) = %+v; want no task, the tenant skipped as not due", at.Format(time.RFC3339),
				at.In(Zone(tenant.SiteChina)).Format("Mon 15:04"), res)
		}
	}
	if jobs := r.drain(t); len(jobs) != 0 {
		t.Fatalf("timers outside the window queued %d jobs", len(jobs))
	}

	first := fire(monday(10, 0), "")
	if len(first.Tasks) != 1 || first.Tasks[0].Policy != monEvening.ID {
		t.Fatalf("timer at Monday 18:00 UTC+8 = %+v; want one task of policy mon-evening", first)
	}
	task := first.Tasks[0]
	jobs := r.drain(t)
	if len(jobs) != task.Shards || len(jobs) == 0 {
		t.Fatalf("queued %d jobs; the task has %d shards", len(jobs), task.Shards)
	}
	for _, j := range jobs {
		if j.Kind != event.ShardConfig {
			continue // host baseline shards come with the plan, not the policy
		}
		for _, it := range j.Items {
			if it != "ecs_sg_ssh_internet" && it != "oss_bucket_logging" {
				t.Errorf("shard %s runs item %s, outside the policy", j.ShardID, it)
			}
		}
	}
	shards, err := r.h.Store.ListShards(ctx, sample.ID, task.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shards { // run-check-shard has taken them all
		if _, err := r.h.Store.ClaimShard(ctx, sh.Key(), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range []time.Time{monday(11, 0), monday(15, 0)} {
		res := fire(at, "")
		if len(res.Tasks) != 1 || res.Tasks[0].TaskID != task.TaskID || res.Tasks[0].Sent != 0 {
			t.Errorf("timer at %s, later in the same window = %+v; want task %s again with nothing sent", at.Format(time.RFC3339), res.Tasks, task.TaskID)
		}
	}
	if jobs := r.drain(t); len(jobs) != 0 {
		t.Errorf("later timers in the same window queued %d jobs; want none", len(jobs))
	}
	next := fire(monday(10, 0).AddDate(0, 0, 7), "")
	if len(next.Tasks) != 1 || next.Tasks[0].TaskID == task.TaskID {
		t.Errorf("timer a week later = %+v; want a new task", next.Tasks)
	}
	r.drain(t)

	// The built-in policy the demo uses is due at any hour, once a day.
	day := map[string]bool{}
	for h := 0; h < 24; h++ {
		res := fire(monday(h, 0), `{"policy":"cis-v2"}`)
		if len(res.Tasks) != 1 {
			t.Fatalf("cis-v2 timer at %02d:00Z planned %d tasks; want 1", h, len(res.Tasks))
		}
		day[res.Tasks[0].TaskID] = true
	}
	if len(day) != 2 { // Monday 00:00–15:59Z is Monday in UTC+8, 16:00Z on is Tuesday
		t.Errorf("cis-v2 timers over 24 UTC hours planned tasks %v; want one per day in UTC+8 (2)", day)
	}
	r.drain(t)

	// A change event rescans with the tenant's custom policy's items, whatever the hour.
	res, err := r.h.Handle(ctx, readEvent(t, "actiontrail-authorize-sg.json"))
	if err != nil {
		t.Fatal(err)
	}
	jobs = r.drain(t)
	if len(res.Tasks) != 1 || len(jobs) != 1 || len(jobs[0].Items) != 1 || jobs[0].Items[0] != "ecs_sg_ssh_internet" {
		t.Errorf("change event with policy mon-evening planned %+v, queued %+v; want one ecs shard with its one ecs item", res, jobs)
	}
}

func TestCustomPolicyWithUnknownItem(t *testing.T) {
	r := newRig(t, true)
	bad := monEvening
	bad.ID = "broken"
	bad.Items = []string{"ecs_sg_ssh_internet", "ecs_no_such_item"}
	r.h.Policies = []catalog.Policy{bad}
	_, err := r.h.Handle(context.Background(), event.NewTimer("nightly-scan", monday(10, 0), `{"policy":"broken"}`))
	if err == nil || !strings.Contains(err.Error(), `"ecs_no_such_item"`) {
		t.Fatalf("timer with a policy naming an unknown item = %v; want an error naming it", err)
	}
	_, err = r.h.Handle(context.Background(), []byte(`{"tenant_id":"acme","policy":"broken"}`))
	if err == nil || !strings.Contains(err.Error(), `"ecs_no_such_item"`) {
		t.Fatalf("scan request with a policy naming an unknown item = %v; want an error naming it", err)
	}
	// The tenant's own policy is broken: it is skipped, saying why; others would run.
	row, err := r.h.Store.GetTenant(context.Background(), sample.ID)
	if err != nil {
		t.Fatal(err)
	}
	row.Policy = "broken"
	if err := r.h.Store.PutTenant(context.Background(), row); err != nil {
		t.Fatal(err)
	}
	res, err := r.h.Handle(context.Background(), event.NewTimer("nightly-scan", monday(10, 0), `{}`))
	if err != nil || len(res.Tasks) != 0 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], `"ecs_no_such_item"`) {
		t.Errorf("timer with the tenant's own policy broken = %+v, %v; want the tenant skipped, naming the unknown item", res, err)
	}
	if jobs := r.drain(t); len(jobs) != 0 {
		t.Errorf("a bad policy queued %d jobs", len(jobs))
	}
}
