package baseline

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Known weak passwords set in the misconfigured root. The redaction test asserts
// none of them, and none of their hashes, appear in any output.
var debootstrapPasswords = map[string]string{
	"root":  "123456",   // top tier, yescrypt
	"alice": "alice123", // user tier, yescrypt
	"bob":   "password", // top tier, md5crypt
	"carol": "qwerty",   // top tier, sha512crypt rounds=5000
}

var (
	misconfOnce sync.Once
	misconfDir  string
)

// misconfiguredRoot is a copy of the debootstrap root, weakened with the real
// tools of that root (chpasswd in a chroot hashes with its own libxcrypt), plus
// bad input: a symlink loop, binary garbage, an absolute symlink pointing at a
// host file, and a FIFO where a config file should be. It is built once per run.
func misconfiguredRoot(t *testing.T) string {
	t.Helper()
	needRoot(t)
	src := debootstrapRoot(t)
	misconfOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cspm-baseline-root-")
		if err != nil {
			t.Fatal(err)
		}
		root := copyRoot(t, src)
		if err := os.Rename(root, filepath.Join(dir, "root")); err != nil {
			t.Fatal(err)
		}
		root = filepath.Join(dir, "root")
		appendFile(t, filepath.Join(root, "etc/passwd"), "alice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\ncarol:x:1002:1002::/home/carol:/bin/bash\n")
		appendFile(t, filepath.Join(root, "etc/group"), "alice:x:1000:\nbob:x:1001:\ncarol:x:1002:\n")
		appendFile(t, filepath.Join(root, "etc/shadow"), "alice:!:19800:0:99999:7:::\nbob:!:19800:0:99999:7:::\ncarol:!:19800:0:99999:7:::\n")
		for _, h := range []string{"home/alice", "home/bob", "home/carol"} {
			os.MkdirAll(filepath.Join(root, h), 0o755)
		}
		runStdin(t, "root:123456\nalice:alice123\n", "chroot", root, "chpasswd")
		runStdin(t, "bob:password\n", "chroot", root, "chpasswd", "-c", "MD5")
		runStdin(t, "carol:qwerty\n", "chroot", root, "chpasswd", "-c", "SHA512", "-s", "5000")
		writeFile(t, filepath.Join(root, "etc/ssh/sshd_config.d/50-bad.conf"), "PermitRootLogin yes\nMaxAuthTries 10\nX11Forwarding yes\n", 0o644)
		if err := os.Chmod(filepath.Join(root, "etc/shadow"), 0o666); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, "etc/sysctl.d/90-bad.conf"), "net.ipv4.ip_forward = 1\n", 0o644)
		writeFile(t, filepath.Join(root, "etc/sudoers.d/alice"), "alice ALL=(ALL) NOPASSWD: ALL\n", 0o440)
		// bad input
		os.Symlink("loop.conf", filepath.Join(root, "etc/rsyslog.d/loop.conf"))
		writeFile(t, filepath.Join(root, "etc/security/limits.d/garbage.conf"), "\x00\x01\xff\xfe binary\x00garbage", 0o644)
		outside := filepath.Join(dir, "outside-secret")
		writeFile(t, outside, "OUTSIDE-ROOT-CONTENT\n", 0o644)
		os.Remove(filepath.Join(root, "etc/issue.net"))
		os.Symlink(outside, filepath.Join(root, "etc/issue.net"))                       // absolute: re-rooted, so missing
		os.Symlink("../../../../../../../../"+outside, filepath.Join(root, "etc/motd")) // relative: clamps at the root
		os.Remove(filepath.Join(root, "etc/security/pwquality.conf"))
		if err := exec.Command("mkfifo", filepath.Join(root, "etc/security/pwquality.conf")).Run(); err != nil {
			t.Fatal(err)
		}
		misconfDir = dir
	})
	if misconfDir == "" {
		t.Fatal("misconfigured root was not built")
	}
	return filepath.Join(misconfDir, "root")
}

func appendFile(t testing.TB, p, s string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if misconfDir != "" {
		os.RemoveAll(misconfDir)
	}
	os.Exit(code)
}

