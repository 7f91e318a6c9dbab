// Package schedule is the schedule-scan function: on a timer, an on-demand request or a
// resource-change event it plans scan tasks and sends their shard jobs to the shard queue.
package schedule

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/queue"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// Handler plans and enqueues scan tasks: it writes each task and its shards to the
// store, then sends the shard jobs to the shard queue.
type Handler struct {
	Store      *store.Store
	Queue      *queue.Client
	ShardQueue string
	Now        func() time.Time
	// Policies are custom policies (named item sets with their schedule), looked up by
	// id before the catalogue's built-in ones.
	Policies []catalog.Policy
}

// Task is one planned task in the result.
type Task struct {
	TenantID string `json:"tenant_id"`
	TaskID   string `json:"task_id"`
	Policy   string `json:"policy"`
	Shards   int    `json:"shards"`
	Sent     int    `json:"sent"` // shard jobs sent now: fewer than Shards when a retry finds some already running or done
	Queue    string `json:"queue"`
}

// Result is what one invocation planned.
type Result struct {
	Kind    event.Kind `json:"kind"`
	Tasks   []Task     `json:"tasks"`
	Skipped []string   `json:"skipped,omitempty"`
}

// Task kinds as the task table records them.
const (
	kindScheduled = "scheduled"
	kindManual    = "manual"
	kindEvent     = "event"
)

// FromEnv builds the handler from the function's environment: SHARD_QUEUE, the queue
// settings (queue.ConfigFromEnv) and the store settings (store.FromEnv).
func FromEnv() (*Handler, error) {
	qcfg, err := queue.ConfigFromEnv()
	if err != nil {
		return nil, fmt.Errorf("schedule-scan: %w", err)
	}
	q, err := queue.New(qcfg)
	if err != nil {
		return nil, fmt.Errorf("schedule-scan: %w", err)
	}
	shardQueue := os.Getenv("SHARD_QUEUE")
	if shardQueue == "" {
		return nil, errors.New("schedule-scan: SHARD_QUEUE is not set")
	}
	st, err := store.FromEnv()
	if err != nil {
		return nil, fmt.Errorf("schedule-scan: %w", err)
	}
	policies, err := policiesFromEnv()
	if err != nil {
		return nil, fmt.Errorf("schedule-scan: %w", err)
	}
	return &Handler{Store: st, Queue: q, ShardQueue: shardQueue, Policies: policies}, nil
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

// timerPayload is the timer trigger's payload string, as s.yaml sets it.
type timerPayload struct {
	Policy string `json:"policy"`
}

// Handle is the function's entry point.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	in, err := event.DecodeScheduleInput(raw)
	if err != nil {
		return Result{}, fmt.Errorf("schedule-scan: %w", err)
	}
	tenants, skipped, err := h.tenants(ctx)
	if err != nil {
		return Result{}, err
	}
	res := Result{Kind: in.Kind}
	log := fcrun.Logger(ctx)
	ids := slices.Sorted(maps.Keys(skipped))
	for _, id := range ids {
		res.Skipped = append(res.Skipped, id+": "+skipped[id])
	}
	switch in.Kind {
	case event.KindTimer:
		if err := h.timerTasks(ctx, in.Timer, tenants, &res); err != nil {
			return res, err
		}
	case event.KindVerify:
		task, err := h.enqueueVerify(ctx, tenants, skipped, in.Verify)
		if err != nil {
			return res, err
		}
		res.Tasks = append(res.Tasks, task)
	case event.KindScanRequest:
		t, ok := find(tenants, in.Request.TenantID)
		if !ok {
			if why, ok := skipped[in.Request.TenantID]; ok {
				return Result{}, fmt.Errorf("schedule-scan: tenant %q %s: nothing runs until it does", in.Request.TenantID, why)
			}
			return Result{}, fmt.Errorf("schedule-scan: scan request for unknown tenant %q", in.Request.TenantID)
		}
		id := in.Request.Policy
		if id == "" {
			id = t.Policy
		}
		policy, err := h.policy(id)
		if err != nil {
			return Result{}, fmt.Errorf("schedule-scan: scan request for %s: %w", t.ID, err)
		}
		task, err := h.enqueue(ctx, t, policy, "scan-"+h.now().Format("20060102T150405Z")+"-"+randomSuffix()+"-"+t.ID, kindManual)
		if err != nil {
			return res, err
		}
		res.Tasks = append(res.Tasks, task)
	case event.KindActionTrail:
		for _, c := range in.Changes {
			task, skip, err := h.enqueueChange(ctx, tenants, c)
			if err != nil {
				return res, err
			}
			if skip != "" {
				log.Info("change event skipped", "event_id", c.EventID, "reason", skip)
				res.Skipped = append(res.Skipped, c.EventID+": "+skip)
				continue
			}
			res.Tasks = append(res.Tasks, task)
		}
	default:
		return Result{}, fmt.Errorf("schedule-scan: unsupported input kind %q", in.Kind)
	}
	for _, t := range res.Tasks {
		log.Info("task planned", "tenant_id", t.TenantID, "task_id", t.TaskID, "shards", t.Shards, "queue", t.Queue)
	}
	return res, nil
}

