package schedule

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// familyCount counts the baseline catalogue's items by family.
func familyCount() map[baseline.Baseline]int {
	n := map[baseline.Baseline]int{}
	for _, it := range baseline.All() {
		n[it.Baseline]++
	}
	return n
}

// TestPlanBaseline: baseline shards follow billing.md's table, one per region, with
// the families the plan's edition includes.
func TestPlanBaseline(t *testing.T) {
	fam := familyCount()
	all := len(baseline.All())
	cases := []struct {
		plan, billing string
		items         int // items per baseline shard; 0: no baseline shards
	}{
		{"basic", "none", 0},
		{"antivirus", "none", 0},
		{"value-added", "none", 0},
		{"advanced", "none", fam[baseline.DefaultPolicy] + fam[baseline.WeakPassword]},
		{"enterprise", "subscription", all - fam[baseline.ContainerSecurity]},
		{"trial", "none", all - fam[baseline.ContainerSecurity]},
		{"ultimate", "none", all},
		{"host-payg", "none", all - fam[baseline.ContainerSecurity]},
		{"cspm-subscription", "subscription", all},
		{"cspm-payg", "payg", all},
		{"antivirus+cspm-payg", "payg", all},
		// CSPM adds no baseline item while an edition that includes baseline is held.
		{"advanced+cspm-subscription", "subscription", fam[baseline.DefaultPolicy] + fam[baseline.WeakPassword]},
	}
	for _, c := range cases {
		t.Run(c.plan, func(t *testing.T) {
			p, err := TenantPlan(c.plan, c.billing)
			if err != nil {
				t.Fatal(err)
			}
			jobs := PlanBaseline(sample, p, "task-1", "2026-11-24T02:00:00Z")
			if c.items == 0 {
				if len(jobs) != 0 {
					t.Fatalf("plan %s: %d baseline shards; want none", c.plan, len(jobs))
				}
				return
			}
			if len(jobs) != len(sample.Regions) {
				t.Fatalf("plan %s: %d baseline shards; want one per region (%d)", c.plan, len(jobs), len(sample.Regions))
			}
			for i, j := range WithBaseline(nil, jobs) {
				if err := j.Validate(); err != nil {
					t.Errorf("shard %d is not a valid job: %v", i, err)
				}
				if j.Kind != event.ShardBaseline || j.Product != "host" || j.Region != sample.Regions[i] || len(j.Items) != c.items {
					t.Errorf("shard %d = %s/%s in %s with %d items; want baseline/host in %s with %d", i, j.Kind, j.Product, j.Region, len(j.Items), sample.Regions[i], c.items)
				}
			}
		})
	}
	noECS := sample
	noECS.Products = []string{"oss", "ram"}
	p, _ := TenantPlan("ultimate", "none")
	if jobs := PlanBaseline(noECS, p, "t", "now"); len(jobs) != 0 {
		t.Errorf("a tenant whose scan leaves out ECS got %d baseline shards; want none", len(jobs))
	}
}

// TestWithBaselineNumbers: config and baseline shards are numbered as one task.
func TestWithBaselineNumbers(t *testing.T) {
	jobs, err := Plan(sample, "cis-v2", "task-1", "2026-11-24T02:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := TenantPlan("ultimate", "none")
	all := WithBaseline(jobs, PlanBaseline(sample, p, "task-1", "2026-11-24T02:00:00Z"))
	seen := map[string]bool{}
	for i, j := range all {
		if j.Total != len(all) || seen[j.ShardID] || j.ShardID != []string{"0000", "0001", "0002", "0003", "0004", "0005", "0006"}[i] {
			t.Errorf("shard %d: id %q total %d; want 000%d of %d", i, j.ShardID, j.Total, i, len(all))
		}
		seen[j.ShardID] = true
	}
}

// TestUnreadablePlanIsNotPlanned: a tenant whose recorded plan does not parse gets a
// clear error naming it, and nothing is recorded for it.
func TestUnreadablePlanIsNotPlanned(t *testing.T) {
	r := newRig(t, true)
	ctx := context.Background()
	row, err := r.h.Store.GetTenant(ctx, sample.ID)
	if err != nil {
		t.Fatal(err)
	}
	row.Plan = "platinum"
	if err := r.h.Store.PutTenant(ctx, row); err != nil {
		t.Fatal(err)
	}
	_, err = r.h.Handle(ctx, readEvent(t, "timer.json"))
	if err == nil || !strings.Contains(err.Error(), `unknown word "platinum"`) {
		t.Fatalf("Handle = %v; want the unknown plan named", err)
	}
	if jobs := r.drain(t); len(jobs) != 0 {
		t.Errorf("the queue holds %d jobs; want none", len(jobs))
	}
	if _, err := r.h.Store.GetTask(ctx, sample.ID, "scan-20240520180000-acme"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("task recorded (%v); want none", err)
	}
}
