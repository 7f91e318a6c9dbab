package infra

import (
	"strings"
	"testing"
)

func TestTablesFile(t *testing.T) {
	ts, err := Tables()
	if err != nil {
		t.Fatalf("Tables(): %v", err)
	}
	want := map[string]int{ // name → primary key columns
		"cspm_tenants": 1, "cspm_tasks": 2, "cspm_shards": 3, "cspm_findings": 3,
		"cspm_usage": 2, "cspm_quota": 2, "cspm_assets": 3, "cspm_bills": 2, "cspm_whitelist": 3,
	}
	got := map[string]int{}
	for _, tb := range ts {
		got[tb.Name] = len(tb.PrimaryKey)
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("table %s: %d primary key columns; want %d", name, got[name], n)
		}
	}
	if len(ts) != len(want) {
		t.Errorf("Tables() returned %d tables; want %d (update this test when adding a table)", len(ts), len(want))
	}
}

func TestValidateTables(t *testing.T) {
	good := func() Table {
		return Table{Name: "cspm_x", PrimaryKey: []PKColumn{{"tenant_id", "STRING"}, {"k", "INTEGER"}},
			TTLSeconds: -1, MaxVersions: 1, Purpose: "test"}
	}
	cases := []struct {
		name string
		edit func(*Table)
		want string // substring of the error; "" = valid
	}{
		{"valid", func(*Table) {}, ""},
		{"ttl one day", func(tb *Table) { tb.TTLSeconds = 86400 }, ""},
		{"bad name", func(tb *Table) { tb.Name = "1cspm" }, "name must be"},
		{"no key", func(tb *Table) { tb.PrimaryKey = nil }, "0 primary key columns"},
		{"five keys", func(tb *Table) {
			tb.PrimaryKey = append(tb.PrimaryKey, PKColumn{"a", "STRING"}, PKColumn{"b", "STRING"}, PKColumn{"c", "STRING"})
		}, "5 primary key columns"},
		{"bad type", func(tb *Table) { tb.PrimaryKey[1].Type = "DOUBLE" }, `type "DOUBLE"`},
		{"tenant not first", func(tb *Table) { tb.PrimaryKey[0].Name = "id" }, "partition key"},
		{"repeated column", func(tb *Table) { tb.PrimaryKey[1].Name = "tenant_id" }, "repeated"},
		{"short ttl", func(tb *Table) { tb.TTLSeconds = 3600 }, "ttl_seconds 3600"},
		{"zero versions", func(tb *Table) { tb.MaxVersions = 0 }, "max_versions 0"},
		{"no purpose", func(tb *Table) { tb.Purpose = "" }, "purpose is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := good()
			c.edit(&tb)
			err := validateTables([]Table{tb})
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("validateTables(%+v) = %v; want nil", tb, err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("validateTables(%+v) = %v; want an error containing %q", tb, err, c.want)
			}
		})
	}
	if err := validateTables([]Table{good(), good()}); err == nil || !strings.Contains(err.Error(), "duplicate name") {
		t.Errorf("validateTables(two tables named cspm_x) = %v; want a duplicate name error", err)
	}
}
