package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleFixture = "../../cloudsim/testdata/sample-account.json"

func TestCatalogCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if err := runCatalog(context.Background(), []string{"--format", "json"}, &out, &errb); err != nil {
		t.Fatalf("catalog --format json: %v (%s)", err, errb.String())
	}
	var got struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Items) < 120 {
		t.Errorf("%d items, want at least 120", len(got.Items))
	}
	for _, k := range []string{"item_id", "title", "product", "category", "severity", "free", "frameworks", "fix_type"} {
		if _, ok := got.Items[0][k]; !ok {
			t.Errorf("catalog item has no %q", k)
		}
	}
	out.Reset()
	if err := runCatalog(context.Background(), []string{"--framework", "cis-v2:4.3", "--format", "json"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got.Items) != 1 || got.Items[0]["item_id"] != "ecs_sg_ssh_internet" {
		t.Errorf("--framework cis-v2:4.3 = %v, %v; want ecs_sg_ssh_internet only", got.Items, err)
	}
	for _, args := range [][]string{{"--framework", "cis-v9"}, {"--framework", "cis-v2:9.9"}, {"--format", "xml"}, {"--product", "s3"}, {"--policy", "nope"}} {
		var ue usageError
		if err := runCatalog(context.Background(), args, &out, &errb); !errors.As(err, &ue) {
			t.Errorf("catalog %v = %v; want a usage error", args, err)
		}
	}
	out.Reset()
	if err := runCatalog(context.Background(), []string{"--policy", "free"}, &out, &errb); err != nil || !strings.Contains(out.String(), " items") {
		t.Errorf("catalog --policy free (table) = %v\n%s", err, out.String())
	}
}

// TestScanSample scans the sample account: failures exist, so the command
// asks for exit code 3 and prints every finding.
func TestScanSample(t *testing.T) {
	var out, errb bytes.Buffer
	err := runScan(context.Background(), []string{"--fixture", sampleFixture, "--format", "json"}, &out, &errb)
	var ec exitCode
	if !errors.As(err, &ec) || ec != 3 {
		t.Fatalf("scan = %v; want exitCode(3) (stderr %s)", err, errb.String())
	}
	var got struct {
		AccountID string           `json:"account_id"`
		Findings  []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.AccountID != "1357924680135792" || len(got.Findings) < 200 {
		t.Errorf("account %s, %d findings", got.AccountID, len(got.Findings))
	}
	for _, k := range []string{"item_id", "title", "product", "instance_id", "region", "status", "severity", "category", "evidence", "frameworks"} {
		if _, ok := got.Findings[0][k]; !ok {
			t.Errorf("finding has no %q", k)
		}
	}
	for _, f := range []string{"csv", "ocsf", "table"} {
		out.Reset()
		if err := runScan(context.Background(), []string{"--fixture", sampleFixture, "--format", f, "--policy", "cis-v2"}, &out, &errb); !errors.As(err, &ec) {
			t.Errorf("scan --format %s = %v; want exitCode(3)", f, err)
		}
		if out.Len() == 0 {
			t.Errorf("scan --format %s printed nothing", f)
		}
	}
}

func TestScanExitCodes(t *testing.T) {
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.json")
	hostile := "\"<b>x</b>,\n" + strings.Repeat("雪", 1400)
	name, _ := json.Marshal(hostile)
	if err := os.WriteFile(clean, []byte(`{"account_id": "1357924680135792", "regions": {"cn-hangzhou": {"ecs": {"SecurityGroups": [
		{"SecurityGroupId": "sg-1", "SecurityGroupName": `+string(name)+`, "VpcId": "vpc-1", "Permissions": {"Permission": [
		{"SecurityGroupRuleId": "sgr-1", "Direction": "ingress", "IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "10.0.0.0/8", "Policy": "Accept", "Priority": "1"}]}}]}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := runScan(context.Background(), []string{"--fixture", clean, "--items", "ecs_sg_ssh_internet,ecs_sg_rdp_internet", "--format", "csv"}, &out, &errb); err != nil {
		t.Fatalf("clean scan = %v; want nil (exit 0)", err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(recs) != 3 || recs[1][6] != hostile {
		t.Errorf("CSV = %d records, %v; want 2 findings carrying the hostile name intact", len(recs), err)
	}

	mute := filepath.Join(dir, "mute.yaml")
	if err := os.WriteFile(mute, []byte("Mutelist:\n  Accounts:\n    \"*\":\n      Checks:\n        \"*\":\n          Regions: [\"*\"]\n          Reason: accepted risk\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runScan(context.Background(), []string{"--fixture", sampleFixture, "--mutelist", mute, "--format", "json"}, &out, &errb); err != nil {
		t.Fatalf("scan with everything muted = %v; want nil (exit 0)", err)
	}
	if !strings.Contains(out.String(), `"original_status": "NOT_PASS"`) {
		t.Errorf("muted findings do not keep their original status")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--fixture", sampleFixture, "--items", "ecs_sg_ssh_internet,no_such_item"}, `unknown item id "no_such_item"`},
		{[]string{"--fixture", sampleFixture, "--policy", "cis-v9"}, `unknown policy "cis-v9"`},
		{[]string{"--fixture", sampleFixture, "--policy", "cis-v2", "--items", "x"}, "not both"},
		{[]string{}, "--fixture FILE is required"},
		{[]string{"--fixture", sampleFixture, "--format", "xml"}, `unknown format "xml"`},
	} {
		var ue usageError
		err := runScan(context.Background(), tc.args, &out, &errb)
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("scan %v = %v; want a usage error containing %q", tc.args, err, tc.want)
		}
	}
	if err := runScan(context.Background(), []string{"--fixture", filepath.Join(dir, "missing.json")}, &out, &errb); err == nil {
		t.Errorf("scan of a missing file succeeded")
	}
}
