package fcsim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const echoSpec = `
edition: 3.0.0
name: t
resources:
  echo:
    component: fc3
    props:
      functionName: t-echo
      timeout: 5
      memorySize: 256
      instanceConcurrency: 2
      environmentVariables:
        FROM_YAML: yaml
        OVERRIDE_ME: yaml
        DEPLOY_TIME: https://${vars.x}.example
      triggers:
        - triggerName: tick
          triggerType: timer
          triggerConfig:
            cronExpression: '@every 1s'
            enable: true
            payload: '{"policy":"cis-v2","note":"<&>"}'
  slow:
    component: fc3
    props:
      functionName: t-slow
      timeout: 1
`

func TestFireDeliversTimerEventWithFCHeaders(t *testing.T) {
	t.Setenv("FC_LEAKED_FROM_PARENT", "1")
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:1")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "the developer's real secret")
	h := start(t, echoSpec, func(o *Options) { o.Env = append(o.Env, "OVERRIDE_ME=options") })
	before := time.Now().UTC().Truncate(time.Second)
	res, err := h.sim.Fire(context.Background(), "tick")
	if err != nil {
		t.Fatalf("Fire(tick): %v", err)
	}
	if !res.OK() || res.Status != 200 || res.Err != "" {
		t.Fatalf("Fire(tick) = status %d err %q; want 200 and no error", res.Status, res.Err)
	}
	e := decodeEcho(t, res)

	var ev TimerEvent
	if err := json.Unmarshal([]byte(e.Body), &ev); err != nil {
		t.Fatalf("timer event %q: %v", e.Body, err)
	}
	if ev.TriggerName != "tick" || ev.Payload != `{"policy":"cis-v2","note":"<&>"}` {
		t.Errorf("timer event = %+v; want triggerName tick and the s.yaml payload verbatim", ev)
	}
	if !strings.Contains(e.Body, `"payload":"{\"policy\":\"cis-v2\",\"note\":\"<&>\"}"`) {
		t.Errorf("timer event %s: want the payload as a JSON string, not HTML-escaped", e.Body)
	}
	tt, err := time.Parse(time.RFC3339, ev.TriggerTime)
	if err != nil || !strings.HasSuffix(ev.TriggerTime, "Z") || tt.Before(before) || tt.After(time.Now().Add(time.Second)) {
		t.Errorf("triggerTime %q: want RFC 3339 UTC around now (err %v)", ev.TriggerTime, err)
	}

	wantHeaders := map[string]string{
		"x-fc-request-id":        res.RequestID,
		"x-fc-control-path":      "/invoke",
		"x-fc-function-name":     "t-echo",
		"x-fc-function-handler":  "index.handler",
		"x-fc-function-memory":   "256",
		"x-fc-function-timeout":  "5",
		"x-fc-region":            "cn-shanghai",
		"x-fc-account-id":        "1111222233334444",
		"x-fc-qualifier":         "LATEST",
		"x-fc-retry-count":       "0",
		"x-fc-access-key-id":     "STS.test-ak",
		"x-fc-access-key-secret": "test-secret",
		"x-fc-security-token":    "test-token",
		"content-type":           "application/octet-stream",
	}
	for k, want := range wantHeaders {
		if got := e.Headers[k]; got != want {
			t.Errorf("header %s = %q; want %q", k, got, want)
		}
	}

	wantEnv := map[string]string{
		"FROM_YAML":                    "yaml",
		"OVERRIDE_ME":                  "options",
		"FC_FUNCTION_NAME":             "t-echo",
		"FC_REGION":                    "cn-shanghai",
		"FC_ACCOUNT_ID":                "1111222233334444",
		"FC_INSTANCE_ID":               e.Instance,
		"ALIBABA_CLOUD_ACCESS_KEY_ID":  "STS.test-ak",
		"ALIBABA_CLOUD_SECURITY_TOKEN": "test-token",
	}
	for k, want := range wantEnv {
		if got := e.Env[k]; got != want {
			t.Errorf("env %s = %q; want %q", k, got, want)
		}
	}
	if got := e.Env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]; got != "test-secret" {
		t.Errorf("env ALIBABA_CLOUD_ACCESS_KEY_SECRET = %q; want the Options secret, never the parent's", got)
	}
	for _, k := range []string{"DEPLOY_TIME", "FC_LEAKED_FROM_PARENT", "AWS_LAMBDA_RUNTIME_API"} {
		if v, ok := e.Env[k]; ok {
			t.Errorf("env %s = %q; want it absent", k, v)
		}
	}
	if e.Env["FC_CUSTOM_LISTEN_PORT"] == "" || e.Instance == "" {
		t.Errorf("FC_CUSTOM_LISTEN_PORT %q, FC_INSTANCE_ID %q: want both set", e.Env["FC_CUSTOM_LISTEN_PORT"], e.Instance)
	}

	hs := h.hops.all()
	if len(hs) != 1 || hs[0].Kind != KindTimer || hs[0].Trigger != "tick" || hs[0].Function != "echo" || hs[0].Status != HopOK || hs[0].RequestID != res.RequestID {
		t.Errorf("hops = %+v; want one ok timer hop for echo/tick with the request id", hs)
	}
	if inits := h.callsTo(t, "/initialize"); len(inits) != 2 {
		t.Errorf("/initialize calls = %d; want 2 (one per function)", len(inits))
	}
	// Process output travels through a pipe: give it a moment.
	waitFor(t, 2*time.Second, "the prefixed invoke log line on stdout", func() bool {
		return strings.Contains(h.stdout.String(), "[echo] FC Invoke Start RequestId: "+res.RequestID)
	})

	if _, err := h.sim.Fire(context.Background(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Fire(nope) error = %v; want ErrNotFound", err)
	}
	if res, err := h.sim.Fire(context.Background(), "echo/tick"); err != nil || !res.OK() {
		t.Errorf("Fire(echo/tick) = %+v, %v; want ok", res, err)
	}
}

