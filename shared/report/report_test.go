package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
)

// hostile is a resource name built to break outputs: quotes, a comma, HTML,
// a newline, a terminal escape and 4 KB of Unicode.
var hostile = "x\",'<script>alert(\"pwn\")</script>&amp;\n\x1b[2J;=cmd|" + strings.Repeat("雪🙂ü", 4096/9+1)

func hostileFindings() []checks.Finding {
	return []checks.Finding{{
		ItemID: "ecs_sg_ssh_internet", Title: "SSH open", Product: "ecs", ResourceType: "ALIYUN::ECS::SecurityGroup",
		AccountID: "1357924680135792", InstanceID: "sg-1", InstanceName: hostile, Region: "cn-hangzhou", Status: checks.NotPass,
		Severity: catalog.High, Category: catalog.Network, Message: "rule admits " + hostile,
		Evidence: json.RawMessage(`{"SecurityGroupName":` + mustJSON(hostile) + `}`), Frameworks: []string{"cis-v2:4.3"},
		Free: true, FixType: catalog.FixRollback, Tags: map[string]string{"owner": hostile},
	}, {
		ItemID: "ram_root_mfa", Title: "root MFA", Product: "ram", AccountID: "1357924680135792", InstanceID: "1357924680135792",
		Status: checks.Whitelisted, OriginalStatus: checks.NotPass, Reason: checks.ReasonMutelist, Remark: hostile,
		Severity: catalog.High, Category: catalog.Identity, Evidence: json.RawMessage("null"), Frameworks: []string{}, FixType: catalog.FixConsole,
	}}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestHostileJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := Findings(&buf, JSON, Scan{AccountID: "1357924680135792"}, hostileFindings()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []map[string]any `json:"findings"`
		Summary  map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	f := got.Findings[0]
	for _, k := range []string{"item_id", "title", "product", "instance_id", "region", "status", "severity", "category", "evidence", "frameworks"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding has no %q field", k)
		}
	}
	if f["instance_name"] != hostile {
		t.Errorf("instance_name came back changed")
	}
	if ev := f["evidence"].(map[string]any); ev["SecurityGroupName"] != hostile {
		t.Errorf("evidence came back changed: %v", ev)
	}
	if strings.Contains(buf.String(), "<script>") {
		t.Errorf("JSON output carries raw <script>: want it escaped as \\u003c")
	}
	if got.Summary["NOT_PASS"] != 1 || got.Summary["WHITELISTED"] != 1 || got.Summary["PASS"] != 0 {
		t.Errorf("summary = %v", got.Summary)
	}
}

func TestHostileCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := Findings(&buf, CSV, Scan{}, hostileFindings()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want header + 2", len(recs))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	if got := recs[1][col["instance_name"]]; got != hostile {
		t.Errorf("instance_name came back changed (%d bytes, want %d)", len(got), len(hostile))
	}
	if got := recs[2][col["remark"]]; got != hostile {
		t.Errorf("remark came back changed")
	}
	if got := recs[2][col["original_status"]]; got != "NOT_PASS" {
		t.Errorf("original_status = %q, want NOT_PASS", got)
	}
}

func TestHostileOCSF(t *testing.T) {
	var buf bytes.Buffer
	if err := Findings(&buf, OCSF, Scan{FinishedAt: time.Unix(1700000000, 0)}, hostileFindings()); err != nil {
		t.Fatal(err)
	}
	var got []ocsfFinding
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if len(got) != 2 || got[0].Resources[0].Name != hostile || got[0].ClassUID != 2003 || got[0].Compliance.Status != "Fail" {
		t.Fatalf("OCSF finding = %+v", got[0])
	}
	if got[1].Status != "Suppressed" || got[1].Compliance.Status != "Fail" || got[1].Unmapped["remark"] != hostile {
		t.Errorf("muted finding: status %s, compliance %s; want Suppressed keeping Fail and the remark", got[1].Status, got[1].Compliance.Status)
	}
}

func TestHostileTable(t *testing.T) {
	var buf bytes.Buffer
	if err := Findings(&buf, Table, Scan{}, hostileFindings()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "\x1b") {
		t.Errorf("table carries a raw terminal escape")
	}
	if !strings.Contains(out, `\u001b[2J`) || !strings.Contains(out, strings.Repeat("雪🙂ü", 10)) {
		t.Errorf("table lost the escaped control character or the Unicode")
	}
	if lines := strings.Count(out, "\n"); lines != 5 {
		t.Errorf("table has %d lines, want 5 (header, 2 rows, blank, summary): a newline in a name broke a row", lines)
	}
}

func TestCatalogJSON(t *testing.T) {
	items := checks.Catalog().Items()
	var buf bytes.Buffer
	if err := Catalog(&buf, JSON, items); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != len(items) {
		t.Fatalf("%d items, want %d", len(got.Items), len(items))
	}
	for _, k := range []string{"item_id", "title", "product", "category", "severity", "free", "frameworks", "fix_type"} {
		if _, ok := got.Items[0][k]; !ok {
			t.Errorf("item has no %q field", k)
		}
	}
	for _, f := range []Format{Table, CSV} {
		buf.Reset()
		if err := Catalog(&buf, f, items); err != nil || buf.Len() == 0 {
			t.Errorf("Catalog(%s) = %v, %d bytes", f, err, buf.Len())
		}
	}
	if err := Catalog(&buf, OCSF, items); err == nil {
		t.Errorf("Catalog(ocsf) succeeded; want an error")
	}
}

func TestParseFormat(t *testing.T) {
	if f, err := ParseFormat("csv"); err != nil || f != CSV {
		t.Errorf("ParseFormat(csv) = %v, %v", f, err)
	}
	if _, err := ParseFormat("ocsf", JSON, Table); err == nil || !strings.Contains(err.Error(), "json, table") {
		t.Errorf("ParseFormat(ocsf, json|table) = %v; want an error listing json, table", err)
	}
}
