package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/shared/schedule"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// SampleTenants returns the demo's onboarding requests (tenants.json): the sample
// account of local/cloudsim/testdata, whose audit role trusts the platform account.
func SampleTenants() ([]tenant.AuthorizeRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(sampleTenants))
	dec.DisallowUnknownFields()
	var f struct {
		Tenants []tenant.AuthorizeRequest `json:"tenants"`
	}
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("demo: tenants.json: %w", err)
	}
	for i, r := range f.Tenants {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("demo: tenants.json: tenants[%d]: %w", i, err)
		}
	}
	return f.Tenants, nil
}

// CreateTables creates the deployment's tables.
func CreateTables(ctx context.Context, st *store.Store) error {
	tables, err := infra.Tables()
	if err != nil {
		return err
	}
	if err := st.CreateTables(ctx, tables); err != nil {
		return fmt.Errorf("demo: create tables: %w", err)
	}
	return nil
}

// SeedStore creates the tables and records the sample tenants as authorized at the
// given time, without asking the cloud: for tests of what comes after onboarding.
func SeedStore(ctx context.Context, st *store.Store, authorizedAt time.Time) error {
	if err := CreateTables(ctx, st); err != nil {
		return err
	}
	reqs, err := SampleTenants()
	if err != nil {
		return err
	}
	for _, r := range reqs {
		row, err := r.Row(store.Tenant{}, authorizedAt, nil)
		if err != nil {
			return fmt.Errorf("demo: seed tenant %s: %w", r.TenantID, err)
		}
		if err := st.PutTenant(ctx, row); err != nil {
			return fmt.Errorf("demo: seed tenant %s: %w", r.TenantID, err)
		}
	}
	return nil
}

// PlannedShards is how many shards a scan of the sample tenants plans, with their own
// policies: what tests of the chain expect to see arrive.
func PlannedShards() (int, error) {
	per, err := PlannedTasks()
	n := 0
	for _, k := range per {
		n += k
	}
	return n, err
}

// PlannedTasks is how many shards a scan of each sample tenant plans, by tenant id.
func PlannedTasks() (map[string]int, error) {
	reqs, err := SampleTenants()
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range reqs {
		plan := r.Plan
		plan.Authorized = true
		t := tenant.Tenant{ID: r.TenantID, AccountID: r.AccountID, Site: r.Site, Regions: r.Regions, Products: r.Products, Policy: r.Policy, Plan: plan}
		jobs, err := schedule.Plan(t, t.Policy, "count", time.Now().UTC().Format(time.RFC3339))
		if err != nil {
			return nil, err
		}
		out[r.TenantID] = len(jobs) + len(schedule.PlanBaseline(t, plan, "count", "", nil))
	}
	return out, nil
}
