package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// kindVerify is a verify task in the task table.
const kindVerify = "verify"

// enqueueVerify plans a one-shard task that re-checks one item of a tenant, on one
// instance or all of them: the shard names only that item (and the instance as its
// resource), so run-check-shard collects only the products the item needs. Its region
// is the request's, else the stored finding's, else "global": every region of the
// tenant (and the account-level read, for an account-level item). An unknown or manual
// item, or one the tenant's plan does not let it verify, is an error: nothing is
// recorded or sent.
func (h *Handler) enqueueVerify(ctx context.Context, tenants []tenant.Tenant, skipped map[string]string, v *event.VerifyRequest) (Task, error) {
	t, ok := find(tenants, v.TenantID)
	if !ok {
		if why, ok := skipped[v.TenantID]; ok {
			return Task{}, fmt.Errorf("schedule-scan: tenant %q %s: nothing runs until it does", v.TenantID, why)
		}
		return Task{}, fmt.Errorf("schedule-scan: verify request for unknown tenant %q", v.TenantID)
	}
	r, ok := checks.Lookup(v.ItemID)
	if !ok {
		return Task{}, fmt.Errorf("schedule-scan: verify: unknown item id %q (list them with `cspm catalog`)", v.ItemID)
	}
	if !r.Automated() {
		return Task{}, fmt.Errorf("schedule-scan: verify: item %s is checked by hand (MANUAL): there is nothing to re-collect", r.ID)
	}
	if d := entitlement.Decide(t.Plan, r.Entitlement(), entitlement.Verify, ""); !d.Allowed {
		return Task{}, fmt.Errorf("schedule-scan: verify %s for tenant %s: %s", r.ID, t.ID, d.Reason)
	}
	region := v.Region
	if tenant.Global(r.Product) {
		region = "global"
	}
	if region == "" && v.InstanceID != "" {
		// Where the instance was found last time: read one region, not all of them.
		prev, err := h.Store.ListItemFindings(ctx, t.ID, r.ID)
		if err != nil {
			return Task{}, fmt.Errorf("schedule-scan: verify %s: %w", r.ID, err)
		}
		for _, f := range prev {
			if f.InstanceID == v.InstanceID && f.Region != "" {
				region = f.Region
			}
		}
	}
	if region == "" {
		region = "global"
	}
	now := h.now()
	taskID := "verify-" + now.Format("20060102T150405Z") + "-" + randomSuffix() + "-" + t.ID
	job := event.ShardJob{
		Version: event.JobVersion, TenantID: t.ID, TaskID: taskID, ShardID: "0000", Site: string(t.Site),
		Region: region, Product: r.Product, Items: []string{r.ID}, Kind: event.ShardVerify,
		ResourceID: v.InstanceID, Total: 1, CreatedAt: now.Format(time.RFC3339),
	}
	pending, err := h.record(ctx, t.ID, taskID, kindVerify, []event.ShardJob{job})
	if err != nil {
		return Task{}, err
	}
	if err := h.send(ctx, pending); err != nil {
		return Task{}, fmt.Errorf("schedule-scan: verify task %s: %w", taskID, err)
	}
	return Task{TenantID: t.ID, TaskID: taskID, Policy: "verify:" + r.ID, Shards: 1, Sent: len(pending), Queue: h.ShardQueue}, nil
}