// tenants lists the tenants that may be scanned, and the ids of those that have not
// authorized (nothing runs for them).
func (h *Handler) tenants(ctx context.Context) ([]tenant.Tenant, map[string]string, error) {
	rows, err := h.Store.ListTenants(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("schedule-scan: list tenants: %w", err)
	}
	var ok []tenant.Tenant
	skipped := map[string]string{}
	for _, r := range rows {
		if r.AuthorizedAt.IsZero() {
			skipped[r.TenantID] = "has not authorized"
			continue
		}
		plan, err := tenant.PlanOf(r)
		if err != nil {
			// One tenant's broken row must not stop the others' scans.
			fcrun.Logger(ctx).Error("tenant not scheduled", "tenant_id", r.TenantID, "reason", err.Error())
			skipped[r.TenantID] = "has a plan that does not read: " + err.Error() + ": authorize it again"
			continue
		}
		t := tenant.Tenant{ID: r.TenantID, AccountID: r.AccountID, Site: tenant.Site(r.Site),
			Regions: r.Regions, Products: r.Products, Policy: r.Policy, Plan: plan.At(h.now())}
		if err := t.Validate(); err != nil {
			return nil, nil, fmt.Errorf("schedule-scan: stored %w", err)
		}
		ok = append(ok, t)
	}
	return ok, skipped, nil
}

// enqueue plans a task, records it and its shards, and sends the shard jobs. Recording
// comes first and never overwrites, so a retried invocation finds the task already
// there and re-sends only the shards still queued; a duplicate job is harmless because
// run-check-shard claims each shard before running it.
func (h *Handler) enqueue(ctx context.Context, t tenant.Tenant, policy catalog.Policy, taskID, kind string) (Task, error) {
	jobs, err := PlanPolicy(t, policy, taskID, h.now().Format(time.RFC3339))
	if err == nil {
		jobs, err = h.baselineShards(ctx, t, jobs, taskID, h.now().Format(time.RFC3339))
	}
	if err != nil {
		return Task{}, fmt.Errorf("schedule-scan: %w", err)
	}
	pending, err := h.record(ctx, t.ID, taskID, kind, jobs)
	if err != nil {
		return Task{}, err
	}
	if err := h.send(ctx, pending); err != nil {
		return Task{}, fmt.Errorf("schedule-scan: task %s: %w", taskID, err)
	}
	return Task{TenantID: t.ID, TaskID: taskID, Policy: policy.ID, Shards: len(jobs), Sent: len(pending), Queue: h.ShardQueue}, nil
}

// record writes the task and its shards, and returns the jobs to send: all of them for a
// new task, and only the shards still queued for a task that already existed.
func (h *Handler) record(ctx context.Context, tenantID, taskID, kind string, jobs []event.ShardJob) ([]event.ShardJob, error) {
	created, err := h.Store.PutTask(ctx, store.Task{TenantID: tenantID, TaskID: taskID, Kind: kind, Shards: len(jobs)})
	if err != nil {
		return nil, fmt.Errorf("schedule-scan: task %s: %w", taskID, err)
	}
	shards := make([]store.Shard, len(jobs))
	for i, j := range jobs {
		shards[i] = store.Shard{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: j.ShardID, Region: j.Region, Product: j.Product, Items: j.Items}
	}
	if _, err := h.Store.PutShards(ctx, shards); err != nil {
		return nil, fmt.Errorf("schedule-scan: task %s: %w", taskID, err)
	}
	if created {
		return jobs, nil
	}
	existing, err := h.Store.ListShards(ctx, tenantID, taskID)
	if err != nil {
		return nil, fmt.Errorf("schedule-scan: task %s: %w", taskID, err)
	}
	queued := map[string]bool{}
	for _, sh := range existing {
		queued[sh.ShardID] = sh.State == store.ShardQueued
	}
	var pending []event.ShardJob
	for _, j := range jobs {
		if queued[j.ShardID] {
			pending = append(pending, j)
		}
	}
	return pending, nil
}

