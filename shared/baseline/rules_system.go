package baseline

import (
	"fmt"
	"io/fs"
	"strings"
	"time"
)

var cronEnabled = register(Item{
	ID: "host.cron.enabled", Title: "The cron daemon is enabled", Category: CatAudit,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("2.4.1.1"), cisAli("5.1.1")),
	Remediation: "systemctl --now enable cron (crond on Alibaba Cloud Linux).",
	Good:        []Example{ex("wanted", rootWith("/etc/systemd/system/multi-user.target.wants/cron.service", "[Unit]\n"))},
	Bad:         []Example{ex("disabled", rootWith("/lib/systemd/system/cron.service", "[Unit]\n"))},
	Eval: func(f *Facts) Result {
		if n, ok := unitAny(f, "cron.service", "crond.service"); ok {
			return pass(n + " enabled")
		}
		return fail("cron.service is " + orNone(f.UnitState("cron.service")))
	},
})

// allowItem: cron/at use an allow list, root-owned, not the deny list alone.
func allowItem(short, tool, allow, deny string, fw []string) *Item {
	return register(Item{
		ID: "host.cron." + short, Title: fmt.Sprintf("%s is restricted to users in %s", tool, allow), Category: CatAccess,
		Baseline: CIS, Severity: Low, Frameworks: fw,
		Remediation: fmt.Sprintf("Create %s (root:root, 640) listing the users allowed to use %s, and remove %s.", allow, tool, deny),
		Good:        []Example{ex("allow list", with(baseFS(), allow, "root\n", 0o640, 0, 0))},
		Bad:         []Example{ex("deny list only", with(baseFS(), deny, "\n", 0o644, 0, 0)), ex("world-writable allow", with(baseFS(), allow, "root\n", 0o666, 0, 0))},
		Eval: func(f *Facts) Result {
			ff := f.File(allow)
			switch {
			case ff == nil:
				return notEval("%s not collected", allow)
			case ff.Err == "missing":
				return fail(allow + " does not exist (everyone not in " + deny + " may use " + tool + ")")
			case ff.Err != "":
				return notEval("%s: %s", allow, ff.Err)
			case ff.Mode&0o137 != 0 || ff.UID != 0:
				return fail(fmt.Sprintf("%s: mode %04o uid %d", allow, ff.Mode, ff.UID))
			}
			return pass(fmt.Sprintf("%s: mode %04o", allow, ff.Mode))
		},
		fix: func(f *Facts, read fileReader) ([]Edit, error) {
			b, _, exists, err := read(allow)
			if err != nil {
				return nil, err
			}
			if !exists {
				b = []byte("root\n")
			}
			return []Edit{{Path: allow, Data: b, Mode: 0o640}}, nil
		},
	})
}

var (
	cronAllow = allowItem("cron_allow", "cron", "/etc/cron.allow", "/etc/cron.deny", refs(cisDeb("2.4.1.8"), cisAli("5.1.8")))
	atAllow   = allowItem("at_allow", "at", "/etc/at.allow", "/etc/at.deny", refs(cisDeb("2.4.2.1"), cisAli("5.1.9")))
)

// --- mandatory access control ---

var apparmorInstalled = register(Item{
	ID: "host.mac.apparmor_installed", Title: "AppArmor is installed", Category: CatAccess,
	Baseline: CIS, Severity: Medium, OS: []OS{Debian, Ubuntu}, Frameworks: cisDeb("1.3.1.1"),
	Remediation: "apt-get install apparmor apparmor-utils",
	Good:        []Example{ex("dpkg", rootWith("/var/lib/dpkg/status", dpkgStatus("apparmor")))},
	Bad:         []Example{ex("dpkg", rootWith("/var/lib/dpkg/status", dpkgStatus("bash")))},
	Eval: func(f *Facts) Result {
		ok, ev := pkgOrPath(f, []string{"apparmor"}, []string{"/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"})
		return failIf(!ok, ev)
	},
})

