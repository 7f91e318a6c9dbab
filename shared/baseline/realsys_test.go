package baseline

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// needBinary finds a program the real-system tests need. Without it the test is
// skipped, except under CI, where a missing dependency fails loudly: `make test`
// installs them (scripts/test-deps.sh).
func needBinary(t testing.TB, name string, alt ...string) string {
	t.Helper()
	for _, n := range append([]string{name}, alt...) {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
		if strings.HasPrefix(n, "/") {
			if _, err := os.Stat(n); err == nil {
				return n
			}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (CI is set): run scripts/test-deps.sh", name)
	}
	t.Skipf("%s is not installed: run scripts/test-deps.sh", name)
	return ""
}

func needRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("this test needs root (chroot, chown)")
		}
		t.Skip("needs root")
	}
}

// debootstrapCache is where the minbase Debian 12 root is kept between runs.
func debootstrapCache() string {
	if d := os.Getenv("CSPM_DEBOOTSTRAP_DIR"); d != "" {
		return d
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "cspm", "debootstrap-bookworm")
}

var debootstrapOnce sync.Once
var debootstrapErr error

// debootstrapRoot returns the cached Debian root, building it on first use with
// debootstrap (minbase plus the packages the baseline reads) from the mirror apt
// uses on this machine. Building is bounded to 15 minutes; scripts/test-deps.sh
// builds the same cache ahead of `make test`.
func debootstrapRoot(t testing.TB) string {
	t.Helper()
	dir := debootstrapCache()
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir
	}
	needRoot(t)
	deb := needBinary(t, "debootstrap", "/usr/sbin/debootstrap")
	debootstrapOnce.Do(func() {
		mirror, err := exec.Command("bash", "../../scripts/debian-mirror.sh").Output()
		if err != nil {
			debootstrapErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		tmp := dir + ".tmp"
		os.RemoveAll(tmp)
		os.MkdirAll(filepath.Dir(dir), 0o755)
		out, err := exec.CommandContext(ctx, deb, "--variant=minbase",
			"--include=openssh-server,sudo,auditd,rsyslog,cron,libpam-pwquality,apparmor,chrony,logrotate,procps,kmod",
			"bookworm", tmp, strings.TrimSpace(string(mirror))).CombinedOutput()
		if err != nil {
			debootstrapErr = &buildError{err, string(out)}
			return
		}
		os.RemoveAll(dir)
		if debootstrapErr = os.Rename(tmp, dir); debootstrapErr == nil {
			debootstrapErr = os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644)
		}
	})
	if debootstrapErr != nil {
		t.Fatalf("debootstrap: %v", debootstrapErr)
	}
	return dir
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string {
	out := e.out
	if len(out) > 2000 {
		out = out[len(out)-2000:]
	}
	return e.err.Error() + "\n" + out
}

// copyRoot makes a writable copy of a root: /etc (and /root, /home) copied, the
// rest hard-linked, so it is fast and edits never reach the cache. Fixes only
// replace files by rename or chmod files under /etc.
func copyRoot(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "root")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		args := []string{"-al"}
		switch e.Name() {
		case "etc", "root", "home", "tmp", "run", "var":
			args = []string{"-a"}
		}
		if e.Name() == "var" {
			// var/lib/apt/lists is 50 MB: link var, then copy what tests change
			args = []string{"-al"}
		}
		if out, err := exec.Command("cp", append(args, filepath.Join(src, e.Name()), dst+"/")...).CombinedOutput(); err != nil {
			t.Fatalf("cp %s: %v %s", e.Name(), err, out)
		}
	}
	return dst
}

// freePort returns a loopback TCP port that is free now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func writeFile(t testing.TB, p, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func runStdin(t testing.TB, stdin, name string, args ...string) {
	t.Helper()
	c := exec.Command(name, args...)
	c.Stdin = strings.NewReader(stdin)
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func findingOf(r Report, id string) Finding {
	for _, f := range r.Findings {
		if f.ItemID == id {
			return f
		}
	}
	return Finding{ItemID: id, Status: "ABSENT"}
}
