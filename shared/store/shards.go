package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// ShardState is where a shard is in its life: queued → running → done, failed or
// stopped.
type ShardState string

// Shard states.
const (
	ShardQueued  ShardState = "queued"
	ShardRunning ShardState = "running"
	ShardDone    ShardState = "done"
	ShardFailed  ShardState = "failed"
	// ShardStopped: stopped early or not run because the task stopped (its
	// subscription's quota ran out); what it did is kept. It is not claimed again.
	ShardStopped ShardState = "stopped"
)

// ShardKey names one shard.
type ShardKey struct {
	TenantID string
	TaskID   string
	ShardID  string
}

// String returns "tenant/task/shard".
func (k ShardKey) String() string { return keyPath(k.TenantID, k.TaskID, k.ShardID) }

func (k ShardKey) key() []string { return []string{k.TenantID, k.TaskID, k.ShardID} }

func (k ShardKey) validate(c *checker) {
	c.key("tenant_id", k.TenantID)
	c.key("task_id", k.TaskID)
	c.key("shard_id", k.ShardID)
}

// Shard is one unit of a scan task: a product in a region with a list of check items.
type Shard struct {
	TenantID string
	TaskID   string
	ShardID  string
	Region   string
	Product  string
	Items    []string // check item ids
	// The fields below are kept by the store.
	State      ShardState
	Attempt    int       // how many times the shard was claimed
	LeaseID    string    // the current lease; only its holder may finish the shard
	LeaseUntil time.Time // when the current lease expires
	Error      string    // why it failed
	Note       string    // what a done shard did, e.g. "12 assets" or why its product was not evaluated
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
}

// Key returns the shard's key.
func (sh Shard) Key() ShardKey { return ShardKey{sh.TenantID, sh.TaskID, sh.ShardID} }

func shardOf(r row) (Shard, error) {
	sh := Shard{
		TenantID: r.str("tenant_id"), TaskID: r.str("task_id"), ShardID: r.str("shard_id"),
		Region: r.str("region"), Product: r.str("product"), State: ShardState(r.str("state")),
		Attempt: int(r.int("attempt")), LeaseID: r.str("lease_id"), LeaseUntil: r.time("lease_until"),
		Error: r.str("error"), Note: r.str("note"), CreatedAt: r.time("created_at"), UpdatedAt: r.time("updated_at"),
		FinishedAt: r.time("finished_at"),
	}
	var err error
	sh.Items, err = decodeList(r, "items")
	return sh, err
}

// PutShards creates shards in state queued, at most 200 per request. It never
// overwrites: a shard that already exists (a retried schedule) is left as it is and
// counted in WriteStats.Skipped. All shards are validated first; one bad shard, or
// two with the same key, fails the call with ErrInvalid and writes nothing.
func (s *Store) PutShards(ctx context.Context, shards []Shard) (WriteStats, error) {
	const op = "put shards"
	seen := make(map[ShardKey]int, len(shards))
	for i, sh := range shards {
		var c checker
		sh.Key().validate(&c)
		c.text("region", sh.Region)
		c.text("product", sh.Product)
		for _, it := range sh.Items {
			c.key("items[]", it)
		}
		if j, dup := seen[sh.Key()]; dup {
			c.check(false, "same key as shard %d", j)
		}
		seen[sh.Key()] = i
		if err := c.err(op, fmt.Sprintf("shard %d %s", i, sh.Key())); err != nil {
			return WriteStats{}, err
		}
	}
	now := millis(s.now())
	ops := make([]*writeOp, len(shards))
	for i, sh := range shards {
		items, err := encodeList(sh.Items)
		if err != nil {
			return WriteStats{}, fail(op+" "+sh.Key().String(), err)
		}
		cols := []col{
			{"region", sh.Region}, {"product", sh.Product}, {"items", items}, {"state", string(ShardQueued)},
			{"attempt", int64(0)}, {"created_at", now}, {"updated_at", now},
		}
		ops[i] = &writeOp{
			key:         sh.Key().String(),
			change:      s.putChange(shardsTable, sh.Key().key(), cols, tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST),
			size:        opSize(sh.Key().key(), cols),
			onCondition: func() tablestore.RowChange { return nil }, // exists: skip
		}
	}
	if len(ops) == 0 {
		return WriteStats{}, nil
	}
	return s.writeBatch(ctx, op, ops)
}