var apparmorBoot = register(Item{
	ID: "host.mac.apparmor_boot", Title: "AppArmor is not disabled on the kernel command line", Category: CatAccess,
	Baseline: CIS, Severity: Medium, OS: []OS{Debian, Ubuntu}, Frameworks: cisDeb("1.3.1.2"),
	Remediation: "Remove apparmor=0 from GRUB_CMDLINE_LINUX and run update-grub.",
	Good:        []Example{ex("default", rootWith("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"quiet\"\n"))},
	Bad:         []Example{ex("apparmor=0", rootWith("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"apparmor=0\"\n"))},
	Eval: func(f *Facts) Result {
		cmd, where := grubCmdline(f)
		if v, ok := cmdlineParam(cmd, "apparmor"); ok && v == "0" {
			return fail(where + ": apparmor=0")
		}
		if v, ok := cmdlineParam(cmd, "security"); ok && v != "apparmor" && v != "" {
			return fail(where + ": security=" + v)
		}
		return pass("AppArmor not disabled at boot (" + orNone(where) + ")")
	},
})

var selinuxEnforcing = register(Item{
	ID: "host.mac.selinux_enforcing", Title: "SELinux is enforcing", Category: CatAccess,
	Baseline: CIS, Severity: Medium, OS: []OS{ALinux}, Frameworks: cisAli("1.6.1.5"),
	Remediation: "Set SELINUX=enforcing in /etc/selinux/config and reboot (after relabelling).",
	Good:        []Example{ex("enforcing", alinux(rootWith("/etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n")))},
	Bad:         []Example{ex("disabled", alinux(rootWith("/etc/selinux/config", "SELINUX=disabled\n")))},
	Eval: func(f *Facts) Result {
		ss, found, err := kvFiles(f, "=", false, "/etc/selinux/config")
		if err != nil {
			return notEval("%v", err)
		}
		if !found {
			return fail("/etc/selinux/config does not exist")
		}
		s, _ := lastSetting(ss, "SELINUX")
		return failIf(!strings.EqualFold(s.Value, "enforcing"), s.String())
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		e, err := setDirective(read, "/etc/selinux/config", "SELINUX", "enforcing", "=", false)
		return []Edit{e}, err
	},
})

var macLabels = register(Item{
	ID: "host.mac.enforced", Title: "A mandatory access control system (SELinux or AppArmor) is enforced", Category: CatAccess,
	Baseline: MLPS, Severity: Medium, Frameworks: mlps("8.1.4.2 g)", true),
	Remediation: "Enable SELinux in enforcing mode (Alibaba Cloud Linux) or AppArmor with profiles in enforce mode (Debian/Ubuntu).",
	Good: []Example{exLive("apparmor profiles", rootWith("/var/lib/dpkg/status", dpkgStatus("apparmor")), func(f *Facts) {
		f.Files["/sys/module/apparmor/parameters/enabled"] = &FileFact{Type: "f", Mode: 0o444, Text: strPtr("Y\n")}
	}), ex("selinux config", alinux(rootWith("/etc/selinux/config", "SELINUX=enforcing\n")))},
	Bad: []Example{ex("nothing", baseFS()), ex("selinux permissive", alinux(rootWith("/etc/selinux/config", "SELINUX=permissive\n")))},
	Eval: func(f *Facts) Result {
		if ss, found, _ := kvFiles(f, "=", false, "/etc/selinux/config"); found {
			if s, ok := lastSetting(ss, "SELINUX"); ok && strings.EqualFold(s.Value, "enforcing") {
				return pass(s.String())
			}
		}
		if f.Live {
			if t, ok, _ := f.Text("/sys/module/apparmor/parameters/enabled"); ok && strings.TrimSpace(t) == "Y" {
				return pass("AppArmor enabled in the running kernel")
			}
		} else if ok, _ := f.Installed("apparmor"); ok {
			cmd, _ := grubCmdline(f)
			if v, set := cmdlineParam(cmd, "apparmor"); !set || v != "0" {
				return pass("AppArmor installed and not disabled at boot (running state not checked offline)")
			}
		}
		return fail("neither SELinux enforcing nor AppArmor enabled")
	},
})

func strPtr(s string) *string { return &s }

// --- updates ---

