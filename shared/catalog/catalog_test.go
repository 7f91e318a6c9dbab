package catalog

import (
	"strings"
	"testing"
	"time"
)

func item(id string, mod func(*Item)) Item {
	it := Item{ID: id, Title: "Security groups do not admit SSH", Product: "ecs", ResourceType: "ALIYUN::ECS::SecurityGroup",
		Category: Network, Severity: High, Free: true, Frameworks: []string{"cis-v2:4.3", "mlps2-l3:8.1.3.2 c)"},
		Description: "d", Remediation: "r", Fix: FixRollback}
	if mod != nil {
		mod(&it)
	}
	return it
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		it   Item
		want string
	}{
		{"bad id", item("ECS-SSH", nil), `id "ECS-SSH"`},
		{"id without product", item("vpc_ssh", nil), "does not start with its product"},
		{"unknown product", item("s3_bucket", func(i *Item) { i.Product = "s3" }), `product "s3"`},
		{"long title", item("ecs_a", func(i *Item) { i.Title = strings.Repeat("x", 151) }), "over 150"},
		{"Ensure title", item("ecs_a", func(i *Item) { i.Title = "Ensure SSH is closed" }), `starts with "Ensure"`},
		{"category", item("ecs_a", func(i *Item) { i.Category = "network" }), `category "network"`},
		{"severity", item("ecs_a", func(i *Item) { i.Severity = "CRITICAL" }), `severity "CRITICAL"`},
		{"fix type", item("ecs_a", func(i *Item) { i.Fix = "auto" }), `fix type "auto"`},
		{"unknown framework", item("ecs_a", func(i *Item) { i.Frameworks = []string{"nist:AC-1"} }), `unknown framework "nist"`},
		{"unknown requirement", item("ecs_a", func(i *Item) { i.Frameworks = []string{"cis-v2:9.9"} }), `no requirement "9.9"`},
		{"malformed ref", item("ecs_a", func(i *Item) { i.Frameworks = []string{"cis-v2"} }), "want <framework>:<requirement>"},
		{"manual without audit", item("ecs_a", func(i *Item) { i.Manual = true }), "without audit guidance"},
		{"free KSPM", item("ecs_a", func(i *Item) { i.KSPM = true }), "KSPM item cannot be free"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New([]Item{tc.it})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v; want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := New([]Item{item("ecs_a", nil), item("ecs_a", nil)}); err == nil || !strings.Contains(err.Error(), "duplicate id") {
		t.Errorf("New with a duplicate = %v; want a duplicate id error", err)
	}
}

func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := New([]Item{
		item("ecs_sg_ssh", nil),
		item("ecs_paid", func(i *Item) { i.Free = false; i.Frameworks = []string{"cis-v1:4.3"} }),
		item("ack_kspm", func(i *Item) { i.Product = "ack"; i.Free = false; i.KSPM = true; i.Frameworks = nil }),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPolicies(t *testing.T) {
	c := testCatalog(t)
	for id, want := range map[string]string{"cis-v2": "ecs_sg_ssh", "cis-v1": "ecs_paid", "mlps-l3": "ecs_sg_ssh",
		"all": "ack_kspm,ecs_paid,ecs_sg_ssh", "free": "ecs_sg_ssh"} {
		p, err := c.Policy(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(p.Items, ","); got != want {
			t.Errorf("policy %s items = %s; want %s", id, got, want)
		}
		if err := c.CheckPolicy(p); err != nil {
			t.Errorf("built-in policy %s invalid: %v", id, err)
		}
	}
	if _, err := c.Policy("pci"); err == nil || !strings.Contains(err.Error(), "cis-v2, cis-v1, mlps-l3, all, free") {
		t.Errorf("Policy(pci) = %v; want an error listing the built-ins", err)
	}
	for _, tc := range []struct {
		p    Policy
		want string
	}{
		{Policy{ID: "custom", Items: []string{"ecs_sg_ssh", "ecs_nope"}}, `unknown item id "ecs_nope"`},
		{Policy{ID: "custom", Items: []string{"ecs_sg_ssh", "ecs_sg_ssh"}}, "listed twice"},
		{Policy{ID: "custom"}, "no items"},
		{Policy{ID: "Bad ID", Items: []string{"ecs_sg_ssh"}}, `id "Bad ID"`},
		{Policy{ID: "custom", Items: []string{"ecs_sg_ssh"}, Windows: []Window{3}}, "windows[0] = 3"},
		{Policy{ID: "custom", Items: []string{"ecs_sg_ssh"}, Weekdays: []time.Weekday{7}}, "weekdays[0] = 7"},
	} {
		if err := c.CheckPolicy(tc.p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckPolicy(%+v) = %v; want an error containing %q", tc.p, err, tc.want)
		}
	}
	if _, err := c.Lookup([]string{"ecs_sg_ssh", "x_y"}); err == nil || !strings.Contains(err.Error(), `"x_y"`) {
		t.Errorf("Lookup with an unknown id = %v", err)
	}
}

func TestDue(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	monTue := Policy{ID: "p", Items: []string{"x"}, Weekdays: []time.Weekday{time.Monday, time.Tuesday}, Windows: []Window{Window0to6, Window18to24}}
	anyHour := Policy{ID: "p", Items: []string{"x"}, Weekdays: []time.Weekday{time.Sunday}}
	never := Policy{ID: "p", Items: []string{"x"}, Windows: []Window{Window0to6}}
	at := func(day, hour, min int) time.Time { return time.Date(2026, 6, day, hour, min, 0, 0, cst) } // 2026-06-01 is a Monday
	tests := []struct {
		name string
		p    Policy
		now  time.Time
		want bool
		slot time.Time
	}{
		{"Monday 00:00", monTue, at(1, 0, 0), true, at(1, 0, 0)},
		{"Monday 05:59", monTue, at(1, 5, 59), true, at(1, 0, 0)},
		{"Monday 06:00", monTue, at(1, 6, 0), false, time.Time{}},
		{"Tuesday 23:30", monTue, at(2, 23, 30), true, at(2, 18, 0)},
		{"Wednesday 01:00", monTue, at(3, 1, 0), false, time.Time{}},
		{"no windows: any hour of the day", anyHour, at(7, 13, 0), true, at(7, 0, 0)},
		{"no weekdays: never", never, at(1, 1, 0), false, time.Time{}},
	}
	for _, tc := range tests {
		if got := Due(tc.p, tc.now); got != tc.want {
			t.Errorf("%s: Due = %v; want %v", tc.name, got, tc.want)
		}
		if slot, _ := Slot(tc.p, tc.now); !slot.Equal(tc.slot) {
			t.Errorf("%s: Slot = %v; want %v", tc.name, slot, tc.slot)
		}
	}
}

func TestEditionGates(t *testing.T) {
	c := testCatalog(t)
	free, _ := c.Item("ecs_sg_ssh")
	paid, _ := c.Item("ecs_paid")
	kspm, _ := c.Item("ack_kspm")
	tests := []struct {
		it   *Item
		ed   Edition
		cspm bool
		want bool
	}{
		{free, Basic, false, true}, {paid, Basic, false, false}, {paid, Enterprise, false, false}, {paid, Basic, true, true},
		{kspm, Enterprise, false, false}, {kspm, Ultimate, false, true}, {kspm, Basic, true, true},
	}
	for _, tc := range tests {
		if got := tc.it.Allowed(tc.ed, tc.cspm); got != tc.want {
			t.Errorf("%s on %s (cspm %v): Allowed = %v; want %v", tc.it.ID, tc.ed, tc.cspm, got, tc.want)
		}
	}
	if free.Fixable(false) || !free.Fixable(true) {
		t.Errorf("fixes need CSPM, free items included")
	}
}

func TestFrameworks(t *testing.T) {
	v2, _ := FrameworkByID(CISv2)
	v1, _ := FrameworkByID(CISv1)
	if len(v2.Requirements) != 85 || len(v1.Requirements) != 85 {
		t.Fatalf("CIS v2 %d, v1 %d recommendations; want 85 each", len(v2.Requirements), len(v1.Requirements))
	}
	auto := 0
	for i, r := range v2.Requirements {
		if r.Assessment == Automated {
			auto++
		}
		if r.Title != v1.Requirements[i].Title && r.ID != "1.13" {
			t.Errorf("%s differs between v1 and v2: only 1.13 should", r.ID)
		}
	}
	if auto != 41 {
		t.Errorf("%d automated recommendations in v2; want 41", auto)
	}
	r, _ := v1.Requirement("1.13")
	if !strings.Contains(r.Title, "90 days or less") {
		t.Errorf("v1 1.13 = %q", r.Title)
	}
}
