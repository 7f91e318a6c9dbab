package schedule

import (
	"fmt"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// Items returns the check items a policy runs on a product for a tenant holding plan,
// from the check catalogue. A product the policy does not cover has none (nil, nil);
// an unknown policy is an error naming the known ones.
func Items(policy, product string, plan entitlement.Plan) ([]string, error) {
	byProduct, err := policyItems(policy, plan)
	if err != nil {
		return nil, err
	}
	return byProduct[product], nil
}

// policyItems resolves a policy once into its item ids by product: the items plan
// allows to scan (shared/entitlement).
func policyItems(policy string, plan entitlement.Plan) (map[string][]string, error) {
	p, err := checks.Catalog().Policy(policy)
	if err != nil {
		return nil, err
	}
	return itemsByProduct(p, plan)
}

// itemsByProduct checks a policy (an unknown item is an error naming it) and groups
// the ids of its items plan allows to scan by product.
func itemsByProduct(p catalog.Policy, plan entitlement.Plan) (map[string][]string, error) {
	rules, err := checks.ForPolicy(p)
	if err != nil {
		return nil, err
	}
	byProduct := map[string][]string{}
	for _, r := range rules {
		if entitlement.Decide(plan, r.Entitlement(), entitlement.Scan, "").Allowed {
			byProduct[r.Product] = append(byProduct[r.Product], r.ID)
		}
	}
	return byProduct, nil
}

// Plan splits one tenant's scan into shard jobs: one per (region, product), with
// account-level products read once, and only the items the tenant's plan allows
// (t.Plan, as in force now). Shard ids are zero-padded so they sort in order.
func Plan(t tenant.Tenant, policy, taskID, createdAt string) ([]event.ShardJob, error) {
	p, err := checks.Catalog().Policy(policy)
	if err != nil {
		return nil, fmt.Errorf("plan tenant %s: %w", t.ID, err)
	}
	return PlanPolicy(t, p, taskID, createdAt)
}

// PlanPolicy is Plan for a resolved policy, built-in or custom.
func PlanPolicy(t tenant.Tenant, p catalog.Policy, taskID, createdAt string) ([]event.ShardJob, error) {
	byProduct, err := itemsByProduct(p, t.Plan)
	if err != nil {
		return nil, fmt.Errorf("plan tenant %s: %w", t.ID, err)
	}
	type unit struct{ region, product string }
	var units []unit
	for _, product := range t.Products {
		if tenant.Global(product) {
			units = append(units, unit{"global", product})
			continue
		}
		for _, region := range t.Regions {
			units = append(units, unit{region, product})
		}
	}
	var jobs []event.ShardJob
	for _, u := range units {
		items := byProduct[u.product]
		if len(items) == 0 {
			continue
		}
		jobs = append(jobs, event.ShardJob{
			Version:   1,
			TenantID:  t.ID,
			TaskID:    taskID,
			Site:      string(t.Site),
			Region:    u.region,
			Product:   u.product,
			Items:     items,
			Kind:      "config",
			CreatedAt: createdAt,
		})
	}
	for i := range jobs {
		jobs[i].ShardID = fmt.Sprintf("%04d", i)
		jobs[i].Total = len(jobs)
	}
	return jobs, nil
}