var pendingSecurity = register(Item{
	ID: "host.update.security_pending", Title: "No security update is pending", Category: CatIntrusion,
	Baseline: DefaultPolicy, Severity: High, OS: []OS{Debian, Ubuntu}, Frameworks: refs(cisDeb("1.2.2.1"), mlps("8.1.4.4 e)", false)),
	Remediation: "apt-get update && apt-get upgrade (or enable unattended-upgrades).",
	Good: []Example{ex("current", rootWith("/var/lib/dpkg/status", "Package: openssl\nStatus: install ok installed\nVersion: 3.0.15-1~deb12u1\n\n",
		"/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages", "Package: openssl\nVersion: 3.0.15-1~deb12u1\n\n"))},
	Bad: []Example{ex("older", rootWith("/var/lib/dpkg/status", "Package: openssl\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u2\n\n",
		"/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages", "Package: openssl\nVersion: 3.0.15-1~deb12u1\n\n"))},
	Eval: func(f *Facts) Result {
		switch {
		case f.PkgDB != "dpkg":
			return notEval("package database not readable offline (%s)", orNone(f.PkgDB))
		case f.Pending == nil:
			return notEval("pending updates not computed")
		case f.Pending.Err != "" && f.Pending.Index == 0:
			return notEval("%s", f.Pending.Err)
		case len(f.Pending.Security) > 0:
			return fail(fmt.Sprintf("%d security update(s) pending: %s", len(f.Pending.Security), strings.Join(f.Pending.Security, ", ")))
		}
		return pass(fmt.Sprintf("no security update pending (%d index file(s) read, %d other update(s))", f.Pending.Index, f.Pending.Other))
	},
})

var unattended = register(Item{
	ID: "host.update.automatic", Title: "Security updates are installed automatically", Category: CatIntrusion,
	Baseline: BestPractice, Severity: Low, Frameworks: mlps("8.1.4.4 e)", false),
	Remediation: "apt-get install unattended-upgrades and set APT::Periodic::Unattended-Upgrade \"1\" (dnf-automatic with apply_updates = yes on Alibaba Cloud Linux).",
	Good:        []Example{ex("apt periodic", rootWith("/etc/apt/apt.conf.d/20auto-upgrades", "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n"))},
	Bad:         []Example{ex("off", rootWith("/etc/apt/apt.conf.d/20auto-upgrades", "APT::Periodic::Unattended-Upgrade \"0\";\n"))},
	Eval: func(f *Facts) Result {
		for _, p := range f.Glob("/etc/apt/apt.conf.d/*") {
			t, _, _ := f.Text(p)
			for _, l := range lines(t) {
				if strings.Contains(l, "APT::Periodic::Unattended-Upgrade") && strings.Contains(l, "\"1\"") {
					return pass(p + ": " + strings.TrimSpace(l))
				}
			}
		}
		if ss, found, _ := kvFiles(f, "=", true, "/etc/dnf/automatic.conf"); found {
			if s, ok := lastSetting(ss, "apply_updates"); ok && strings.EqualFold(s.Value, "yes") {
				return pass(s.String())
			}
		}
		return fail("no automatic update configuration")
	},
})

var indexFresh = register(Item{
	ID: "host.update.index_fresh", Title: "The package index was refreshed in the last 7 days", Category: CatIntrusion,
	Baseline: BestPractice, Severity: Low, OS: []OS{Debian, Ubuntu}, Frameworks: cisDeb("1.2.2.1"),
	Remediation: "Run apt-get update regularly (APT::Periodic::Update-Package-Lists \"1\").",
	Good:        []Example{ex("fresh", rootWith("/var/lib/apt/periodic/update-success-stamp", ""))},
	Bad:         []Example{ex("never", baseFS())},
	Eval: func(f *Facts) Result {
		ff := f.File("/var/lib/apt/periodic/update-success-stamp")
		if ff == nil || ff.Err != "" {
			return fail("no successful periodic apt update recorded")
		}
		return pass("periodic apt update stamp present")
	},
})

// --- time synchronisation ---

var timeSync = register(Item{
	ID: "host.time.sync_enabled", Title: "Time synchronisation is enabled", Category: CatAudit,
	Baseline: DefaultPolicy, Severity: Medium, Frameworks: refs(cisDeb("2.3.1.1"), cisAli("2.1.1"), mlps("8.1.4.3 b)", false)),
	Remediation: "Install and enable chrony (or systemd-timesyncd) pointing at the Alibaba Cloud NTP servers.",
	Good:        []Example{ex("chrony", rootWith("/etc/systemd/system/multi-user.target.wants/chrony.service", "[Unit]\n"))},
	Bad:         []Example{ex("none", baseFS())},
	Eval: func(f *Facts) Result {
		if n, ok := unitAny(f, "chrony.service", "chronyd.service", "systemd-timesyncd.service", "ntp.service", "ntpd.service", "ntpsec.service"); ok {
			return pass(n + " enabled")
		}
		return fail("no time synchronisation service is enabled")
	},
})

