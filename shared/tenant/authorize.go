package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// AuthorizeRequest onboards one account: the role the service assumes in it, the
// ExternalId that role's trust policy demands, and the plan it bought. Revoke stops
// scheduling for the tenant and keeps its data.
type AuthorizeRequest struct {
	TenantID   string `json:"tenant_id"`
	AccountID  string `json:"account_id"`
	Site       Site   `json:"site"`
	RoleARN    string `json:"role_arn"`
	ExternalID string `json:"external_id"`
	// Plan is what the account bought: edition, CSPM billing method and, for a
	// subscription, its term and quota. Authorization fields in it are ignored.
	Plan     entitlement.Plan `json:"plan"`
	Regions  []string         `json:"regions"`
	Products []string         `json:"products,omitempty"` // default: every product
	Policy   string           `json:"policy,omitempty"`   // default: cis-v2
	// CreateServiceLinkedRole creates AliyunServiceRoleForSasCspm in the tenant account.
	CreateServiceLinkedRole bool `json:"create_service_linked_role,omitempty"`
	Revoke                  bool `json:"revoke,omitempty"`
}

var roleARNPattern = regexp.MustCompile(`^acs:ram::([0-9]{16}):role/[A-Za-z0-9._-]{1,64}$`)

// Validate says what is wrong with r, naming the field.
func (r AuthorizeRequest) Validate() error {
	errs := checkIdentity(r.TenantID, r.AccountID, r.Site)
	if r.Revoke {
		return errors.Join(errs...)
	}
	if m := roleARNPattern.FindStringSubmatch(r.RoleARN); m == nil {
		errs = append(errs, fmt.Errorf("role_arn %q: want acs:ram::<account id>:role/<name>", r.RoleARN))
	} else if m[1] != r.AccountID {
		errs = append(errs, fmt.Errorf("role_arn %q: the role belongs to account %s, not %s", r.RoleARN, m[1], r.AccountID))
	}
	if n := len(r.ExternalID); n < 8 || n > 128 {
		errs = append(errs, fmt.Errorf("external_id: want 8 to 128 characters, got %d", n))
	}
	if err := r.Plan.Validate(); err != nil {
		errs = append(errs, err)
	}
	t := r.tenant()
	if err := t.Validate(); err != nil {
		errs = append(errs, errors.Unwrap(err))
	}
	return errors.Join(errs...)
}

// tenant is the scheduling view of the request, with defaults applied.
func (r AuthorizeRequest) tenant() Tenant {
	t := Tenant{ID: r.TenantID, AccountID: r.AccountID, Site: r.Site, Regions: r.Regions, Products: r.Products, Policy: r.Policy}
	if len(t.Products) == 0 {
		t.Products = Products
	}
	if t.Policy == "" {
		t.Policy = "cis-v2"
	}
	return t
}

// AuthorizeResult is what onboarding found and recorded.
type AuthorizeResult struct {
	TenantID     string            `json:"tenant_id"`
	AccountID    string            `json:"account_id"`
	Status       string            `json:"status"` // authorized or revoked
	AuthorizedAt string            `json:"authorized_at,omitempty"`
	Readable     []string          `json:"readable,omitempty"`
	Unreadable   map[string]string `json:"unreadable,omitempty"` // product → what is wrong and what to grant
	// ServiceLinkedRole is "created" or "exists" when it was asked for.
	ServiceLinkedRole string `json:"service_linked_role,omitempty"`
	// ForfeitedUnits is the unused quota of a CSPM subscription left by this
	// re-authorization (unsubscribed, or switched to pay-as-you-go after it expired).
	ForfeitedUnits int64 `json:"forfeited_units,omitempty"`
}

// Authorizer is the authorize function.
type Authorizer struct {
	Store *store.Store
	// Cloud holds the platform's own credentials and the endpoint every cloud client
	// uses (empty: production).
	Cloud collect.Config
	Now   func() time.Time
}

func (a *Authorizer) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

// Handle is the function's entry point.
func (a *Authorizer) Handle(ctx context.Context, raw json.RawMessage) (AuthorizeResult, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var r AuthorizeRequest
	if err := dec.Decode(&r); err != nil {
		return AuthorizeResult{}, fmt.Errorf("authorize: decode request: %w", err)
	}
	if err := r.Validate(); err != nil {
		return AuthorizeResult{}, fmt.Errorf("authorize: %w", err)
	}
	if r.Revoke {
		return a.revoke(ctx, r)
	}
	return a.authorize(ctx, r)
}

