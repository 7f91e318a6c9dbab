package checks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// exampleNow is the clock examples are evaluated at: dates in the examples
// (key creation, last logon) are relative to it.
var exampleNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// scanFile serves an inventory file on an in-process cloudsim, collects it
// through the real SDK and evaluates rules over it.
func scanFile(t *testing.T, path string, rules []*Rule) []Finding {
	t.Helper()
	inv, err := cloudsim.LoadInventory(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return scanInventory(t, inv, cloudsim.Faults{}, rules)
}

func scanInventory(t *testing.T, inv *cloudsim.Inventory, faults cloudsim.Faults, rules []*Rule) []Finding {
	t.Helper()
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Faults: faults})
	if err != nil {
		t.Fatalf("cloudsim: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	c := collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
		Endpoint: srv.Addr(), Rates: collect.Rates{Default: 10000, Burst: 100},
		Retry: collect.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}})
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fs, err := Scan(ctx, c, srv.AccountID(), inv.RegionIDs(), rules, exampleNow)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return fs
}

func describe(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n\t%s %s/%s %s [%s] %s", f.ItemID, f.Region, f.InstanceID, f.Status, f.Reason, f.Message)
	}
	return b.String()
}

// TestExamples runs every automated rule on its good and bad example, through
// cloudsim and the real SDK: the bad example must fail, the good one pass.
func TestExamples(t *testing.T) {
	for _, r := range All() {
		if !r.Automated() {
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			t.Parallel()
			for _, ex := range []string{"good", "bad"} {
				path := filepath.Join("testdata", r.ID, ex+".json")
				if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s: missing: every automated rule needs a good and a bad example", path)
					continue
				}
				fs := scanFile(t, path, []*Rule{r})
				s := Summarize(fs)
				switch {
				case ex == "bad" && s[NotPass] == 0:
					t.Errorf("%s: the rule did not fire (no NOT_PASS); findings:%s", path, describe(fs))
				case ex == "good" && (s[NotPass] > 0 || s[NotEvaluated] > 0 || s[Pass] == 0):
					t.Errorf("%s: want only PASS findings (at least one); findings:%s", path, describe(fs))
				}
			}
		})
	}
}

// TestExampleDirs checks that every testdata directory belongs to a rule.
func TestExampleDirs(t *testing.T) {
	ents, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if r, ok := Lookup(e.Name()); !ok || !r.Automated() {
			t.Errorf("testdata/%s: no automated rule has this ID", e.Name())
		}
	}
}
