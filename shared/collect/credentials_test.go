package collect_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

const (
	platform  = "acs:ram::1234567890123456:user/cspm-platform"
	auditRole = "acs:ram::1357924680135792:role/cspmauditrole"
	acme      = "1357924680135792"
)

func TestAssumeRole(t *testing.T) {
	clock := newFakeClock()
	srv := start(t, cloudsim.Options{Inventory: sample(t), Principal: platform, Now: clock.Now})
	cfg := collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
		Endpoint: srv.Addr(), Clock: clock}
	ctx := context.Background()

	tests := []struct {
		name     string
		role     string
		external string
		code     collect.Code // Unknown = success
		sentinel error
		apiCode  string
	}{
		{"right external ID", auditRole, "acme-retail-7f3c", collect.Unknown, nil, ""},
		{"wrong external ID", auditRole, "wrong", collect.PermissionDenied, collect.ErrPermission, "AuthenticationFail.NoPermission"},
		{"untrusted role", "acs:ram::1357924680135792:role/acmeapprole", "", collect.PermissionDenied, collect.ErrPermission, "NoPermission"},
		{"no such role", "acs:ram::1357924680135792:role/ghost", "", collect.NotFound, collect.ErrNotFound, "EntityNotExist.Role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			creds, err := collect.AssumeRole(ctx, cfg, tt.role, tt.external, "cspm-scan")
			if tt.sentinel == nil {
				if err != nil {
					t.Fatalf("AssumeRole(%s, %q): %v", tt.role, tt.external, err)
				}
				if creds.SecurityToken == "" || !creds.Expiration.Equal(clock.Now().Add(time.Hour)) {
					t.Errorf("credentials %+v; want a token expiring in an hour", creds)
				}
				return
			}
			var e *collect.Error
			if !errors.Is(err, tt.sentinel) || collect.ErrorCode(err) != tt.code || !errors.As(err, &e) || e.ErrorCode != tt.apiCode {
				t.Errorf("AssumeRole(%s, %q) = %v; want %s (%s)", tt.role, tt.external, err, tt.code, tt.apiCode)
			}
		})
	}

	t.Run("cache", func(t *testing.T) {
		srv.ResetCalls()
		first, err := collect.AssumeRole(ctx, cfg, auditRole, "acme-retail-7f3c", "cspm-scan")
		if err != nil {
			t.Fatal(err)
		}
		again, err := collect.AssumeRole(ctx, cfg, auditRole, "acme-retail-7f3c", "cspm-scan")
		if err != nil || again != first {
			t.Errorf("second AssumeRole = %+v, %v; want the cached credentials", again, err)
		}
		if n := srv.Calls()["Sts.AssumeRole"]; n != 0 {
			t.Errorf("cached AssumeRole called STS %d times; want 0 (cached by the subtest above)", n)
		}
		clock.add(56 * time.Minute) // inside the 5-minute refresh window
		fresh, err := collect.AssumeRole(ctx, cfg, auditRole, "acme-retail-7f3c", "cspm-scan")
		if err != nil || fresh.AccessKeyID == first.AccessKeyID {
			t.Errorf("AssumeRole near expiry = %+v, %v; want new credentials", fresh, err)
		}
		if n := srv.Calls()["Sts.AssumeRole"]; n != 1 {
			t.Errorf("STS AssumeRole calls = %d; want 1 refresh", n)
		}
	})

	t.Run("collect through the role", func(t *testing.T) {
		c := collect.New(collect.Config{Endpoint: srv.Addr(), Clock: clock,
			CredentialsFor: func(account string) collect.CredentialsProvider {
				if account == acme {
					return collect.RoleCredentials(cfg, auditRole, "acme-retail-7f3c", "cspm-scan")
				}
				return nil
			}})
		defer c.Close()
		got, err := c.ECS(ctx, acme, "cn-hangzhou")
		if err != nil || len(got.Instances) != 4 {
			t.Fatalf("ECS through the role = %v, %v; want the 4 instances", got, err)
		}
		// SLS's data plane signs with the STS token too (x-acs-security-token).
		logs, err := c.SLS(ctx, acme)
		if err != nil || len(logs.Logstores()) == 0 {
			t.Fatalf("SLS through the role = %v, %v; want its logstores", logs, err)
		}
		id, err := c.CallerIdentity(ctx, acme)
		if err != nil || id.AccountID != acme || id.IdentityType != "AssumedRoleUser" {
			t.Errorf("CallerIdentity = %+v, %v; want an assumed role in %s", id, err, acme)
		}
		// Without credentials for the account nothing is signed.
		if _, err := c.ECS(ctx, "9999888877776666", "cn-hangzhou"); !errors.Is(err, collect.ErrNoCredentials) {
			t.Errorf("ECS for an account without credentials = %v; want ErrNoCredentials", err)
		}
	})
}