var chronyServers = register(Item{
	ID: "host.time.chrony_servers", Title: "chrony has time sources configured", Category: CatAudit,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("2.3.3.1"), cisAli("2.1.2")),
	Remediation: "Add \"server ntp.cloud.aliyuncs.com iburst\" (or a pool) to chrony.conf.",
	Good:        []Example{ex("server", rootWith("/etc/chrony/chrony.conf", "server ntp.cloud.aliyuncs.com iburst\n"))},
	Bad:         []Example{ex("none", rootWith("/etc/chrony/chrony.conf", "driftfile /var/lib/chrony/chrony.drift\n"))},
	Eval: func(f *Facts) Result {
		files := append([]string{"/etc/chrony/chrony.conf", "/etc/chrony.conf"}, f.Glob("/etc/chrony/conf.d/*")...)
		found := false
		for _, p := range append(files, f.Glob("/etc/chrony/sources.d/*")...) {
			t, ok, _ := f.Text(p)
			found = found || ok
			for i, l := range lines(t) {
				if fs := strings.Fields(l); len(fs) >= 2 && (fs[0] == "server" || fs[0] == "pool" || fs[0] == "sourcedir") {
					return pass(fmt.Sprintf("%s:%d: %s", p, i+1, strings.Join(fs[:2], " ")))
				}
			}
		}
		if !found {
			return pass("not applicable: chrony not configured")
		}
		return fail("chrony.conf has no server, pool or sourcedir")
	},
})

// --- file systems ---

// mountOptions returns the options of a mount point from /proc/mounts (live) or /etc/fstab.
func mountOptions(f *Facts, mnt string) (string, string, bool) {
	for _, src := range []string{"/proc/mounts", "/etc/fstab"} {
		t, ok, _ := f.Text(src)
		if !ok {
			continue
		}
		for i, l := range lines(t) {
			fs := strings.Fields(l)
			if len(fs) >= 4 && fs[1] == mnt {
				return fs[3], fmt.Sprintf("%s:%d", src, i+1), true
			}
		}
	}
	return "", "", false
}

func mountItem(short, mnt string, opts []string, sev Severity, fw []string, missingPasses bool) *Item {
	title := mnt + " is a separate mount"
	if len(opts) > 0 {
		title = mnt + " is mounted " + strings.Join(opts, ",")
	}
	bad := []Example{ex("plain", rootWith("/etc/fstab", "tmpfs "+mnt+" tmpfs defaults 0 0\n"+"/dev/vda1 / ext4 defaults 0 1\n"))}
	if len(opts) == 0 {
		bad = []Example{ex("not separate", rootWith("/etc/fstab", "/dev/vda1 / ext4 defaults 0 1\n"))}
	}
	return register(Item{
		ID: "host.fs." + short, Title: title, Category: CatIntrusion, Baseline: CIS, Severity: sev, Frameworks: fw,
		Remediation: fmt.Sprintf("Mount %s as its own file system with options %s in /etc/fstab (or a systemd mount unit) and remount.", mnt, strings.Join(append([]string{"defaults"}, opts...), ",")),
		Good:        []Example{ex("fstab", rootWith("/etc/fstab", "tmpfs "+mnt+" tmpfs defaults,rw,"+strings.Join(append(opts, "relatime"), ",")+" 0 0\n"))},
		Bad:         bad,
		Eval: func(f *Facts) Result {
			o, where, ok := mountOptions(f, mnt)
			if !ok {
				if missingPasses {
					return pass("not applicable: " + mnt + " is not a separate mount")
				}
				return fail(mnt + " is not a separate mount (not in /etc/fstab)")
			}
			var missing []string
			have := strings.Split(o, ",")
			for _, w := range opts {
				if !contains(have, w) {
					missing = append(missing, w)
				}
			}
			if len(missing) > 0 {
				return fail(fmt.Sprintf("%s: %s mounted without %s", where, mnt, strings.Join(missing, ",")))
			}
			return pass(where + ": " + mnt + " " + o)
		},
	})
}

