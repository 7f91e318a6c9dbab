package baseline

import (
	"fmt"
	"io/fs"
	"strings"
)

// fileMode is one "path has at most these permissions and this owner" item.
type fileMode struct {
	short, path, title string
	maxMode            uint32
	uid                int
	gids               []int // allowed groups; empty: any
	sev                Severity
	base               Baseline
	fw                 []string
	dir                bool
	optional           bool // a missing file passes
}

var fileModes = []fileMode{
	{"passwd", "/etc/passwd", "/etc/passwd is 644 root:root", 0o644, 0, []int{0}, Medium, CIS, refs(cisDeb("7.1.1"), cisAli("7.1.1"), mlps("8.1.4.2 e)", true)), false, false},
	{"passwd_backup", "/etc/passwd-", "/etc/passwd- is 644 root:root", 0o644, 0, []int{0}, Low, CIS, refs(cisDeb("7.1.2"), cisAli("7.1.2")), false, true},
	{"group", "/etc/group", "/etc/group is 644 root:root", 0o644, 0, []int{0}, Medium, CIS, refs(cisDeb("7.1.3"), cisAli("7.1.3"), mlps("8.1.4.2 e)", true)), false, false},
	{"group_backup", "/etc/group-", "/etc/group- is 644 root:root", 0o644, 0, []int{0}, Low, CIS, refs(cisDeb("7.1.4"), cisAli("7.1.4")), false, true},
	{"shadow", "/etc/shadow", "/etc/shadow is 640 root:shadow or stricter", 0o640, 0, []int{0, 42}, High, DefaultPolicy, refs(cisDeb("7.1.5"), cisAli("7.1.5"), mlps("8.1.4.2 e)", true)), false, false},
	{"shadow_backup", "/etc/shadow-", "/etc/shadow- is 640 root:shadow or stricter", 0o640, 0, []int{0, 42}, Medium, CIS, refs(cisDeb("7.1.6"), cisAli("7.1.6")), false, true},
	{"gshadow", "/etc/gshadow", "/etc/gshadow is 640 root:shadow or stricter", 0o640, 0, []int{0, 42}, Medium, CIS, refs(cisDeb("7.1.7"), cisAli("7.1.7")), false, true},
	{"gshadow_backup", "/etc/gshadow-", "/etc/gshadow- is 640 root:shadow or stricter", 0o640, 0, []int{0, 42}, Low, CIS, refs(cisDeb("7.1.8"), cisAli("7.1.8")), false, true},
	{"opasswd", "/etc/security/opasswd", "/etc/security/opasswd is 600 root:root", 0o600, 0, []int{0}, Medium, CIS, refs(cisDeb("7.1.10"), cisAli("7.1.10")), false, true},
	{"sshd_config", "/etc/ssh/sshd_config", "/etc/ssh/sshd_config is 600 root:root", 0o600, 0, []int{0}, Medium, CIS, refs(cisDeb("5.1.1"), cisAli("5.1.2"), mlps("8.1.4.2 e)", true)), false, true},
	{"sudoers", "/etc/sudoers", "/etc/sudoers is 440 root:root", 0o440, 0, []int{0}, High, MLPS, mlps("8.1.4.2 e)", true), false, true},
	{"sudoers_d", "/etc/sudoers.d", "/etc/sudoers.d is 750 root:root", 0o750, 0, []int{0}, Medium, BestPractice, nil, true, true},
	{"crontab", "/etc/crontab", "/etc/crontab is 600 root:root", 0o600, 0, []int{0}, Medium, CIS, refs(cisDeb("2.4.1.2"), cisAli("2.4.1.2")), false, true},
	{"cron_hourly", "/etc/cron.hourly", "/etc/cron.hourly is 700 root:root", 0o700, 0, []int{0}, Low, CIS, refs(cisDeb("2.4.1.3"), cisAli("2.4.1.3")), true, true},
	{"cron_daily", "/etc/cron.daily", "/etc/cron.daily is 700 root:root", 0o700, 0, []int{0}, Low, CIS, refs(cisDeb("2.4.1.4"), cisAli("2.4.1.4")), true, true},
	{"cron_weekly", "/etc/cron.weekly", "/etc/cron.weekly is 700 root:root", 0o700, 0, []int{0}, Low, CIS, refs(cisDeb("2.4.1.5"), cisAli("2.4.1.5")), true, true},
	{"cron_monthly", "/etc/cron.monthly", "/etc/cron.monthly is 700 root:root", 0o700, 0, []int{0}, Low, CIS, refs(cisDeb("2.4.1.6"), cisAli("2.4.1.6")), true, true},
	{"cron_d", "/etc/cron.d", "/etc/cron.d is 700 root:root", 0o700, 0, []int{0}, Low, CIS, refs(cisDeb("2.4.1.7"), cisAli("2.4.1.8")), true, true},
	{"grub_cfg", "/boot/grub/grub.cfg", "The GRUB configuration is readable by root only", 0o600, 0, []int{0}, Medium, CIS, refs(cisDeb("1.4.2"), cisAli("1.4.1")), false, true},
	{"issue", "/etc/issue", "/etc/issue is 644 root:root", 0o644, 0, []int{0}, Low, CIS, refs(cisDeb("1.6.5"), cisAli("1.7.5")), false, true},
	{"issue_net", "/etc/issue.net", "/etc/issue.net is 644 root:root", 0o644, 0, []int{0}, Low, CIS, refs(cisDeb("1.6.6"), cisAli("1.7.6")), false, true},
	{"motd", "/etc/motd", "/etc/motd is 644 root:root", 0o644, 0, []int{0}, Low, CIS, refs(cisDeb("1.6.4"), cisAli("1.7.4")), false, true},
	{"audit_log_dir", "/var/log/audit", "The audit log directory is 750 or stricter", 0o750, 0, []int{0}, Medium, MLPS, refs(cisDeb("6.2.4.4"), mlps("8.1.4.3 c)", false)), true, true},
	{"auditd_conf", "/etc/audit/auditd.conf", "auditd.conf is 640 root or stricter", 0o640, 0, []int{0}, Low, CIS, cisDeb("6.2.4.5"), false, true},
	{"audit_rules", "/etc/audit/audit.rules", "The audit rules file is 640 root or stricter", 0o640, 0, []int{0}, Low, CIS, cisDeb("6.2.4.5"), false, true},
	{"rsyncd_secrets", "/etc/rsyncd.secrets", "The rsync secrets file is 600 root:root", 0o600, 0, []int{0}, High, Middleware, nil, false, true},
	{"docker_daemon_json", "/etc/docker/daemon.json", "/etc/docker/daemon.json is 644 root:root or stricter", 0o644, 0, []int{0}, Medium, ContainerSecurity, nil, false, true},
	{"docker_dir", "/etc/docker", "/etc/docker is 755 root:root or stricter", 0o755, 0, []int{0}, Medium, ContainerSecurity, nil, true, true},
	{"kubelet_conf", "/etc/kubernetes/kubelet.conf", "The kubelet kubeconfig is 600 root:root", 0o600, 0, []int{0}, High, ContainerSecurity, nil, false, true},
	{"kubelet_config", "/var/lib/kubelet/config.yaml", "The kubelet config file is 600 root:root", 0o600, 0, []int{0}, Medium, ContainerSecurity, nil, false, true},
	{"redis_conf", "/etc/redis/redis.conf", "redis.conf is not readable by others", 0o640, -1, nil, Medium, Database, nil, false, true},
	{"mysql_datadir", "/var/lib/mysql", "The MySQL data directory is not accessible to others", 0o750, -1, nil, Medium, Database, nil, true, true},
}

