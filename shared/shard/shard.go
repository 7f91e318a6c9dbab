// Package shard is the run-check-shard function: it receives shard jobs from the shard
// queue as a batch of CloudEvents and runs each one.
//
// Each shard is claimed in the store before it runs (a conditional write with a lease),
// so a redelivered job cannot run a shard twice at once, and a shard already done is
// acknowledged without running again. A claimed shard assumes the tenant's role,
// collects its product in its region once, records the resources as assets, and is
// marked done; a product the role may not read is done as not evaluated, with the
// reason. Evaluating the check items and charging quota arrive with the catalogue and
// quota packages.
package shard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// DefaultLease outlasts the function's 600 s timeout, so a lease only expires when the
// instance that held it is gone.
const DefaultLease = 11 * time.Minute

// Handler runs shard jobs.
type Handler struct {
	Store *store.Store
	// Cloud holds the platform's own credentials and the endpoint every cloud client
	// uses (empty: production); tenant roles are assumed with them.
	Cloud collect.Config
	Lease time.Duration // 0: DefaultLease
}

// Statuses of a shard in the result.
const (
	StatusDone         = "done"          // claimed and run by this invocation
	StatusNotEvaluated = "not_evaluated" // run, but the product could not be read (Detail says why)
	StatusRefused      = "refused"       // the tenant has not authorized or has revoked: nothing ran
	StatusDuplicate    = "duplicate"     // already done, or running under another live lease
)

// Shard is one shard's outcome in the result.
type Shard struct {
	MessageID string `json:"message_id"`
	TenantID  string `json:"tenant_id"`
	TaskID    string `json:"task_id"`
	ShardID   string `json:"shard_id"`
	Region    string `json:"region"`
	Product   string `json:"product"`
	Items     int    `json:"items"`
	Attempt   int    `json:"attempt,omitempty"`
	Assets    int    `json:"assets"`
	Status    string `json:"status"`
	Detail    string `json:"detail,omitempty"`
}

// Result is what one batch did.
type Result struct {
	Shards []Shard `json:"shards"`
}

// FromEnv builds the handler from the function's environment (store.FromEnv,
// collect.ConfigFromEnv).
func FromEnv() (*Handler, error) {
	st, err := store.FromEnv()
	if err != nil {
		return nil, fmt.Errorf("run-check-shard: %w", err)
	}
	h := &Handler{Store: st, Cloud: collect.ConfigFromEnv()}
	if v := os.Getenv("SHARD_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("run-check-shard: SHARD_LEASE=%q: want a positive duration such as 11m", v)
		}
		h.Lease = d
	}
	return h, nil
}

// Handle is the function's entry point. The whole batch is validated before any shard
// runs: a batch with one bad message fails as a whole, so the trigger retries it and then
// parks it, and nothing is half-done. A retried batch re-runs nothing that finished:
// each shard's claim says whether it is still to do.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	deliveries, err := event.ShardJobs(raw)
	if err != nil {
		return Result{}, fmt.Errorf("run-check-shard: %w", err)
	}
	res := Result{Shards: make([]Shard, 0, len(deliveries))}
	for _, d := range deliveries {
		out, err := h.run(ctx, d)
		if err != nil {
			return res, fmt.Errorf("run-check-shard: message %s: %w", d.MessageID, err)
		}
		res.Shards = append(res.Shards, out)
	}
	return res, nil
}

