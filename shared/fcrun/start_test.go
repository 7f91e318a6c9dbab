package fcrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary act as a function process: TestMain calls
// Start instead of running tests, so the subprocess picks its protocol from
// the environment exactly as a deployed function does.
const helperEnv = "FCRUN_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		runHelper()
		return
	}
	os.Exit(m.Run())
}

// runHelper is the subprocess's main.
func runHelper() {
	if os.Getenv("FCRUN_TEST_FATAL") == "1" {
		Fatal(errors.New("config: missing FOO"))
	}
	fn, _ := greeter()
	hook := func(name string) func(context.Context) error {
		return func(ctx context.Context) error {
			req, _ := FromContext(ctx)
			fmt.Printf("helper %s hook ran, request %s, access key %s\n", name, req.RequestID, req.Credentials.AccessKeyID)
			if os.Getenv("FCRUN_TEST_FAIL_HOOKS") == "1" {
				return errors.New(name + " hook failed")
			}
			return nil
		}
	}
	StartFunc(fn, WithInitializer(hook("initialize")), WithPreStop(hook("pre-stop")))
	fmt.Println("helper Start returned")
}

// helper is a running subprocess.
type helper struct {
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // cmd.Wait's result, valid after done
}

// startHelper runs the test binary as a function process with env added to
// a clean environment. It is killed at cleanup, and after 20 s regardless.
func startHelper(t *testing.T, env ...string) *helper {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	h := &helper{done: make(chan struct{})}
	h.cmd = exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	// GORACE: under -race the process would otherwise sleep 1 s at exit.
	h.cmd.Env = append(cleanEnviron(), append([]string{helperEnv + "=1", "GORACE=atexit_sleep_ms=0"}, env...)...)
	h.cmd.Stdout, h.cmd.Stderr = &h.stdout, &h.stderr
	if err := h.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start helper process: %v", err)
	}
	go func() {
		h.err = h.cmd.Wait()
		close(h.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-h.done
		if t.Failed() {
			t.Logf("helper stdout:\n%s\nhelper stderr:\n%s", h.stdout.String(), h.stderr.String())
		}
	})
	return h
}

// wait returns the exit error once the process ends, or fails after d.
func (h *helper) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case <-h.done:
		return h.err
	case <-time.After(d):
		t.Fatalf("helper process still running after %v", d)
		return nil
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		t.Fatalf("split %s: %v", ln.Addr(), err)
	}
	return port
}

