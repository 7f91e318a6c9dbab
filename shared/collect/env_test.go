package collect_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// TestDefaultChain walks credentials-go's chain through the environment and a profile
// file. The ECS metadata service and the CLI profile are switched off, so nothing
// leaves the machine.
func TestDefaultChain(t *testing.T) {
	profile := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(profile, []byte("[default]\ntype = access_key\naccess_key_id = profile-ak\naccess_key_secret = profile-sk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		env     map[string]string
		wantKey string
	}{
		{"environment", map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": "env-ak", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-sk", "ALIBABA_CLOUD_CREDENTIALS_FILE": profile}, "env-ak"},
		{"profile file", map[string]string{"ALIBABA_CLOUD_CREDENTIALS_FILE": profile}, "profile-ak"},
		{"nothing", map[string]string{"ALIBABA_CLOUD_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "missing")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
				"ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_PROFILE"} {
				t.Setenv(k, "")
			}
			t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
			t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			got, err := collect.DefaultChain().Credentials(context.Background())
			if c.wantKey == "" {
				if !errors.Is(err, collect.ErrNoCredentials) {
					t.Fatalf("DefaultChain() = %+v, %v; want ErrNoCredentials", got.AccessKeyID, err)
				}
				return
			}
			if err != nil || got.AccessKeyID != c.wantKey {
				t.Fatalf("DefaultChain() key = %q, %v; want %q", got.AccessKeyID, err, c.wantKey)
			}
		})
	}
}
