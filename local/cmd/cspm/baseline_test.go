package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// baselineRoot writes a small root with one NOT_PASS item (root SSH login).
func baselineRoot(t *testing.T, sshd string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range map[string]string{
		"etc/os-release":      "ID=debian\nVERSION_ID=\"12\"\n",
		"etc/hostname":        "web01\n",
		"etc/passwd":          "root:x:0:0:root:/root:/bin/bash\n",
		"etc/ssh/sshd_config": sshd,
	} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestBaselineCommand(t *testing.T) {
	root := baselineRoot(t, "PermitRootLogin yes\n")
	var out, errOut bytes.Buffer
	err := runBaseline(context.Background(), []string{"--root", root, "--format", "json", "--skip-passwords", "--items", "host.ssh.*", "--region", "cn-hangzhou"}, &out, &errOut)
	var ee exitCode
	if !errors.As(err, &ee) || ee != exitFindings {
		t.Fatalf("runBaseline = %v; want exit code 3 (an item fails)", err)
	}
	var doc struct {
		Findings []struct {
			ItemID     string   `json:"item_id"`
			Product    string   `json:"product"`
			InstanceID string   `json:"instance_id"`
			Region     string   `json:"region"`
			Status     string   `json:"status"`
			Severity   string   `json:"severity"`
			Category   string   `json:"category"`
			Frameworks []string `json:"frameworks"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	found := false
	for _, f := range doc.Findings {
		if f.ItemID == "host.ssh.permit_root_login" {
			found = f.Status == "NOT_PASS" && f.Product == "host" && f.InstanceID == "web01" && f.Region == "cn-hangzhou" && len(f.Frameworks) > 0
		}
	}
	if !found {
		t.Errorf("no NOT_PASS host.ssh.permit_root_login finding in %s", out.String())
	}

	out.Reset()
	good := baselineRoot(t, "PermitRootLogin no\n")
	if err := runBaseline(context.Background(), []string{"--root", good, "--format", "table", "--skip-passwords", "--items", "host.ssh.permit_root_login"}, &out, &errOut); err != nil {
		t.Fatalf("runBaseline on a passing root = %v", err)
	}
	if !strings.Contains(out.String(), "PASS") || !strings.Contains(out.String(), "host.ssh.permit_root_login") {
		t.Errorf("table output:\n%s", out.String())
	}
	for _, args := range [][]string{{"--format", "xml"}, {"--edition", "gold"}, {"extra"}} {
		var ue usageError
		if err := runBaseline(context.Background(), append([]string{"--root", good}, args...), &out, &errOut); !errors.As(err, &ue) {
			t.Errorf("runBaseline %v = %v; want a usage error", args, err)
		}
	}
}