func (a *Authorizer) revoke(ctx context.Context, r AuthorizeRequest) (AuthorizeResult, error) {
	t, err := a.Store.GetTenant(ctx, r.TenantID)
	if err != nil {
		return AuthorizeResult{}, fmt.Errorf("authorize: revoke %s: %w", r.TenantID, err)
	}
	if t.AccountID != r.AccountID {
		return AuthorizeResult{}, fmt.Errorf("authorize: revoke %s: the tenant is account %s, not %s", r.TenantID, t.AccountID, r.AccountID)
	}
	t.RevokedAt = a.now()
	if err := a.Store.PutTenant(ctx, t); err != nil {
		return AuthorizeResult{}, fmt.Errorf("authorize: revoke %s: %w", r.TenantID, err)
	}
	return AuthorizeResult{TenantID: t.TenantID, AccountID: t.AccountID, Status: "revoked"}, nil
}

func (a *Authorizer) authorize(ctx context.Context, r AuthorizeRequest) (AuthorizeResult, error) {
	t := r.tenant()
	fail := func(format string, args ...any) (AuthorizeResult, error) {
		return AuthorizeResult{}, fmt.Errorf("authorize %s: "+format, append([]any{r.TenantID}, args...)...)
	}
	// The role: assume it (trust policy and ExternalId), then ask who we are.
	cfg := a.Cloud
	if _, err := collect.AssumeRole(ctx, cfg, r.RoleARN, r.ExternalID, "cspm-authorize"); err != nil {
		return fail("%s", explainAssume(r, err))
	}
	cfg.Credentials = collect.RoleCredentials(a.Cloud, r.RoleARN, r.ExternalID, "cspm-authorize")
	c := collect.New(cfg)
	defer c.Close()
	id, err := c.CallerIdentity(ctx, r.AccountID)
	if err != nil {
		return fail("confirm the account with GetCallerIdentity: %w", err)
	}
	if id.AccountID != r.AccountID {
		return fail("role %s is in account %s, not %s", r.RoleARN, id.AccountID, r.AccountID)
	}
	// What the role can read: one cheap call per product.
	res := AuthorizeResult{TenantID: r.TenantID, AccountID: r.AccountID, Status: "authorized", Unreadable: map[string]string{}}
	perms := map[string]string{}
	for _, p := range t.Products {
		region := t.Regions[0]
		if Global(p) {
			region = ""
		}
		err := c.Probe(ctx, r.AccountID, region, p)
		switch {
		case err == nil:
			perms[p] = "ok"
			res.Readable = append(res.Readable, p)
		case errors.Is(err, collect.ErrPermission):
			perms[p] = "denied"
			res.Unreadable[p] = fmt.Sprintf("%v; grant %s (infra/ram/tenant-scan-policy.json)", err, strings.Join(scanActions(p), ", "))
		default:
			perms[p] = "unknown"
			res.Unreadable[p] = fmt.Sprintf("could not check: %v", err)
		}
	}
	if len(res.Readable) == 0 {
		return fail("role %s can read none of %v: attach infra/ram/tenant-scan-policy.json to it (%v)", r.RoleARN, t.Products, res.Unreadable)
	}
	if r.CreateServiceLinkedRole {
		created, err := c.CreateServiceLinkedRole(ctx, r.AccountID)
		if err != nil {
			return fail("%w", err)
		}
		res.ServiceLinkedRole = map[bool]string{true: "created", false: "exists"}[created]
	}
	// The first authorization time stays: the legacy free-item set depends on it.
	authorizedAt := a.now()
	prev, err := a.Store.GetTenant(ctx, r.TenantID)
	switch {
	case err == nil:
		if prev.AccountID != r.AccountID {
			return fail("tenant id is already used by account %s", prev.AccountID)
		}
		if !prev.AuthorizedAt.IsZero() {
			authorizedAt = prev.AuthorizedAt
		}
	case !errors.Is(err, store.ErrNotFound):
		return fail("%w", err)
	}
	// One CSPM billing method at a time: a running subscription must expire or be
	// unsubscribed before pay-as-you-go, and leaving it forfeits its unused quota.
	if old, err := PlanOf(prev); err == nil && billingOf(old) != billingOf(r.Plan) {
		if acct, ok := QuotaAccount(prev, old, a.now()); ok && acct.Billing.Method == entitlement.Subscription {
			if old.CSPMUsed, err = quota.New(a.Store, nil).Used(ctx, acct); err != nil {
				return fail("%w", err)
			}
		}
		_, f, err := entitlement.SwitchBilling(old, billingOf(r.Plan), a.now())
		if err != nil {
			return fail("%w", err)
		}
		res.ForfeitedUnits = f.Units
	}
	row, err := r.Row(prev, authorizedAt, perms)
	if err != nil {
		return fail("%w", err)
	}
	if err := a.Store.PutTenant(ctx, row); err != nil {
		return fail("%w", err)
	}
	res.AuthorizedAt = authorizedAt.Format(time.RFC3339)
	if len(res.Unreadable) == 0 {
		res.Unreadable = nil
	}
	return res, nil
}

