package store

import (
	"context"
	"strings"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Finding is the latest result of one check item on one instance of a tenant. The
// key is (TenantID, ItemID, InstanceID).
type Finding struct {
	TenantID   string
	ItemID     string // check item id
	InstanceID string // the resource checked
	Site       string
	Region     string
	Product    string
	Status     string // e.g. "fail", "pass", "not_evaluated", "whitelist"
	Severity   string
	Category   string
	Title      string
	Evidence   string // one JSON value, or ""
	// Reason is a code for a status that is not a plain verdict (permission,
	// throttling, not_collected, manual, ...); Message says what was found.
	Reason  string
	Message string
	// Frameworks are the item's framework references ("cis-v2:1.1"); stored
	// comma-separated, so none may contain a comma.
	Frameworks []string
	// State is the finding's lifecycle against the previous scan: new, open, fixed
	// or reopened ("" when it has none, e.g. a first PASS).
	State string
	// StateTaskID is the task that put the finding in its State (the task that found
	// it new, fixed or reopened); a later scan that leaves the state as it was keeps
	// it. It is what "new and fixed since the previous scan" reads (ListTaskChanges).
	StateTaskID string
	// OriginalStatus is the verdict a WHITELISTED finding had before a whitelist rule
	// muted it, and Remark that rule's reason; both empty otherwise.
	OriginalStatus string
	Remark         string
	// FirstSeen is when the finding was first observed. Zero on a write means "keep
	// the stored value": an existing row keeps its first_seen, and a new row gets
	// LastSeen.
	FirstSeen time.Time
	LastSeen  time.Time // when this scan observed it; required
	TaskID    string
}

func (f Finding) key() []string { return []string{f.TenantID, f.ItemID, f.InstanceID} }

func (f Finding) validate(c *checker) {
	c.key("tenant_id", f.TenantID)
	c.key("item_id", f.ItemID)
	c.key("instance_id", f.InstanceID)
	c.required("status", f.Status)
	for _, x := range []struct{ name, v string }{
		{"site", f.Site}, {"region", f.Region}, {"product", f.Product}, {"severity", f.Severity},
		{"category", f.Category}, {"title", f.Title}, {"task_id", f.TaskID},
		{"reason", f.Reason}, {"message", f.Message}, {"state", f.State},
		{"state_task", f.StateTaskID}, {"original_status", f.OriginalStatus}, {"remark", f.Remark},
	} {
		c.text(x.name, x.v)
	}
	for _, fw := range f.Frameworks {
		c.text("frameworks", fw)
		c.check(fw != "" && !strings.Contains(fw, ","), "frameworks: %q is empty or holds a comma", fw)
	}
	c.json("evidence", f.Evidence)
	c.check(!f.LastSeen.IsZero(), "last_seen is zero")
	c.check(f.FirstSeen.IsZero() || !f.FirstSeen.After(f.LastSeen), "first_seen %s is after last_seen %s", f.FirstSeen, f.LastSeen)
}

// columns are every column but first_seen.
func (f Finding) columns() []col {
	return []col{
		{"site", f.Site}, {"region", f.Region}, {"product", f.Product}, {"status", f.Status},
		{"severity", f.Severity}, {"category", f.Category}, {"title", f.Title}, {"evidence", f.Evidence},
		{"last_seen", millis(f.LastSeen)}, {"task_id", f.TaskID}, {"reason", f.Reason}, {"message", f.Message},
		{"frameworks", strings.Join(f.Frameworks, ",")}, {"state", f.State},
		{"state_task", f.StateTaskID}, {"original_status", f.OriginalStatus}, {"remark", f.Remark},
	}
}

func findingOf(r row) Finding {
	f := Finding{
		TenantID: r.str("tenant_id"), ItemID: r.str("item_id"), InstanceID: r.str("instance_id"),
		Site: r.str("site"), Region: r.str("region"), Product: r.str("product"), Status: r.str("status"),
		Severity: r.str("severity"), Category: r.str("category"), Title: r.str("title"),
		Evidence: r.str("evidence"), FirstSeen: r.time("first_seen"), LastSeen: r.time("last_seen"),
		TaskID: r.str("task_id"), Reason: r.str("reason"), Message: r.str("message"), State: r.str("state"),
		StateTaskID: r.str("state_task"), OriginalStatus: r.str("original_status"), Remark: r.str("remark"),
	}
	if fw := r.str("frameworks"); fw != "" {
		f.Frameworks = strings.Split(fw, ",")
	}
	return f
}

// PutFindings upserts findings, at most 200 rows per BatchWriteRow request. Every
// column is written, except first_seen when FirstSeen is zero: such a row is written
// on condition that it exists (keeping its first_seen); if it does not, it is created
// with first_seen = LastSeen in a second batched pass.
//
// All findings are validated before anything is written; one bad finding, or two with
// the same key, fails the call with ErrInvalid and writes nothing. A row that fails for
// a transient reason is retried alone with bounded backoff; the error then reports
// the rows that were still not written.
func (s *Store) PutFindings(ctx context.Context, fs []Finding) (WriteStats, error) {
	const op = "put findings"
	var c checker
	seen := make(map[[3]string]int, len(fs))
	for i, f := range fs {
		var rc checker
		f.validate(&rc)
		if err := rc.err(op, "finding "+itoa(i)+" "+keyPath(f.key()...)); err != nil {
			return WriteStats{}, err
		}
		k := [3]string{f.TenantID, f.ItemID, f.InstanceID}
		if j, dup := seen[k]; dup {
			c.check(false, "findings %d and %d have the same key %s", j, i, keyPath(f.key()...))
		}
		seen[k] = i
	}
	if err := c.err(op, "batch"); err != nil {
		return WriteStats{}, err
	}
	if len(fs) == 0 {
		return WriteStats{}, nil
	}
	ops := make([]*writeOp, len(fs))
	for i, f := range fs {
		ops[i] = s.findingOp(f)
	}
	return s.writeBatch(ctx, op, ops)
}

func (s *Store) findingOp(f Finding) *writeOp {
	key, cols := f.key(), f.columns()
	w := &writeOp{key: keyPath(key...), size: opSize(key, cols) + 32}
	if !f.FirstSeen.IsZero() {
		w.change = s.updateChange(findingsTable, key, append(cols, col{"first_seen", millis(f.FirstSeen)}), tablestore.RowExistenceExpectation_IGNORE)
		return w
	}
	existing := func() tablestore.RowChange {
		return s.updateChange(findingsTable, key, cols, tablestore.RowExistenceExpectation_EXPECT_EXIST)
	}
	created := func() tablestore.RowChange {
		return s.putChange(findingsTable, key, append(cols, col{"first_seen", millis(f.LastSeen)}), tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST)
	}
	w.change = existing()
	// A failed condition means the guess was wrong: the row is new (or was just
	// created by someone else); write the other form.
	w.onCondition = func() tablestore.RowChange {
		if _, isPut := w.change.(*tablestore.PutRowChange); isPut {
			return existing()
		}
		return created()
	}
	return w
}

// ListFindings returns every finding of a tenant in key order (item id, then
// instance id), reading page by page with GetRange.
func (s *Store) ListFindings(ctx context.Context, tenantID string) ([]Finding, error) {
	const op = "list findings"
	var c checker
	c.key("tenant_id", tenantID)
	if err := c.err(op, tenantID); err != nil {
		return nil, err
	}
	var out []Finding
	err := s.scan(ctx, findingsTable, []string{tenantID}, nil, func(r row) error {
		out = append(out, findingOf(r))
		return nil
	})
	if err != nil {
		return nil, fail(op+" "+tenantID, err)
	}
	return out, nil
}

// ListItemFindings returns a tenant's findings of one check item, in instance id
// order: one GetRange over the (tenant_id, item_id) key prefix.
func (s *Store) ListItemFindings(ctx context.Context, tenantID, itemID string) ([]Finding, error) {
	const op = "list item findings"
	var c checker
	c.key("tenant_id", tenantID)
	c.key("item_id", itemID)
	if err := c.err(op, keyPath(tenantID, itemID)); err != nil {
		return nil, err
	}
	var out []Finding
	err := s.scan(ctx, findingsTable, []string{tenantID, itemID}, nil, func(r row) error {
		out = append(out, findingOf(r))
		return nil
	})
	if err != nil {
		return nil, fail(op+" "+keyPath(tenantID, itemID), err)
	}
	return out, nil
}
