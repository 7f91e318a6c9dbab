package shard

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// runVerify runs a claimed verify shard (event.ShardVerify): it re-checks the shard's
// one item, collecting as the tenant only the products the item needs (rule Needs) in
// the shard's region ("global": each of the tenant's regions, with account-level
// products read once), and writes the refreshed findings with their lifecycle and
// the whitelist applied; each verdict re-checked is charged as one verify operation
// when the item is billable. With a ResourceID only that instance's finding is written;
// if the instance is gone (or the region could not be read) the shard is done with a
// note saying so, and nothing is written for it. A verify records no assets: it is
// not an inventory of the product.
func (h *Handler) runVerify(ctx context.Context, out Shard, key store.ShardKey, leaseID string, t store.Tenant,
	j event.ShardJob, rules []*checks.Rule, bill *billing, now time.Time) (Shard, error) {
	log := fcrun.Logger(ctx).With("tenant_id", j.TenantID, "task_id", j.TaskID, "shard_id", j.ShardID)
	regions := []string{j.Region}
	if j.Region == "global" {
		regions = slices.Clone(t.Regions)
	}
	c := h.collector(t, j)
	defer c.Close()
	in, err := checks.Collect(ctx, c, t.AccountID, regions, rules, now)
	if in == nil {
		return out, h.release(ctx, key, leaseID, bill.abandon(ctx, fmt.Errorf("verify %s: %w", j.Items[0], err)))
	}
	if err != nil {
		// Partial: the affected instances are NOT_EVALUATED, with the cause.
		log.Warn("verify collected partly", "error", err.Error())
	}
	fs := checks.Evaluate(in, rules)
	out.Status = StatusDone
	if j.ResourceID != "" {
		var found bool
		fs, found = instanceFindings(fs, j.ResourceID, t.AccountID)
		if !found {
			out.Detail = fmt.Sprintf("instance %q not found in %v (released?)", j.ResourceID, regions)
		}
	}
	if _, err := h.whitelist(ctx, t.TenantID, fs, now); err != nil {
		return out, h.release(ctx, key, leaseID, bill.abandon(ctx, err))
	}
	// Each verdict re-checked is one verify operation, charged as run() charges scans.
	if err := h.keep(ctx, t, j, bill, fs, now, &out); err != nil {
		return out, h.release(ctx, key, leaseID, err)
	}
	note := fmt.Sprintf("verify %s: %d findings, %d not passed", j.Items[0], out.Findings, out.NotPassed)
	if out.Detail != "" {
		note += "; " + out.Detail
	}
	if bn := bill.note(); bn != "" {
		note += "; " + bn
	}
	log.Info("shard verified", "item", j.Items[0], "resource_id", j.ResourceID, "findings", out.Findings,
		"not_passed", out.NotPassed, "charged", bill.Settled.Charged, "exhausted", bill.Exhausted)
	if bill.Exhausted {
		note = fmt.Sprintf("stopped: %s after %d billable checks, %d not run; %s", ReasonQuotaExhausted, bill.Charged, bill.Withheld, note)
		return out, h.stop(ctx, &out, key, leaseID, note)
	}
	if err := h.Store.CompleteShard(ctx, key, leaseID, note); err != nil {
		return out, err
	}
	return out, h.finishTask(ctx, j.TenantID, j.TaskID)
}

// instanceFindings keeps the finding of one instance. When the instance has none, the
// findings that say its region or account could not be read stand in for it (found
// is true: that is the verdict); otherwise there is nothing, and found is false.
func instanceFindings(fs []checks.Finding, instance, account string) ([]checks.Finding, bool) {
	for _, f := range fs {
		if f.InstanceID == instance {
			return []checks.Finding{f}, true
		}
	}
	var gaps []checks.Finding
	for _, f := range fs {
		if f.Status == checks.NotEvaluated && (f.InstanceID == f.Region || f.InstanceID == account) {
			gaps = append(gaps, f)
		}
	}
	return gaps, len(gaps) > 0
}
