package remediate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHandle: a job is validated strictly, its item looked up, and the tenant's plan
// asked (shared/entitlement); an allowed fix is then refused as not available in this
// build. Each refusal says why.
func TestHandle(t *testing.T) {
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	st := storetest.NewStore(t, ots.Client(), nil)
	ctx := context.Background()
	put := func(id, plan string) {
		if err := st.PutTenant(ctx, store.Tenant{TenantID: id, AccountID: "1357924680135792", Site: "cn", Plan: plan,
			AuthorizedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	put("t-acme-001", `{"edition":"basic","cspm":"payg"}`) // the samples' tenant
	put("no-cspm", `{"edition":"enterprise","cspm":"none"}`)
	job := func(tenant, item string) []byte {
		return []byte(`{"version":1,"tenant_id":"` + tenant + `","finding_id":"f-1","item_id":"` + item +
			`","resource_id":"i-bp1acmeweb01","region":"cn-hangzhou","action":"fix","requested_by":"alice@acme.example","created_at":"2026-11-24T02:00:00Z"}`)
	}
	tests := []struct {
		name    string
		body    []byte
		want    error // nil: no sentinel
		wantSub string
	}{
		{"direct job", read(t, "fix-job.json"), ErrNotAvailable, "fix oss_bucket_not_public"},
		{"queue batch", read(t, "mns-fix-batch.json"), ErrNotAvailable, "fix"},
		{"free config fix without CSPM", job("no-cspm", "oss_bucket_not_public"), ErrRefused, "fix of free config items needs CSPM"},
		{"baseline fix in the edition", job("no-cspm", "host.ssh.permit_root_login"), ErrNotAvailable, "host.ssh.permit_root_login"},
		{"unknown item", job("t-acme-001", "oss-bucket-public-read"), nil, `unknown check item "oss-bucket-public-read"`},
		{"unknown tenant", job("ghost", "oss_bucket_not_public"), store.ErrNotFound, "ghost"},
		{"unknown field", []byte(`{"version":1,"tenant_id":"acme","oops":1}`), nil, "oops"},
		{"shard batch is not a fix", read(t, "mns-shard-batch.json"), nil, "remediate"},
		{"empty batch", []byte(`[]`), nil, "empty batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := (&Handler{Store: st}).Handle(ctx, tt.body)
			if err == nil || !strings.Contains(err.Error(), tt.wantSub) {
				t.Fatalf("Handle = %v; want an error mentioning %q", err, tt.wantSub)
			}
			for _, sentinel := range []error{ErrNotAvailable, ErrRefused, store.ErrNotFound} {
				if got, want := errors.Is(err, sentinel), sentinel == tt.want; got != want {
					t.Errorf("errors.Is(err, %v) = %v; want %v (err %v)", sentinel, got, want, err)
				}
			}
		})
	}
}
