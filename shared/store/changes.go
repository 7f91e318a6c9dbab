package store

import "context"

// ListTaskChanges returns the findings of a tenant whose lifecycle state task taskID
// set (StateTaskID): what became new, reopened or fixed in that scan, and what moved
// from new to open. Key order. The filter runs in the service, over one GetRange of
// the tenant's findings.
func (s *Store) ListTaskChanges(ctx context.Context, tenantID, taskID string) ([]Finding, error) {
	const op = "list task changes"
	var c checker
	c.key("tenant_id", tenantID)
	c.key("task_id", taskID)
	if err := c.err(op, keyPath(tenantID, taskID)); err != nil {
		return nil, err
	}
	var out []Finding
	err := s.scan(ctx, findingsTable, []string{tenantID}, equal("state_task", taskID), func(r row) error {
		out = append(out, findingOf(r))
		return nil
	})
	if err != nil {
		return nil, fail(op+" "+keyPath(tenantID, taskID), err)
	}
	return out, nil
}