// waitListening polls addr until it accepts connections or 10 s pass.
func waitListening(t *testing.T, addr string, h *helper) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		if h != nil {
			select {
			case <-h.done:
				t.Fatalf("helper exited before listening on %s: %v", addr, h.err)
			default:
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listening on %s after 10s", addr)
}

// TestStartCustomRuntime runs Start in a subprocess with no runtime API set,
// talks to it over HTTP and stops it with SIGTERM.
func TestStartCustomRuntime(t *testing.T) {
	tests := []struct {
		name    string
		portEnv string
	}{
		{"FC_CUSTOM_LISTEN_PORT", envListenPort},
		{"FC_SERVER_PORT fallback", envServerPort},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			port := freePort(t)
			h := startHelper(t, tc.portEnv+"="+port, envListenHost+"=127.0.0.1",
				envAccessKeyID+"="+envAccessKeyIDV, envAccessKeySecret+"="+envSecretV, envSecurityToken+"="+envTokenV)
			addr := "127.0.0.1:" + port
			waitListening(t, addr, h)
			base := "http://" + addr

			resp, body := do(t, "POST", base+"/initialize", fcHeaders("c-init"), nil)
			if resp.StatusCode != 200 || resp.Header.Get(headerStatus) != "200" {
				t.Errorf("POST /initialize: status %d, x-fc-status %q (%s); want 200, 200", resp.StatusCode, resp.Header.Get(headerStatus), body)
			}

			resp, body = do(t, "POST", base+"/invoke", fcHeaders("c-1"), strings.NewReader(`{"name":"sub"}`))
			got := decodeJSON[greetOut](t, "POST /invoke", body)
			if resp.StatusCode != 200 || got.Greeting != "hello sub" || got.Protocol != ProtocolCustom ||
				got.AccessKeyID != testAccessKeyID || got.SecretSource != "header" || got.TokenSource != "header" {
				t.Errorf("POST /invoke: status %d, %+v; want 200, greeting \"hello sub\", protocol custom, header credentials", resp.StatusCode, got)
			}

			resp, body = do(t, "POST", base+"/invoke", with(fcHeaders("c-env"), headerAccessKeyID, "", headerAccessKeySecret, "", headerSecurityToken, ""),
				strings.NewReader(`{"name":"env"}`))
			got = decodeJSON[greetOut](t, "POST /invoke", body)
			if resp.StatusCode != 200 || got.AccessKeyID != envAccessKeyIDV || got.SecretSource != "env" || got.TokenSource != "env" {
				t.Errorf("POST /invoke without credential headers: status %d, %+v; want 200 and the ALIBABA_CLOUD_* credentials", resp.StatusCode, got)
			}

			resp, body = do(t, "POST", base+"/invoke", fcHeaders("c-2"), strings.NewReader(`{"name":"bob","fail":true}`))
			if e := decodeJSON[errorBody](t, "POST /invoke", body); resp.StatusCode != 404 || resp.Header.Get(headerStatus) != "404" ||
				e != (errorBody{ErrorMessage: "greet failed for bob", ErrorType: "errorString"}) {
				t.Errorf("failing POST /invoke: status %d, x-fc-status %q, %+v; want 404, 404, greet failed for bob/errorString",
					resp.StatusCode, resp.Header.Get(headerStatus), e)
			}

			resp, body = do(t, "GET", base+"/pre-stop", fcHeaders("c-stop"), nil)
			if resp.StatusCode != 200 {
				t.Errorf("GET /pre-stop: status %d (%s); want 200", resp.StatusCode, body)
			}

			if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatalf("SIGTERM helper: %v", err)
			}
			if err := h.wait(t, 10*time.Second); err != nil {
				t.Errorf("helper after SIGTERM: %v; want a clean exit", err)
			}
			for _, want := range []string{
				"helper initialize hook ran, request c-init, access key " + testAccessKeyID,
				"FC Initialize Start RequestId: c-init",
				"FC Invoke Start RequestId: c-1",
				"FC Invoke End RequestId: c-1",
				"FC Invoke End RequestId: c-2, Error: Unhandled function error",
				"helper pre-stop hook ran, request c-stop",
				"helper Start returned",
			} {
				if !strings.Contains(h.stdout.String(), want) {
					t.Errorf("helper stdout lacks %q", want)
				}
			}
			assertNoSecrets(t, "helper stderr", h.stderr.String())
		})
	}
}

// fakeRuntimeAPI plays a Lambda-style runtime API (FC go1's or AWS
// Lambda's): GET <version>/runtime/invocation/next hands out queued
// invocations; POST .../{id}/response and .../{id}/error record results.
type fakeRuntimeAPI struct {
	srv     *httptest.Server
	invokes chan fakeInvoke
	results chan fakeResult
}

type fakeInvoke struct {
	headers map[string]string
	body    string
}

type fakeResult struct {
	id, kind string // kind is "response" or "error"
	body     []byte
}

// newFakeRuntimeAPI serves apiVersion; ack is the status the real API
// answers results with (FC 200, Lambda 202).
func newFakeRuntimeAPI(t *testing.T, apiVersion string, ack int) *fakeRuntimeAPI {
	t.Helper()
	f := &fakeRuntimeAPI{invokes: make(chan fakeInvoke), results: make(chan fakeResult, 16)}
	prefix := "/" + apiVersion + "/runtime/invocation/"
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case inv := <-f.invokes:
			for k, v := range inv.headers {
				w.Header().Set(k, v)
			}
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, inv.body) // a lost client shows up as a missing result
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("POST "+prefix+"{id}/{kind}", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("fake runtime API: read %s: %v", r.URL.Path, err)
		}
		f.results <- fakeResult{id: r.PathValue("id"), kind: r.PathValue("kind"), body: b}
		w.WriteHeader(ack)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// addr is the host:port for FC_RUNTIME_API / AWS_LAMBDA_RUNTIME_API.
func (f *fakeRuntimeAPI) addr() string { return strings.TrimPrefix(f.srv.URL, "http://") }

// invoke queues one invocation and waits for its result.
func (f *fakeRuntimeAPI) invoke(t *testing.T, h *helper, inv fakeInvoke) fakeResult {
	t.Helper()
	timeout := time.After(10 * time.Second)
	select {
	case f.invokes <- inv:
	case <-h.done:
		t.Fatalf("helper exited before taking the invocation: %v", h.err)
	case <-timeout:
		t.Fatalf("helper did not ask for the next invocation within 10s")
	}
	select {
	case r := <-f.results:
		return r
	case <-h.done:
		t.Fatalf("helper exited before answering: %v", h.err)
	case <-timeout:
		t.Fatalf("no result for the invocation within 10s")
	}
	return fakeResult{}
}

