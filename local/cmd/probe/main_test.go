package main

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cspm-alibaba/cspm/shared/baseline"
)

func TestProbeChunked(t *testing.T) {
	root := t.TempDir()
	for p, c := range map[string]string{
		"etc/os-release":      "ID=debian\nVERSION_ID=\"12\"\n",
		"etc/passwd":          "root:x:0:0:root:/root:/bin/bash\n",
		"etc/ssh/sshd_config": "PermitRootLogin yes\n",
	} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(root, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"--root", root, "--gzip", "--chunk", "256", "--skip-passwords"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("want several chunk lines, got %d", len(lines))
	}
	doc, err := baseline.DecodeChunkLines(lines)
	if err != nil {
		t.Fatal(err)
	}
	f, err := baseline.DecodeFacts(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != baseline.FactsVersion || f.Live {
		t.Errorf("facts version %d live %v", f.Version, f.Live)
	}
	r := baseline.Evaluate(f, baseline.Options{Items: []string{"host.ssh.permit_root_login"}})
	if len(r.Findings) != 1 || r.Findings[0].Status != baseline.NotPass {
		t.Errorf("findings from probe output: %+v", r.Findings)
	}
}

// TestProbeStatic builds the probe as the static binary Cloud Assistant ships.
func TestProbeStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "probe")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("probe binary is dynamically linked (%v)", p.Type)
		}
	}
	if fi, err := os.Stat(bin); err == nil {
		t.Logf("static probe: %d bytes", fi.Size())
	}
}

// TestProbeParts fetches a document part by part through a cache file, as
// shared/baseline/assist does over Cloud Assistant: one probe, every part
// from it, the file removed after the last part.
func TestProbeParts(t *testing.T) {
	root := t.TempDir()
	for p, c := range map[string]string{
		"etc/os-release":      "ID=debian\nVERSION_ID=\"12\"\n",
		"etc/ssh/sshd_config": "PermitRootLogin yes\n",
	} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(root, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := filepath.Join(t.TempDir(), "probe.lines")
	args := func(part int) []string {
		return []string{"--root", root, "--gzip", "--chunk", "200", "--skip-passwords", "--cache", cache, "--part", strconv.Itoa(part)}
	}
	var lines []string
	for part, n := 1, 1; part <= n; part++ {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args(part), &out, &errOut); err != nil {
			t.Fatalf("part %d: %v %s", part, err, errOut.String())
		}
		line := strings.TrimSpace(out.String())
		if strings.Contains(line, "\n") {
			t.Fatalf("part %d printed several lines", part)
		}
		if _, err := fmt.Sscanf(line, "%d/%d", new(int), &n); err != nil {
			t.Fatalf("part %d: %q", part, line)
		}
		if part < n {
			if _, err := os.Stat(cache); err != nil {
				t.Fatalf("cache gone before the last part: %v", err)
			}
		}
		lines = append(lines, line)
	}
	if len(lines) < 2 {
		t.Fatalf("want several parts, got %d", len(lines))
	}
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("cache left behind: %v", err)
	}
	doc, err := baseline.DecodeChunkLines(lines)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := baseline.DecodeFacts(bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--root", root, "--part", "1"}, &out, &out); err == nil {
		t.Error("--part without --chunk accepted")
	}
}
