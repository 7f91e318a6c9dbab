package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// SampleTenants returns the demo's sample tenants (tenants.json).
func SampleTenants() ([]tenant.Tenant, error) {
	return tenant.Parse("local/demo/tenants.json", sampleTenants)
}

// SeedStore creates the deployment's tables and records the sample tenants as
// authorized at the given time.
func SeedStore(ctx context.Context, st *store.Store, authorizedAt time.Time) ([]tenant.Tenant, error) {
	tables, err := infra.Tables()
	if err != nil {
		return nil, err
	}
	if err := st.CreateTables(ctx, tables); err != nil {
		return nil, fmt.Errorf("demo: create tables: %w", err)
	}
	ts, err := SampleTenants()
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		row := store.Tenant{
			TenantID: t.ID, AccountID: t.AccountID, Site: string(t.Site), Regions: t.Regions, Products: t.Products,
			Policy: t.Policy, Plan: "cspm-subscription", BillingMethod: "subscription",
			RoleARN: "acs:ram::" + t.AccountID + ":role/cspm-scan", AuthorizedAt: authorizedAt,
		}
		if err := st.PutTenant(ctx, row); err != nil {
			return nil, fmt.Errorf("demo: seed tenant %s: %w", t.ID, err)
		}
	}
	return ts, nil
}