func (m fileMode) check(f *Facts) Result {
	ff := f.File(m.path)
	switch {
	case ff == nil:
		return notEval("%s not collected", m.path)
	case ff.Err == "missing" && m.optional:
		return pass("not applicable: " + m.path + " does not exist")
	case ff.Err != "":
		return notEval("%s: %s", m.path, ff.Err)
	}
	var bad []string
	if extra := ff.Mode &^ m.maxMode; extra != 0 {
		bad = append(bad, fmt.Sprintf("mode %04o (allowed %04o)", ff.Mode, m.maxMode))
	}
	if m.uid >= 0 && ff.UID != m.uid {
		bad = append(bad, fmt.Sprintf("owner uid %d", ff.UID))
	}
	if len(m.gids) > 0 && !containsInt(m.gids, ff.GID) {
		bad = append(bad, fmt.Sprintf("group gid %d", ff.GID))
	}
	if len(bad) > 0 {
		return fail(m.path + ": " + strings.Join(bad, ", "))
	}
	return pass(fmt.Sprintf("%s: mode %04o uid %d gid %d", m.path, ff.Mode, ff.UID, ff.GID))
}

func containsInt(l []int, n int) bool {
	for _, x := range l {
		if x == n {
			return true
		}
	}
	return false
}

func (m fileMode) example(mode uint32) fstestMap {
	r := baseFS()
	p := strings.TrimPrefix(m.path, "/")
	if m.dir {
		r[p] = &fstestFile{Mode: fs.ModeDir | fs.FileMode(mode), Sys: Owner{0, 0}}
	} else {
		content := "x\n"
		if old, ok := r[p]; ok {
			content = string(old.Data)
		}
		r[p] = &fstestFile{Data: []byte(content), Mode: fs.FileMode(mode), Sys: Owner{0, 0}}
	}
	return r
}