var (
	tmpSeparate = mountItem("tmp_separate", "/tmp", nil, Low, refs(cisDeb("1.1.2.1.1"), cisAli("1.1.2.1")), false)
	tmpOptions  = mountItem("tmp_options", "/tmp", []string{"nodev", "nosuid", "noexec"}, Medium, refs(cisDeb("1.1.2.1.2"), cisAli("1.1.2.2")), false)
	shmOptions  = mountItem("dev_shm_options", "/dev/shm", []string{"nodev", "nosuid", "noexec"}, Medium, refs(cisDeb("1.1.2.2.2"), cisAli("1.1.2.3")), true)
	varTmpOpts  = mountItem("var_tmp_options", "/var/tmp", []string{"nodev", "nosuid", "noexec"}, Low, refs(cisDeb("1.1.2.5.2"), cisAli("1.1.5.2")), true)
	homeNodev   = mountItem("home_nodev", "/home", []string{"nodev", "nosuid"}, Low, refs(cisDeb("1.1.2.3.2"), cisAli("1.1.7.2")), true)
)

// --- boot, banners, core dumps ---

var grubPassword = register(Item{
	ID: "host.boot.grub_password", Title: "The boot loader is password protected", Category: CatAccess,
	Baseline: CIS, Severity: Medium, Frameworks: refs(cisDeb("1.4.1"), cisAli("1.4.1")),
	Remediation: "Set a GRUB superuser and password_pbkdf2 (grub-mkpasswd-pbkdf2) in /etc/grub.d/40_custom and run update-grub.",
	Good:        []Example{ex("superusers", with(baseFS(), "/boot/grub/grub.cfg", "set superusers=\"root\"\npassword_pbkdf2 root grub.pbkdf2.sha512.10000.AA\n", 0o400, 0, 0))},
	Bad:         []Example{ex("none", with(baseFS(), "/boot/grub/grub.cfg", "menuentry 'Debian' {\n}\n", 0o400, 0, 0))},
	Eval: func(f *Facts) Result {
		for _, p := range []string{"/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"} {
			t, ok, err := f.Text(p)
			if err != nil && ok {
				return notEval("%v", err)
			}
			if !ok {
				continue
			}
			if strings.Contains(t, "set superusers") && strings.Contains(t, "password") {
				return pass(p + ": superusers and password set")
			}
			if f.Exists("/boot/grub2/user.cfg") {
				return pass("/boot/grub2/user.cfg present")
			}
			return fail(p + ": no GRUB superuser password")
		}
		return pass("not applicable: no GRUB configuration in this root")
	},
})

func bannerItem(short, p string, fw []string) *Item {
	return register(Item{
		ID: "host.banner." + short, Title: p + " does not reveal the OS version", Category: CatIntrusion,
		Baseline: CIS, Severity: Low, Frameworks: fw,
		Remediation: "Replace " + p + " with an authorised-use warning without \\m, \\r, \\s, \\v or the OS name.",
		Good:        []Example{ex("warning", rootWith(p, "Authorized uses only. All activity may be monitored and reported.\n"))},
		Bad:         []Example{ex("debian", rootWith(p, "Debian GNU/Linux 12 \\n \\l\n"))},
		Eval: func(f *Facts) Result {
			t, ok, err := f.Text(p)
			if err != nil && ok {
				return notEval("%v", err)
			}
			if !ok {
				return pass(p + " does not exist")
			}
			for _, x := range []string{"\\m", "\\r", "\\s", "\\v"} {
				if strings.Contains(t, x) {
					return fail(p + " contains " + x)
				}
			}
			low := strings.ToLower(t)
			for _, x := range []string{"debian", "ubuntu", "alibaba cloud linux", "centos", "red hat"} {
				if strings.Contains(low, x) {
					return fail(p + " names the OS")
				}
			}
			return pass(p + " has no OS information")
		},
		fix: func(f *Facts, read fileReader) ([]Edit, error) {
			return []Edit{{Path: p, Data: []byte("Authorized uses only. All activity may be monitored and reported.\n")}}, nil
		},
	})
}

var (
	bannerIssue    = bannerItem("issue", "/etc/issue", refs(cisDeb("1.6.2"), cisAli("1.7.2")))
	bannerIssueNet = bannerItem("issue_net", "/etc/issue.net", refs(cisDeb("1.6.3"), cisAli("1.7.3")))
	bannerMotd     = bannerItem("motd", "/etc/motd", refs(cisDeb("1.6.1"), cisAli("1.7.1")))
)