// Row is the tenant row an authorization at authorizedAt records, given the row it
// replaces (zero if none) and the permission matrix it found.
func (r AuthorizeRequest) Row(prev store.Tenant, authorizedAt time.Time, perms map[string]string) (store.Tenant, error) {
	t := r.tenant()
	plan, err := planToStore(r.Plan, prev, authorizedAt)
	if err != nil {
		return store.Tenant{}, fmt.Errorf("plan: %w", err)
	}
	return store.Tenant{
		TenantID: t.ID, AccountID: t.AccountID, Site: string(t.Site), Regions: t.Regions, Products: t.Products,
		Policy: t.Policy, Plan: plan, BillingMethod: string(billingOf(r.Plan)), RoleARN: r.RoleARN, ExternalID: r.ExternalID,
		Permissions: perms, AuthorizedAt: authorizedAt,
	}, nil
}

// planToStore is the plan as the tenant row keeps it: what was bought, with the legacy
// free-item set of the account's first authorization (kept from the previous row: it
// depends on the original edition, not today's), and no authorization fields (they
// are the row's own).
func planToStore(p entitlement.Plan, prev store.Tenant, authorizedAt time.Time) (string, error) {
	p.Authorized, p.AuthorizedAt, p.CSPMUsed = false, time.Time{}, 0
	p.LegacyFreeSet = entitlement.LegacyFreeSetFor(p.Edition, authorizedAt)
	if old, err := PlanOf(prev); err == nil && !prev.AuthorizedAt.IsZero() {
		p.LegacyFreeSet = old.LegacyFreeSet
	}
	b, err := json.Marshal(p)
	return string(b), err
}

func billingOf(p entitlement.Plan) entitlement.Billing {
	if p.CSPM == "" {
		return entitlement.NoCSPM
	}
	return p.CSPM
}

// explainAssume turns an AssumeRole failure into what to do about it.
func explainAssume(r AuthorizeRequest, err error) string {
	var e *collect.Error
	if errors.As(err, &e) {
		switch {
		case e.ErrorCode == "EntityNotExist.Role" || errors.Is(err, collect.ErrNotFound):
			return fmt.Sprintf("role %s does not exist in account %s: create it with the trust policy infra/ram/tenant-trust-policy.json (%v)", r.RoleARN, r.AccountID, err)
		case strings.HasPrefix(e.ErrorCode, "AuthenticationFail"):
			return fmt.Sprintf("role %s refused the ExternalId: external_id must equal the sts:ExternalId in its trust policy (%v)", r.RoleARN, err)
		case errors.Is(err, collect.ErrPermission):
			return fmt.Sprintf("role %s does not trust the CSPM service: its trust policy must name the service role, as infra/ram/tenant-trust-policy.json does (%v)", r.RoleARN, err)
		}
	}
	return fmt.Sprintf("assume role %s: %v", r.RoleARN, err)
}

// productPrefixes maps a product to the RAM action prefixes that read it.
var productPrefixes = map[string][]string{
	"ecs": {"ecs"}, "vpc": {"vpc"}, "slb": {"slb"}, "alb": {"alb"}, "nlb": {"nlb"}, "ram": {"ram", "ims"}, "oss": {"oss"},
	"rds": {"rds"}, "redis": {"kvstore"}, "mongodb": {"dds"}, "polardb": {"polardb"}, "actiontrail": {"actiontrail"}, "sls": {"log"}, "kms": {"kms"},
	"ack": {"cs"}, "sas": {"yundun-sas"},
}

// scanActions lists the read actions the scan policy grants for a product.
func scanActions(product string) []string {
	p, err := infra.LoadPolicy("tenant-scan-policy")
	if err != nil {
		return []string{"the actions of infra/ram/tenant-scan-policy.json"}
	}
	var out []string
	for _, s := range p.Statement {
		for _, a := range s.Action {
			prefix, _, _ := strings.Cut(a, ":")
			if slices.Contains(productPrefixes[product], prefix) {
				out = append(out, a)
			}
		}
	}
	return out
}

// AuthorizerFromEnv builds the authorize function from its environment: the store
// (store.FromEnv) and the cloud settings (collect.ConfigFromEnv).
func AuthorizerFromEnv() (*Authorizer, error) {
	st, err := store.FromEnv()
	if err != nil {
		return nil, fmt.Errorf("authorize: %w", err)
	}
	return &Authorizer{Store: st, Cloud: collect.ConfigFromEnv()}, nil
}
