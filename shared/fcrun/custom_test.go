package fcrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testServer is NewHTTPHandler(NewHandler(greeter)) on a loopback server,
// with its stdout markers and logs captured.
type testServer struct {
	url        string
	calls      *atomic.Int64
	inits      atomic.Int64
	preStops   atomic.Int64
	stdout     syncBuffer
	logs       syncBuffer
	initCreds  atomic.Value // Credentials seen by the initializer
	initFailed bool
}

func newTestServer(t *testing.T, failHooks bool, opts ...Option) *testServer {
	t.Helper()
	fn, calls := greeter()
	ts := &testServer{calls: calls, initFailed: failHooks}
	hook := func(n *atomic.Int64) func(context.Context) error {
		return func(ctx context.Context) error {
			n.Add(1)
			if req, ok := FromContext(ctx); ok {
				ts.initCreds.Store(req.Credentials)
			}
			if failHooks {
				return errors.New("hook failed")
			}
			return nil
		}
	}
	all := append([]Option{
		WithStdout(&ts.stdout),
		WithLogger(slog.New(slog.NewJSONHandler(&ts.logs, nil))),
		WithInitializer(hook(&ts.inits)),
		WithPreStop(hook(&ts.preStops)),
	}, opts...)
	srv := httptest.NewServer(NewHTTPHandler(NewHandler(fn), all...))
	t.Cleanup(srv.Close)
	ts.url = srv.URL
	return ts
}

// fcHeaders are the x-fc-* headers of a typical invocation.
func fcHeaders(requestID string) map[string]string {
	return map[string]string{
		headerRequestID:       requestID,
		headerFunctionName:    "run-check-shard",
		headerRegion:          "cn-hangzhou",
		headerAccountID:       "1234567890",
		headerQualifier:       "LATEST",
		headerRetryCount:      "2",
		headerAccessKeyID:     testAccessKeyID,
		headerAccessKeySecret: testSecret,
		headerSecurityToken:   testToken,
	}
}

func with(h map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(h, kv[i])
		} else {
			h[kv[i]] = kv[i+1]
		}
	}
	return h
}

// chunked hides a body's length so the client sends it chunked.
type chunked struct{ io.Reader }

