package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/store"
)

func TestDiff(t *testing.T) {
	now := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	hostile := "sg-\"<script>alert(1)</script>\"\x1b[2J" + strings.Repeat("漢", 1000)
	f := func(item, inst, sev, state, task string) store.Finding {
		return store.Finding{TenantID: "acme", ItemID: item, InstanceID: inst, Severity: sev, State: state, StateTaskID: task,
			Status: "NOT_PASS", Title: "t " + item, LastSeen: now}
	}
	fs := []store.Finding{
		f("b_item", "i-1", "medium", "new", "task-2"),
		f("a_item", hostile, "high", "reopened", "task-2"),
		f("c_item", "i-3", "low", "fixed", "task-2"),
		f("d_item", "i-4", "high", "open", "task-2"),  // moved new → open: not a change to report
		f("e_item", "i-5", "high", "new", "task-1"),   // set by the previous scan
		f("f_item", "i-6", "high", "fixed", "task-1"), // fixed before, still passing
	}
	other := f("g_item", "i-7", "high", "new", "task-2")
	other.TenantID = "acme2"
	fs = append(fs, other)
	c := Diff("acme", "task-2", fs)
	if len(c.New) != 2 || c.New[0].InstanceID != hostile || c.New[1].ItemID != "b_item" || len(c.Fixed) != 1 || c.Fixed[0].ItemID != "c_item" {
		t.Fatalf("Diff = %+v; want new [a_item (high, reopened), b_item], fixed [c_item]", c)
	}
	if got, want := c.Summary(), "since the previous scan: 2 new, 1 fixed"; got != want {
		t.Errorf("Summary() = %q; want %q", got, want)
	}

	var js bytes.Buffer
	if err := WriteChanges(&js, JSON, c); err != nil {
		t.Fatal(err)
	}
	var back Changes
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("WriteChanges(json) is not JSON: %v", err)
	}
	if back.New[0].InstanceID != hostile || back.TaskID != "task-2" || len(back.Fixed) != 1 {
		t.Errorf("the JSON diff did not keep the hostile instance id intact: %+v", back.New[0])
	}
	if strings.Contains(js.String(), "<script>") {
		t.Error("JSON output carries raw <script>; want it escaped")
	}

	var tab bytes.Buffer
	if err := WriteChanges(&tab, Table, c); err != nil {
		t.Fatal(err)
	}
	out := tab.String()
	if !strings.HasPrefix(out, "task task-2 of tenant acme: since the previous scan: 2 new, 1 fixed\n") ||
		!strings.Contains(out, `\u001b[2J`) || strings.Contains(out, "\x1b") || !strings.Contains(out, "reopened") {
		t.Errorf("table output = %q; want the summary line, then rows with control characters escaped", out[:min(len(out), 300)])
	}
	if err := WriteChanges(&tab, OCSF, c); err == nil {
		t.Error("WriteChanges(ocsf) succeeded; want an error naming the formats it supports")
	}
	if empty := Diff("acme", "task-9", fs); len(empty.New) != 0 || len(empty.Fixed) != 0 || empty.New == nil {
		t.Errorf("Diff of a task that changed nothing = %+v; want empty (non-nil) lists", empty)
	}
}
