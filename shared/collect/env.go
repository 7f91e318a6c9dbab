package collect

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/cspm-alibaba/cspm/shared/fcrun"
)

// EnvEndpoint names the variable that points every cloud client at one host (the
// emulator, `cspm emulate cloud`); unset in production.
const EnvEndpoint = "CLOUD_ENDPOINT"

// CredentialsFunc adapts a function to a CredentialsProvider.
type CredentialsFunc func(ctx context.Context) (Credentials, error)

// Credentials calls f.
func (f CredentialsFunc) Credentials(ctx context.Context) (Credentials, error) { return f(ctx) }

// RequestCredentials supplies the credentials Function Compute passed with the current
// invocation (x-fc-access-key-id/-secret/x-fc-security-token), which are fresher than
// the environment's; ErrNoCredentials outside an invocation.
func RequestCredentials() CredentialsProvider {
	return CredentialsFunc(func(ctx context.Context) (Credentials, error) {
		r, ok := fcrun.FromContext(ctx)
		if !ok || r.Credentials.AccessKeyID == "" || r.Credentials.AccessKeySecret == "" {
			return Credentials{}, ErrNoCredentials
		}
		return Credentials{AccessKeyID: r.Credentials.AccessKeyID, AccessKeySecret: r.Credentials.AccessKeySecret,
			SecurityToken: r.Credentials.SecurityToken}, nil
	})
}

// ConfigFromEnv is the platform's own cloud configuration in a function: the
// invocation's credentials, else the environment's, and CLOUD_ENDPOINT.
func ConfigFromEnv() Config {
	return Config{
		Credentials: Chain(RequestCredentials(), EnvCredentials()),
		Endpoint:    os.Getenv(EnvEndpoint),
	}
}

// DefaultChain is Alibaba Cloud's default credentials chain, as credentials-go walks it
// for people's tools: the ALIBABA_CLOUD_* environment, OIDC (ACK RRSA), the CLI's
// profile (~/.aliyun/config.json), the SDK's profile file (~/.alibabacloud/credentials,
// or ALIBABA_CLOUD_CREDENTIALS_FILE), the ECS instance's RAM role, and a credentials
// URI. Each provider refreshes what expires; the chain remembers the one that worked.
func DefaultChain() CredentialsProvider {
	return &defaultChain{p: providers.NewDefaultCredentialsProvider()}
}

type defaultChain struct {
	mu sync.Mutex // the credentials-go providers are not documented as safe for concurrent use
	p  *providers.DefaultCredentialsProvider
}

func (d *defaultChain) Credentials(ctx context.Context) (Credentials, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, err := d.p.GetCredentials()
	if err != nil {
		return Credentials{}, fmt.Errorf("%w: %v", ErrNoCredentials, err)
	}
	return Credentials{AccessKeyID: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}, nil
}
