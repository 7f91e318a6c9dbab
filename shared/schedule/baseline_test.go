package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
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
	sub := func(e entitlement.Edition) entitlement.Plan {
		return entitlement.Plan{Edition: e, CSPM: entitlement.Subscription, CSPMTerm: "sub-1", CSPMQuota: 100}
	}
	cases := []struct {
		name  string
		plan  entitlement.Plan
		items int // items per baseline shard; 0: no baseline shards
	}{
		{"basic", entitlement.Plan{Edition: entitlement.Basic}, 0},
		{"antivirus", entitlement.Plan{Edition: entitlement.AntiVirus}, 0},
		{"value-added", entitlement.Plan{Edition: entitlement.ValueAdded}, 0},
		{"advanced", entitlement.Plan{Edition: entitlement.Advanced}, fam[baseline.DefaultPolicy] + fam[baseline.WeakPassword]},
		{"enterprise", entitlement.Plan{Edition: entitlement.Enterprise}, all - fam[baseline.ContainerSecurity]},
		{"trial", entitlement.Plan{Edition: entitlement.Basic, Trial: true}, all - fam[baseline.ContainerSecurity]},
		{"ultimate", entitlement.Plan{Edition: entitlement.Ultimate}, all},
		{"host-payg", entitlement.Plan{Edition: entitlement.Basic, HostPAYG: true}, all - fam[baseline.ContainerSecurity]},
		{"cspm-subscription", sub(entitlement.Basic), all},
		{"cspm-payg", entitlement.Plan{Edition: entitlement.Basic, CSPM: entitlement.PayAsYouGo}, all},
		{"antivirus+cspm-payg", entitlement.Plan{Edition: entitlement.AntiVirus, CSPM: entitlement.PayAsYouGo}, all},
		// CSPM adds no baseline item while an edition that includes baseline is held.
		{"advanced+cspm-subscription", sub(entitlement.Advanced), fam[baseline.DefaultPolicy] + fam[baseline.WeakPassword]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.plan
			p.Authorized = true
			jobs := PlanBaseline(sample, p, "task-1", "2026-11-24T02:00:00Z", nil)
			if c.items == 0 {
				if len(jobs) != 0 {
					t.Fatalf("plan %s: %d baseline shards; want none", c.name, len(jobs))
				}
				return
			}
			if len(jobs) != len(sample.Regions) {
				t.Fatalf("plan %s: %d baseline shards; want one per region (%d)", c.name, len(jobs), len(sample.Regions))
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
	p := entitlement.Plan{Authorized: true, Edition: entitlement.Ultimate}
	if jobs := PlanBaseline(noECS, p, "t", "now", nil); len(jobs) != 0 {
		t.Errorf("a tenant whose scan leaves out ECS got %d baseline shards; want none", len(jobs))
	}
}

// TestWithBaselineNumbers: config and baseline shards are numbered as one task.
func TestWithBaselineNumbers(t *testing.T) {
	jobs, err := Plan(sample, "cis-v2", "task-1", "2026-11-24T02:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	p := entitlement.Plan{Authorized: true, Edition: entitlement.Ultimate}
	all := WithBaseline(jobs, PlanBaseline(sample, p, "task-1", "2026-11-24T02:00:00Z", nil))
	seen := map[string]bool{}
	for i, j := range all {
		if j.Total != len(all) || seen[j.ShardID] || j.ShardID != []string{"0000", "0001", "0002", "0003", "0004", "0005", "0006"}[i] {
			t.Errorf("shard %d: id %q total %d; want 000%d of %d", i, j.ShardID, j.Total, i, len(all))
		}
		seen[j.ShardID] = true
	}
}

// TestUnreadablePlanIsNotPlanned: a tenant whose recorded plan does not read is not
// scanned (nothing is recorded or sent for it, the error is logged), and the other
// tenants' scans go on.
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
	res, err := r.h.Handle(ctx, readEvent(t, "timer.json"))
	if err != nil || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "plan that does not read") {
		t.Fatalf("Handle = %+v, %v; want the run to go on, the tenant skipped because of its plan", res, err)
	}
	if jobs := r.drain(t); len(jobs) != 0 {
		t.Errorf("the queue holds %d jobs; want none", len(jobs))
	}
	if _, err := r.h.Store.GetTask(ctx, sample.ID, "scan-20240520180000-acme"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("task recorded (%v); want none", err)
	}
}

// TestPlanBaselineSlices: a region whose last scan saw more hosts than one shard
// probes gets several shards, each with its part; together they take every host once.
func TestPlanBaselineSlices(t *testing.T) {
	p := entitlement.Plan{Authorized: true, Edition: entitlement.Ultimate}
	jobs := WithBaseline(nil, PlanBaseline(sample, p, "task-1", "2026-11-24T02:00:00Z",
		map[string]int{"cn-hangzhou": 2*HostsPerShard + 1, "cn-shanghai": HostsPerShard}))
	parts := map[string][]int{}
	for i, j := range jobs {
		if err := j.Validate(); err != nil {
			t.Errorf("shard %d is not a valid job: %v", i, err)
		}
		parts[j.Region] = append(parts[j.Region], j.Part)
		if j.Region == "cn-hangzhou" && j.Parts != 3 || j.Region == "cn-shanghai" && j.Parts != 0 {
			t.Errorf("shard %d in %s is part %d of %d; want 3 parts in cn-hangzhou, an unsliced shard in cn-shanghai", i, j.Region, j.Part, j.Parts)
		}
	}
	if got := fmt.Sprint(parts["cn-hangzhou"], parts["cn-shanghai"]); got != "[0 1 2] [0]" {
		t.Errorf("parts by region = %s; want [0 1 2] [0]", got)
	}
}