// runtimeAPICase is one invocation through a fake runtime API.
type runtimeAPICase struct {
	name     string
	headers  map[string]string
	body     string
	wantKind string
	wantOut  *greetOut // compared without DeadlineUnixMs
	wantErr  *errorBody
	deadline time.Time
	stdout   []string // lines the helper must have printed
}

func runRuntimeAPICases(t *testing.T, f *fakeRuntimeAPI, h *helper, wantID func(runtimeAPICase) string, cases []runtimeAPICase) {
	t.Helper()
	for _, tc := range cases {
		res := f.invoke(t, h, fakeInvoke{headers: tc.headers, body: tc.body})
		if res.kind != tc.wantKind || res.id != wantID(tc) {
			t.Errorf("%s: result posted to %s/%s; want %s/%s (body %s)", tc.name, res.id, res.kind, wantID(tc), tc.wantKind, res.body)
			continue
		}
		if tc.wantErr != nil {
			if got := decodeJSON[errorBody](t, tc.name, res.body); got != *tc.wantErr {
				t.Errorf("%s: error body = %+v; want %+v", tc.name, got, *tc.wantErr)
			}
		}
		if tc.wantOut != nil {
			got := decodeJSON[greetOut](t, tc.name, res.body)
			if !tc.deadline.IsZero() {
				checkDeadline(t, tc.name, got.DeadlineUnixMs, tc.deadline, time.Second)
			}
			got.DeadlineUnixMs = 0
			if got != *tc.wantOut {
				t.Errorf("%s: handler saw\n %+v\nwant\n %+v", tc.name, got, *tc.wantOut)
			}
		}
	}
	// The SDKs print after posting the result; give them a moment.
	deadline := time.Now().Add(5 * time.Second)
	for _, tc := range cases {
		for _, want := range tc.stdout {
			for !strings.Contains(h.stdout.String(), want) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(h.stdout.String(), want) {
				t.Errorf("%s: helper stdout lacks %q", tc.name, want)
			}
		}
	}
	assertNoSecrets(t, "helper stderr", h.stderr.String())
}

