// Package shard is the run-check-shard function: it receives shard jobs from the shard
// queue as a batch of CloudEvents and runs each one.
//
// Each shard is claimed in the store before it runs (a conditional write with a lease),
// so a redelivered job cannot run a shard twice at once, and a shard already done is
// acknowledged without running again. A claimed shard assumes the tenant's role,
// collects what its check items need in its region once, evaluates the items
// (shared/checks), writes the findings with their lifecycle state (new, open, fixed,
// reopened) against the previous scan, records the resources as assets, and is marked
// done; a product the role may not read is done as not evaluated, with the reason, and
// its findings are NOT_EVALUATED. Baseline shards run the host probe through Cloud
// Assistant instead (baseline.go); verify shards re-check one item (verify.go).
//
// The tenant's plan (shared/entitlement) decides which items run and which verdicts
// are billable; a billable verdict takes one quota unit before it is kept (billing.go,
// shared/quota: reserved in blocks, settled in batches after the findings are
// written). When a subscription's quota runs out the shard stops early, keeps what it
// did, and stops its task: the task's other shards do not run, and the task ends
// "stopped" with its counts.
package shard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
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
	// Now is the scan's clock (findings' last_seen, age-based checks); nil: time.Now.
	Now func() time.Time
	// Ledger charges the billable operations; nil: a ledger over Store with Now.
	Ledger *quota.Ledger
	// Baseline configures baseline shards (baseline.go); zero: production defaults.
	Baseline BaselineOptions

	ledgerOnce sync.Once
	chargeOff  bool // the benchmark's baseline: nothing is charged
}

