package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/demo"
	"github.com/cspm-alibaba/cspm/shared/schedule"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// TestScanMatchesDemo: `cspm scan --fixture` over the sample account gives the same
// findings, as (item, instance, status), as the demo's run-check-shard wrote to the
// store for the same account.
//
// The scan is restricted to what the demo's tenant schedules, so both sides cover the
// same ground: the items of its policy (cis-v2) on its products (schedule.Items, as
// schedule-scan plans them) and its regions. Without that the scan covers every region
// of the fixture and every product, and legitimately finds more.
func TestScanMatchesDemo(t *testing.T) {
	reqs, err := demo.SampleTenants()
	if err != nil {
		t.Fatal(err)
	}
	tn := reqs[0]
	plan := tn.Plan
	plan.Authorized = true
	var items []string
	for _, p := range tn.Products {
		ids, err := schedule.Items(tn.Policy, p, plan)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, ids...)
	}

	var stored []store.Finding
	var out bytes.Buffer
	err = demo.Run(context.Background(), demo.Options{BinDir: binDir, Spec: "../../../s.yaml", Out: &out, Timeout: 60 * time.Second,
		Inspect: func(ctx context.Context, stack *demo.Stack) (err error) {
			stored, err = stack.Store.ListFindings(ctx, tn.TenantID)
			return err
		}})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}

	var scanOut bytes.Buffer
	args := []string{"--fixture", sampleFixture, "--format", "json", "--items", strings.Join(items, ","), "--regions", strings.Join(tn.Regions, ",")}
	if err := runScan(context.Background(), args, &scanOut, io.Discard); err != nil && !errors.Is(err, exitFindings) {
		t.Fatalf("scan %v: %v", args, err)
	}
	var scanned struct {
		Findings []struct {
			ItemID     string `json:"item_id"`
			InstanceID string `json:"instance_id"`
			Status     string `json:"status"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(scanOut.Bytes(), &scanned); err != nil {
		t.Fatal(err)
	}

	key := func(item, instance, status string) string { return item + " " + instance + " " + status }
	var fromScan, fromDemo []string
	for _, f := range scanned.Findings {
		fromScan = append(fromScan, key(f.ItemID, f.InstanceID, f.Status))
	}
	for _, f := range stored {
		if f.Product == "host" {
			continue // host baseline findings: scan reads no hosts
		}
		fromDemo = append(fromDemo, key(f.ItemID, f.InstanceID, f.Status))
	}
	slices.Sort(fromScan)
	slices.Sort(fromDemo)
	fromScan, fromDemo = slices.Compact(fromScan), slices.Compact(fromDemo)
	if len(fromDemo) < 100 {
		t.Fatalf("the demo stored only %d findings", len(fromDemo))
	}
	for _, k := range fromScan {
		if _, found := slices.BinarySearch(fromDemo, k); !found {
			t.Errorf("scan has %s; the demo's store does not", k)
		}
	}
	for _, k := range fromDemo {
		if _, found := slices.BinarySearch(fromScan, k); !found {
			t.Errorf("the demo's store has %s; scan does not", k)
		}
	}
}