func (h *Handler) send(ctx context.Context, jobs []event.ShardJob) error {
	if len(jobs) == 0 {
		return nil
	}
	bodies := make([][]byte, len(jobs))
	for i, j := range jobs {
		b, err := j.Marshal()
		if err != nil {
			return err
		}
		bodies[i] = b
	}
	_, err := h.Queue.SendBatch(ctx, h.ShardQueue, bodies)
	return err
}

// enqueueChange turns one ActionTrail write event into a one-resource incremental shard.
func (h *Handler) enqueueChange(ctx context.Context, tenants []tenant.Tenant, c event.ActionTrail) (Task, string, error) {
	t, ok := tenant.ByAccount(tenants, c.AccountID())
	if !ok {
		return Task{}, "account " + c.AccountID() + " is not an onboarded tenant", nil
	}
	product := strings.ToLower(c.ServiceName)
	items, err := h.items(t.Policy, product, t.Plan)
	if err != nil {
		return Task{}, "", fmt.Errorf("schedule-scan: change %s: %w", c.EventID, err)
	}
	if len(items) == 0 {
		return Task{}, "policy " + t.Policy + " has no items for product " + product, nil
	}
	resource := primaryResource(c)
	if resource == "" {
		return Task{}, "event names no resource", nil
	}
	// The task id derives from the event id, so a redelivered event plans the same task.
	sum := sha256.Sum256([]byte(c.EventID))
	taskID := "change-" + compactTime(c.EventTime) + "-" + hex.EncodeToString(sum[:4]) + "-" + t.ID
	job := event.ShardJob{
		Version: 1, TenantID: t.ID, TaskID: taskID, ShardID: "0000", Site: string(t.Site),
		Region: c.AcsRegion, Product: product, Items: items, Kind: "incremental",
		ResourceID: resource, Total: 1, CreatedAt: h.now().Format(time.RFC3339),
	}
	pending, err := h.record(ctx, t.ID, taskID, kindEvent, []event.ShardJob{job})
	if err != nil {
		return Task{}, "", err
	}
	if err := h.send(ctx, pending); err != nil {
		return Task{}, "", fmt.Errorf("schedule-scan: change %s: %w", c.EventID, err)
	}
	return Task{TenantID: t.ID, TaskID: taskID, Policy: t.Policy, Shards: 1, Sent: len(pending), Queue: h.ShardQueue}, "", nil
}

func decodeTimerPayload(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	var p timerPayload
	if err := dec.Decode(&p); err != nil {
		return "", fmt.Errorf("payload %q: want {\"policy\":\"...\"}: %w", s, err)
	}
	return p.Policy, nil
}

// primaryResource picks the resource a change event is about: the first id under the
// first resource type in name order, so the same event always names the same resource.
func primaryResource(a event.ActionTrail) string {
	types := make([]string, 0, len(a.ReferencedResources))
	for typ := range a.ReferencedResources {
		types = append(types, typ)
	}
	slices.Sort(types)
	for _, typ := range types {
		if ids := a.ReferencedResources[typ]; len(ids) > 0 {
			return ids[0]
		}
	}
	return ""
}

func find(ts []tenant.Tenant, id string) (tenant.Tenant, bool) {
	for _, t := range ts {
		if t.ID == id {
			return t, true
		}
	}
	return tenant.Tenant{}, false
}

// compactTime keeps only the digits of a timestamp string, which is enough for an id and
// does not depend on the sender's time format.
func compactTime(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "0"
	}
	return b.String()
}

func randomSuffix() string {
	return strings.ToLower(rand.Text()[:6])
}