// TestStartFCGo1 runs Start in a subprocess with FC_RUNTIME_API pointing at a
// fake of FC's go1 runtime API.
func TestStartFCGo1(t *testing.T) {
	t.Parallel()
	f := newFakeRuntimeAPI(t, "2020-11-11", http.StatusOK)
	h := startHelper(t, "FC_RUNTIME_API="+f.addr(),
		envAccessKeyID+"="+envAccessKeyIDV, envAccessKeySecret+"="+envSecretV, envSecurityToken+"="+envTokenV)

	deadline := time.Now().Add(45 * time.Second).Truncate(time.Millisecond)
	fcHdr := func(id string, extra ...string) map[string]string {
		return with(map[string]string{
			"x-fc-request-id":        id,
			"x-fc-function-deadline": strconv.FormatInt(deadline.UnixMilli(), 10),
			"x-fc-function-timeout":  "45",
			"x-fc-function-name":     "schedule-scan",
			"x-fc-region":            "cn-shanghai",
			"x-fc-account-id":        "998877",
			"x-fc-qualifier":         "prod",
			"x-fc-retry-count":       "1",
			"x-fc-access-key-id":     testAccessKeyID,
			"x-fc-access-key-secret": testSecret,
			"x-fc-security-token":    testToken,
		}, extra...)
	}
	want := func(id, name string) *greetOut {
		return &greetOut{
			Greeting: "hello " + name, RequestID: id, Protocol: ProtocolFCGo1,
			FunctionName: "schedule-scan", Region: "cn-shanghai", AccountID: "998877", Qualifier: "prod", RetryCount: 1,
			AccessKeyID: testAccessKeyID, SecretSource: "header", TokenSource: "header",
			LambdaRequestID: id, LambdaARN: "acs:fc:cn-shanghai:998877:functions/schedule-scan",
		}
	}
	envOut := want("fc-env", "env")
	envOut.AccessKeyID, envOut.SecretSource, envOut.TokenSource = envAccessKeyIDV, "env", "env"

	runRuntimeAPICases(t, f, h, func(tc runtimeAPICase) string { return tc.headers["x-fc-request-id"] }, []runtimeAPICase{
		{
			name: "initializer", headers: fcHdr("fc-init", "x-fc-function-type", "1"), body: "",
			wantKind: "response",
			stdout: []string{"FC Initialize Start RequestId: fc-init", "FC Initialize End RequestId: fc-init",
				"helper initialize hook ran, request fc-init, access key " + testAccessKeyID},
		},
		{
			name: "success", headers: fcHdr("fc-1"), body: `{"name":"alice"}`,
			wantKind: "response", wantOut: want("fc-1", "alice"), deadline: deadline,
			stdout: []string{"FC Invoke Start RequestId: fc-1", "FC Invoke End RequestId: fc-1"},
		},
		{
			name: "handler error", headers: fcHdr("fc-2"), body: `{"name":"bob","fail":true}`,
			wantKind: "error", wantErr: &errorBody{ErrorMessage: "greet failed for bob", ErrorType: "errorString"},
			stdout: []string{"FC Invoke End RequestId: fc-2, Error: Unhandled function error"},
		},
		{
			name: "panic", headers: fcHdr("fc-3"), body: `{"name":"carol","panic":true}`,
			wantKind: "error", wantErr: &errorBody{ErrorMessage: "boom: carol", ErrorType: errTypePanic},
		},
		{
			name: "malformed JSON", headers: fcHdr("fc-4"), body: `{name`,
			wantKind: "error", wantErr: &errorBody{ErrorMessage: "invalid character 'n' looking for beginning of object key string", ErrorType: "SyntaxError"},
		},
		{
			name: "empty payload", headers: fcHdr("fc-5"), body: ``,
			wantKind: "error", wantErr: &errorBody{ErrorMessage: "empty payload: the event body has no bytes", ErrorType: errTypeEmptyPayload},
		},
		{
			name:    "credentials from the environment",
			headers: fcHdr("fc-env", "x-fc-access-key-id", "", "x-fc-access-key-secret", "", "x-fc-security-token", ""), body: `{"name":"env"}`,
			wantKind: "response", wantOut: envOut,
		},
		{
			name: "still serving after a panic", headers: fcHdr("fc-6"), body: `{"name":"dave"}`,
			wantKind: "response", wantOut: want("fc-6", "dave"),
		},
	})
}

// TestStartLambda runs Start in a subprocess with AWS_LAMBDA_RUNTIME_API
// pointing at a fake of the AWS Lambda runtime API.
func TestStartLambda(t *testing.T) {
	t.Parallel()
	f := newFakeRuntimeAPI(t, "2018-06-01", http.StatusAccepted)
	h := startHelper(t, "AWS_LAMBDA_RUNTIME_API="+f.addr(),
		envAccessKeyID+"="+envAccessKeyIDV, envAccessKeySecret+"="+envSecretV, envSecurityToken+"="+envTokenV)

	deadline := time.Now().Add(30 * time.Second).Truncate(time.Millisecond)
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:remediate:live"
	hdr := func(id string) map[string]string {
		return map[string]string{
			"Lambda-Runtime-Aws-Request-Id":       id,
			"Lambda-Runtime-Deadline-Ms":          strconv.FormatInt(deadline.UnixMilli(), 10),
			"Lambda-Runtime-Invoked-Function-Arn": arn,
		}
	}
	want := func(id, name string) *greetOut {
		return &greetOut{
			Greeting: "hello " + name, RequestID: id, Protocol: ProtocolLambda,
			FunctionName: "remediate", Region: "us-east-1", AccountID: "123456789012", Qualifier: "live",
			AccessKeyID: envAccessKeyIDV, SecretSource: "env", TokenSource: "env",
			LambdaRequestID: id, LambdaARN: arn,
		}
	}
	runRuntimeAPICases(t, f, h, func(tc runtimeAPICase) string { return tc.headers["Lambda-Runtime-Aws-Request-Id"] }, []runtimeAPICase{
		{
			name: "success", headers: hdr("aws-1"), body: `{"name":"alice"}`,
			wantKind: "response", wantOut: want("aws-1", "alice"), deadline: deadline,
			// The initializer ran once before the first invocation.
			stdout: []string{"helper initialize hook ran, request , access key " + envAccessKeyIDV},
		},
		{
			name: "handler error", headers: hdr("aws-2"), body: `{"name":"bob","fail":true}`,
			wantKind: "error", wantErr: &errorBody{ErrorMessage: "greet failed for bob", ErrorType: "errorString"},
		},
		{
			name: "panic", headers: hdr("aws-3"), body: `{"name":"carol","panic":true}`,
			wantKind: "error", wantErr: &errorBody{ErrorMessage: "boom: carol", ErrorType: errTypePanic},
		},
		{
			name: "wrong JSON type", headers: hdr("aws-4"), body: `{"name":7}`,
			wantKind: "error", wantErr: &errorBody{ErrorMessage: "json: cannot unmarshal number into Go struct field greetIn.name of type string", ErrorType: "UnmarshalTypeError"},
		},
		{
			name: "still serving after a panic", headers: hdr("aws-5"), body: `{"name":"dave"}`,
			wantKind: "response", wantOut: want("aws-5", "dave"),
		},
	})
}

