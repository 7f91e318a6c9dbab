package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Tenant is one onboarded Alibaba Cloud account on one site. It holds no secrets: the
// service reaches the account by assuming RoleARN.
type Tenant struct {
	TenantID      string
	AccountID     string
	Site          string // "cn" (Chinese Mainland) or "intl"
	Regions       []string
	Products      []string
	Policy        string // check policy
	Plan          string // what the tenant bought: an entitlement.Plan as JSON (tenant.PlanOf reads it)
	BillingMethod string // "subscription" or "payg"
	RoleARN       string
	// ExternalID is what the tenant role's trust policy demands in sts:ExternalId.
	// Not a credential, but it is never logged or shown.
	ExternalID string
	// Permissions maps a product to "ok" or to why the role cannot read it, as the
	// last authorization found.
	Permissions  map[string]string
	AuthorizedAt time.Time // first authorization; zero until the account has authorized
	RevokedAt    time.Time // set when the tenant revoked: nothing is scheduled, data is kept
	UpdatedAt    time.Time // set by PutTenant
}

func (t Tenant) validate(c *checker) {
	c.key("tenant_id", t.TenantID)
	for _, x := range []struct{ name, v string }{
		{"account_id", t.AccountID}, {"site", t.Site}, {"policy", t.Policy}, {"plan", t.Plan},
		{"billing_method", t.BillingMethod}, {"role_arn", t.RoleARN}, {"external_id", t.ExternalID},
	} {
		c.text(x.name, x.v)
	}
	for p, v := range t.Permissions {
		c.key("permissions[]", p)
		c.text("permissions["+p+"]", v)
	}
	for _, r := range t.Regions {
		c.key("regions[]", r)
	}
	for _, p := range t.Products {
		c.key("products[]", p)
	}
}

// PutTenant creates or replaces a tenant and sets its UpdatedAt.
func (s *Store) PutTenant(ctx context.Context, t Tenant) error {
	const op = "put tenant"
	var c checker
	t.validate(&c)
	if err := c.err(op, t.TenantID); err != nil {
		return err
	}
	regions, err := encodeList(t.Regions)
	if err != nil {
		return fail(op+" "+t.TenantID, err)
	}
	products, err := encodeList(t.Products)
	if err != nil {
		return fail(op+" "+t.TenantID, err)
	}
	perms := "{}"
	if len(t.Permissions) > 0 {
		b, err := json.Marshal(t.Permissions)
		if err != nil {
			return fail(op+" "+t.TenantID, err)
		}
		perms = string(b)
	}
	cols := []col{
		{"account_id", t.AccountID}, {"site", t.Site}, {"regions", regions}, {"products", products},
		{"policy", t.Policy}, {"plan", t.Plan}, {"billing_method", t.BillingMethod}, {"role_arn", t.RoleARN},
		{"external_id", t.ExternalID}, {"permissions", perms},
		{"authorized_at", millis(t.AuthorizedAt)}, {"revoked_at", millis(t.RevokedAt)}, {"updated_at", millis(s.now())},
	}
	err = s.putRow(ctx, s.putChange(tenantsTable, []string{t.TenantID}, cols, tablestore.RowExistenceExpectation_IGNORE))
	return fail(op+" "+t.TenantID, err)
}

// GetTenant reads a tenant; ErrNotFound if there is none.
func (s *Store) GetTenant(ctx context.Context, tenantID string) (Tenant, error) {
	const op = "get tenant"
	var c checker
	c.key("tenant_id", tenantID)
	if err := c.err(op, tenantID); err != nil {
		return Tenant{}, err
	}
	r, ok, err := s.getRow(ctx, tenantsTable, []string{tenantID})
	if err != nil {
		return Tenant{}, fail(op+" "+tenantID, err)
	}
	if !ok {
		return Tenant{}, failf(op+" "+tenantID, ErrNotFound, "no such tenant")
	}
	t, err := tenantOf(r)
	if err != nil {
		return Tenant{}, fail(op+" "+tenantID, err)
	}
	return t, nil
}

// ListTenants returns every tenant in tenant id order.
func (s *Store) ListTenants(ctx context.Context) ([]Tenant, error) {
	var out []Tenant
	err := s.scan(ctx, tenantsTable, nil, nil, func(r row) error {
		t, err := tenantOf(r)
		out = append(out, t)
		return err
	})
	if err != nil {
		return nil, fail("list tenants", err)
	}
	return out, nil
}

func tenantOf(r row) (Tenant, error) {
	t := Tenant{
		TenantID: r.str("tenant_id"), AccountID: r.str("account_id"), Site: r.str("site"),
		Policy: r.str("policy"), Plan: r.str("plan"), BillingMethod: r.str("billing_method"),
		RoleARN: r.str("role_arn"), ExternalID: r.str("external_id"), AuthorizedAt: r.time("authorized_at"),
		RevokedAt: r.time("revoked_at"), UpdatedAt: r.time("updated_at"),
	}
	if p := r.str("permissions"); p != "" && p != "{}" {
		if err := json.Unmarshal([]byte(p), &t.Permissions); err != nil {
			return t, fmt.Errorf("column permissions: %w", err)
		}
	}
	var err error
	if t.Regions, err = decodeList(r, "regions"); err != nil {
		return t, err
	}
	t.Products, err = decodeList(r, "products")
	return t, err
}

// encodeList stores a list of strings as a JSON array column.
func encodeList(v []string) (string, error) {
	if v == nil {
		v = []string{}
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// decodeList reads a JSON array column; a missing column or an empty list is nil.
func decodeList(r row, name string) ([]string, error) {
	s := r.str(name)
	if s == "" {
		return nil, nil
	}
	var v []string
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("column %s: %w", name, err)
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}
