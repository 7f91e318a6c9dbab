package collect

import (
	"context"
	"os"

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
