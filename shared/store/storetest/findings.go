package storetest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// newFindings returns n findings of tenant acme in key order, seen at `at`.
func newFindings(n int, at time.Time, firstSeen bool) []store.Finding {
	out := make([]store.Finding, n)
	for i := range out {
		f := store.Finding{
			TenantID: "acme", ItemID: fmt.Sprintf("item-%03d", i/100), InstanceID: fmt.Sprintf("i-%06d", i),
			Site: "cn", Region: "cn-hangzhou", Product: "ecs", Status: "fail", Severity: "high",
			Category: "network", Title: "Security group allows 0.0.0.0/0 on port 22",
			Evidence: fmt.Sprintf(`{"rule":{"port":22,"cidr":"0.0.0.0/0"},"n":%d}`, i),
			LastSeen: at, TaskID: "task1", Reason: "", Message: "port 22 is open to the internet",
			Frameworks: []string{"cis-v2:4.1", "mlps-l3:8.1.3.4 a)"}, State: "new",
		}
		if i%7 == 0 {
			f.Status, f.Reason, f.Frameworks, f.State = "not_evaluated", "permission", nil, ""
		}
		if firstSeen {
			f.FirstSeen = at
		}
		out[i] = f
	}
	return out
}

func listFindings(t *testing.T, e *env, what string) []store.Finding {
	t.Helper()
	got, err := e.st.ListFindings(e.ctx, "acme")
	if err != nil {
		t.Fatalf("%s: ListFindings: %v", what, err)
	}
	return got
}

func sameFindings(t *testing.T, what string, got, want []store.Finding) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: ListFindings returned %d findings; want %d", what, len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("%s: ListFindings()[%d] = %+v; want %+v", what, i, got[i], want[i])
		}
	}
}

// testFindingsBatch: 450 findings go in 3 requests of at most 200 and read back as
// written; other tenants' findings stay apart.
func testFindingsBatch(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_findings")
	fs := newFindings(450, e.clock.Now(), true)
	stats, err := e.st.PutFindings(e.ctx, fs)
	wantCode(t, "PutFindings(450)", err, nil)
	if want := (store.WriteStats{Written: 450, Requests: 3}); stats != want {
		t.Errorf("PutFindings(450 findings) stats = %+v; want %+v (at most 200 rows a request)", stats, want)
	}
	sameFindings(t, "after PutFindings(450)", listFindings(t, e, "after PutFindings"), fs)

	other := newFindings(3, e.clock.Now(), true)
	for i := range other {
		other[i].TenantID = "acme2" // sorts right after "acme": must not leak into acme's list
	}
	if _, err := e.st.PutFindings(e.ctx, other); err != nil {
		t.Fatalf("PutFindings(acme2): %v", err)
	}
	sameFindings(t, "with another tenant present", listFindings(t, e, "with acme2"), fs)

	stats, err = e.st.PutFindings(e.ctx, nil)
	if err != nil || stats != (store.WriteStats{}) {
		t.Errorf("PutFindings(nil) = %+v, %v; want zero stats and no error", stats, err)
	}
	_, err = e.st.ListFindings(e.ctx, "")
	wantCode(t, "ListFindings(\"\")", err, store.ErrInvalid)
}

// testFindingsFirstSeen: a rescan with FirstSeen zero keeps first_seen and updates the
// rest; a new finding written that way gets first_seen = last_seen.
func testFindingsFirstSeen(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_findings")
	first := e.clock.Now()
	fs := newFindings(250, first, true)
	if _, err := e.st.PutFindings(e.ctx, fs); err != nil {
		t.Fatalf("PutFindings(first scan): %v", err)
	}

	e.clock.Advance(24 * time.Hour)
	second := e.clock.Now()
	rescan := newFindings(260, second, false) // 250 known + 10 new
	for i := range rescan {
		rescan[i].Status, rescan[i].TaskID, rescan[i].Evidence = "pass", "task2", ""
	}
	stats, err := e.st.PutFindings(e.ctx, rescan)
	wantCode(t, "PutFindings(rescan)", err, nil)
	if stats.Written != 260 {
		t.Errorf("PutFindings(rescan of 250 known + 10 new) stats = %+v; want Written 260", stats)
	}
	want := make([]store.Finding, len(rescan))
	copy(want, rescan)
	for i := range want {
		want[i].FirstSeen = second // new: first seen now
		if i < 250 {
			want[i].FirstSeen = first // known: kept
		}
	}
	sameFindings(t, "after rescan", listFindings(t, e, "after rescan"), want)

	// FirstSeen given explicitly is written as given.
	e.clock.Advance(time.Hour)
	fix := newFindings(1, e.clock.Now(), false)
	fix[0].FirstSeen = first.Add(-time.Hour)
	if _, err := e.st.PutFindings(e.ctx, fix); err != nil {
		t.Fatalf("PutFindings(explicit FirstSeen): %v", err)
	}
	got := listFindings(t, e, "after explicit FirstSeen")
	if !got[0].FirstSeen.Equal(fix[0].FirstSeen) || !got[0].LastSeen.Equal(fix[0].LastSeen) {
		t.Errorf("after PutFindings with FirstSeen %s: stored first_seen %s, last_seen %s; want %s, %s",
			fix[0].FirstSeen, got[0].FirstSeen, got[0].LastSeen, fix[0].FirstSeen, fix[0].LastSeen)
	}
}

