package store

import (
	"context"
	"errors"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Usage is one metered billable operation: one check item × one instance × one
// operation. Key is its idempotency key, so a retried or duplicated operation is
// recorded once; build it from what identifies the operation (task, shard, item,
// instance, operation), never from the time.
type Usage struct {
	TenantID      string
	Key           string
	Site          string
	BillingMethod string // "subscription" or "payg"
	ItemID        string
	InstanceID    string
	Operation     string // "scan", "verify" or "fix"
	Units         int64  // quota units; 0 means 1
	At            time.Time
	TaskID        string
	ShardID       string
}

// RecordUsage writes a usage record if no record with its key exists. created is
// false when one did (a retried or duplicated operation): that is reported, not an
// error, and the stored record is left as it was. At defaults to now.
func (s *Store) RecordUsage(ctx context.Context, u Usage) (created bool, err error) {
	c, errs := s.RecordUsages(ctx, []Usage{u})
	return c[0], errs[0]
}

// RecordUsages is RecordUsage for many records at once, in BatchWriteRow requests of
// up to 200 rows each written only if absent: created[i] and errs[i] are record i's
// answer. A record that does not validate gets ErrInvalid and is not sent; the others
// are written all the same.
func (s *Store) RecordUsages(ctx context.Context, us []Usage) (created []bool, errs []error) {
	const op = "record usage"
	created, errs = make([]bool, len(us)), make([]error, len(us))
	ops := make([]*writeOp, 0, len(us))
	at := make([]int, 0, len(us)) // ops[k] is record at[k]
	now := s.now()
	for i, u := range us {
		if u.Units == 0 {
			u.Units = 1
		}
		if u.At.IsZero() {
			u.At = now
		}
		var c checker
		c.key("tenant_id", u.TenantID)
		c.key("key", u.Key)
		c.required("operation", u.Operation)
		for _, x := range []struct{ name, v string }{
			{"site", u.Site}, {"billing_method", u.BillingMethod}, {"item_id", u.ItemID},
			{"instance_id", u.InstanceID}, {"task_id", u.TaskID}, {"shard_id", u.ShardID},
		} {
			c.text(x.name, x.v)
		}
		c.check(u.Units > 0, "units %d is negative", u.Units)
		if err := c.err(op, keyPath(u.TenantID, u.Key)); err != nil {
			errs[i] = err
			continue
		}
		cols := []col{
			{"site", u.Site}, {"billing_method", u.BillingMethod}, {"item_id", u.ItemID}, {"instance_id", u.InstanceID},
			{"operation", u.Operation}, {"units", u.Units}, {"at", millis(u.At)}, {"task_id", u.TaskID}, {"shard_id", u.ShardID},
		}
		key := []string{u.TenantID, u.Key}
		ops = append(ops, &writeOp{
			key:    keyPath(key...),
			change: s.putChange(usageTable, key, cols, tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST),
			size:   opSize(key, cols),
			// The record exists: the operation was charged before. Not an error.
			onCondition: func() tablestore.RowChange { return nil },
		})
		at = append(at, i)
	}
	if len(ops) == 0 {
		return created, errs
	}
	_, _ = s.writeBatch(ctx, op, ops) // each row's answer is in its op
	for k, w := range ops {
		i := at[k]
		switch w.result {
		case done:
			created[i] = true
		case skipped:
		default:
			err := w.err
			if err == nil {
				err = errors.New("not written")
			}
			errs[i] = fail(op+" "+w.key, err)
		}
	}
	return created, errs
}

// ListUsage returns a tenant's usage records with from <= At < to, in key order. A
// zero from or to leaves that side open. The time filter runs in the service, over
// the tenant's records.
func (s *Store) ListUsage(ctx context.Context, tenantID string, from, to time.Time) ([]Usage, error) {
	const op = "list usage"
	var c checker
	c.key("tenant_id", tenantID)
	c.check(from.IsZero() || to.IsZero() || from.Before(to), "from %s is not before to %s", from, to)
	if err := c.err(op, tenantID); err != nil {
		return nil, err
	}
	var conds []tablestore.ColumnFilter
	if !from.IsZero() {
		f := tablestore.NewSingleColumnCondition("at", tablestore.CT_GREATER_EQUAL, millis(from))
		f.FilterIfMissing, f.LatestVersionOnly = true, true
		conds = append(conds, f)
	}
	if !to.IsZero() {
		f := tablestore.NewSingleColumnCondition("at", tablestore.CT_LESS_THAN, millis(to))
		f.FilterIfMissing, f.LatestVersionOnly = true, true
		conds = append(conds, f)
	}
	var filter tablestore.ColumnFilter
	if len(conds) > 0 {
		filter = and(conds...)
	}
	var out []Usage
	err := s.scan(ctx, usageTable, []string{tenantID}, filter, func(r row) error {
		out = append(out, Usage{
			TenantID: r.str("tenant_id"), Key: r.str("usage_key"), Site: r.str("site"),
			BillingMethod: r.str("billing_method"), ItemID: r.str("item_id"), InstanceID: r.str("instance_id"),
			Operation: r.str("operation"), Units: r.int("units"), At: r.time("at"),
			TaskID: r.str("task_id"), ShardID: r.str("shard_id"),
		})
		return nil
	})
	if err != nil {
		return nil, fail(op+" "+tenantID, err)
	}
	return out, nil
}
