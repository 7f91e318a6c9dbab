package baseline

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// permFS denies access to some paths, as an unreadable file does for a non-root
// probe (root itself ignores file modes, so the test injects the error).
type permFS struct {
	fs.FS
	deny map[string]bool
}

func (p permFS) Open(name string) (fs.File, error) {
	if p.deny[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return p.FS.Open(name)
}

func (p permFS) ReadLink(name string) (string, error) { return p.FS.(fs.ReadLinkFS).ReadLink(name) }
func (p permFS) Lstat(name string) (fs.FileInfo, error) {
	return p.FS.(fs.ReadLinkFS).Lstat(name)
}

// TestBadInput: unreadable files, symlink loops, a 1 GB (sparse) file, binary
// garbage, a FIFO and unknown hash schemes each make the items that need them
// NOT_EVALUATED with the cause, the probe goes on, and no symlink leads out of
// the root.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	outside := filepath.Join(dir, "outside")
	writeFile(t, outside, "OUTSIDE-ROOT-CONTENT\n", 0o644)
	writeFile(t, filepath.Join(root, "etc/os-release"), osReleaseDebian, 0o644)
	writeFile(t, filepath.Join(root, "etc/passwd"), "root:x:0:0::/root:/bin/bash\nann:x:1000:1000::/home/ann:/bin/bash\nben:x:1001:1001::/home/ben:/bin/bash\ncid:x:1002:1002::/home/cid:/bin/bash\n", 0o644)
	writeFile(t, filepath.Join(root, "etc/shadow"),
		"root:*:19800::::::\nann:$7$CU..../....abcdefgh$zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz:19800::::::\n"+
			"ben:$gy$j9T$abcdefghijklmnop$zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz:19800::::::\ncid:$zz$garbage:19800::::::\n", 0o640)
	// a 1 GiB login.defs that takes no disk space
	ld := filepath.Join(root, "etc/login.defs")
	writeFile(t, ld, "PASS_MAX_DAYS 90\n", 0o644)
	if err := os.Truncate(ld, 1<<30); err != nil {
		t.Fatal(err)
	}
	// symlink loop and escapes
	os.MkdirAll(filepath.Join(root, "etc/ssh"), 0o755)
	os.Symlink("b", filepath.Join(root, "etc/ssh/a"))
	os.Symlink("a", filepath.Join(root, "etc/ssh/b"))
	os.Symlink("/etc/ssh/a", filepath.Join(root, "etc/ssh/sshd_config"))
	os.Symlink(outside, filepath.Join(root, "etc/issue"))
	os.Symlink("../../../../../../../../.."+outside, filepath.Join(root, "etc/issue.net"))
	os.Symlink("/../../../etc/passwd", filepath.Join(root, "etc/motd"))
	// binary garbage, a FIFO, an unreadable file
	writeFile(t, filepath.Join(root, "etc/sudoers"), "root ALL=(ALL) ALL\n\x00\xff\xfe\x01garbage", 0o440)
	os.MkdirAll(filepath.Join(root, "etc/redis"), 0o755)
	if err := exec.Command("mkfifo", filepath.Join(root, "etc/redis/redis.conf")).Run(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "etc/pam.d/common-password"), commonPasswordDebian, 0o644)
	writeFile(t, filepath.Join(root, "etc/pam.d/common-auth"), commonAuthDebian, 0o644)

	fsys := permFS{FS: os.DirFS(root), deny: map[string]bool{"etc/pam.d/common-password": true}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	r, err := Run(ctx, Options{FS: fsys, NotLive: true, Passwords: PasswordOptions{Tiers: DefaultTiers(20, nil), Budget: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("probe took %v on bad input", d)
	}
	for id, cause := range map[string]string{
		"host.login_defs.pass_max_days": "larger than the read cap",
		"host.ssh.permit_root_login":    "symlink loop",
		"host.sudo.use_pty":             "binary content",
		"host.redis.no_auth":            "not a regular file",
		"host.pam.pwquality.minlen":     "permission denied",
		"host.password.system_weak":     "unsupported hash scheme",
	} {
		f := findingOf(r, id)
		if f.Status != NotEvaluated || !strings.Contains(strings.Join(f.Evidence, " "), cause) {
			t.Errorf("%s = %s %v; want NOT_EVALUATED because %q", id, f.Status, f.Evidence, cause)
		}
	}
	ev := strings.Join(findingOf(r, "host.password.system_weak").Evidence, "\n")
	for _, s := range []string{"scrypt", "gost-yescrypt", "unknown:$zz$"} {
		if !strings.Contains(ev, s) {
			t.Errorf("system_weak evidence lacks the scheme %q:\n%s", s, ev)
		}
	}
	if f := findingOf(r, "host.account.uid0_only_root"); f.Status != Pass {
		t.Errorf("the probe did not go on: uid0_only_root = %s %v", f.Status, f.Evidence)
	}
	if f := findingOf(r, "host.banner.issue"); f.Status != Pass || !strings.Contains(strings.Join(f.Evidence, ""), "does not exist") {
		t.Errorf("absolute symlink out of the root: issue = %s %v; want the re-rooted (missing) target", f.Status, f.Evidence)
	}
	facts, err := Collect(ctx, ProbeOptions{FS: fsys, NotLive: true, Passwords: PasswordOptions{Skip: true}})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	facts.Encode(&all, false)
	if strings.Contains(all.String(), "OUTSIDE-ROOT-CONTENT") {
		t.Error("a symlink was followed out of the root")
	}
	// /etc/motd -> /../../../etc/passwd resolves to the root's own /etc/passwd
	if m := facts.File("/etc/motd"); m == nil || m.Text == nil || !strings.Contains(*m.Text, "ann:x:1000") {
		t.Errorf("/etc/motd = %+v; want the root's /etc/passwd through the re-rooted symlink", m)
	}
}

func TestResolveStaysInRoot(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a/b"), 0o755)
	os.Symlink("../../../../..", filepath.Join(dir, "a/b/up"))
	os.Symlink("/a", filepath.Join(dir, "abs"))
	r := &rootFS{fsys: os.DirFS(dir), readCap: 1 << 20}
	for in, want := range map[string]string{"/a/b/up/a/b": "a/b", "/abs/b": "a/b", "/../../a": "a", "/": "."} {
		got, err := r.resolve(in, true)
		if err != nil || got != want {
			t.Errorf("resolve(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	os.Symlink("self", filepath.Join(dir, "self"))
	if _, err := r.resolve("/self", true); !errors.Is(err, ErrSymlinkLoop) {
		t.Errorf("resolve(loop) error = %v; want ErrSymlinkLoop", err)
	}
}