func TestCronFiresTimers(t *testing.T) {
	h := start(t, echoSpec, func(o *Options) { o.Cron = true })
	waitFor(t, 3*time.Second, "a timer hop from the @every 1s schedule", func() bool {
		for _, x := range h.hops.all() {
			if x.Kind == KindTimer && x.Trigger == "tick" && x.Status == HopOK {
				return true
			}
		}
		return false
	})
}

func TestInvokeResults(t *testing.T) {
	h := start(t, echoSpec, nil)
	ctx := context.Background()
	tests := []struct {
		name       string
		function   string
		payload    string
		wantStatus int
		wantErr    string
	}{
		{"echo by key", "echo", "hello", 200, ""},
		{"echo by functionName", "t-echo", "hello", 200, ""},
		{"function error", "echo", "please fail", 404, "TestError: asked to fail"},
		{"timeout", "slow", "sleep=1500ms", 0, "FunctionTimeout: function timed out after 1s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := h.sim.Invoke(ctx, tc.function, []byte(tc.payload))
			if err != nil {
				t.Fatalf("Invoke(%s, %q): %v", tc.function, tc.payload, err)
			}
			if res.Status != tc.wantStatus || !strings.Contains(res.Err, tc.wantErr) || (tc.wantErr == "") != res.OK() {
				t.Fatalf("Invoke(%s, %q) = status %d err %q; want status %d err containing %q", tc.function, tc.payload, res.Status, res.Err, tc.wantStatus, tc.wantErr)
			}
			if tc.wantStatus == 200 && decodeEcho(t, res).Body != tc.payload {
				t.Fatalf("echoed body = %q; want %q", decodeEcho(t, res).Body, tc.payload)
			}
		})
	}
	if _, err := h.sim.Invoke(ctx, "missing", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Invoke(missing) error = %v; want ErrNotFound", err)
	}
}

