// Package remediate is the remediate function: it takes fix and rollback jobs from the fix
// queue (or a direct invocation) and applies them.
//
// Each job is decoded and validated strictly, its item looked up in the catalogues, and
// the tenant's plan asked whether it may fix that item (shared/entitlement: fixes need
// CSPM for config items, and the edition's coverage for baseline items); a job the plan
// does not allow is refused with the reason (ErrRefused). An allowed job is then refused
// too: applying fixes with before-images, verification and rollback is not in this build
// (ErrNotAvailable). A refused job fails its invocation, so the queue trigger retries
// and then parks it; nothing is dropped, and nothing is charged: a fix is charged only
// when it succeeds.
package remediate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

var (
	// ErrNotAvailable says fixes cannot be applied by this build.
	ErrNotAvailable = errors.New("fixes are not available in this build")
	// ErrRefused says the tenant's plan does not allow the fix.
	ErrRefused = errors.New("refused by the tenant's plan")
)

// Handler applies fix jobs.
type Handler struct {
	Store *store.Store
	Now   func() time.Time // nil: time.Now
}

// FromEnv builds the handler from the function's environment (store.FromEnv).
func FromEnv() (*Handler, error) {
	st, err := store.FromEnv()
	if err != nil {
		return nil, fmt.Errorf("remediate: %w", err)
	}
	return &Handler{Store: st}, nil
}

// Result is what one invocation did.
type Result struct {
	Applied int `json:"applied"`
}

// Handle is the function's entry point: a CloudEvents batch from the fix queue, or one
// fix job invoked directly.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	jobs, err := decode(raw)
	if err != nil {
		return Result{}, fmt.Errorf("remediate: %w", err)
	}
	for _, j := range jobs {
		what := fmt.Sprintf("remediate: %s %s on %s (tenant %s, task %s)", j.Action, j.ItemID, j.ResourceID, j.TenantID, j.TaskID)
		item, err := entitlementItem(j.ItemID)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", what, err)
		}
		if h.Store == nil {
			return Result{}, fmt.Errorf("%s: no store configured", what)
		}
		t, err := h.Store.GetTenant(ctx, j.TenantID)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", what, err)
		}
		plan, err := tenant.PlanOf(t)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w: %w", what, ErrRefused, err)
		}
		now := time.Now()
		if h.Now != nil {
			now = h.Now()
		}
		if d := entitlement.Decide(plan.At(now), item, entitlement.Fix, j.ResourceID); !d.Allowed {
			return Result{}, fmt.Errorf("%s: %w: %s", what, ErrRefused, d.Reason)
		}
		return Result{}, fmt.Errorf("%s: %w", what, ErrNotAvailable)
	}
	return Result{}, nil
}

// entitlementItem is a config or baseline item as the plan rules see it; an id neither
// catalogue knows is an error.
func entitlementItem(id string) (entitlement.Item, error) {
	if it, ok := checks.Catalog().Item(id); ok {
		return it.Entitlement(), nil
	}
	if it, ok := baseline.Lookup(id); ok {
		return entitlement.Item{ID: id, Kind: entitlement.Baseline, BaselineCategory: entitlement.Category(it.Baseline)}, nil
	}
	return entitlement.Item{}, fmt.Errorf("unknown check item %q (see cspm catalog, cspm baseline)", id)
}

func decode(raw []byte) ([]event.FixJob, error) {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' && !bytes.Contains(trimmed, []byte(`"specversion"`)) {
		j, err := event.DecodeFixJob(raw)
		if err != nil {
			return nil, err
		}
		return []event.FixJob{j}, nil
	}
	ds, err := event.FixJobs(raw)
	if err != nil {
		return nil, err
	}
	jobs := make([]event.FixJob, len(ds))
	for i, d := range ds {
		jobs[i] = d.Job
	}
	return jobs, nil
}