var fileItems = func() []*Item {
	var out []*Item
	for _, m := range fileModes {
		m := m
		rem := fmt.Sprintf("chmod %o %s", m.maxMode, m.path)
		if m.uid == 0 {
			rem = fmt.Sprintf("chown root:root %s; %s", m.path, rem)
		}
		if m.path == "/etc/shadow" || m.path == "/etc/shadow-" || m.path == "/etc/gshadow" || m.path == "/etc/gshadow-" {
			rem = fmt.Sprintf("chown root:shadow %s; chmod 640 %s (root:root 000 on Alibaba Cloud Linux)", m.path, m.path)
		}
		out = append(out, register(Item{
			ID: "host.file." + m.short, Title: m.title, Category: CatAccess, Baseline: m.base, Severity: m.sev, Frameworks: m.fw,
			Remediation: rem,
			Good:        []Example{ex("strict", m.example(m.maxMode&0o750))},
			Bad:         []Example{ex("world-writable", m.example(m.maxMode|0o006))},
			Eval:        m.check,
			fix: func(f *Facts, read fileReader) ([]Edit, error) {
				ff := f.File(m.path)
				if ff == nil || ff.Err != "" {
					return nil, fmt.Errorf("%s: cannot fix: %s", m.path, ff.Err)
				}
				mode := fs.FileMode(ff.Mode & m.maxMode)
				if m.dir {
					mode |= fs.ModeDir
				}
				return []Edit{{Path: m.path, Mode: mode}}, nil
			},
		}))
	}
	return out
}()