var coreDumps = register(Item{
	ID: "host.core.hard_limit", Title: "Core dumps are disabled for all users", Category: CatIntrusion,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("1.5.5"), cisAli("1.5.1")),
	Remediation: "Add \"* hard core 0\" to /etc/security/limits.conf (or limits.d).",
	Good:        []Example{ex("limits", rootWith("/etc/security/limits.conf", "* hard core 0\n"))},
	Bad:         []Example{ex("none", rootWith("/etc/security/limits.conf", "* soft nofile 65535\n"))},
	Eval: func(f *Facts) Result {
		var unreadable []string
		for _, p := range append([]string{"/etc/security/limits.conf"}, f.Glob("/etc/security/limits.d/*")...) {
			t, ok, err := f.Text(p)
			if err != nil && ok {
				unreadable = append(unreadable, err.Error())
				continue
			}
			for i, l := range lines(t) {
				fs := strings.Fields(l)
				if len(fs) >= 4 && fs[0] == "*" && fs[1] == "hard" && fs[2] == "core" {
					return failIf(fs[3] != "0", fmt.Sprintf("%s:%d: * hard core %s", p, i+1, fs[3]))
				}
			}
		}
		if len(unreadable) > 0 {
			return Result{Status: NotEvaluated, Evidence: append([]string{"no \"* hard core 0\" in the readable limits files"}, unreadable...)}
		}
		return fail("no \"* hard core 0\" in limits.conf or limits.d")
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		return []Edit{{Path: "/etc/security/limits.d/60-cspm-core.conf", Data: []byte("* hard core 0\n"), Mode: 0o644}}, nil
	},
})

var coredumpStorage = register(Item{
	ID: "host.core.systemd_storage", Title: "systemd-coredump does not store core dumps", Category: CatIntrusion,
	Baseline: CIS, Severity: Low, Frameworks: cisDeb("1.5.5"),
	Remediation: "Set Storage=none and ProcessSizeMax=0 under [Coredump] in /etc/systemd/coredump.conf.",
	Good:        []Example{ex("none", rootWith("/etc/systemd/coredump.conf", "[Coredump]\nStorage=none\n"))},
	Bad:         []Example{ex("external", rootWith("/etc/systemd/coredump.conf", "[Coredump]\nStorage=external\n"))},
	Eval: func(f *Facts) Result {
		files := append([]string{"/etc/systemd/coredump.conf"}, f.Glob("/etc/systemd/coredump.conf.d/*.conf")...)
		if !f.Exists("/etc/systemd/coredump.conf") {
			return pass("not applicable: systemd-coredump not installed")
		}
		s, ok := lastSetting(iniSettings(f, "coredump", files...), "storage")
		if !ok {
			return fail("Storage unset (systemd default: external)")
		}
		return failIf(!strings.EqualFold(s.Value, "none"), s.Where+": Storage="+s.Value)
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		return []Edit{{Path: "/etc/systemd/coredump.conf.d/60-cspm.conf", Data: []byte("[Coredump]\nStorage=none\nProcessSizeMax=0\n"), Mode: 0o644}}, nil
	},
})

var hostsDeny = register(Item{
	ID: "host.network.tcp_wrappers", Title: "Remote administration is restricted by source address", Category: CatIntrusion,
	Baseline: MLPS, Severity: Medium, Frameworks: mlps("8.1.4.4 c)", false),
	Remediation: "Restrict SSH to administrator addresses with sshd AllowUsers user@addr, hosts.allow/hosts.deny, or a host firewall, in addition to the ECS security group.",
	Good:        []Example{ex("hosts.allow", rootWith("/etc/hosts.allow", "sshd: 10.0.0.0/8\n", "/etc/hosts.deny", "sshd: ALL\n"))},
	Bad:         []Example{ex("none", baseFS())},
	Eval: func(f *Facts) Result {
		if t, ok, _ := f.Text("/etc/hosts.deny"); ok {
			for _, l := range lines(t) {
				if strings.Contains(l, "ALL") {
					return pass("/etc/hosts.deny: " + strings.TrimSpace(l))
				}
			}
		}
		if c, _ := loadSSHD(f); c != nil {
			for _, k := range []string{"allowusers", "allowgroups"} {
				if s, ok := c.first[k]; ok && strings.Contains(s.Value, "@") {
					return pass(s.String())
				}
			}
		}
		return fail("no source-address restriction for remote login on the host (hosts.deny, AllowUsers user@addr)")
	},
})

var _ = fs.ModeDir
var _ = time.Now
