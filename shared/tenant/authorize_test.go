package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

// The sample account trusts the platform account's root with this ExternalId.
const (
	tenantAccount = "1357924680135792"
	roleARN       = "acs:ram::1357924680135792:role/cspmauditrole"
	externalID    = "acme-retail-7f3c"
)

type authRig struct {
	a     *Authorizer
	cloud *cloudsim.Server
	now   time.Time
}

func newAuthRig(t *testing.T, faults cloudsim.Faults) *authRig {
	t.Helper()
	inv, err := cloudsim.LoadInventory("../../local/cloudsim/testdata/sample-account.json")
	if err != nil {
		t.Fatal(err)
	}
	cloud, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Principal: "acs:ram::1234567890123456:user/cspm-platform", Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cloud.Close() })
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	r := &authRig{cloud: cloud, now: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)}
	r.a = &Authorizer{
		Store: storetest.NewStore(t, ots.Client(), nil, "cspm_tenants", "cspm_quota", "cspm_usage"),
		Cloud: collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: cloud.Addr()},
		Now:   func() time.Time { return r.now },
	}
	return r
}

func request(mut func(*AuthorizeRequest)) []byte {
	r := AuthorizeRequest{TenantID: "acme-retail", AccountID: tenantAccount, Site: SiteChina, RoleARN: roleARN,
		ExternalID: externalID, Plan: entitlement.Plan{Edition: entitlement.Basic, CSPM: entitlement.Subscription, CSPMTerm: "sub-2026", CSPMQuota: 1000},
		Regions: []string{"cn-hangzhou", "cn-shanghai"}, Products: []string{"ecs", "vpc"}}
	if mut != nil {
		mut(&r)
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}

func TestAuthorize(t *testing.T) {
	r := newAuthRig(t, cloudsim.Faults{})
	ctx := context.Background()
	res, err := r.a.Handle(ctx, request(func(q *AuthorizeRequest) { q.CreateServiceLinkedRole = true }))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if res.Status != "authorized" || len(res.Readable) != 2 || res.Unreadable != nil || res.ServiceLinkedRole != "created" {
		t.Fatalf("authorize = %+v; want authorized, ecs and vpc readable, the service-linked role created", res)
	}
	got, err := r.a.Store.GetTenant(ctx, "acme-retail")
	if err != nil {
		t.Fatal(err)
	}
	if !got.AuthorizedAt.Equal(r.now) || got.Permissions["ecs"] != "ok" || got.ExternalID != externalID || got.RoleARN != roleARN {
		t.Fatalf("stored tenant = %+v; want authorized now with its role, ExternalId and permission matrix", got)
	}
	if strings.Contains(string(mustJSON(t, res)), externalID) {
		t.Errorf("the result shows the ExternalId: %s", mustJSON(t, res))
	}

	// Re-authorizing is idempotent and keeps the first authorization time.
	first := r.now
	r.now = r.now.Add(48 * time.Hour)
	res, err = r.a.Handle(ctx, request(func(q *AuthorizeRequest) { q.CreateServiceLinkedRole = true }))
	if err != nil {
		t.Fatalf("re-authorize: %v", err)
	}
	if res.ServiceLinkedRole != "exists" || res.AuthorizedAt != first.Format(time.RFC3339) {
		t.Errorf("re-authorize = %+v; want the role to exist already and authorized_at %s kept", res, first.Format(time.RFC3339))
	}

	// Revoking stops scheduling and keeps the data.
	res, err = r.a.Handle(ctx, []byte(`{"tenant_id":"acme-retail","account_id":"`+tenantAccount+`","site":"cn","revoke":true}`))
	if err != nil || res.Status != "revoked" {
		t.Fatalf("revoke = %+v, %v; want revoked", res, err)
	}
	got, err = r.a.Store.GetTenant(ctx, "acme-retail")
	if err != nil || got.RevokedAt.IsZero() || !got.AuthorizedAt.Equal(first) || got.Permissions["vpc"] != "ok" {
		t.Fatalf("tenant after revoke = %+v, %v; want revoked_at set and everything else kept", got, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAuthorizePartlyReadable: a product the role cannot read is listed with what to
// grant, and the rest is authorized.
func TestAuthorizePartlyReadable(t *testing.T) {
	r := newAuthRig(t, cloudsim.Faults{PermissionDenied: map[string]bool{"Vpc": true}})
	res, err := r.a.Handle(context.Background(), request(nil))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	msg := res.Unreadable["vpc"]
	if len(res.Readable) != 1 || res.Readable[0] != "ecs" || !strings.Contains(msg, "vpc:DescribeVpcs") {
		t.Fatalf("authorize = %+v; want ecs readable and vpc unreadable with the vpc actions to grant", res)
	}
	got, err := r.a.Store.GetTenant(context.Background(), "acme-retail")
	if err != nil || got.Permissions["vpc"] != "denied" {
		t.Fatalf("stored permissions = %v, %v; want vpc denied", got.Permissions, err)
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	tests := []struct {
		name   string
		faults cloudsim.Faults
		req    []byte
		want   string
	}{
		{"wrong ExternalId", cloudsim.Faults{}, request(func(q *AuthorizeRequest) { q.ExternalID = "not-the-right-one" }), "external_id must equal"},
		{"missing role", cloudsim.Faults{}, request(func(q *AuthorizeRequest) { q.RoleARN = "acs:ram::1357924680135792:role/nosuchrole" }), "does not exist"},
		{"role of another account", cloudsim.Faults{}, request(func(q *AuthorizeRequest) { q.RoleARN = "acs:ram::1111222233334444:role/x" }), "belongs to account 1111222233334444"},
		{"nothing readable", cloudsim.Faults{PermissionDenied: map[string]bool{"Ecs": true, "Vpc": true}}, request(nil), "can read none"},
		{"unknown field", cloudsim.Faults{}, []byte(`{"tenant_id":"acme-retail","password":"x"}`), `unknown field "password"`},
		{"malformed", cloudsim.Faults{}, []byte(`{"tenant_id":`), "decode request"},
		{"unknown product", cloudsim.Faults{}, request(func(q *AuthorizeRequest) { q.Products = []string{"s3"} }), `unknown product "s3"`},
		{"bad billing", cloudsim.Faults{}, request(func(q *AuthorizeRequest) { q.Plan.CSPM = "free" }), `plan.cspm "free"`},
		{"subscription without a term", cloudsim.Faults{}, request(func(q *AuthorizeRequest) { q.Plan.CSPMTerm = "" }), "plan.cspm_term: missing"},
		{"plan as a word", cloudsim.Faults{}, []byte(`{"tenant_id":"acme-retail","plan":"cspm-subscription"}`), "decode request"},
		{"revoke unknown tenant", cloudsim.Faults{}, []byte(`{"tenant_id":"ghost","account_id":"1357924680135792","site":"cn","revoke":true}`), "no such tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newAuthRig(t, tt.faults)
			_, err := r.a.Handle(context.Background(), tt.req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("authorize = %v; want an error mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), externalID) {
				t.Errorf("the error shows the ExternalId: %v", err)
			}
			if _, err := r.a.Store.GetTenant(context.Background(), "acme-retail"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a refused authorization recorded the tenant (GetTenant err %v)", err)
			}
		})
	}
}

// TestOneBillingMethodAtATime: a tenant on a running CSPM subscription cannot move to
// pay-as-you-go by re-authorizing; unsubscribing (CSPM none) is allowed and forfeits
// the unused quota; from none, pay-as-you-go is allowed.
func TestOneBillingMethodAtATime(t *testing.T) {
	r := newAuthRig(t, cloudsim.Faults{})
	ctx := context.Background()
	sub := entitlement.Plan{Edition: entitlement.Basic, CSPM: entitlement.Subscription, CSPMTerm: "sub-2026", CSPMQuota: 1000,
		CSPMExpiresAt: r.now.AddDate(1, 0, 0)}
	with := func(p entitlement.Plan) []byte { return request(func(q *AuthorizeRequest) { q.Plan = p }) }
	if _, err := r.a.Handle(ctx, with(sub)); err != nil {
		t.Fatal(err)
	}
	// 30 units used of the term.
	row, err := r.a.Store.GetTenant(ctx, "acme-retail")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := PlanOf(row)
	acct, _ := QuotaAccount(row, p, r.now)
	l := quota.New(r.a.Store, nil)
	for i := range 30 {
		k := quota.ChargeKey{TenantID: "acme-retail", Site: "cn", TaskID: "t", ItemID: "ack_cluster_private", InstanceID: fmt.Sprint("c-", i), Operation: entitlement.Scan}
		if _, err := l.Charge(ctx, k, acct.Billing); err != nil {
			t.Fatal(err)
		}
	}
	payg := entitlement.Plan{Edition: entitlement.Basic, CSPM: entitlement.PayAsYouGo}
	if _, err := r.a.Handle(ctx, with(payg)); !errors.Is(err, entitlement.ErrSubscriptionActive) {
		t.Fatalf("re-authorize on pay-as-you-go during the subscription = %v; want ErrSubscriptionActive", err)
	}
	if got, _ := r.a.Store.GetTenant(ctx, "acme-retail"); got.BillingMethod != "subscription" {
		t.Errorf("after the refusal the tenant bills by %q; want subscription kept", got.BillingMethod)
	}
	res, err := r.a.Handle(ctx, with(entitlement.Plan{Edition: entitlement.Basic, CSPM: entitlement.NoCSPM}))
	if err != nil || res.ForfeitedUnits != 970 {
		t.Fatalf("unsubscribe = %+v, %v; want 970 units forfeited (1000 bought, 30 used)", res, err)
	}
	if _, err := r.a.Handle(ctx, with(payg)); err != nil {
		t.Fatalf("pay-as-you-go after unsubscribing: %v", err)
	}
}