var sshHostKeys = register(Item{
	ID: "host.file.ssh_host_private_keys", Title: "SSH host private keys are readable by root only", Category: CatAccess,
	Baseline: CIS, Severity: High, Frameworks: refs(cisDeb("5.1.2"), cisAli("5.1.4")),
	Remediation: "chmod 600 /etc/ssh/ssh_host_*_key; chown root:root /etc/ssh/ssh_host_*_key",
	Good:        []Example{ex("600", with(baseFS(), "/etc/ssh/ssh_host_ed25519_key", "k\n", 0o600, 0, 0))},
	Bad:         []Example{ex("644", with(baseFS(), "/etc/ssh/ssh_host_ed25519_key", "k\n", 0o644, 0, 0))},
	Eval: func(f *Facts) Result {
		var bad []string
		n := 0
		for _, p := range f.Glob("/etc/ssh/ssh_host_*_key") {
			ff := f.File(p)
			n++
			if ff.Mode&0o077 != 0 && !(ff.Mode&0o037 == 0 && ff.GID != 0) {
				bad = append(bad, fmt.Sprintf("%s: mode %04o", p, ff.Mode))
			}
		}
		if len(bad) > 0 {
			return fail(bad...)
		}
		return pass(fmt.Sprintf("%d host private keys checked", n))
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		var out []Edit
		for _, p := range f.Glob("/etc/ssh/ssh_host_*_key") {
			out = append(out, Edit{Path: p, Mode: 0o600})
		}
		return out, nil
	},
})

var sshHostPubKeys = register(Item{
	ID: "host.file.ssh_host_public_keys", Title: "SSH host public keys are not writable by others", Category: CatAccess,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("5.1.3"), cisAli("5.1.5")),
	Remediation: "chmod 644 /etc/ssh/ssh_host_*_key.pub",
	Good:        []Example{ex("644", with(baseFS(), "/etc/ssh/ssh_host_ed25519_key.pub", "k\n", 0o644, 0, 0))},
	Bad:         []Example{ex("666", with(baseFS(), "/etc/ssh/ssh_host_ed25519_key.pub", "k\n", 0o666, 0, 0))},
	Eval: func(f *Facts) Result {
		var bad []string
		for _, p := range f.Glob("/etc/ssh/ssh_host_*_key.pub") {
			if ff := f.File(p); ff.Mode&0o133 != 0 {
				bad = append(bad, fmt.Sprintf("%s: mode %04o", p, ff.Mode))
			}
		}
		if len(bad) > 0 {
			return fail(bad...)
		}
		return pass("host public keys are 644 or stricter")
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		var out []Edit
		for _, p := range f.Glob("/etc/ssh/ssh_host_*_key.pub") {
			out = append(out, Edit{Path: p, Mode: fs.FileMode(f.File(p).Mode &^ 0o133)})
		}
		return out, nil
	},
})

var stickyTmp = register(Item{
	ID: "host.file.tmp_sticky", Title: "World-writable temporary directories have the sticky bit", Category: CatAccess,
	Baseline: CIS, Severity: Medium, Frameworks: refs(cisDeb("7.1.11"), cisAli("7.1.11")),
	Remediation: "chmod +t /tmp /var/tmp /dev/shm",
	Good:        []Example{ex("1777", with(baseFS(), "/tmp", "", fs.ModeDir|fs.ModeSticky|0o777, 0, 0))},
	Bad:         []Example{ex("0777", with(baseFS(), "/tmp", "", fs.ModeDir|0o777, 0, 0))},
	Eval: func(f *Facts) Result {
		var bad []string
		for _, p := range []string{"/tmp", "/var/tmp", "/dev/shm"} {
			if ff := f.File(p); ff != nil && ff.Type == "d" && ff.Mode&0o002 != 0 && ff.Mode&0o1000 == 0 {
				bad = append(bad, fmt.Sprintf("%s: mode %04o without sticky bit", p, ff.Mode))
			}
		}
		if len(bad) > 0 {
			return fail(bad...)
		}
		return pass("temporary directories are sticky or not world-writable")
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		var out []Edit
		for _, p := range []string{"/tmp", "/var/tmp", "/dev/shm"} {
			if ff := f.File(p); ff != nil && ff.Type == "d" && ff.Mode&0o002 != 0 && ff.Mode&0o1000 == 0 {
				out = append(out, Edit{Path: p, Mode: fs.ModeDir | fs.ModeSticky | fs.FileMode(ff.Mode&0o777)})
			}
		}
		return out, nil
	},
})
