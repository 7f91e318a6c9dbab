// Package functions_test drives the five function binaries as FC would: each built,
// started as its own process, and spoken to over loopback under each runtime protocol.
package functions_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/demo"
	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/queue"
	"github.com/cspm-alibaba/cspm/shared/store"
)

var names = demo.Functions

// binDir holds the binaries TestMain builds.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cspm-functions-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	if err := demo.BuildFunctions("..", dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// syncBuffer collects a process's output safely while it runs.
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

type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	addr           string
}

// start runs a function binary with env and, for the custom runtime, waits for its port.
func start(t testing.TB, name string, env []string, waitPort bool) *proc {
	t.Helper()
	p := &proc{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	port := freePort(t)
	p.addr = "127.0.0.1:" + port
	p.cmd = exec.Command(filepath.Join(binDir, name))
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "FC_CUSTOM_LISTEN_PORT=" + port}, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill() // the test is over; Wait reaps it
		_ = p.cmd.Wait()
	})
	if waitPort {
		deadline := time.Now().Add(10 * time.Second)
		for {
			c, err := net.DialTimeout("tcp", p.addr, 100*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never listened on %s; stderr:\n%s", name, p.addr, p.stderr.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return p
}

func invoke(t testing.TB, addr, requestID string, headers map[string]string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/invoke", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-fc-request-id", requestID)
	req.Header.Set("Content-Type", "application/octet-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /invoke: %v", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out
}

func readEvent(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mnsEnv starts the Tablestore emulator (tables and the sample tenant in place) and the
// MNS emulator with the shard queue, and returns the env a function needs to reach them,
// and a client to inspect the queue.
func mnsEnv(t testing.TB) ([]string, *queue.Client) {
	t.Helper()
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	if err := demo.SeedStore(context.Background(), store.New(ots.Client(), nil), time.Now()); err != nil {
		t.Fatal(err)
	}
	srv, err := mnssim.NewServer(mnssim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := srv.ClientConfig()
	q, err := queue.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.CreateQueue(context.Background(), "cspm-shards", 60*time.Second); err != nil {
		t.Fatal(err)
	}
	return []string{
		"MNS_ENDPOINT=" + cfg.Endpoint, "MNS_DIAL_ADDR=" + cfg.DialAddr,
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + cfg.AccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + cfg.AccessKeySecret,
		"SHARD_QUEUE=cspm-shards", "OTS_ENDPOINT=" + ots.URL(), "OTS_INSTANCE=" + otsim.DefaultInstance,
	}, q
}

// plannedShards is how many shards the sample tenants' scans plan, in all.
func plannedShards(t testing.TB) int {
	t.Helper()
	n, err := demo.PlannedShards()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// plansEveryTask reports whether schedule-scan's answer has a task of the planned
// size for each sample tenant.
func plansEveryTask(t testing.TB, body string) bool {
	t.Helper()
	per, err := demo.PlannedTasks()
	if err != nil {
		t.Fatal(err)
	}
	for id, n := range per {
		if !strings.Contains(body, fmt.Sprintf(`"tenant_id":"%s",`, id)) || !strings.Contains(body, fmt.Sprintf(`-%s","policy":`, id)) ||
			!strings.Contains(body, fmt.Sprintf(`"shards":%d`, n)) {
			return false
		}
	}
	return true
}

// drain receives everything in a queue.
func drain(t testing.TB, q *queue.Client, name string) []queue.Message {
	t.Helper()
	var all []queue.Message
	for {
		msgs, err := q.Receive(context.Background(), name, 16, 0)
		if err != nil {
			t.Fatalf("receive %s: %v", name, err)
		}
		if len(msgs) == 0 {
			return all
		}
		all = append(all, msgs...)
	}
}

// TestScheduleScanCustomRuntime is the README's curl check: the timer event posted to a
// running schedule-scan answers x-fc-status 200, and its shard jobs reach the queue.
func TestScheduleScanCustomRuntime(t *testing.T) {
	env, q := mnsEnv(t)
	p := start(t, "schedule-scan", env, true)
	resp, body := invoke(t, p.addr, "r1", nil, readEvent(t, "timer.json"))
	if resp.StatusCode != 200 || resp.Header.Get("x-fc-status") != "200" {
		t.Fatalf("invoke timer = HTTP %d x-fc-status %q body %s; want 200/200\nstderr:\n%s", resp.StatusCode, resp.Header.Get("x-fc-status"), body, p.stderr.String())
	}
	want := plannedShards(t)
	if !plansEveryTask(t, string(body)) {
		t.Errorf("schedule-scan answered %s; want a task for each sample tenant, %d shards in all", body, want)
	}
	if got := len(drain(t, q, "cspm-shards")); got != want {
		t.Errorf("cspm-shards holds %d messages after the timer; want %d", got, want)
	}
	out := p.stdout.String()
	for _, want := range []string{"FC Invoke Start RequestId: r1", "FC Invoke End RequestId: r1"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

// TestBadInputAtTheBoundary: each bad input is a 404 with x-fc-status 404 and an error
// body, logged once with its request id.
func TestBadInputAtTheBoundary(t *testing.T) {
	cases := []struct {
		name, function string
		headers        map[string]string
		body           []byte
		want           string
	}{
		{"malformed json", "run-check-shard", nil, []byte(`[{"id":`), ""},
		{"empty batch", "run-check-shard", nil, []byte(`[]`), "empty batch"},
		{"cloudevent data is not a job", "run-check-shard", nil, readEvent(t, "bad/data-not-a-job.json"), ""},
		{"over the async limit", "run-check-shard", nil, bytes.Repeat([]byte(" "), 128<<10+1), "131072"},
		{"unknown control path", "meter-quota", map[string]string{"x-fc-control-path": "/nonsense"}, readEvent(t, "timer.json"), "/nonsense"},
		{"timer to the shard function", "run-check-shard", nil, readEvent(t, "timer.json"), ""},
		{"shard batch to the meter", "meter-quota", nil, readEvent(t, "mns-shard-batch.json"), ""},
		{"fix job with unknown field", "remediate", nil, []byte(`{"version":1,"tenant_id":"acme","surprise":true}`), "surprise"},
	}
	// One process per function, owned by the parent test so it outlives each subtest.
	env, _ := mnsEnv(t)
	procs := map[string]*proc{}
	for _, c := range cases {
		if procs[c.function] == nil {
			procs[c.function] = start(t, c.function, env, true)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := procs[c.function]
			rid := "bad-" + strings.ReplaceAll(c.name, " ", "-")
			resp, body := invoke(t, p.addr, rid, c.headers, c.body)
			if resp.StatusCode != 404 || resp.Header.Get("x-fc-status") != "404" {
				t.Fatalf("HTTP %d x-fc-status %q; want 404/404 (body %s)", resp.StatusCode, resp.Header.Get("x-fc-status"), body)
			}
			if !bytes.Contains(body, []byte(`"errorMessage"`)) || !bytes.Contains(body, []byte(`"errorType"`)) {
				t.Errorf("body %s lacks errorMessage/errorType", body)
			}
			if c.want != "" && !bytes.Contains(body, []byte(c.want)) {
				t.Errorf("body %s does not mention %q", body, c.want)
			}
			deadline := time.Now().Add(2 * time.Second)
			for strings.Count(p.stderr.String(), rid) == 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := strings.Count(p.stderr.String(), rid); n != 1 {
				t.Errorf("request %s logged %d times on stderr; want once:\n%s", rid, n, p.stderr.String())
			}
		})
	}
}

// fakeRuntimeAPI plays a pull-style runtime API (FC go1 or AWS Lambda, told apart by the
// version in the path): it hands out one event with the given headers, holds later
// polls open, and reports each answer as "<request id> <response|error> <body>".
func fakeRuntimeAPI(t *testing.T, version string, headers map[string]string, event []byte) (string, <-chan string) {
	t.Helper()
	answered := make(chan string, 1)
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+version+"/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		first := false
		once.Do(func() { first = true })
		if !first {
			<-r.Context().Done() // one event only: hold the next poll open
			return
		}
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		_, _ = w.Write(event) // the runtime under test reads it or the test fails on no answer
	})
	mux.HandleFunc("POST /"+version+"/runtime/invocation/{id}/{outcome}", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read the runtime's answer: %v", err)
		}
		answered <- r.PathValue("id") + " " + r.PathValue("outcome") + " " + string(b)
		w.WriteHeader(http.StatusAccepted)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String(), answered
}

// TestScheduleScanPullRuntimes runs the same schedule-scan binary under FC's go1 runtime
// protocol and under AWS Lambda's: a fake runtime API hands it the timer event and
// records the answer.
func TestScheduleScanPullRuntimes(t *testing.T) {
	deadline := fmt.Sprint(time.Now().Add(time.Minute).UnixMilli())
	cases := []struct {
		name, env, version, requestID string
		headers                       map[string]string
	}{
		{"fc-go1", "FC_RUNTIME_API", "2020-11-11", "go1-r1", map[string]string{
			"x-fc-request-id": "go1-r1", "x-fc-function-deadline": deadline, "x-fc-function-timeout": "60",
			"x-fc-function-name": "cspm-schedule-scan",
		}},
		{"lambda", "AWS_LAMBDA_RUNTIME_API", "2018-06-01", "aws-r1", map[string]string{
			"Lambda-Runtime-Aws-Request-Id": "aws-r1", "Lambda-Runtime-Deadline-Ms": deadline,
			"Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:schedule-scan",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, q := mnsEnv(t)
			addr, answered := fakeRuntimeAPI(t, c.version, c.headers, readEvent(t, "timer.json"))
			p := start(t, "schedule-scan", append(env, c.env+"="+addr), false)
			select {
			case got := <-answered:
				if !strings.HasPrefix(got, c.requestID+" response ") || !plansEveryTask(t, strings.ReplaceAll(got, `\"`, `"`)) {
					t.Fatalf("runtime API got %q; want a response for %s with a task for each sample tenant\nstderr:\n%s", got, c.requestID, p.stderr.String())
				}
			case <-time.After(15 * time.Second):
				t.Fatalf("no answer through the %s runtime API in 15 s\nstdout:\n%s\nstderr:\n%s", c.name, p.stdout.String(), p.stderr.String())
			}
			if got, want := len(drain(t, q, "cspm-shards")), plannedShards(t); got != want {
				t.Errorf("cspm-shards holds %d messages; want %d", got, want)
			}
		})
	}
}