// TestDebootstrapBaseline runs the whole catalogue over a real Debian 12 root
// filesystem made by debootstrap, weakened with the root's own tools.
func TestDebootstrapBaseline(t *testing.T) {
	root := misconfiguredRoot(t)
	start := time.Now()
	r, err := Run(context.Background(), Options{Root: root, NotLive: true, InstanceID: "i-debootstrap",
		Passwords: PasswordOptions{Tiers: DefaultTiers(6, []string{"tenant-secret-word"}), Budget: 60 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("baseline with password tests: %v, %v", time.Since(start), r.Summary)
	want := map[string]Status{
		"host.ssh.permit_root_login":      NotPass,
		"host.ssh.max_auth_tries":         NotPass,
		"host.ssh.x11_forwarding":         NotPass,
		"host.password.system_weak":       NotPass,
		"host.password.weak_hash_scheme":  NotPass,
		"host.file.shadow":                NotPass,
		"host.sysctl.ip_forward":          NotPass,
		"host.sudo.password_required":     NotPass,
		"host.log.rsyslog_file_mode":      NotEvaluated, // the symlink loop in rsyslog.d
		"host.core.hard_limit":            NotEvaluated, // binary garbage in limits.d: the cause is reported
		"host.ssh.permit_empty_passwords": Pass,         // the probe goes on after bad files
		"host.banner.issue_net":           Pass,         // the absolute symlink is re-rooted (missing)
		"host.pam.pwquality.minlen":       NotEvaluated, // a FIFO where pwquality.conf.d should be
		"host.file.passwd":                Pass,
		"host.audit.auditd_installed":     Pass,
		"host.update.security_pending":    Pass,
		"host.network.high_risk_ports":    NotEvaluated, // offline root
	}
	for id, st := range want {
		if f := findingOf(r, id); f.Status != st {
			t.Errorf("%s = %s %v; want %s", id, f.Status, f.Evidence, st)
		}
	}
	weak := strings.Join(findingOf(r, "host.password.system_weak").Evidence, "\n")
	for _, w := range []string{"account root (yescrypt): weak, matched tier top", "account alice (yescrypt): weak, matched tier user",
		"account bob (md5crypt): weak, matched tier top", "account carol (sha512crypt): weak, matched tier top"} {
		if !strings.Contains(weak, w) {
			t.Errorf("system_weak evidence lacks %q:\n%s", w, weak)
		}
	}
	if ev := strings.Join(findingOf(r, "host.ssh.permit_root_login").Evidence, " "); !strings.Contains(ev, "sshd_config.d/50-bad.conf") {
		t.Errorf("permit_root_login evidence %q does not name the drop-in", ev)
	}
	for id, cause := range map[string]string{"host.log.rsyslog_file_mode": "symlink loop", "host.core.hard_limit": "binary content",
		"host.pam.pwquality.minlen": "not a regular file"} {
		if ev := strings.Join(findingOf(r, id).Evidence, " "); !strings.Contains(ev, cause) {
			t.Errorf("%s evidence %q does not give the cause %q", id, ev, cause)
		}
	}
	var buf bytes.Buffer
	WriteReport(&buf, r, "json")
	if strings.Contains(buf.String(), "OUTSIDE-ROOT-CONTENT") {
		t.Error("the probe followed a symlink out of the root")
	}
	if !r.Failed() {
		t.Error("Failed() = false on a misconfigured root")
	}
}

// TestDebootstrapFix fixes items on the misconfigured root, re-checks them with the
// probe, validates sshd's configuration with the root's own sshd, and rolls back.
func TestDebootstrapFix(t *testing.T) {
	root := misconfiguredRoot(t)
	ctx := context.Background()
	for _, id := range []string{
		"host.ssh.permit_root_login", "host.ssh.max_auth_tries", "host.file.shadow", "host.sysctl.ip_forward",
		"host.login_defs.pass_max_days", "host.pam.faillock.deny", "host.kmod.cramfs", "host.shell.tmout",
		"host.audit.rule_identity", "host.login_defs.inactive",
	} {
		t.Run(id, func(t *testing.T) {
			before := snapshot(t, root)
			res, err := Fix(ctx, root, id, FixOptions{})
			if id == "host.pam.faillock.deny" {
				// faillock is not in Debian's PAM stack: the fix refuses rather than guess
				if err == nil {
					t.Fatalf("Fix(%s) = %+v; want an error (module not in the stack)", id, res)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fix(%s): %v", id, err)
			}
			if res.Before != NotPass || res.After != Pass {
				t.Fatalf("Fix(%s) = before %s after %s %v; want NOT_PASS then PASS", id, res.Before, res.After, res.Evidence)
			}
			if strings.HasPrefix(id, "host.ssh.") {
				os.MkdirAll(filepath.Join(root, "run/sshd"), 0o755)
				if out, err := exec.Command("chroot", root, "/usr/sbin/sshd", "-t").CombinedOutput(); err != nil {
					t.Errorf("sshd -t after the fix: %v %s", err, out)
				}
			}
			if err := Rollback(root, res.BackupID, FixOptions{}); err != nil {
				t.Fatalf("Rollback: %v", err)
			}
			after := snapshot(t, root)
			for p, b := range before {
				if after[p] != b {
					t.Errorf("rollback left %s changed", p)
				}
			}
			for p := range after {
				if _, ok := before[p]; !ok && !strings.HasPrefix(p, "/var/lib/cspm/") && p != "/run/sshd" {
					t.Errorf("rollback left new file %s", p)
				}
			}
			f, err := Collect(ctx, ProbeOptions{Root: root, NotLive: true, NoPending: true, Passwords: PasswordOptions{Skip: true}})
			if err != nil {
				t.Fatal(err)
			}
			it, _ := Lookup(id)
			if got := evalItem(it, f); got.Status != NotPass {
				t.Errorf("after rollback %s = %s; want NOT_PASS", id, got.Status)
			}
		})
	}
}

// snapshot records content and mode of every file under etc/ (and /etc's parents
// that fixes touch), keyed by root path.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, top := range []string{"etc", "root", "home"} {
		filepath.Walk(filepath.Join(root, top), func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				return nil
			}
			rel := "/" + strings.TrimPrefix(p, root+"/")
			v := fi.Mode().String()
			if fi.Mode().IsRegular() {
				b, _ := os.ReadFile(p)
				v += string(b)
			}
			out[rel] = v
			return nil
		})
	}
	return out
}

// BenchmarkBaselineDebootstrap is a full host baseline without password hashing
// on the debootstrap root (target: under 1 s).
func BenchmarkBaselineDebootstrap(b *testing.B) {
	root := debootstrapRoot(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := Run(ctx, Options{Root: root, NotLive: true, Passwords: PasswordOptions{Skip: true}}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFixBackupHoldsNoHashes: a mode-only fix on /etc/shadow keeps no copy of it.
func TestFixBackupHoldsNoHashes(t *testing.T) {
	root := misconfiguredRoot(t)
	res, err := Fix(context.Background(), root, "host.file.shadow", FixOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer Rollback(root, res.BackupID, FixOptions{})
	b, err := os.ReadFile(filepath.Join(root, "var/lib/cspm/baseline-backup", res.BackupID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("$y$")) || bytes.Contains(b, []byte(`"data"`)) {
		t.Errorf("backup of a mode fix holds file content: %.200s", b)
	}
}
