package fcrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Fake credentials used by every test. They are compared inside the handler,
// which reports only whether they matched, and must never appear in logs.
const (
	testAccessKeyID = "STS.test-access-key-id"
	testSecret      = "test-secret-Zq9"
	testToken       = "test-token-Xw7"
	envAccessKeyIDV = "ENV.access-key-id"
	envSecretV      = "env-secret-Pp3"
	envTokenV       = "env-token-Rr4"
)

// greetIn is the test event. Fail and Panic make the handler fail.
type greetIn struct {
	Name  string `json:"name"`
	Fail  bool   `json:"fail,omitempty"`
	Panic bool   `json:"panic,omitempty"`
}

// greetOut reports what the handler saw in its context.
type greetOut struct {
	Greeting     string `json:"greeting"`
	RequestID    string `json:"requestID"`
	Protocol     string `json:"protocol"`
	FunctionName string `json:"functionName"`
	Region       string `json:"region"`
	AccountID    string `json:"accountID"`
	Qualifier    string `json:"qualifier"`
	RetryCount   int    `json:"retryCount"`
	AccessKeyID  string `json:"accessKeyID"`
	// SecretSource and TokenSource say which fake secret/token reached the
	// handler: "header", "env", "" (none) or "other".
	SecretSource    string `json:"secretSource"`
	TokenSource     string `json:"tokenSource"`
	LambdaRequestID string `json:"lambdaRequestID"`
	LambdaARN       string `json:"lambdaARN"`
	DeadlineUnixMs  int64  `json:"deadlineUnixMs"` // 0 when the context has no deadline
}

func source(v, header, env string) string {
	switch v {
	case header:
		return "header"
	case env:
		return "env"
	case "":
		return ""
	}
	return "other"
}

// greeter returns the test handler and a counter of its calls.
func greeter() (func(context.Context, greetIn) (greetOut, error), *atomic.Int64) {
	var calls atomic.Int64
	return func(ctx context.Context, in greetIn) (greetOut, error) {
		calls.Add(1)
		if in.Panic {
			panic("boom: " + in.Name)
		}
		if in.Fail {
			return greetOut{}, errors.New("greet failed for " + in.Name)
		}
		req, ok := FromContext(ctx)
		if !ok {
			return greetOut{}, errors.New("no fcrun.Request in the handler context")
		}
		out := greetOut{
			Greeting:     "hello " + in.Name,
			RequestID:    req.RequestID,
			Protocol:     req.Protocol,
			FunctionName: req.FunctionName,
			Region:       req.Region,
			AccountID:    req.AccountID,
			Qualifier:    req.Qualifier,
			RetryCount:   req.RetryCount,
			AccessKeyID:  req.Credentials.AccessKeyID,
			SecretSource: source(req.Credentials.AccessKeySecret, testSecret, envSecretV),
			TokenSource:  source(req.Credentials.SecurityToken, testToken, envTokenV),
		}
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			out.LambdaRequestID, out.LambdaARN = lc.AwsRequestID, lc.InvokedFunctionArn
		}
		if d, ok := ctx.Deadline(); ok {
			out.DeadlineUnixMs = d.UnixMilli()
		}
		return out, nil
	}, &calls
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a server.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines returns the non-empty lines written so far.
func (s *syncBuffer) lines() []string {
	var out []string
	for l := range strings.SplitSeq(s.String(), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// logEntries decodes the JSON log lines written so far.
func logEntries(t *testing.T, s *syncBuffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range s.lines() {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// errorEntries returns the ERROR-level log entries.
func errorEntries(t *testing.T, s *syncBuffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, e := range logEntries(t, s) {
		if e["level"] == slog.LevelError.String() {
			out = append(out, e)
		}
	}
	return out
}

// assertNoSecrets fails if any fake secret or token appears in text.
func assertNoSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{testSecret, testToken, envSecretV, envTokenV} {
		if strings.Contains(text, s) {
			t.Errorf("%s leaks credential %q:\n%s", what, s, text)
		}
	}
}

// errorBody is the wire shape of a failure.
type errorBody struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

func decodeJSON[T any](t *testing.T, what string, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: body %q is not a %T: %v", what, b, v, err)
	}
	return v
}

// checkDeadline fails unless got (epoch ms) is within tolerance of want.
func checkDeadline(t *testing.T, what string, got int64, want time.Time, tolerance time.Duration) {
	t.Helper()
	if got == 0 {
		t.Errorf("%s: handler context has no deadline; want about %v", what, want)
		return
	}
	if d := time.UnixMilli(got).Sub(want); d < -tolerance || d > tolerance {
		t.Errorf("%s: handler deadline = %v; want %v ± %v", what, time.UnixMilli(got), want, tolerance)
	}
}

// protocolEnv lists the variables that select a protocol; subprocesses and
// in-process Start tests clear them.
var protocolEnv = []string{"FC_RUNTIME_API", "AWS_LAMBDA_RUNTIME_API", envListenPort, envServerPort, envListenHost,
	envAccessKeyID, envAccessKeySecret, envSecurityToken}

// cleanEnviron is os.Environ without protocolEnv and the helper switch.
func cleanEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		drop := name == helperEnv
		for _, p := range protocolEnv {
			drop = drop || name == p
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err))
	}
	return b
}