// testFindingsPaging: 6,000 findings read back whole and in order through GetRange
// pages (the service returns at most 5,000 rows a page).
func testFindingsPaging(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_findings")
	fs := newFindings(6000, e.clock.Now(), true)
	stats, err := e.st.PutFindings(e.ctx, fs)
	wantCode(t, "PutFindings(6000)", err, nil)
	if stats.Written != 6000 || stats.Requests != 30 {
		t.Errorf("PutFindings(6000) stats = %+v; want Written 6000 in 30 requests", stats)
	}
	sameFindings(t, "6000 findings", listFindings(t, e, "6000 findings"), fs)
}

// testFindingsBadInput: one bad finding in a batch of 300 refuses the whole batch,
// before anything is written.
func testFindingsBadInput(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_findings")
	cases := []struct {
		name  string
		edit  func(*store.Finding)
		field string // named in the error
	}{
		{"empty tenant", func(f *store.Finding) { f.TenantID = "" }, "tenant_id"},
		{"empty item id", func(f *store.Finding) { f.ItemID = "" }, "item_id"},
		{"instance id of 256 bytes", func(f *store.Finding) { f.InstanceID = repeat("i", 256) }, "instance_id"},
		{"NUL in item id", func(f *store.Finding) { f.ItemID = "ecs\x00001" }, "item_id"},
		{"instance id not UTF-8", func(f *store.Finding) { f.InstanceID = "i-\xc3\x28" }, "instance_id"},
		{"empty status", func(f *store.Finding) { f.Status = "" }, "status"},
		{"evidence not JSON", func(f *store.Finding) { f.Evidence = `{"port":22` }, "evidence"},
		{"title not UTF-8", func(f *store.Finding) { f.Title = "\xff" }, "title"},
		{"zero last seen", func(f *store.Finding) { f.LastSeen = time.Time{} }, "last_seen"},
		{"first seen after last seen", func(f *store.Finding) { f.FirstSeen = f.LastSeen.Add(time.Second) }, "first_seen"},
		{"comma in a framework", func(f *store.Finding) { f.Frameworks = []string{"cis-v2:4.1,4.2"} }, "frameworks"},
		{"state not UTF-8", func(f *store.Finding) { f.State = "\xff" }, "state"},
		{"duplicate key", func(f *store.Finding) { f.ItemID, f.InstanceID = "item-000", "i-000003" }, "same key"},
	}
	for _, c := range cases {
		fs := newFindings(300, e.clock.Now(), true)
		c.edit(&fs[250])
		stats, err := e.st.PutFindings(e.ctx, fs)
		wantCode(t, "PutFindings("+c.name+")", err, store.ErrInvalid)
		if !strings.Contains(err.Error(), c.field) {
			t.Errorf("PutFindings(%s) error %q does not name %q", c.name, err, c.field)
		}
		if stats != (store.WriteStats{}) {
			t.Errorf("PutFindings(%s) stats = %+v; want zero", c.name, stats)
		}
		if got := listFindings(t, e, c.name); len(got) != 0 {
			t.Fatalf("PutFindings(%s) was refused but %d findings were written; want none", c.name, len(got))
		}
	}
}

// testFindingsOfItem: ListItemFindings reads one item's findings of one tenant, in
// instance order, and nothing of the neighbouring items or tenants.
func testFindingsOfItem(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_findings")
	fs := newFindings(350, e.clock.Now(), true) // item-000 .. item-003
	other := newFindings(150, e.clock.Now(), true)
	for i := range other {
		other[i].TenantID = "acme2"
	}
	for _, batch := range [][]store.Finding{fs, other} {
		if _, err := e.st.PutFindings(e.ctx, batch); err != nil {
			t.Fatalf("PutFindings: %v", err)
		}
	}
	got, err := e.st.ListItemFindings(e.ctx, "acme", "item-001")
	if err != nil {
		t.Fatalf("ListItemFindings: %v", err)
	}
	sameFindings(t, "ListItemFindings(acme, item-001)", got, fs[100:200])
	got, err = e.st.ListItemFindings(e.ctx, "acme", "item-00")
	if err != nil || len(got) != 0 {
		t.Errorf("ListItemFindings(acme, item-00) = %d findings, %v; want none (the item id is matched whole)", len(got), err)
	}
	_, err = e.st.ListItemFindings(e.ctx, "acme", "")
	wantCode(t, "ListItemFindings(acme, \"\")", err, store.ErrInvalid)
}