// TestStartExitsWhenPortBusy checks that a fatal error goes through exitf.
func TestStartExitsWhenPortBusy(t *testing.T) {
	for _, k := range protocolEnv {
		t.Setenv(k, "")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	t.Setenv(envListenPort, port)

	var got string
	old := exitf
	exitf = func(format string, args ...any) { got = fmt.Sprintf(format, args...) }
	t.Cleanup(func() { exitf = old })

	fn, _ := greeter()
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(fn, WithListenHost("127.0.0.1"), WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))))
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("Start on a busy port did not return within 5s")
	}
	for _, want := range []string{"custom runtime", "listen", port, "FC_RUNTIME_API, AWS_LAMBDA_RUNTIME_API"} {
		if !strings.Contains(got, want) {
			t.Errorf("exitf message %q lacks %q", got, want)
		}
	}
}

func TestFatal(t *testing.T) {
	var got []string
	old := exitf
	exitf = func(format string, args ...any) { got = append(got, fmt.Sprintf(format, args...)) }
	t.Cleanup(func() { exitf = old })
	Fatal(errors.New("schedule: SHARD_QUEUE is not set"))
	if len(got) != 1 || got[0] != "schedule: SHARD_QUEUE is not set" {
		t.Errorf("Fatal(err) called exitf with %q; want one call with the error text", got)
	}
}

// TestFatalExits checks the real exitf in a subprocess: status 1 and a JSON
// log line naming the error.
func TestFatalExits(t *testing.T) {
	t.Parallel()
	h := startHelper(t, "FCRUN_TEST_FATAL=1")
	err := h.wait(t, 10*time.Second)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("helper calling Fatal exited with %v; want exit status 1", err)
	}
	line := strings.TrimSpace(h.stderr.String())
	e := decodeJSON[map[string]any](t, "Fatal log line", []byte(line))
	if e["level"] != "ERROR" || e["error"] != "config: missing FOO" {
		t.Errorf("Fatal logged %v; want level ERROR and error %q", e, "config: missing FOO")
	}
}

// TestStartReturnsWhenContextDone runs the custom runtime in-process and
// stops it with WithContext; an in-flight invocation still completes.
func TestStartReturnsWhenContextDone(t *testing.T) {
	for _, k := range protocolEnv {
		t.Setenv(k, "")
	}
	port := freePort(t)
	t.Setenv(envListenPort, port)
	old := exitf
	exitf = func(format string, args ...any) { t.Errorf("exitf called: "+format, args...) }
	t.Cleanup(func() { exitf = old })

	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	slow := func(ctx context.Context, in greetIn) (string, error) {
		once.Do(func() { close(started) })
		<-release
		return "done " + in.Name, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		StartFunc(slow, WithContext(ctx), WithListenHost("127.0.0.1"), WithStdout(io.Discard),
			WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil))))
	}()
	addr := "127.0.0.1:" + port
	waitListening(t, addr, nil)

	type result struct {
		status int
		body   string
	}
	inflight := make(chan result, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/invoke", "application/json", strings.NewReader(`{"name":"slow"}`))
		if err != nil {
			inflight <- result{body: err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		inflight <- result{resp.StatusCode, string(b)}
	}()
	<-started
	cancel()
	select {
	case <-returned:
		t.Fatalf("Start returned while an invocation was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if r := <-inflight; r.status != 200 || r.body != `"done slow"` {
		t.Errorf("in-flight invoke during shutdown = %d %s; want 200 \"done slow\"", r.status, r.body)
	}
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatalf("Start did not return within 5s of its context ending")
	}
	if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
		c.Close()
		t.Errorf("server still accepting on %s after Start returned", addr)
	}
}
