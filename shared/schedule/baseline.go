package schedule

import (
	"context"
	"fmt"
	"slices"

	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// HostProduct is the product of baseline shards and their findings.
const HostProduct = "host"

// BaselineItems returns the host baseline items plan lets the tenant scan, sorted by
// id, asking the entitlement rules (billing.md) item by item: the edition's families
// (Advanced: default policy and weak password; Enterprise and the trial: all but
// container security; Ultimate: all), every item under CSPM without such an edition,
// none without either. Under Host and Container pay-as-you-go it is the union over the
// hosts' editions (the shard narrows it per host).
func BaselineItems(plan entitlement.Plan) []string {
	hosts := []string{""}
	for h := range plan.HostEditions {
		hosts = append(hosts, h)
	}
	var ids []string
	for _, it := range baseline.All() {
		item := entitlement.Item{ID: it.ID, Kind: entitlement.Baseline, BaselineCategory: entitlement.Category(it.Baseline)}
		for _, h := range hosts {
			if entitlement.Decide(plan, item, entitlement.Scan, h).Allowed {
				ids = append(ids, it.ID)
				break
			}
		}
	}
	return ids
}

// HostsPerShard is how many hosts one baseline shard probes at most, as far as the
// last scan's inventory tells: at 8 hosts at a time and a few seconds each, well
// within the function's 600 s.
const HostsPerShard = 100

// PlanBaseline returns the baseline shards of one tenant's scan, product "host", with
// the items its plan allows (BaselineItems): per region, one shard per HostsPerShard
// hosts the last scan saw there (hosts: region → count; a region not in it gets one),
// each taking its part of the hosts (event.HostPart). A tenant whose plan includes no
// host baseline, or whose scan leaves out ECS (hosts are its instances), has none.
// Shard ids and totals are left to the caller (WithBaseline numbers them).
func PlanBaseline(t tenant.Tenant, plan entitlement.Plan, taskID, createdAt string, hosts map[string]int) []event.ShardJob {
	if !slices.Contains(t.Products, "ecs") {
		return nil
	}
	items := BaselineItems(plan)
	if len(items) == 0 {
		return nil
	}
	jobs := make([]event.ShardJob, 0, len(t.Regions))
	for _, region := range t.Regions {
		parts := max(1, (hosts[region]+HostsPerShard-1)/HostsPerShard)
		for part := range parts {
			j := event.ShardJob{Version: 1, TenantID: t.ID, TaskID: taskID, Site: string(t.Site),
				Region: region, Product: HostProduct, Items: items, Kind: event.ShardBaseline, CreatedAt: createdAt}
			if parts > 1 {
				j.Part, j.Parts = part, parts
			}
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// WithBaseline appends the baseline shards to a task's config shards and numbers them
// all again, so the ids stay zero-padded and in order and every total counts both.
func WithBaseline(jobs, base []event.ShardJob) []event.ShardJob {
	jobs = append(jobs, base...)
	for i := range jobs {
		jobs[i].ShardID = fmt.Sprintf("%04d", i)
		jobs[i].Total = len(jobs)
	}
	return jobs
}

// baselineShards adds the tenant's baseline shards to a planned task, for the plan
// the tenant holds (t.Plan, as in force now), sliced by the hosts the last scan
// recorded as assets.
func (h *Handler) baselineShards(ctx context.Context, t tenant.Tenant, jobs []event.ShardJob, taskID, createdAt string) ([]event.ShardJob, error) {
	if len(BaselineItems(t.Plan)) == 0 {
		return jobs, nil
	}
	assets, err := h.Store.ListProductAssets(ctx, t.ID, "ecs")
	if err != nil {
		return nil, fmt.Errorf("schedule-scan: hosts of tenant %s: %w", t.ID, err)
	}
	hosts := map[string]int{}
	for _, a := range assets {
		if a.Type == "Instances" { // every instance, Linux or not: an upper bound on the hosts

			hosts[a.Region]++
		}
	}
	return WithBaseline(jobs, PlanBaseline(t, t.Plan, taskID, createdAt, hosts)), nil
}