// GetShard reads a shard; ErrNotFound if there is none.
func (s *Store) GetShard(ctx context.Context, k ShardKey) (Shard, error) {
	op := "get shard " + k.String()
	var c checker
	k.validate(&c)
	if err := c.err(op, k.String()); err != nil {
		return Shard{}, err
	}
	r, ok, err := s.getRow(ctx, shardsTable, k.key())
	if err != nil {
		return Shard{}, fail(op, err)
	}
	if !ok {
		return Shard{}, failf(op, ErrNotFound, "no such shard")
	}
	sh, err := shardOf(r)
	return sh, fail(op, err)
}

// ListShards returns the shards of a task in shard id order.
func (s *Store) ListShards(ctx context.Context, tenantID, taskID string) ([]Shard, error) {
	op := "list shards " + keyPath(tenantID, taskID)
	var c checker
	c.key("tenant_id", tenantID)
	c.key("task_id", taskID)
	if err := c.err(op, keyPath(tenantID, taskID)); err != nil {
		return nil, err
	}
	var out []Shard
	err := s.scan(ctx, shardsTable, []string{tenantID, taskID}, nil, func(r row) error {
		sh, err := shardOf(r)
		out = append(out, sh)
		return err
	})
	if err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// ClaimShard takes a shard for running, for the given lease. It succeeds if the shard
// is queued, or running under a lease that has expired (the previous run is presumed
// dead); the shard becomes running with Attempt one higher and a new LeaseID, which
// the caller passes to CompleteShard, FailShard or ReleaseShard.
//
// If the shard is running under a live lease, done or failed, ClaimShard returns
// ErrConflict together with the shard as it is (without its lease id). The claim is a
// conditional write on the state and attempt it read, so of any number of concurrent
// claims exactly one wins; the others get ErrConflict.
func (s *Store) ClaimShard(ctx context.Context, k ShardKey, lease time.Duration) (Shard, error) {
	op := "claim shard " + k.String()
	var c checker
	k.validate(&c)
	c.check(lease > 0, "lease %s is not positive", lease)
	if err := c.err(op, k.String()); err != nil {
		return Shard{}, err
	}
	r, ok, err := s.getRow(ctx, shardsTable, k.key())
	if err != nil {
		return Shard{}, fail(op, err)
	}
	if !ok {
		return Shard{}, failf(op, ErrNotFound, "no such shard")
	}
	cur, err := shardOf(r)
	if err != nil {
		return Shard{}, fail(op, err)
	}
	now := s.now()
	switch {
	case cur.State == ShardQueued:
	case cur.State == ShardRunning && !now.Before(cur.LeaseUntil):
	case cur.State == ShardRunning:
		return redact(cur), failf(op, ErrConflict, "shard is running under another lease until %s", cur.LeaseUntil.Format(time.RFC3339Nano))
	default:
		return redact(cur), failf(op, ErrConflict, "shard is %s", cur.State)
	}
	next := cur
	next.State, next.Attempt, next.LeaseID = ShardRunning, cur.Attempt+1, newID()
	next.LeaseUntil = fromMillis(millis(now.Add(lease)))
	next.UpdatedAt, next.Error = fromMillis(millis(now)), ""
	cols := []col{
		{"state", string(next.State)}, {"attempt", int64(next.Attempt)}, {"lease_id", next.LeaseID},
		{"lease_until", millis(next.LeaseUntil)}, {"error", ""}, {"updated_at", millis(next.UpdatedAt)},
	}
	change := s.updateChange(shardsTable, k.key(), cols, tablestore.RowExistenceExpectation_EXPECT_EXIST)
	change.SetColumnCondition(and(equal("state", string(cur.State)), equal("attempt", int64(cur.Attempt))))
	_, err = s.updateRow(ctx, change)
	if err == nil {
		return next, nil
	}
	if !isConditionFailed(err) {
		return Shard{}, fail(op, err)
	}
	// Lost a race, or the SDK resent a write that had succeeded: look.
	r, ok, rerr := s.getRow(ctx, shardsTable, k.key())
	if rerr != nil {
		return Shard{}, fail(op, rerr)
	}
	if !ok {
		return Shard{}, failDetail(op, ErrNotFound, "no such shard", err)
	}
	now2, rerr := shardOf(r)
	if rerr != nil {
		return Shard{}, fail(op, rerr)
	}
	if now2.State == ShardRunning && now2.LeaseID == next.LeaseID {
		return now2, nil
	}
	return redact(now2), failDetail(op, ErrConflict, "claimed concurrently by another caller", err)
}

// redact drops the lease id of a shard the caller does not hold.
func redact(sh Shard) Shard {
	sh.LeaseID = ""
	return sh
}

// CompleteShard marks a running shard done, with a note on what it did (may be
// empty). Only the holder of the current lease may: with any other lease id, or if the
// shard is not running, it returns ErrConflict. Completing again with the same lease is
// a no-op.
func (s *Store) CompleteShard(ctx context.Context, k ShardKey, leaseID, note string) error {
	now := millis(s.now())
	return s.finishShard(ctx, "complete shard "+k.String(), k, leaseID, ShardDone,
		[]col{{"note", note}, {"finished_at", now}, {"updated_at", now}})
}

// StopShard marks a running shard stopped, with a note on what it did before it
// stopped (the quota ran out) or why it did not run. Only the holder of the current
// lease may (else ErrConflict). A stopped shard is not claimed again.
func (s *Store) StopShard(ctx context.Context, k ShardKey, leaseID, note string) error {
	now := millis(s.now())
	return s.finishShard(ctx, "stop shard "+k.String(), k, leaseID, ShardStopped,
		[]col{{"note", note}, {"finished_at", now}, {"updated_at", now}})
}

// FailShard marks a running shard failed, with the reason. Only the holder of the
// current lease may (else ErrConflict). A failed shard is not claimed again.
func (s *Store) FailShard(ctx context.Context, k ShardKey, leaseID, reason string) error {
	now := millis(s.now())
	return s.finishShard(ctx, "fail shard "+k.String(), k, leaseID, ShardFailed,
		[]col{{"error", reason}, {"finished_at", now}, {"updated_at", now}})
}

// ReleaseShard hands a running shard back (state queued), so the next delivery of its
// job can claim it at once instead of waiting for the lease to expire. Only the holder
// of the current lease may (else ErrConflict).
func (s *Store) ReleaseShard(ctx context.Context, k ShardKey, leaseID string) error {
	return s.finishShard(ctx, "release shard "+k.String(), k, leaseID, ShardQueued,
		[]col{{"lease_until", int64(0)}, {"updated_at", millis(s.now())}})
}

// finishShard moves a running shard to state `to` on condition that leaseID is the
// current lease.
func (s *Store) finishShard(ctx context.Context, op string, k ShardKey, leaseID string, to ShardState, cols []col) error {
	var c checker
	k.validate(&c)
	c.key("lease_id", leaseID)
	for _, x := range cols {
		if v, ok := x.value.(string); ok {
			c.text(x.name, v)
		}
	}
	if err := c.err(op, k.String()); err != nil {
		return err
	}
	change := s.updateChange(shardsTable, k.key(), append(cols, col{"state", string(to)}), tablestore.RowExistenceExpectation_EXPECT_EXIST)
	change.SetColumnCondition(and(equal("state", string(ShardRunning)), equal("lease_id", leaseID)))
	_, err := s.updateRow(ctx, change)
	if err == nil || !isConditionFailed(err) {
		return fail(op, err)
	}
	r, ok, rerr := s.getRow(ctx, shardsTable, k.key())
	if rerr != nil {
		return fail(op, rerr)
	}
	if !ok {
		return failDetail(op, ErrNotFound, "no such shard", err)
	}
	cur, rerr := shardOf(r)
	if rerr != nil {
		return fail(op, rerr)
	}
	switch {
	case cur.State == to && cur.LeaseID == leaseID:
		return nil // done already with this lease: a resent request
	case cur.LeaseID != leaseID:
		return failDetail(op, ErrConflict, fmt.Sprintf("shard is %s under another lease (attempt %d)", cur.State, cur.Attempt), err)
	default:
		return failDetail(op, ErrConflict, fmt.Sprintf("shard is %s", cur.State), err)
	}
}