func (h *Handler) ledger() *quota.Ledger {
	h.ledgerOnce.Do(func() {
		if h.Ledger == nil {
			h.Ledger = quota.New(h.Store, &quota.Options{Now: h.now})
		}
	})
	return h.Ledger
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

// Statuses of a shard in the result.
const (
	StatusDone         = "done"          // claimed and run by this invocation
	StatusNotEvaluated = "not_evaluated" // run, but the product could not be read (Detail says why)
	StatusRefused      = "refused"       // the tenant has not authorized or has revoked: nothing ran
	StatusDuplicate    = "duplicate"     // already done, or running under another live lease
	StatusStopped      = "stopped"       // the subscription's quota ran out: stopped early or not run
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
	Findings  int    `json:"findings"`
	NotPassed int    `json:"not_passed"`
	Charged   int    `json:"charged"` // quota units charged
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
	// An item id the catalogue does not know is bad input, like a malformed message.
	rules := make([][]*checks.Rule, len(deliveries))
	for i, d := range deliveries {
		if d.Job.Kind == event.ShardBaseline {
			err = baselineItems(d.Job.Items)
		} else {
			rules[i], err = checks.Select(d.Job.Items...)
		}
		if err != nil {
			return Result{}, fmt.Errorf("run-check-shard: message %s (shard %s): %w", d.MessageID, d.Job.ShardID, err)
		}
	}
	res := Result{Shards: make([]Shard, 0, len(deliveries))}
	for i, d := range deliveries {
		out, err := h.run(ctx, d, rules[i])
		if err != nil {
			return res, fmt.Errorf("run-check-shard: message %s: %w", d.MessageID, err)
		}
		res.Shards = append(res.Shards, out)
	}
	return res, nil
}

func (h *Handler) run(ctx context.Context, d event.ShardDelivery, rules []*checks.Rule) (Shard, error) {
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
	if err := h.Store.StartTask(ctx, j.TenantID, j.TaskID); err != nil {
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
	now := h.now()
	plan, err := tenant.PlanOf(t)
	if err != nil {
		out.Status, out.Detail = StatusRefused, err.Error()
		if err := h.Store.FailShard(ctx, key, sh.LeaseID, out.Detail); err != nil {
			return out, err
		}
		return out, h.finishTask(ctx, j.TenantID, j.TaskID)
	}
	task, err := h.Store.GetTask(ctx, j.TenantID, j.TaskID)
	if err != nil {
		return out, h.release(ctx, key, sh.LeaseID, err)
	}
	if task.Status == store.TaskStopped {
		return out, h.stop(ctx, &out, key, sh.LeaseID, "not run: the task stopped, "+ReasonQuotaExhausted)
	}
	if j.Kind == event.ShardBaseline {
		return h.runBaseline(ctx, j, out, key, sh.LeaseID, t, plan, now)
	}
	rules, bill := admit(t, plan, j, rules, now)
	if h.chargeOff {
		clear(bill.billable)
	}
	if err := bill.precheck(ctx, h.ledger()); err != nil {
		if bill.Exhausted {
			log.Warn("shard not run", "reason", ReasonQuotaExhausted)
			return out, h.stop(ctx, &out, key, sh.LeaseID, "not run: "+ReasonQuotaExhausted)
		}
		return out, h.release(ctx, key, sh.LeaseID, err)
	}
	if j.Kind == event.ShardVerify {
		return h.runVerify(ctx, out, key, sh.LeaseID, t, j, rules, bill, now)
	}
	in, err := h.collect(ctx, t, j, rules, now)
	if err != nil {
		return out, h.release(ctx, key, sh.LeaseID, bill.abandon(ctx, err))
	}
	inv := in.Regions[0]
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
	fs := checks.Evaluate(in, rules)
	if _, err := h.whitelist(ctx, t.TenantID, fs, now); err != nil {
		return out, h.release(ctx, key, sh.LeaseID, bill.abandon(ctx, err))
	}
	if out.Assets, err = h.putAssets(ctx, t, j, inv); err != nil {
		return out, h.release(ctx, key, sh.LeaseID, bill.abandon(ctx, err))
	}
	// Evaluation is pure and in memory, so an operation the quota cannot cover is
	// dropped before anything is written. A whitelisted result is not charged: the
	// tenant asked not to be told.
	if err := h.keep(ctx, t, j, bill, fs, now, &out); err != nil {
		return out, h.release(ctx, key, sh.LeaseID, err)
	}
	note := fmt.Sprintf("%d findings, %d not passed, %d assets", out.Findings, out.NotPassed, out.Assets)
	if out.Status == StatusNotEvaluated {
		note += "; not evaluated: " + out.Detail
	}
	if bn := bill.note(); bn != "" {
		note += "; " + bn
	}
	log.Info("shard evaluated", "findings", out.Findings, "not_passed", out.NotPassed, "assets", out.Assets,
		"charged", bill.Settled.Charged, "duplicates", bill.Settled.Duplicates, "exhausted", bill.Exhausted)
	if bill.Exhausted {
		note = fmt.Sprintf("stopped: %s after %d billable checks, %d not run; %s", ReasonQuotaExhausted, bill.Charged, bill.Withheld, note)
		return out, h.stop(ctx, &out, key, sh.LeaseID, note)
	}
	if err := h.Store.CompleteShard(ctx, key, sh.LeaseID, note); err != nil {
		return out, err
	}
	if err := h.finishTask(ctx, j.TenantID, j.TaskID); err != nil {
		return out, err
	}
	return out, nil
}

// collect reads, as the tenant's role, the shard's product and every product its rules
// need (rule.Needs). A regional shard reads them in its region in one Collect call;
// account-level products among them (Security Center for the ECS agent check) come
// from the collector's account-wide read. An account-level shard (region "global")
// reads its products once, with no region, as one Collect call too, unless its rules
// also read regional products (the ActionTrail bucket check reads OSS): then it reads
// them in each of the tenant's regions, as a whole scan does (checks.Collect), so the
// bucket is found wherever it is; the account-level products are still read once. A
// product no collector knows yet is left out: its rules report NOT_EVALUATED.
//
// The first inventory of the Input is the shard's own (for an account-level shard,
// the one its assets are read from).
func (h *Handler) collect(ctx context.Context, t store.Tenant, j event.ShardJob, rules []*checks.Rule, now time.Time) (*checks.Input, error) {
	region := j.Region
	if region == "global" {
		region = ""
	}
	known := collect.Products()
	var products []string
	regional := false
	for _, p := range append([]string{j.Product}, checks.Products(rules)...) {
		if slices.Contains(known, p) && !slices.Contains(products, p) {
			products = append(products, p)
			regional = regional || !tenant.Global(p)
		}
	}
	if len(products) == 0 {
		return checks.NewInput(t.AccountID, now, &collect.Inventory{AccountID: t.AccountID, Region: region}), nil
	}
	c := h.collector(t, j)
	defer c.Close()
	if region == "" && regional {
		in, err := checks.Collect(ctx, c, t.AccountID, slices.Clone(t.Regions), rules, now)
		if err != nil {
			return nil, err
		}
		if len(in.Regions) == 0 {
			in.Regions = []*collect.Inventory{{AccountID: t.AccountID}}
		}
		return in, nil
	}
	inv, err := c.Collect(ctx, t.AccountID, region, products...)
	if err != nil {
		return nil, err
	}
	return checks.NewInput(t.AccountID, now, inv), nil
}

// collector reads the tenant's account as the tenant's role, in a session named after
// the task (the name ActionTrail shows the tenant for every call the scan made).
func (h *Handler) collector(t store.Tenant, j event.ShardJob) *collect.Collector {
	cfg := h.Cloud
	role := collect.RoleCredentials(h.Cloud, t.RoleARN, t.ExternalID, collect.SessionName("cspm-scan-"+j.TaskID))
	cfg.CredentialsFor = func(string) collect.CredentialsProvider { return role }
	return collect.New(cfg)
}

// keep charges the shard's results (bill.charge: a billable verdict the quota cannot
// cover is dropped, neither charged nor reported), writes the findings that are left,
// then the usage records. A process killed between the two leaves its units held
// until the hold expires, and the rerun charges each operation once. When the findings
// could not be written nothing is charged.
func (h *Handler) keep(ctx context.Context, t store.Tenant, j event.ShardJob, bill *billing, fs []checks.Finding, now time.Time, out *Shard) error {
	fs, err := bill.charge(ctx, t, j, fs)
	if err != nil {
		return bill.abandon(ctx, err)
	}
	if out.Findings, out.NotPassed, err = h.putFindings(ctx, t, j, fs, now); err != nil {
		return bill.abandon(ctx, err)
	}
	if err := bill.settle(ctx); err != nil {
		return err
	}
	out.Charged = bill.Settled.Charged
	return nil
}

// putFindings writes the shard's findings with their lifecycle state, computed against
// the stored rows of the same items (one GetRange per item), and returns how many it
// wrote and how many are NOT_PASS. first_seen is kept from the stored row (a new row
// gets last_seen).
func (h *Handler) putFindings(ctx context.Context, t store.Tenant, j event.ShardJob, fs []checks.Finding, now time.Time) (int, int, error) {
	prev := map[[2]string]*store.Finding{}
	read := map[string]bool{}
	written := map[[2]string]bool{}
	rows := make([]store.Finding, 0, len(fs))
	notPassed := 0
	for i := range fs {
		f := &fs[i]
		if !read[f.ItemID] {
			read[f.ItemID] = true
			old, err := h.Store.ListItemFindings(ctx, t.TenantID, f.ItemID)
			if err != nil {
				return 0, 0, err
			}
			for k := range old {
				prev[[2]string{old[k].ItemID, old[k].InstanceID}] = &old[k]
			}
		}
		k := [2]string{f.ItemID, f.InstanceID}
		if written[k] {
			continue // the same instance twice in one shard: keep the first
		}
		written[k] = true
		row := Row(t, j.TaskID, f, now)
		if p := prev[k]; p != nil && p.TaskID == j.TaskID && p.Status == row.Status {
			// Written by this task already (a retried shard, or an account-level
			// instance another shard of the task evaluated): its state is already
			// relative to the previous scan.
			row.State = p.State
		} else {
			row.State = State(p, f.Status)
		}
		row.StateTaskID = stateTask(prev[k], row.State, j.TaskID)
		rows = append(rows, row)
		if f.Status == checks.NotPass {
			notPassed++
		}
	}
	if _, err := h.Store.PutFindings(ctx, rows); err != nil {
		return 0, 0, err
	}
	return len(rows), notPassed, nil
}

// Row is the store row of a finding of tenant t seen by task taskID at now (State is
// left to the caller; FirstSeen is zero: kept from the stored row).
func Row(t store.Tenant, taskID string, f *checks.Finding, now time.Time) store.Finding {
	ev := string(f.Evidence)
	if ev == "null" {
		ev = ""
	}
	return store.Finding{
		TenantID: t.TenantID, ItemID: f.ItemID, InstanceID: f.InstanceID, Site: t.Site, Region: f.Region,
		Product: f.Product, Status: string(f.Status), Severity: string(f.Severity), Category: string(f.Category),
		Title: f.Title, Evidence: ev, Reason: f.Reason, Message: f.Message, Frameworks: f.Frameworks,
		LastSeen: now, TaskID: taskID, OriginalStatus: string(f.OriginalStatus), Remark: f.Remark,
	}
}

// Lifecycle states of a stored finding.
const (
	StateNew      = "new"      // failing, and never seen failing before
	StateOpen     = "open"     // failing, and failing in the previous scan
	StateFixed    = "fixed"    // passing after failing
	StateReopened = "reopened" // failing again after it was fixed (or passed)
)

// State is a finding's lifecycle state given the stored row of the previous scan (nil:
// none) and the new status. A status that is no verdict (NOT_EVALUATED, MANUAL,
// WHITELISTED) keeps the previous state: the scan says nothing new about it, and the
// next verdict is compared with the last one known.
func State(prev *store.Finding, status checks.Status) string {
	var was string // the previous verdict: NOT_PASS, PASS or ""
	if prev != nil {
		switch {
		case prev.Status == string(checks.NotPass), prev.Status == string(checks.Pass):
			was = prev.Status
		case prev.State == StateNew, prev.State == StateOpen, prev.State == StateReopened:
			was = string(checks.NotPass)
		case prev.State == StateFixed:
			was = string(checks.Pass)
		}
	}
	switch status {
	case checks.NotPass:
		switch was {
		case string(checks.NotPass):
			return StateOpen
		case string(checks.Pass):
			return StateReopened
		}
		return StateNew
	case checks.Pass:
		if was == string(checks.NotPass) || (prev != nil && prev.State == StateFixed) {
			return StateFixed
		}
		return ""
	}
	if prev == nil {
		return ""
	}
	return prev.State
}

// putAssets records the resources of the shard's product that it collected.
func (h *Handler) putAssets(ctx context.Context, t store.Tenant, j event.ShardJob, inv *collect.Inventory) (int, error) {
	if j.Region == "global" && inv.Region != "" {
		// Read across regions for the checks: the account-level product is filed in
		// each; record it once, with no region, as a read without one would.
		cp := *inv
		cp.Region = ""
		inv = &cp
	}
	var rows []store.Asset
	for _, a := range inv.Assets() {
		if a.Product != j.Product {
			continue // read for a check of this shard; its own shard records it
		}
		rows = append(rows, store.Asset{TenantID: t.TenantID, Product: a.Product, AssetID: a.Type + "/" + a.ID, Site: t.Site,
			Region: a.Region, Type: a.Type, Name: a.Name, Attributes: string(a.Raw), TaskID: j.TaskID})
	}
	if len(rows) == 0 {
		return 0, nil
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

// stop ends a shard the quota stopped (note says how far it got), stops its task so
// that its other shards do not start, and finishes the task if nothing is left.
func (h *Handler) stop(ctx context.Context, out *Shard, key store.ShardKey, leaseID, note string) error {
	out.Status, out.Detail = StatusStopped, note
	if err := h.Store.StopShard(ctx, key, leaseID, note); err != nil {
		return err
	}
	if err := h.Store.UpdateTaskStatus(ctx, key.TenantID, key.TaskID, store.TaskStopped, ReasonQuotaExhausted); err != nil {
		return err
	}
	return h.finishTask(ctx, key.TenantID, key.TaskID)
}

// finishTask marks the task done when none of its shards is left to run: done,
// failed when some shard failed, or stopped when the quota stopped some, with the
// counts (TaskDetail).
func (h *Handler) finishTask(ctx context.Context, tenantID, taskID string) error {
	shards, err := h.Store.ListShards(ctx, tenantID, taskID)
	if err != nil {
		return err
	}
	for _, sh := range shards {
		if sh.State == store.ShardQueued || sh.State == store.ShardRunning {
			return nil
		}
	}
	status, detail := TaskDetail(shards)
	return h.Store.UpdateTaskStatus(ctx, tenantID, taskID, status, detail)
}

// TaskDetail is the final status of a task whose shards have all ended, and its
// detail: "quota exhausted: 5/12 shards done, 7 stopped" for a task the quota
// stopped, "2 of 12 shards failed" for one with failures.
func TaskDetail(shards []store.Shard) (store.TaskStatus, string) {
	var done, failed, stopped int
	for _, sh := range shards {
		switch sh.State {
		case store.ShardDone:
			done++
		case store.ShardFailed:
			failed++
		case store.ShardStopped:
			stopped++
		}
	}
	switch {
	case stopped > 0:
		d := fmt.Sprintf("%s: %d/%d shards done, %d stopped", ReasonQuotaExhausted, done, len(shards), stopped)
		if failed > 0 {
			d += fmt.Sprintf(", %d failed", failed)
		}
		return store.TaskStopped, d
	case failed > 0:
		return store.TaskFailed, fmt.Sprintf("%d of %d shards failed", failed, len(shards))
	}
	return store.TaskDone, ""
}