func (h *Handler) run(ctx context.Context, d event.ShardDelivery) (Shard, error) {
	j := d.Job
	out := Shard{MessageID: d.MessageID, TenantID: j.TenantID, TaskID: j.TaskID, ShardID: j.ShardID,
		Region: j.Region, Product: j.Product, Items: len(j.Items)}
	log := fcrun.Logger(ctx).With("tenant_id", j.TenantID, "task_id", j.TaskID, "shard_id", j.ShardID)
	key := store.ShardKey{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: j.ShardID}
	lease := h.Lease
	if lease == 0 {
		lease = DefaultLease
	}
	sh, err := h.Store.ClaimShard(ctx, key, lease)
	switch {
	case errors.Is(err, store.ErrConflict):
		log.Info("shard skipped", "reason", err.Error())
		out.Status, out.Detail = StatusDuplicate, err.Error()
		return out, nil
	case errors.Is(err, store.ErrNotFound):
		return out, fmt.Errorf("shard %s was never planned: %w", key, err)
	case err != nil:
		return out, err
	}
	out.Attempt = sh.Attempt
	if err := h.Store.UpdateTaskStatus(ctx, j.TenantID, j.TaskID, store.TaskRunning, ""); err != nil {
		return out, h.release(ctx, key, sh.LeaseID, err)
	}
	log.Info("shard claimed", "region", j.Region, "product", j.Product, "items", len(j.Items), "attempt", sh.Attempt)
	t, err := h.Store.GetTenant(ctx, j.TenantID)
	if err != nil {
		return out, h.release(ctx, key, sh.LeaseID, err)
	}
	if t.AuthorizedAt.IsZero() || !t.RevokedAt.IsZero() {
		// Nothing runs for a tenant that has not authorized (or has revoked).
		out.Status, out.Detail = StatusRefused, "tenant has not authorized or has revoked its authorization"
		if err := h.Store.FailShard(ctx, key, sh.LeaseID, out.Detail); err != nil {
			return out, err
		}
		return out, h.finishTask(ctx, j.TenantID, j.TaskID)
	}
	inv, err := h.collect(ctx, t, j)
	if err != nil {
		return out, h.release(ctx, key, sh.LeaseID, err)
	}
	out.Status = StatusDone
	switch ne := inv.NotEvaluatedFor(j.Product); {
	case !slices.Contains(collect.Products(), j.Product):
		out.Status, out.Detail = StatusNotEvaluated, "no collector for product "+j.Product+" yet"
	case ne != nil:
		out.Status, out.Detail = StatusNotEvaluated, ne.Error()
	}
	if out.Status == StatusNotEvaluated {
		log.Warn("product not evaluated", "product", j.Product, "region", j.Region, "reason", out.Detail)
	}
	if out.Assets, err = h.putAssets(ctx, t, j, inv); err != nil {
		return out, h.release(ctx, key, sh.LeaseID, err)
	}
	note := fmt.Sprintf("%d assets", out.Assets)
	if out.Status == StatusNotEvaluated {
		note = "not evaluated: " + out.Detail
	}
	if err := h.Store.CompleteShard(ctx, key, sh.LeaseID, note); err != nil {
		return out, err
	}
	if err := h.finishTask(ctx, j.TenantID, j.TaskID); err != nil {
		return out, err
	}
	return out, nil
}

// collect reads the shard's product in its region, once, as the tenant's role. A
// product no collector knows yet yields an empty inventory: reported not evaluated
// rather than failed.
func (h *Handler) collect(ctx context.Context, t store.Tenant, j event.ShardJob) (*collect.Inventory, error) {
	region := j.Region
	if region == "global" {
		region = ""
	}
	if !slices.Contains(collect.Products(), j.Product) {
		return &collect.Inventory{AccountID: t.AccountID, Region: region}, nil
	}
	cfg := h.Cloud
	role := collect.RoleCredentials(h.Cloud, t.RoleARN, t.ExternalID, "cspm-scan-"+j.TaskID)
	cfg.CredentialsFor = func(string) collect.CredentialsProvider { return role }
	c := collect.New(cfg)
	defer c.Close()
	return c.Collect(ctx, t.AccountID, region, j.Product)
}

// putAssets records what the shard collected.
func (h *Handler) putAssets(ctx context.Context, t store.Tenant, j event.ShardJob, inv *collect.Inventory) (int, error) {
	found := inv.Assets()
	if len(found) == 0 {
		return 0, nil
	}
	rows := make([]store.Asset, len(found))
	for i, a := range found {
		rows[i] = store.Asset{TenantID: t.TenantID, Product: a.Product, AssetID: a.Type + "/" + a.ID, Site: t.Site,
			Region: a.Region, Type: a.Type, Name: a.Name, Attributes: string(a.Raw), TaskID: j.TaskID}
	}
	if _, err := h.Store.PutAssets(ctx, rows); err != nil {
		return 0, err
	}
	return len(rows), nil
}

// release hands a claimed shard back when this invocation cannot run it, so the retry
// does not wait for the lease to expire.
func (h *Handler) release(ctx context.Context, key store.ShardKey, leaseID string, cause error) error {
	if err := h.Store.ReleaseShard(ctx, key, leaseID); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// finishTask marks the task done when none of its shards is left to run.
func (h *Handler) finishTask(ctx context.Context, tenantID, taskID string) error {
	shards, err := h.Store.ListShards(ctx, tenantID, taskID)
	if err != nil {
		return err
	}
	failed := 0
	for _, sh := range shards {
		switch sh.State {
		case store.ShardQueued, store.ShardRunning:
			return nil
		case store.ShardFailed:
			failed++
		}
	}
	status, detail := store.TaskDone, ""
	if failed > 0 {
		status, detail = store.TaskFailed, fmt.Sprintf("%d of %d shards failed", failed, len(shards))
	}
	return h.Store.UpdateTaskStatus(ctx, tenantID, taskID, status, detail)
}