func TestConcurrencyCap(t *testing.T) {
	h := start(t, echoSpec, nil) // echo: instanceConcurrency 2
	const n = 6
	var wg sync.WaitGroup
	results := make([]Result, n)
	errs := make([]error, n)
	began := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = h.sim.Invoke(context.Background(), "echo", []byte("sleep=250ms"))
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	maxSeen := 0
	for i := range n {
		if errs[i] != nil || !results[i].OK() {
			t.Fatalf("invoke %d: %v %+v", i, errs[i], results[i])
		}
		maxSeen = max(maxSeen, decodeEcho(t, results[i]).MaxInflight)
	}
	if maxSeen != 2 {
		t.Errorf("most invocations in flight at once = %d; want 2 (instanceConcurrency)", maxSeen)
	}
	if elapsed < 3*250*time.Millisecond {
		t.Errorf("%d invocations of 250ms with concurrency 2 took %v; want at least 750ms", n, elapsed)
	}
}

func TestCrashedInstanceIsRestarted(t *testing.T) {
	h := start(t, echoSpec, nil)
	ctx := context.Background()
	res, err := h.sim.Invoke(ctx, "echo", []byte("crash now"))
	if err != nil {
		t.Fatalf("Invoke(crash): %v", err)
	}
	if res.OK() || !strings.Contains(res.Err, "exited during the invocation") || !strings.Contains(res.Err, "fn: crashing as asked") {
		t.Fatalf("Invoke(crash) = status %d err %q; want a failure naming the exit and the last stderr line", res.Status, res.Err)
	}
	res, err = h.sim.Invoke(ctx, "echo", []byte("after"))
	if err != nil || !res.OK() {
		t.Fatalf("Invoke after crash = %+v, %v; want ok from a new instance", res, err)
	}
	hs := h.hops.all()
	if len(hs) != 2 {
		t.Fatalf("hops = %+v; want 2", hs)
	}
	if hs[0].Status != HopFailed || hs[1].Status != HopOK {
		t.Errorf("hop statuses = %s, %s; want failed, ok", hs[0].Status, hs[1].Status)
	}
	if hs[1].Restart == "" || !strings.Contains(hs[1].Restart, hs[0].Instance) || hs[1].Instance == hs[0].Instance {
		t.Errorf("second hop restart %q instance %q (first %q); want a restart note naming the dead instance and a new instance",
			hs[1].Restart, hs[1].Instance, hs[0].Instance)
	}
	if got := decodeEcho(t, res).Instance; got != hs[1].Instance {
		t.Errorf("served by %q; hop says %q", got, hs[1].Instance)
	}
	if inits := h.callsTo(t, "/initialize"); len(inits) != 3 {
		t.Errorf("/initialize calls = %d; want 3 (two at start, one for the new instance)", len(inits))
	}
}

func TestStartFailures(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Options)
		wantErr []string
	}{
		{"exits at start", func(o *Options) { o.Env = append(o.Env, "FN_EXIT_AT_START=boom: missing OTS_ENDPOINT") },
			[]string{"exited before listening", "exit status 2", "boom: missing OTS_ENDPOINT"}},
		{"never listens", func(o *Options) {
			o.Env = append(o.Env, "FN_NO_LISTEN=1")
			o.StartTimeout = 400 * time.Millisecond
		}, []string{"did not listen on port", "within 400ms", "fn: not listening on purpose"}},
		{"missing binary", func(o *Options) { o.BinDir = filepath.Join(o.BinDir, "nowhere") },
			[]string{"echo: function binary", "no such file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, echoSpec, tc.edit)
			err := h.sim.Start(context.Background())
			if err == nil {
				t.Fatal("Start succeeded; want an error")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Start error = %q; want it to contain %q", err, w)
				}
			}
			if _, err := h.sim.Invoke(context.Background(), "echo", nil); !errors.Is(err, ErrNotRunning) {
				t.Errorf("Invoke after failed Start: %v; want ErrNotRunning", err)
			}
		})
	}
}

