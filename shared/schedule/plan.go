package schedule

import (
	"fmt"
	"slices"

	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// policyItems is the provisional policy → product → item map the planner uses until the
// check catalogue lands; item ids are CIS Alibaba Cloud Foundations v2.0.0 sections.
var policyItems = map[string]map[string][]string{
	"cis-v2": {
		"ram":         {"cis-v2-1.4", "cis-v2-1.5", "cis-v2-1.6", "cis-v2-1.7", "cis-v2-1.11", "cis-v2-1.14", "cis-v2-1.15", "cis-v2-1.16"},
		"actiontrail": {"cis-v2-2.1", "cis-v2-2.2"},
		"sls":         {"cis-v2-2.23"},
		"vpc":         {"cis-v2-3.3"},
		"ecs":         {"cis-v2-4.1", "cis-v2-4.2", "cis-v2-4.3", "cis-v2-4.4"},
		"oss":         {"cis-v2-5.1", "cis-v2-5.3", "cis-v2-5.4"},
		"rds":         {"cis-v2-6.1", "cis-v2-6.2", "cis-v2-6.3", "cis-v2-6.4", "cis-v2-6.5"},
		"ack":         {"cis-v2-7.1", "cis-v2-7.3", "cis-v2-7.5", "cis-v2-7.7"},
	},
}

// Items returns the check items a policy runs on a product. A product the policy does not
// cover has none (nil, nil); an unknown policy is an error.
func Items(policy, product string) ([]string, error) {
	p, ok := policyItems[policy]
	if !ok {
		known := make([]string, 0, len(policyItems))
		for k := range policyItems {
			known = append(known, k)
		}
		slices.Sort(known)
		return nil, fmt.Errorf("unknown policy %q (known: %v)", policy, known)
	}
	return p[product], nil
}

// Plan splits one tenant's scan into shard jobs: one per (region, product), with
// account-level products read once. Shard ids are zero-padded so they sort in order.
func Plan(t tenant.Tenant, policy, taskID, createdAt string) ([]event.ShardJob, error) {
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
		items, err := Items(policy, u.product)
		if err != nil {
			return nil, fmt.Errorf("plan tenant %s: %w", t.ID, err)
		}
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
