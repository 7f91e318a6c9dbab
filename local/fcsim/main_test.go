package fcsim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// fnBinary is the test function (testdata/fn) built once by TestMain.
var fnBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fcsim-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "fcsim test: temp dir:", err)
		os.Exit(1)
	}
	fnBinary = filepath.Join(dir, "fn")
	if runtime.GOOS == "windows" {
		fnBinary += ".exe"
	}
	build := exec.Command("go", "build", "-o", fnBinary, "./testdata/fn")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "fcsim test: go build ./testdata/fn: %v\n%s", err, out)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer is a goroutine-safe bytes.Buffer for process output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// hops collects Hop reports.
type hops struct {
	mu   sync.Mutex
	list []Hop
}

func (h *hops) add(x Hop) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.list = append(h.list, x)
}

func (h *hops) all() []Hop {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Hop(nil), h.list...)
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// harness is a running Sim over a spec written by the test.
type harness struct {
	sim    *Sim
	hops   *hops
	log    string // FN_LOG file
	stdout *syncBuffer
	stderr *syncBuffer
}

// start writes yamlText to a temp s.yaml, links the test function as every resource's
// binary, and starts a Sim. edit may change the options before New.
func start(t *testing.T, yamlText string, edit func(*Options)) *harness {
	t.Helper()
	h := newHarness(t, yamlText, edit)
	if err := h.sim.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v\nstderr:\n%s", err, h.stderr)
	}
	return h
}

func newHarness(t *testing.T, yamlText string, edit func(*Options)) *harness {
	t.Helper()
	dir := t.TempDir()
	specPath := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(specPath, []byte(yamlText), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := LoadSpec(specPath)
	if err != nil {
		t.Fatalf("LoadSpec: %v", err)
	}
	binDir := filepath.Join(dir, "bin")
	if err := os.Mkdir(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range spec.Functions {
		if err := os.Symlink(fnBinary, filepath.Join(binDir, f.Key)); err != nil {
			t.Fatal(err)
		}
	}
	h := &harness{hops: &hops{}, log: filepath.Join(dir, "calls.jsonl"), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	opts := Options{
		Spec:            spec,
		BinDir:          binDir,
		Env:             []string{"FN_LOG=" + h.log},
		AccountID:       "1111222233334444",
		Region:          "cn-shanghai",
		AccessKeyID:     "STS.test-ak",
		AccessKeySecret: "test-secret",
		SecurityToken:   "test-token",
		Hop:             h.hops.add,
		Backoff:         func(int) time.Duration { return 20 * time.Millisecond },
		Stdout:          h.stdout,
		Stderr:          h.stderr,
		StopGrace:       2 * time.Second,
	}
	if edit != nil {
		edit(&opts)
	}
	h.sim, err = New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.sim.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return h
}

// call is one line of the test function's FN_LOG.
type call struct {
	Fn       string `json:"fn"`
	Instance string `json:"instance"`
	Path     string `json:"path"`
	RID      string `json:"rid"`
	Retry    string `json:"retry"`
	Body     string `json:"body"`
}

// calls reads the test function's log.
func (h *harness) calls(t *testing.T) []call {
	t.Helper()
	f, err := os.Open(h.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var c call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("bad FN_LOG line %q: %v", sc.Text(), err)
		}
		out = append(out, c)
	}
	return out
}

func (h *harness) callsTo(t *testing.T, path string) []call {
	var out []call
	for _, c := range h.calls(t) {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// echo is the test function's successful /invoke answer.
type echo struct {
	RequestID   string            `json:"requestId"`
	Headers     map[string]string `json:"headers"`
	Body        string            `json:"body"`
	Env         map[string]string `json:"env"`
	Instance    string            `json:"instance"`
	Inflight    int               `json:"inflight"`
	MaxInflight int               `json:"maxInflight"`
}

func decodeEcho(t *testing.T, res Result) echo {
	t.Helper()
	var e echo
	if err := json.Unmarshal(res.Body, &e); err != nil {
		t.Fatalf("result body %q is not the test function's echo: %v", res.Body, err)
	}
	return e
}