func do(t *testing.T, method, url string, headers map[string]string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatalf("new request %s %s: %v", method, url, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp, b
}

func TestHTTPHandler(t *testing.T) {
	oversize := bytes.Repeat([]byte("x"), DefaultMaxPayload+1)
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	start := func(id string) string { return "FC Invoke Start RequestId: " + id }
	end := func(id string) string { return "FC Invoke End RequestId: " + id }
	endErr := func(id string) string { return end(id) + ", Error: Unhandled function error" }

	tests := []struct {
		name      string
		failHooks bool
		opts      []Option
		env       map[string]string
		method    string
		path      string
		headers   map[string]string
		body      io.Reader

		wantStatus int
		wantOut    *greetOut // success: the handler's view, compared field by field
		wantErr    *errorBody
		wantStdout []string // exact lines; nil = none
		wantCalls  int64
		wantHooks  [2]int64 // initializer, pre-stop calls
		check      func(t *testing.T, got greetOut)
	}{
		{
			name: "invoke success", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-ok"),
			body:       strings.NewReader(`{"name":"alice"}`),
			wantStatus: 200, wantCalls: 1,
			wantOut: &greetOut{
				Greeting: "hello alice", RequestID: "req-ok", Protocol: "custom",
				FunctionName: "run-check-shard", Region: "cn-hangzhou", AccountID: "1234567890", Qualifier: "LATEST",
				RetryCount: 2, AccessKeyID: testAccessKeyID, SecretSource: "header", TokenSource: "header",
				LambdaRequestID: "req-ok", LambdaARN: "acs:fc:cn-hangzhou:1234567890:functions/run-check-shard",
			},
			wantStdout: []string{start("req-ok"), end("req-ok")},
		},
		{
			name: "control path header /invoke", method: "POST", path: "/",
			headers:    with(fcHeaders("req-cp"), headerControlPath, "/invoke"),
			body:       strings.NewReader(`{"name":"cp"}`),
			wantStatus: 200, wantCalls: 1,
			check: func(t *testing.T, got greetOut) {
				if got.Greeting != "hello cp" {
					t.Errorf("greeting = %q; want %q", got.Greeting, "hello cp")
				}
			},
			wantStdout: []string{start("req-cp"), end("req-cp")},
		},
		{
			name: "handler error", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-err"),
			body:       strings.NewReader(`{"name":"bob","fail":true}`),
			wantStatus: 404, wantCalls: 1,
			wantErr:    &errorBody{ErrorMessage: "greet failed for bob", ErrorType: "errorString"},
			wantStdout: []string{start("req-err"), endErr("req-err")},
		},
		{
			name: "panic is recovered", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-panic"),
			body:       strings.NewReader(`{"name":"carol","panic":true}`),
			wantStatus: 404, wantCalls: 1,
			wantErr:    &errorBody{ErrorMessage: "boom: carol", ErrorType: "Runtime.Panic"},
			wantStdout: []string{start("req-panic"), endErr("req-panic")},
		},
		{
			name: "unknown control path /http-invoke", method: "POST", path: "/invoke",
			headers:    with(fcHeaders("req-hi"), headerControlPath, "/http-invoke"),
			body:       strings.NewReader(`{"name":"x"}`),
			wantStatus: 404,
			wantErr: &errorBody{ErrorType: "Runtime.UnknownControlPath",
				ErrorMessage: `unknown control path "/http-invoke" in x-fc-control-path: this runtime serves /invoke, /initialize and /pre-stop`},
		},
		{
			name: "garbage control path", method: "POST", path: "/invoke",
			headers:    with(fcHeaders("req-garbage"), headerControlPath, "%%garbage"),
			body:       strings.NewReader(`{"name":"x"}`),
			wantStatus: 404,
			wantErr: &errorBody{ErrorType: "Runtime.UnknownControlPath",
				ErrorMessage: `unknown control path "%%garbage" in x-fc-control-path: this runtime serves /invoke, /initialize and /pre-stop`},
		},
		{
			name: "unknown URL path", method: "POST", path: "/nope",
			headers:    fcHeaders("req-path"),
			body:       strings.NewReader(`{"name":"x"}`),
			wantStatus: 404,
			wantErr: &errorBody{ErrorType: "Runtime.UnknownPath",
				ErrorMessage: `unknown path "/nope": this runtime serves /invoke, /initialize and /pre-stop`},
		},
		{
			name: "wrong method", method: "GET", path: "/invoke",
			headers:    fcHeaders("req-get"),
			wantStatus: 405,
			wantErr:    &errorBody{ErrorType: "Runtime.MethodNotAllowed", ErrorMessage: "method GET not allowed on /invoke: use POST"},
		},
		{
			name: "oversize payload", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-big"),
			body:       bytes.NewReader(oversize),
			wantStatus: 404,
			wantErr:    &errorBody{ErrorType: "Runtime.PayloadTooLarge", ErrorMessage: "payload of 131073 bytes exceeds the 131072-byte limit"},
			wantStdout: []string{start("req-big"), endErr("req-big")},
		},
		{
			name: "oversize chunked payload", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-chunked"),
			body:       chunked{bytes.NewReader(oversize)},
			wantStatus: 404,
			wantErr:    &errorBody{ErrorType: "Runtime.PayloadTooLarge", ErrorMessage: "payload of 131073 bytes exceeds the 131072-byte limit"},
			wantStdout: []string{start("req-chunked"), endErr("req-chunked")},
		},
		{
			name: "WithMaxPayload", opts: []Option{WithMaxPayload(8)}, method: "POST", path: "/invoke",
			headers:    fcHeaders("req-max"),
			body:       strings.NewReader(`{"name":"long"}`),
			wantStatus: 404,
			wantErr:    &errorBody{ErrorType: "Runtime.PayloadTooLarge", ErrorMessage: "payload of 15 bytes exceeds the 8-byte limit"},
			wantStdout: []string{start("req-max"), endErr("req-max")},
		},
		{
			name: "empty body", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-empty"),
			body:       strings.NewReader(""),
			wantStatus: 404,
			wantErr:    &errorBody{ErrorType: "Runtime.EmptyPayload", ErrorMessage: "empty payload: the event body has no bytes"},
			wantStdout: []string{start("req-empty"), endErr("req-empty")},
		},
		{
			name: "malformed JSON", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-syntax"),
			body:       strings.NewReader(`{"name":`),
			wantStatus: 404,
			wantErr:    &errorBody{ErrorType: "errorString", ErrorMessage: "unexpected EOF"},
			wantStdout: []string{start("req-syntax"), endErr("req-syntax")},
		},
		{
			name: "invalid JSON", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-invalid"),
			body:       strings.NewReader(`{name: alice}`),
			wantStatus: 404,
			wantErr:    &errorBody{ErrorType: "SyntaxError", ErrorMessage: "invalid character 'n' looking for beginning of object key string"},
			wantStdout: []string{start("req-invalid"), endErr("req-invalid")},
		},
		{
			name: "JSON of the wrong type", method: "POST", path: "/invoke",
			headers:    fcHeaders("req-type"),
			body:       strings.NewReader(`{"name":42}`),
			wantStatus: 404,
			wantErr:    &errorBody{ErrorType: "UnmarshalTypeError", ErrorMessage: "json: cannot unmarshal number into Go struct field greetIn.name of type string"},
			wantStdout: []string{start("req-type"), endErr("req-type")},
		},
		{
			name: "missing request id is generated", method: "POST", path: "/invoke",
			headers:    with(fcHeaders(""), headerRequestID, ""),
			body:       strings.NewReader(`{"name":"anon"}`),
			wantStatus: 200, wantCalls: 1,
			check: func(t *testing.T, got greetOut) {
				if !uuid.MatchString(got.RequestID) {
					t.Errorf("generated request ID = %q; want a UUID v4", got.RequestID)
				}
				if got.LambdaRequestID != got.RequestID {
					t.Errorf("lambdacontext AwsRequestID = %q; want the generated %q", got.LambdaRequestID, got.RequestID)
				}
			},
		},
		{
			name: "credentials fall back to the environment", method: "POST", path: "/invoke",
			env:        map[string]string{envAccessKeyID: envAccessKeyIDV, envAccessKeySecret: envSecretV, envSecurityToken: envTokenV},
			headers:    with(fcHeaders("req-env"), headerAccessKeyID, "", headerAccessKeySecret, "", headerSecurityToken, ""),
			body:       strings.NewReader(`{"name":"env"}`),
			wantStatus: 200, wantCalls: 1,
			check: func(t *testing.T, got greetOut) {
				if got.AccessKeyID != envAccessKeyIDV || got.SecretSource != "env" || got.TokenSource != "env" {
					t.Errorf("credentials = (%q, secret from %q, token from %q); want (%q, env, env)",
						got.AccessKeyID, got.SecretSource, got.TokenSource, envAccessKeyIDV)
				}
			},
			wantStdout: []string{start("req-env"), end("req-env")},
		},
		{
			name: "header credentials win over the environment", method: "POST", path: "/invoke",
			env:        map[string]string{envAccessKeyID: envAccessKeyIDV, envAccessKeySecret: envSecretV, envSecurityToken: envTokenV},
			headers:    fcHeaders("req-hdr"),
			body:       strings.NewReader(`{"name":"hdr"}`),
			wantStatus: 200, wantCalls: 1,
			check: func(t *testing.T, got greetOut) {
				if got.AccessKeyID != testAccessKeyID || got.SecretSource != "header" || got.TokenSource != "header" {
					t.Errorf("credentials = (%q, secret from %q, token from %q); want (%q, header, header)",
						got.AccessKeyID, got.SecretSource, got.TokenSource, testAccessKeyID)
				}
			},
			wantStdout: []string{start("req-hdr"), end("req-hdr")},
		},
		{
			name: "initialize", method: "POST", path: "/initialize",
			headers:    fcHeaders("req-init"),
			wantStatus: 200, wantHooks: [2]int64{1, 0},
			wantStdout: []string{"FC Initialize Start RequestId: req-init", "FC Initialize End RequestId: req-init"},
		},
		{
			name: "initialize via control path", method: "POST", path: "/",
			headers:    with(fcHeaders("req-init2"), headerControlPath, "/initialize"),
			wantStatus: 200, wantHooks: [2]int64{1, 0},
			wantStdout: []string{"FC Initialize Start RequestId: req-init2", "FC Initialize End RequestId: req-init2"},
		},
		{
			name: "initialize fails", failHooks: true, method: "POST", path: "/initialize",
			headers:    fcHeaders("req-initfail"),
			wantStatus: 404, wantHooks: [2]int64{1, 0},
			wantErr: &errorBody{ErrorType: "errorString", ErrorMessage: "hook failed"},
			wantStdout: []string{"FC Initialize Start RequestId: req-initfail",
				"FC Initialize End RequestId: req-initfail, Error: Unhandled function error"},
		},
		{
			name: "pre-stop", method: "GET", path: "/pre-stop",
			headers:    fcHeaders("req-stop"),
			wantStatus: 200, wantHooks: [2]int64{0, 1},
			wantStdout: []string{"FC PreStop Start RequestId: req-stop", "FC PreStop End RequestId: req-stop"},
		},
		{
			name: "pre-stop fails", failHooks: true, method: "GET", path: "/pre-stop",
			headers:    fcHeaders("req-stopfail"),
			wantStatus: 404, wantHooks: [2]int64{0, 1},
			wantErr: &errorBody{ErrorType: "errorString", ErrorMessage: "hook failed"},
			wantStdout: []string{"FC PreStop Start RequestId: req-stopfail",
				"FC PreStop End RequestId: req-stopfail, Error: Unhandled function error"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range protocolEnv {
				t.Setenv(k, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			ts := newTestServer(t, tc.failHooks, tc.opts...)
			resp, body := do(t, tc.method, ts.url+tc.path, tc.headers, tc.body)
			what := tc.method + " " + tc.path

			wantFC := "200"
			if tc.wantErr != nil {
				wantFC = "404"
			}
			if resp.StatusCode != tc.wantStatus || resp.Header.Get(headerStatus) != wantFC {
				t.Errorf("%s: status %d, x-fc-status %q; want %d, %q (body %s)",
					what, resp.StatusCode, resp.Header.Get(headerStatus), tc.wantStatus, wantFC, body)
			}

			switch {
			case tc.wantErr != nil:
				got := decodeJSON[errorBody](t, what, body)
				if got != *tc.wantErr {
					t.Errorf("%s: error body = %+v; want %+v", what, got, *tc.wantErr)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("%s: error Content-Type = %q; want application/json", what, ct)
				}
			case tc.path == "/invoke" || tc.headers[headerControlPath] == "/invoke":
				got := decodeJSON[greetOut](t, what, body)
				if tc.wantOut != nil {
					got.DeadlineUnixMs = 0
					if got != *tc.wantOut {
						t.Errorf("%s: handler saw\n %+v\nwant\n %+v", what, got, *tc.wantOut)
					}
				}
				if tc.check != nil {
					tc.check(t, got)
				}
			default:
				if len(body) != 0 {
					t.Errorf("%s: body = %q; want empty", what, body)
				}
			}

			if got := ts.calls.Load(); got != tc.wantCalls {
				t.Errorf("%s: handler called %d times; want %d", what, got, tc.wantCalls)
			}
			if got := [2]int64{ts.inits.Load(), ts.preStops.Load()}; got != tc.wantHooks {
				t.Errorf("%s: (initializer, pre-stop) calls = %v; want %v", what, got, tc.wantHooks)
			}
			if tc.wantStdout != nil {
				if got := ts.stdout.lines(); strings.Join(got, "\n") != strings.Join(tc.wantStdout, "\n") {
					t.Errorf("%s: stdout lines\n %q\nwant\n %q", what, got, tc.wantStdout)
				}
			} else if tc.name != "missing request id is generated" && ts.stdout.String() != "" {
				t.Errorf("%s: stdout = %q; want nothing", what, ts.stdout.String())
			}

			// Exactly one error log line per failure, with the request ID,
			// and no secret anywhere in the logs.
			errs := errorEntries(t, &ts.logs)
			wantLogged := 0
			if tc.wantErr != nil {
				wantLogged = 1
			}
			if len(errs) != wantLogged {
				t.Errorf("%s: %d error log entries; want %d:\n%s", what, len(errs), wantLogged, ts.logs.String())
			}
			for _, e := range errs {
				if e["request_id"] != tc.headers[headerRequestID] || e["error"] != tc.wantErr.ErrorMessage || e["error_type"] != tc.wantErr.ErrorType {
					t.Errorf("%s: error log entry %v; want request_id %q, error %q, error_type %q",
						what, e, tc.headers[headerRequestID], tc.wantErr.ErrorMessage, tc.wantErr.ErrorType)
				}
				if tc.wantErr.ErrorType == errTypePanic && !strings.Contains(fmt.Sprint(e["stack"]), "greeter") {
					t.Errorf("%s: panic log entry has no stack through the handler: %v", what, e["stack"])
				}
			}
			assertNoSecrets(t, what+" logs", ts.logs.String())
			assertNoSecrets(t, what+" stdout", ts.stdout.String())
		})
	}
}

func TestHTTPHandlerDeadline(t *testing.T) {
	ts := newTestServer(t, false)
	deadline := time.Now().Add(90 * time.Second).Truncate(time.Millisecond)
	tests := []struct {
		name    string
		headers map[string]string
		want    time.Time // zero: no deadline
	}{
		{"x-fc-function-deadline", map[string]string{headerDeadline: strconv.FormatInt(deadline.UnixMilli(), 10)}, deadline},
		{"x-fc-function-timeout", map[string]string{headerTimeout: "30"}, time.Now().Add(30 * time.Second)},
		{"deadline wins over timeout", map[string]string{headerDeadline: strconv.FormatInt(deadline.UnixMilli(), 10), headerTimeout: "5"}, deadline},
		{"unparsable timeout is ignored", map[string]string{headerTimeout: "soon"}, time.Time{}},
		{"no headers", map[string]string{}, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, "POST", ts.url+"/invoke", tc.headers, strings.NewReader(`{"name":"d"}`))
			if resp.StatusCode != 200 {
				t.Fatalf("POST /invoke: status %d (%s); want 200", resp.StatusCode, body)
			}
			got := decodeJSON[greetOut](t, "invoke", body)
			if tc.want.IsZero() {
				if got.DeadlineUnixMs != 0 {
					t.Errorf("handler deadline = %v; want none", time.UnixMilli(got.DeadlineUnixMs))
				}
				return
			}
			checkDeadline(t, tc.name, got.DeadlineUnixMs, tc.want, 2*time.Second)
		})
	}
}

// TestHTTPHandlerConcurrent checks that concurrent invocations each get their
// own output (lambda.NewHandler alone fails this; see NewHandler).
func TestHTTPHandlerConcurrent(t *testing.T) {
	ts := newTestServer(t, false)
	const workers, each = 8, 40
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				name := fmt.Sprintf("w%d-%03d", w, i)
				resp, body := do(t, "POST", ts.url+"/invoke", fcHeaders(name), strings.NewReader(`{"name":"`+name+`"}`))
				got := decodeJSON[greetOut](t, name, body)
				if resp.StatusCode != 200 || got.Greeting != "hello "+name || got.RequestID != name {
					t.Errorf("invoke %s: status %d, greeting %q, request %q; want 200, %q, %q",
						name, resp.StatusCode, got.Greeting, got.RequestID, "hello "+name, name)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := len(ts.stdout.lines()); got != 2*workers*each {
		t.Errorf("stdout has %d lines; want %d", got, 2*workers*each)
	}
}

func TestNewHandlerConcurrent(t *testing.T) {
	h := NewHandler(func(_ context.Context, n int) (string, error) { return fmt.Sprintf("value-%08d", n), nil })
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				n := g*100000 + i
				out, err := h.Invoke(context.Background(), []byte(strconv.Itoa(n)))
				want := strconv.Quote(fmt.Sprintf("value-%08d", n))
				if err != nil || string(out) != want {
					t.Errorf("Invoke(%d) = %s, %v; want %s, nil", n, out, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNewHandlerBadSignature(t *testing.T) {
	h := NewHandler(func(a, b, c int) {})
	_, err := h.Invoke(context.Background(), []byte(`1`))
	if err == nil || !strings.Contains(err.Error(), "more than two arguments") {
		t.Errorf("Invoke on a 3-argument handler: err = %v; want the signature error", err)
	}
}

func TestCredentialsRedacted(t *testing.T) {
	c := Credentials{AccessKeyID: testAccessKeyID, AccessKeySecret: testSecret, SecurityToken: testToken}
	req := &Request{RequestID: "r", Credentials: c}
	var logBuf syncBuffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("x", "creds", c, "request", req)
	forms := map[string]string{
		"%v":           fmt.Sprintf("%v", c),
		"%+v":          fmt.Sprintf("%+v", c),
		"%#v":          fmt.Sprintf("%#v", c),
		"%s":           fmt.Sprintf("%s", c),
		"%+v request":  fmt.Sprintf("%+v", req),
		"%+v *request": fmt.Sprintf("%+v", *req),
		"json":         string(mustJSON(req)),
		"slog":         logBuf.String(),
	}
	for what, s := range forms {
		assertNoSecrets(t, what, s)
		if !strings.Contains(s, testAccessKeyID) {
			t.Errorf("%s = %q; want the access key ID %q kept", what, s, testAccessKeyID)
		}
		if !strings.Contains(s, redacted) {
			t.Errorf("%s = %q; want %q in place of the secret", what, s, redacted)
		}
	}
	if got := (Credentials{AccessKeyID: "a"}).String(); got != "{AccessKeyID:a AccessKeySecret: SecurityToken:}" {
		t.Errorf("String() of credentials without secret = %q; want empty fields, not %q", got, redacted)
	}
}

func TestContextRoundTrip(t *testing.T) {
	if _, ok := FromContext(context.Background()); ok {
		t.Errorf("FromContext(Background) ok = true; want false")
	}
	want := &Request{RequestID: "r-1", FunctionName: "f"}
	got, ok := FromContext(NewContext(context.Background(), want))
	if !ok || got != want {
		t.Errorf("FromContext(NewContext(r)) = %p, %v; want %p, true", got, ok, want)
	}
}

func TestLogger(t *testing.T) {
	var buf syncBuffer
	base := slog.New(slog.NewJSONHandler(&buf, nil))
	req := &Request{RequestID: "r-9", FunctionName: "scan", Credentials: Credentials{AccessKeySecret: testSecret}, logger: base}
	Logger(NewContext(context.Background(), req)).Info("hello", "n", 1)
	entries := logEntries(t, &buf)
	if len(entries) != 1 {
		t.Fatalf("Logger wrote %d entries; want 1: %s", len(entries), buf.String())
	}
	e := entries[0]
	if e["request_id"] != "r-9" || e["function"] != "scan" || e["msg"] != "hello" {
		t.Errorf("log entry = %v; want request_id r-9, function scan, msg hello", e)
	}
	assertNoSecrets(t, "Logger", buf.String())
	if Logger(context.Background()) == nil {
		t.Errorf("Logger(Background) = nil; want the default logger")
	}
}