func TestStopCallsPreStopAndEndsProcesses(t *testing.T) {
	h := start(t, echoSpec, nil)
	var insts []*instance
	for _, f := range h.sim.fns {
		insts = append(insts, f.inst)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.sim.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if n := len(h.callsTo(t, "/pre-stop")); n != 2 {
		t.Errorf("/pre-stop calls = %d; want 2", n)
	}
	for _, in := range insts {
		if !in.exited() {
			t.Errorf("instance %s still running after Stop", in.id)
		}
	}
	if !strings.Contains(h.stderr.String(), "fn: SIGTERM") {
		t.Errorf("processes did not report SIGTERM; stderr:\n%s", h.stderr)
	}
	if _, err := h.sim.Invoke(ctx, "echo", nil); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Invoke after Stop: %v; want ErrNotRunning", err)
	}
}

func TestControlAPI(t *testing.T) {
	h := start(t, echoSpec, nil)
	srv := httptest.NewServer(h.sim.Handler())
	defer srv.Close()
	tests := []struct {
		method, path, body string
		wantCode           int
		wantStatus         int
		wantErr            string
	}{
		{"POST", "/functions/echo/invoke", `{"x":1}`, 200, 200, ""},
		{"POST", "/functions/t-echo/invoke", "plain", 200, 200, ""},
		{"POST", "/functions/echo/invoke", "fail please", 502, 404, "TestError: asked to fail"},
		{"POST", "/triggers/tick/fire", "", 200, 200, ""},
		{"POST", "/triggers/echo%2Ftick/fire", "", 200, 200, ""},
		{"POST", "/functions/nope/invoke", "", 404, 0, "not found"},
		{"POST", "/triggers/nope/fire", "", 404, 0, "not found"},
		{"GET", "/functions/echo/invoke", "", 405, 0, ""},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.wantCode {
			t.Errorf("%s %s: HTTP %d; want %d (body %s)", tc.method, tc.path, resp.StatusCode, tc.wantCode, raw)
			continue
		}
		if tc.wantCode == 405 {
			continue
		}
		var out struct {
			Status    int             `json:"status"`
			RequestID string          `json:"request_id"`
			Body      json.RawMessage `json:"body"`
			Error     string          `json:"error"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Errorf("%s %s: answer %s is not JSON: %v", tc.method, tc.path, raw, err)
			continue
		}
		if out.Status != tc.wantStatus || !strings.Contains(out.Error, tc.wantErr) || (tc.wantErr == "") != (out.Error == "") {
			t.Errorf("%s %s: status %d error %q; want %d and error containing %q", tc.method, tc.path, out.Status, out.Error, tc.wantStatus, tc.wantErr)
		}
		if tc.wantStatus == 200 {
			var e echo
			if err := json.Unmarshal(out.Body, &e); err != nil || out.RequestID == "" || e.RequestID != out.RequestID {
				t.Errorf("%s %s: body %s should embed the function's JSON echo with request id %q", tc.method, tc.path, out.Body, out.RequestID)
			}
			if strings.Contains(tc.path, "invoke") && e.Body != tc.body {
				t.Errorf("%s %s: function received %q; want %q", tc.method, tc.path, e.Body, tc.body)
			}
		}
	}
	resp, err := http.Get(srv.URL + "/functions")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(raw, []byte(`"key": "echo"`)) || !bytes.Contains(raw, []byte(`tick (@every 1s)`)) {
		t.Errorf("GET /functions = %s; want echo and its timer listed", raw)
	}
}

func TestProcessEnvOrder(t *testing.T) {
	got := dedupEnv([]string{"A=1", "B=2", "A=3", "C=4", "B=5"})
	want := []string{"A=3", "B=5", "C=4"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("dedupEnv = %v; want %v", got, want)
	}
	if _, err := New(Options{}); err == nil {
		t.Error("New(Options{}) = nil error; want Spec required")
	}
	spec, _ := ParseSpec("s.yaml", []byte(echoSpec))
	if _, err := New(Options{Spec: spec, BinDir: os.TempDir(), Env: []string{"NOEQUALS"}}); err == nil {
		t.Error("New with Env entry without '=' = nil error; want an error")
	}
}
