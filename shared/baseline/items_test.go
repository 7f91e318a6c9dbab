package baseline

import (
	"context"
	"strings"
	"testing"
	"time"
)

// exampleOptions keeps the example runs fast: a short dictionary and budget.
var exampleOptions = PasswordOptions{Tiers: DefaultTiers(200, nil), Budget: 5 * time.Second}

func runExample(t *testing.T, it *Item, e Example) Result {
	t.Helper()
	po := exampleOptions
	po.Skip = it.Baseline != WeakPassword // only weak-password items need hashing
	f, err := Collect(context.Background(), ProbeOptions{FS: e.FS, NotLive: true, Passwords: po})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if e.Live != nil {
		f.Live = true
		e.Live(f)
	}
	return evalItem(it, f)
}

// TestItemExamples runs every item's examples through probe and rule: good
// examples pass, bad ones do not (NOT_PASS, or MANUAL for items that need a
// person's evidence).
func TestItemExamples(t *testing.T) {
	for _, it := range All() {
		t.Run(it.ID, func(t *testing.T) {
			if len(it.Good) == 0 || len(it.Bad) == 0 {
				t.Fatalf("item %s needs at least one good and one bad example", it.ID)
			}
			for _, e := range it.Good {
				if r := runExample(t, it, e); r.Status != Pass {
					t.Errorf("good example %q: %s %v; want PASS", e.Name, r.Status, r.Evidence)
				}
			}
			for _, e := range it.Bad {
				if r := runExample(t, it, e); r.Status != NotPass && r.Status != Manual {
					t.Errorf("bad example %q: %s %v; want NOT_PASS", e.Name, r.Status, r.Evidence)
				}
			}
		})
	}
}

// TestItemMetadata checks every item's metadata is complete and well formed.
func TestItemMetadata(t *testing.T) {
	valid := map[Baseline]bool{}
	for _, b := range Baselines {
		valid[b] = true
	}
	for _, it := range All() {
		switch {
		case it.Title == "" || len(it.Title) > 150 || strings.HasPrefix(it.Title, "Ensure"):
			t.Errorf("%s: bad title %q", it.ID, it.Title)
		case it.Category == "":
			t.Errorf("%s: no category", it.ID)
		case !valid[it.Baseline]:
			t.Errorf("%s: bad baseline %q", it.ID, it.Baseline)
		case it.Severity != High && it.Severity != Medium && it.Severity != Low:
			t.Errorf("%s: bad severity %q", it.ID, it.Severity)
		case it.Remediation == "":
			t.Errorf("%s: no remediation", it.ID)
		case it.Eval == nil:
			t.Errorf("%s: no rule", it.ID)
		case (it.fix != nil) != (it.Fix != FixManual):
			t.Errorf("%s: fix type %s but fix func %v", it.ID, it.Fix, it.fix != nil)
		}
		if it.Baseline == CIS && !hasPrefixed(it.Frameworks, "cis-") {
			t.Errorf("%s: a CIS item without a CIS section", it.ID)
		}
		if it.Baseline == MLPS && !hasPrefixed(it.Frameworks, "mlps2-") {
			t.Errorf("%s: an MLPS item without an MLPS clause", it.ID)
		}
		for _, fw := range it.Frameworks {
			if !strings.HasPrefix(fw, "cis-") && !strings.HasPrefix(fw, "mlps2-") {
				t.Errorf("%s: framework ref %q", it.ID, fw)
			}
		}
	}
}

func hasPrefixed(l []string, p string) bool {
	for _, s := range l {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
