package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Asset is one cloud resource of a tenant as a scan saw it. The key is (TenantID,
// Product, AssetID).
type Asset struct {
	TenantID   string
	Product    string // e.g. "ecs", "oss"
	AssetID    string // the resource id (instance id, bucket name, …)
	Site       string
	Region     string
	Type       string // e.g. "ALIYUN::ECS::Instance"
	Name       string
	Attributes string // one JSON value, or ""
	TaskID     string
	SeenAt     time.Time // when the scan saw it; defaults to now
}

func (a Asset) key() []string { return []string{a.TenantID, a.Product, a.AssetID} }

// PutAssets creates or replaces assets, at most 200 rows per request. All assets are
// validated first; one bad asset, or two with the same key, fails the call with
// ErrInvalid and writes nothing.
func (s *Store) PutAssets(ctx context.Context, as []Asset) (WriteStats, error) {
	const op = "put assets"
	seen := make(map[[3]string]int, len(as))
	for i, a := range as {
		var c checker
		c.key("tenant_id", a.TenantID)
		c.key("product", a.Product)
		c.key("asset_id", a.AssetID)
		for _, x := range []struct{ name, v string }{
			{"site", a.Site}, {"region", a.Region}, {"type", a.Type}, {"name", a.Name}, {"task_id", a.TaskID},
		} {
			c.text(x.name, x.v)
		}
		c.json("attributes", a.Attributes)
		k := [3]string{a.TenantID, a.Product, a.AssetID}
		if j, dup := seen[k]; dup {
			c.check(false, "same key as asset %d", j)
		}
		seen[k] = i
		if err := c.err(op, fmt.Sprintf("asset %d %s", i, keyPath(a.key()...))); err != nil {
			return WriteStats{}, err
		}
	}
	now := s.now()
	ops := make([]*writeOp, len(as))
	for i, a := range as {
		if a.SeenAt.IsZero() {
			a.SeenAt = now
		}
		cols := []col{
			{"site", a.Site}, {"region", a.Region}, {"type", a.Type}, {"name", a.Name},
			{"attributes", a.Attributes}, {"task_id", a.TaskID}, {"seen_at", millis(a.SeenAt)},
		}
		ops[i] = &writeOp{
			key:    keyPath(a.key()...),
			change: s.putChange(assetsTable, a.key(), cols, tablestore.RowExistenceExpectation_IGNORE),
			size:   opSize(a.key(), cols),
		}
	}
	if len(ops) == 0 {
		return WriteStats{}, nil
	}
	return s.writeBatch(ctx, op, ops)
}

// ListAssets returns every asset of a tenant in key order (product, then asset id).
func (s *Store) ListAssets(ctx context.Context, tenantID string) ([]Asset, error) {
	return s.listAssets(ctx, tenantID)
}

// ListProductAssets returns a tenant's assets of one product ("ecs"), in asset id order.
func (s *Store) ListProductAssets(ctx context.Context, tenantID, product string) ([]Asset, error) {
	return s.listAssets(ctx, tenantID, product)
}

func (s *Store) listAssets(ctx context.Context, tenantID string, product ...string) ([]Asset, error) {
	const op = "list assets"
	var c checker
	c.key("tenant_id", tenantID)
	for _, p := range product {
		c.key("product", p)
	}
	if err := c.err(op, tenantID); err != nil {
		return nil, err
	}
	var out []Asset
	err := s.scan(ctx, assetsTable, append([]string{tenantID}, product...), nil, func(r row) error {
		out = append(out, Asset{
			TenantID: r.str("tenant_id"), Product: r.str("product"), AssetID: r.str("asset_id"),
			Site: r.str("site"), Region: r.str("region"), Type: r.str("type"), Name: r.str("name"),
			Attributes: r.str("attributes"), TaskID: r.str("task_id"), SeenAt: r.time("seen_at"),
		})
		return nil
	})
	if err != nil {
		return nil, fail(op+" "+tenantID, err)
	}
	return out, nil
}