func TestCredentialsChain(t *testing.T) {
	ctx := context.Background()
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
	t.Setenv("ALICLOUD_ACCESS_KEY", "")
	t.Setenv("ALICLOUD_SECRET_KEY", "")
	fallback := collect.StaticCredentials{AccessKeyID: "ak", AccessKeySecret: "sk"}
	chain := collect.Chain(collect.EnvCredentials(), fallback)
	if got, err := chain.Credentials(ctx); err != nil || got.AccessKeyID != "ak" {
		t.Errorf("chain without env = %+v, %v; want the static keys", got, err)
	}
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-ak")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-sk")
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token")
	if got, err := chain.Credentials(ctx); err != nil || got.AccessKeyID != "env-ak" || got.SecurityToken != "env-token" {
		t.Errorf("chain with env = %+v, %v; want the environment's keys", got, err)
	}
	if _, err := collect.Chain().Credentials(ctx); !errors.Is(err, collect.ErrNoCredentials) {
		t.Errorf("empty chain = %v; want ErrNoCredentials", err)
	}
}

func TestSessionName(t *testing.T) {
	long := "cspm-scan-verify-20261124T160000Z-" + strings.Repeat("a-very-long-tenant-id-", 3)
	tests := []struct{ in, want string }{
		{"cspm-scan-task-1", "cspm-scan-task-1"},
		{"cspm-scan-20261124T16:00:00+08:00", "cspm-scan-20261124T16-00-00-08-00"},
		{"x", "x-"},
		{"", "--"},
		{"租户", "------"},
	}
	for _, tt := range tests {
		if got := collect.SessionName(tt.in); got != tt.want {
			t.Errorf("collect.SessionName(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	a, b := collect.SessionName(long+"1"), collect.SessionName(long+"2")
	if len(a) != 64 || a == b || !strings.HasPrefix(a, long[:51]) {
		t.Errorf("SessionName of two long names = %q, %q; want 64 characters each, kept apart by a hash", a, b)
	}
}

// TestForgottenSession: a cached role session the service no longer knows (here, the
// emulator restarted on the same address) is dropped on InvalidAccessKeyId, the role
// assumed again, and the call resent: the caller sees an answer, not the stale key.
func TestForgottenSession(t *testing.T) {
	ctx := context.Background()
	first, err := cloudsim.NewServer(cloudsim.Options{Inventory: sample(t), Principal: platform})
	if err != nil {
		t.Fatal(err)
	}
	addr := first.Addr()
	platformCfg := collect.Config{Endpoint: addr, AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret}
	role := collect.RoleCredentials(platformCfg, auditRole, "acme-retail-7f3c", "cspm-forget-test")
	cfg := platformCfg
	cfg.CredentialsFor = func(string) collect.CredentialsProvider { return role }
	c := collect.New(cfg)
	defer c.Close()
	if _, err := c.CallerIdentity(ctx, acme); err != nil {
		t.Fatal(err)
	}
	first.Close()
	second := start(t, cloudsim.Options{Inventory: sample(t), Principal: platform, Listen: addr})
	// The next scan: a new collector, the process-wide session cache.
	c2 := collect.New(cfg)
	defer c2.Close()
	id, err := c2.CallerIdentity(ctx, acme)
	if err != nil || id.AccountID != acme {
		t.Fatalf("after the restart: CallerIdentity = %+v, %v; want the role assumed again", id, err)
	}
	if n := second.Calls()["Sts.AssumeRole"]; n != 1 {
		t.Errorf("the restarted service saw %d AssumeRole calls; want 1", n)
	}
}
