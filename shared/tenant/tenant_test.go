package tenant

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func good() Tenant {
	return Tenant{ID: "acme", AccountID: "1234567890123456", Site: SiteChina, Regions: []string{"cn-hangzhou"}, Products: []string{"ecs", "ram"}, Policy: "cis-v2"}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Tenant)
		wantErr string
	}{
		{"good", func(*Tenant) {}, ""},
		{"upper-case id", func(x *Tenant) { x.ID = "Acme" }, "tenant_id"},
		{"path in id", func(x *Tenant) { x.ID = "../etc" }, "tenant_id"},
		{"short account", func(x *Tenant) { x.AccountID = "123" }, "account_id"},
		{"unknown site", func(x *Tenant) { x.Site = "eu" }, "site"},
		{"no regions", func(x *Tenant) { x.Regions = nil }, "regions"},
		{"bad region", func(x *Tenant) { x.Regions = []string{"hangzhou<script>"} }, "regions"},
		{"unknown product", func(x *Tenant) { x.Products = []string{"ecs", "s3"} }, `unknown product "s3"`},
		{"no policy", func(x *Tenant) { x.Policy = "" }, "policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := good()
			tt.mutate(&x)
			err := x.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v; want an error mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
	}{
		{"good", `{"tenants":[{"tenant_id":"a","account_id":"1234567890123456","site":"cn","regions":["cn-hangzhou"],"products":["ecs"],"policy":"cis-v2"}]}`, ""},
		{"unknown field", `{"tenants":[],"extra":1}`, `unknown field "extra"`},
		{"truncated", `{"tenants":[{"tenant_id":"a"`, "unexpected EOF"},
		{"invalid tenant", `{"tenants":[{"tenant_id":"a","account_id":"1","site":"cn","regions":["cn-hangzhou"],"products":["ecs"],"policy":"p"}]}`, "tenants[0]"},
		{"duplicate", `{"tenants":[{"tenant_id":"a","account_id":"1234567890123456","site":"cn","regions":["cn-hangzhou"],"products":["ecs"],"policy":"p"},{"tenant_id":"a","account_id":"1234567890123457","site":"cn","regions":["cn-hangzhou"],"products":["ecs"],"policy":"p"}]}`, "duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "tenants.json")
			if err := os.WriteFile(p, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			ts, err := LoadFile(p)
			if tt.wantErr == "" {
				if err != nil || len(ts) != 1 {
					t.Fatalf("LoadFile = %v, %v; want 1 tenant", ts, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("LoadFile = %v; want an error mentioning %q", err, tt.wantErr)
			}
		})
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("LoadFile(missing) = nil error; want one")
	}
}
