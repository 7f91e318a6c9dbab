package store

import (
	"context"
	"strings"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// whitelistTable holds whitelist rules, keyed (tenant_id, item_id, instance_id).
var whitelistTable = table{"cspm_whitelist", []string{"tenant_id", "item_id", "instance_id"}}

// WholeItem is the instance_id key of a rule that covers every instance of its item.
const WholeItem = "*"

// WhitelistRule mutes findings of one tenant, as the product's whitelist does: every
// instance of an item (InstanceID empty: ScopeType ITEM) or one instance of it
// (ScopeType INSTANCE). The key is (TenantID, ItemID, InstanceID); a whole-item rule
// is stored under instance_id "*".
type WhitelistRule struct {
	TenantID   string
	ItemID     string
	InstanceID string // "": every instance of the item
	Reason     string // required: why the risk is accepted
	CreatedBy  string // who added it
	CreatedAt  time.Time
	// Expires is when the rule stops muting; zero: never. An expired rule is kept
	// (and listed) but mutes nothing.
	Expires time.Time
}

// Active reports whether the rule mutes findings at now.
func (r WhitelistRule) Active(now time.Time) bool {
	return r.Expires.IsZero() || now.Before(r.Expires)
}

func (r WhitelistRule) key() []string {
	inst := r.InstanceID
	if inst == "" {
		inst = WholeItem
	}
	return []string{r.TenantID, r.ItemID, inst}
}

func (r WhitelistRule) validate(c *checker) {
	c.key("tenant_id", r.TenantID)
	c.key("item_id", r.ItemID)
	if r.InstanceID != "" {
		c.key("instance_id", r.InstanceID)
		c.check(r.InstanceID != WholeItem, "instance_id %q is reserved for a whole-item rule: leave it empty", WholeItem)
	}
	c.check(strings.TrimSpace(r.Reason) != "", "reason is empty: say why the risk is accepted")
	// The product caps a whitelist remark at 65,535 bytes.
	c.check(len(r.Reason) <= 65535, "reason is %d bytes; at most 65535", len(r.Reason))
	c.text("reason", r.Reason)
	c.text("created_by", r.CreatedBy)
}

// PutWhitelistRule creates or replaces a rule. CreatedAt defaults to now. A rule with
// no reason, or with bad keys, is ErrInvalid and nothing is written. The store does
// not know the catalogue: callers check that the item exists.
func (s *Store) PutWhitelistRule(ctx context.Context, r WhitelistRule) error {
	const op = "put whitelist rule"
	var c checker
	r.validate(&c)
	if err := c.err(op, keyPath(r.key()...)); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.now()
	}
	cols := []col{
		{"reason", r.Reason}, {"created_by", r.CreatedBy}, {"created_at", millis(r.CreatedAt)}, {"expires", millis(r.Expires)},
	}
	err := s.putRow(ctx, s.putChange(whitelistTable, r.key(), cols, tablestore.RowExistenceExpectation_IGNORE))
	return fail(op+" "+keyPath(r.key()...), err)
}

// ListWhitelist returns a tenant's rules, expired ones included, in key order (item
// id, then instance id, whole-item rules first).
func (s *Store) ListWhitelist(ctx context.Context, tenantID string) ([]WhitelistRule, error) {
	const op = "list whitelist"
	var c checker
	c.key("tenant_id", tenantID)
	if err := c.err(op, tenantID); err != nil {
		return nil, err
	}
	var out []WhitelistRule
	err := s.scan(ctx, whitelistTable, []string{tenantID}, nil, func(r row) error {
		w := WhitelistRule{
			TenantID: r.str("tenant_id"), ItemID: r.str("item_id"), InstanceID: r.str("instance_id"),
			Reason: r.str("reason"), CreatedBy: r.str("created_by"), CreatedAt: r.time("created_at"), Expires: r.time("expires"),
		}
		if w.InstanceID == WholeItem {
			w.InstanceID = ""
		}
		out = append(out, w)
		return nil
	})
	if err != nil {
		return nil, fail(op+" "+tenantID, err)
	}
	return out, nil
}

// DeleteWhitelistRule removes the rule of (tenantID, itemID, instanceID), instanceID
// empty for a whole-item rule; ErrNotFound if there is none.
func (s *Store) DeleteWhitelistRule(ctx context.Context, tenantID, itemID, instanceID string) error {
	const op = "delete whitelist rule"
	r := WhitelistRule{TenantID: tenantID, ItemID: itemID, InstanceID: instanceID}
	var c checker
	c.key("tenant_id", tenantID)
	c.key("item_id", itemID)
	if instanceID != "" {
		c.key("instance_id", instanceID)
	}
	if err := c.err(op, keyPath(r.key()...)); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fail(op+" "+keyPath(r.key()...), err)
	}
	d := &tablestore.DeleteRowChange{TableName: s.tableName(whitelistTable), PrimaryKey: whitelistTable.key(r.key()...)}
	d.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	_, err := s.client.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: d})
	if isConditionFailed(err) {
		return failDetail(op+" "+keyPath(r.key()...), ErrNotFound, "no such rule", err)
	}
	return fail(op+" "+keyPath(r.key()...), err)
}
