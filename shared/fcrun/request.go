package fcrun

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Protocol names stored in Request.Protocol.
const (
	ProtocolCustom = "custom" // FC 3.0 custom runtime (HTTP server)
	ProtocolFCGo1  = "fc-go1" // FC built-in go1 runtime API (fc.Start)
	ProtocolLambda = "lambda" // AWS Lambda runtime API (lambda.Start)
)

// Environment variables holding the function role's credentials when the
// invocation itself carries none.
const (
	envAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	envAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	envSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// Request is the metadata of one invocation. The runtime adapters put it in
// the handler's context; read it with FromContext.
type Request struct {
	RequestID    string
	FunctionName string
	Region       string
	AccountID    string
	Qualifier    string
	RetryCount   int
	// Credentials are the temporary credentials of the function's role,
	// taken from the invocation or, when it carries none, from the
	// ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/_SECURITY_TOKEN environment.
	Credentials Credentials
	// Protocol is ProtocolCustom, ProtocolFCGo1 or ProtocolLambda.
	Protocol string

	logger *slog.Logger // base logger chosen by WithLogger; nil means the default
}

// Credentials are an access key pair, with a security token when the pair is
// temporary (STS). String, GoString, LogValue and MarshalJSON redact the
// secret and the token, so a Credentials value printed, logged or encoded by
// accident does not leak them; read the fields directly to use them.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

const redacted = "[REDACTED]"

func redact(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// IsZero reports whether no credential field is set.
func (c Credentials) IsZero() bool {
	return c == Credentials{}
}

// String returns the credentials with the secret and token redacted.
func (c Credentials) String() string {
	return "{AccessKeyID:" + c.AccessKeyID +
		" AccessKeySecret:" + redact(c.AccessKeySecret) +
		" SecurityToken:" + redact(c.SecurityToken) + "}"
}

// GoString is String for the %#v verb.
func (c Credentials) GoString() string {
	return "fcrun.Credentials" + c.String()
}

// LogValue implements slog.LogValuer with the secret and token redacted.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", c.AccessKeyID),
		slog.String("access_key_secret", redact(c.AccessKeySecret)),
		slog.String("security_token", redact(c.SecurityToken)),
	)
}

// MarshalJSON encodes the credentials with the secret and token redacted, so
// a Request encoded into a log line or a response carries no secret.
// Credentials therefore do not round-trip through JSON.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessKeyID     string `json:"accessKeyID"`
		AccessKeySecret string `json:"accessKeySecret,omitempty"`
		SecurityToken   string `json:"securityToken,omitempty"`
	}{c.AccessKeyID, redact(c.AccessKeySecret), redact(c.SecurityToken)})
}

// credentialsFromEnv reads the ALIBABA_CLOUD_* variables FC sets for a
// function with a role.
func credentialsFromEnv() Credentials {
	return Credentials{
		AccessKeyID:     os.Getenv(envAccessKeyID),
		AccessKeySecret: os.Getenv(envAccessKeySecret),
		SecurityToken:   os.Getenv(envSecurityToken),
	}
}

// orEnv returns c, or the environment's credentials when c is empty.
func (c Credentials) orEnv() Credentials {
	if c.IsZero() {
		return credentialsFromEnv()
	}
	return c
}

// functionARN is the FC resource name of the invoked function, used as the
// lambdacontext InvokedFunctionArn.
func (r *Request) functionARN() string {
	return "acs:fc:" + r.Region + ":" + r.AccountID + ":functions/" + r.FunctionName
}

type requestKey struct{}

// NewContext returns a copy of parent that carries r.
func NewContext(parent context.Context, r *Request) context.Context {
	return context.WithValue(parent, requestKey{}, r)
}

// FromContext returns the Request stored in ctx by NewContext, if any.
func FromContext(ctx context.Context) (*Request, bool) {
	r, ok := ctx.Value(requestKey{}).(*Request)
	return r, ok && r != nil
}

// withRequest stores r in ctx for fcrun.FromContext and, unless the protocol
// already did, for lambdacontext.FromContext.
func withRequest(ctx context.Context, r *Request) context.Context {
	if _, ok := lambdacontext.FromContext(ctx); !ok {
		ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
			AwsRequestID:       r.RequestID,
			InvokedFunctionArn: r.functionARN(),
		})
	}
	return NewContext(ctx, r)
}

// defaultLogger writes JSON lines to the process's stderr.
var defaultLogger = slog.New(slog.NewJSONHandler(os.Stderr, nil))

// Logger returns a JSON slog.Logger on stderr (or on the logger set with
// WithLogger) that adds the request_id and function attributes of the
// Request in ctx. Without a Request it returns the bare logger. It never
// logs credentials.
func Logger(ctx context.Context) *slog.Logger {
	r, ok := FromContext(ctx)
	if !ok {
		return defaultLogger
	}
	base := r.logger
	if base == nil {
		base = defaultLogger
	}
	return base.With(slog.String("request_id", r.RequestID), slog.String("function", r.FunctionName))
}
