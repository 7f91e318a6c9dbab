package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/fcsim"
	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/store"
)

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cspm-demo-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	if err := BuildFunctions("../..", dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestRun is make demo in a test: every hop of the chain runs and all shards arrive.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	var findings []store.Finding
	inspect := func(ctx context.Context, stack *Stack) (err error) {
		findings, err = stack.Store.ListFindings(ctx, "acme-retail")
		return err
	}
	if err := Run(context.Background(), Options{BinDir: binDir, Spec: "../../s.yaml", Out: &out, Timeout: 60 * time.Second, Inspect: inspect}); err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out.String())
	}
	got := out.String()
	per, err := PlannedTasks()
	if err != nil {
		t.Fatal(err)
	}
	// Issue 6: the pay-as-you-go tenant's task runs whole; the subscription tenant's
	// runs out of its 75 units mid-task, stops, and keeps what it found; meter-quota
	// bills both, reconciled.
	for _, want := range []string{
		fmt.Sprintf("of acme-retail: done (%d of %d shards done)", per["acme-retail"], per["acme-retail"]),
		"of globex-media: stopped: quota exhausted: ",
		"stopped: quota exhausted after ",
		"not run: the task stopped, quota exhausted",
		"globex-media  day/",
		"acme-retail   day/",
		"quota counter cspm/cn/sub/sub-2026-q4 of globex-media (subscription): 75 units used, 75 in usage records, 0 held: reconciled",
		"of acme-retail (payg): ",
		"== findings of tenant globex-media, read back from Tablestore",
		"nightly-scan     → schedule-scan    ok",
		"shards           → run-check-shard  batch=10 ok",
		"hourly-meter     → meter-quota      ok",
		"(run-check-shard ran ",
		"global       ram",
		"assets",
		"not passed",
		"== findings of tenant acme-retail, read back from Tablestore",
		"SEVERITY  ITEM",
		"failing items across",
		"== host baseline of tenant acme-retail",
		"host i-bp1acmeweb01 (cn-hangzhou): NOT_PASS",
		"HIGH      NOT_PASS  host.password.system_weak",
		fmt.Sprintf("host i-bp1acmedb01 (cn-hangzhou): NOT_EVALUATED %d — not evaluated: Cloud Assistant offline", len(baseline.All())),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("demo output lacks %q:\n%s", want, got)
		}
	}
	// Issue 5: at least 20 failing items across at least 6 products, read from the store.
	items := FailingItems(findings)
	products := map[string]bool{}
	for _, it := range items {
		products[it.Product] = true
	}
	if len(items) < 20 || len(products) < 6 {
		t.Errorf("the store holds %d failing items across %d products (%v); want at least 20 across at least 6\n%s", len(items), len(products), products, got)
	}
	for _, f := range findings {
		if f.FirstSeen.IsZero() || f.LastSeen.IsZero() || f.TaskID == "" {
			t.Errorf("finding %s/%s lacks first_seen, last_seen or task id: %+v", f.ItemID, f.InstanceID, f)
		}
		if f.Status == string(checks.NotPass) && f.State != "new" {
			t.Errorf("finding %s/%s of a first scan is NOT_PASS with state %q; want new", f.ItemID, f.InstanceID, f.State)
		}
	}
	if want := fmt.Sprintf("%d failing items across %d products", len(items), len(products)); !strings.Contains(got, want) {
		t.Errorf("demo output lacks %q:\n%s", want, got)
	}
	// A first scan: every failure is new since the (absent) previous scan.
	failing := 0
	for _, f := range findings {
		if f.Status == string(checks.NotPass) {
			failing++
		}
	}
	if want := fmt.Sprintf("since the previous scan: %d new, 0 fixed", failing); !strings.Contains(got, want) {
		t.Errorf("demo output lacks %q:\n%s", want, got)
	}
}

// TestPoisonMessageIsParked: a message the shard function rejects is retried with
// backoff as s.yaml says, then parked in the dead-letter queue with its body intact.
func TestPoisonMessageIsParked(t *testing.T) {
	var mu sync.Mutex
	var hops []fcsim.Hop
	parked := make(chan struct{}, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stack, err := StartStack(ctx, StackOptions{BinDir: binDir, Spec: "../../s.yaml", Stdout: io.Discard, Stderr: io.Discard, Hop: func(h fcsim.Hop) {
		mu.Lock()
		hops = append(hops, h)
		mu.Unlock()
		if h.Status == fcsim.HopParked {
			parked <- struct{}{}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer stack.Close(context.Background())

	poison := []byte(`{"version":1,"tenant_id":"acme-retail","surprise":"not a shard job"}`)
	if _, err := stack.Queue.Send(ctx, "cspm-shards", poison); err != nil {
		t.Fatal(err)
	}
	select {
	case <-parked:
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the poison message was never parked; hops: %+v", hops)
	}
	mu.Lock()
	attempts := 0
	for _, h := range hops {
		if h.Function == "run-check-shard" {
			// The last attempt's hop carries status parked.
			attempts++
			if !strings.Contains(h.Err, "surprise") {
				t.Errorf("attempt %d failed with %q; want the error to name the unknown field", h.Attempt, h.Err)
			}
		}
	}
	mu.Unlock()
	// s.yaml: MaximumRetryAttempts 3 → the first try and 3 retries.
	if attempts != 4 {
		t.Errorf("run-check-shard was tried %d times; want 4 (1 + MaximumRetryAttempts 3)", attempts)
	}
	msgs, err := stack.Queue.Receive(ctx, "cspm-dlq", 16, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || !bytes.Equal(msgs[0].Body, poison) {
		t.Fatalf("cspm-dlq holds %d messages (%+v); want the poison message, body unchanged", len(msgs), msgs)
	}
	left, err := stack.Queue.Receive(ctx, "cspm-shards", 16, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("cspm-shards still holds %d messages after parking; want 0", len(left))
	}
}
