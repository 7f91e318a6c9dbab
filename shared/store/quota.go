package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Quota is one quota counter of a tenant, e.g. "config/2026-01" or "subscription".
type Quota struct {
	TenantID  string
	Counter   string
	Used      int64     // units used
	Cap       int64     // the cap given to the last ReserveQuota; 0 if there was none
	Version   int64     // incremented by every write; drives the optimistic reservation
	UpdatedAt time.Time // time of the last write
}

func quotaOf(r row) Quota {
	return Quota{
		TenantID: r.str("tenant_id"), Counter: r.str("counter"), Used: r.int("used"),
		Cap: r.int("cap"), Version: r.int("version"), UpdatedAt: r.time("updated_at"),
	}
}

func checkCounter(c *checker, tenantID, counter string) {
	c.key("tenant_id", tenantID)
	c.key("counter", counter)
}

// GetQuota reads a counter; ErrNotFound if nothing was ever added or reserved.
func (s *Store) GetQuota(ctx context.Context, tenantID, counter string) (Quota, error) {
	op := "get quota " + keyPath(tenantID, counter)
	var c checker
	checkCounter(&c, tenantID, counter)
	if err := c.err(op, keyPath(tenantID, counter)); err != nil {
		return Quota{}, err
	}
	r, ok, err := s.getRow(ctx, quotaTable, []string{tenantID, counter})
	if err != nil {
		return Quota{}, fail(op, err)
	}
	if !ok {
		return Quota{}, failf(op, ErrNotFound, "no such counter")
	}
	return quotaOf(r), nil
}

// AddQuota adds n (which may be negative, a refund) to a counter's used units
// without any cap, and returns the units used after the addition. It is one atomic
// increment in the service (the counter is created at 0 if missing), so concurrent
// additions never lose an update. Pay-as-you-go metering uses it.
func (s *Store) AddQuota(ctx context.Context, tenantID, counter string, n int64) (used int64, err error) {
	op := "add quota " + keyPath(tenantID, counter)
	var c checker
	checkCounter(&c, tenantID, counter)
	c.check(n != 0, "n is 0")
	if err := c.err(op, keyPath(tenantID, counter)); err != nil {
		return 0, err
	}
	change := &tablestore.UpdateRowChange{TableName: s.tableName(quotaTable), PrimaryKey: quotaTable.key(tenantID, counter)}
	change.IncrementColumn("used", n)
	change.IncrementColumn("version", 1) // reservations in flight see the change
	change.PutColumn("updated_at", millis(s.now()))
	change.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	change.SetReturnIncrementValue()
	change.AppendIncrementColumnToReturn("used")
	resp, err := s.updateRow(ctx, change)
	if err != nil {
		return 0, fail(op, err)
	}
	for _, col := range resp.Columns {
		if v, ok := col.Value.(int64); ok && col.ColumnName == "used" {
			return v, nil
		}
	}
	return 0, fail(op, fmt.Errorf("the UpdateRow response returned no used column"))
}

// ReserveQuota adds n (> 0) to a counter's used units only if the result stays within
// limit; otherwise it returns ErrExhausted with the counter as it is, so the caller
// can see what is left (limit - Used). On success it returns the counter after the
// reservation.
//
// It is optimistic concurrency, correct under any number of concurrent callers: read
// used and version, write used+n and version+1 on condition that the version is
// unchanged (and that the row does not exist, for a new counter), and start over when
// the condition fails, up to Options.MaxConflictRetries times (then ErrConflict).
// AddQuota bumps the version too, so reservations and additions never overwrite each
// other. The reservation is tagged with a random id: if the SDK resends a write that
// had in fact succeeded, the failed condition is recognised as this reservation's own
// and it is not applied twice (unless another write landed in between).
func (s *Store) ReserveQuota(ctx context.Context, tenantID, counter string, n, limit int64) (Quota, error) {
	op := "reserve quota " + keyPath(tenantID, counter)
	var c checker
	checkCounter(&c, tenantID, counter)
	c.check(n > 0, "n %d is not positive", n)
	c.check(limit >= 0, "limit %d is negative", limit)
	if err := c.err(op, keyPath(tenantID, counter)); err != nil {
		return Quota{}, err
	}
	id := newID()
	key := []string{tenantID, counter}
	var lastErr error
	for attempt := 0; attempt < s.opts.MaxConflictRetries; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, backoff(time.Millisecond, 20*time.Millisecond, attempt-1)); err != nil {
				return Quota{}, fail(op, err)
			}
		}
		r, exists, err := s.getRow(ctx, quotaTable, key)
		if err != nil {
			return Quota{}, fail(op, err)
		}
		q := Quota{TenantID: tenantID, Counter: counter}
		if exists {
			q = quotaOf(r)
		}
		if q.Used > limit-n || q.Used > math.MaxInt64-n {
			return q, failf(op, ErrExhausted, "%d used + %d > cap %d", q.Used, n, limit)
		}
		next := Quota{TenantID: tenantID, Counter: counter, Used: q.Used + n, Cap: limit, Version: q.Version + 1, UpdatedAt: fromMillis(millis(s.now()))}
		cols := []col{
			{"used", next.Used}, {"version", next.Version}, {"cap", limit}, {"reservation", id},
			{"updated_at", millis(next.UpdatedAt)},
		}
		if exists {
			change := s.updateChange(quotaTable, key, cols, tablestore.RowExistenceExpectation_EXPECT_EXIST)
			change.SetColumnCondition(equal("version", q.Version))
			_, err = s.updateRow(ctx, change)
		} else {
			err = s.putRow(ctx, s.putChange(quotaTable, key, cols, tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST))
		}
		if err == nil {
			return next, nil
		}
		if !isConditionFailed(err) {
			return Quota{}, fail(op, err)
		}
		lastErr = err
		// Lost the race, or our own write went through and was resent: check.
		r, ok, rerr := s.getRow(ctx, quotaTable, key)
		if rerr != nil {
			return Quota{}, fail(op, rerr)
		}
		if ok && r.str("reservation") == id {
			return quotaOf(r), nil
		}
	}
	return Quota{}, failDetail(op, ErrConflict, fmt.Sprintf("lost %d races for the counter", s.opts.MaxConflictRetries), lastErr)
}
