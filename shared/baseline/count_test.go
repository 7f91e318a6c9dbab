package baseline

import (
	"sort"
	"testing"
)

// TestItemCount keeps the catalogue at the size the issue asks for and logs the
// count per baseline family.
func TestItemCount(t *testing.T) {
	by := map[Baseline]int{}
	for _, it := range All() {
		by[it.Baseline]++
	}
	var keys []string
	for b := range by {
		keys = append(keys, string(b))
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-20s %d", k, by[Baseline(k)])
	}
	if n := len(All()); n < 150 {
		t.Errorf("catalogue has %d items; want at least 150", n)
	}
	t.Logf("total %d", len(All()))
}
