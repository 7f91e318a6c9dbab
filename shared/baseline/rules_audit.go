package baseline

import (
	"fmt"
	"strings"
)

// auditRules is the parsed union of rules.d and audit.rules.
type auditRules struct {
	watches   map[string]string // path → perms (-w, or -F path/dir with perm)
	syscalls  map[string]string // syscall → the rule line's evidence
	text      []string          // every rule line
	immutable string
	files     int
}

func loadAuditRules(f *Facts) (*auditRules, error) {
	r := &auditRules{watches: map[string]string{}, syscalls: map[string]string{}}
	names := append(f.Glob("/etc/audit/rules.d/*.rules"), "/etc/audit/audit.rules")
	for _, n := range names {
		text, ok, err := f.Text(n)
		if err != nil && ok {
			return nil, err
		}
		if !ok {
			continue
		}
		r.files++
		for i, line := range lines(text) {
			fs := strings.Fields(line)
			if len(fs) == 0 {
				continue
			}
			where := fmt.Sprintf("%s:%d", n, i+1)
			r.text = append(r.text, line)
			var watch, perms string
			for j := 0; j+1 < len(fs); j++ {
				switch fs[j] {
				case "-w":
					watch = fs[j+1]
				case "-p":
					perms = fs[j+1]
				case "-S":
					for _, s := range strings.Split(fs[j+1], ",") {
						r.syscalls[s] = where
					}
				case "-F":
					k, v, _ := strings.Cut(fs[j+1], "=")
					switch k {
					case "path", "dir":
						watch = v
					case "perm":
						perms = v
					}
				case "-e":
					if fs[0] == "-e" {
						r.immutable = fs[j+1]
					}
				}
			}
			if watch != "" {
				r.watches[strings.TrimSuffix(watch, "/")] += perms
			}
		}
	}
	return r, nil
}

// auditCheck is one audit-rule item: watched paths and syscalls it needs.
type auditCheck struct {
	short, title string
	sev          Severity
	base         Baseline
	fw           []string
	watches      []string // each must be watched with w (and a when listed in wantAttr)
	syscalls     []string
	extra        []string // other required substrings, e.g. EACCES
	rules        string   // the lines the fix and good example write
}

var auditChecks = []auditCheck{
	{"identity", "Changes to users and groups are audited", Medium, MLPS, refs(cisDeb("6.2.3.8"), cisAli("6.3.3.8"), mlps("8.1.4.3 a)", false)),
		[]string{"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/security/opasswd"}, nil, nil,
		"-w /etc/group -p wa -k identity\n-w /etc/passwd -p wa -k identity\n-w /etc/gshadow -p wa -k identity\n-w /etc/shadow -p wa -k identity\n-w /etc/security/opasswd -p wa -k identity\n"},
	{"sudoers", "Changes to sudoers are audited", Medium, MLPS, refs(cisDeb("6.2.3.1"), cisAli("6.3.3.1"), mlps("8.1.4.3 a)", false)),
		[]string{"/etc/sudoers", "/etc/sudoers.d"}, nil, nil,
		"-w /etc/sudoers -p wa -k scope\n-w /etc/sudoers.d -p wa -k scope\n"},
	{"logins", "Login and logout events are audited", Medium, MLPS, refs(cisDeb("6.2.3.12"), cisAli("6.3.3.12"), mlps("8.1.4.3 a)", false)),
		[]string{"/var/log/lastlog", "/var/run/faillock"}, nil, nil,
		"-w /var/log/lastlog -p wa -k logins\n-w /var/run/faillock -p wa -k logins\n"},
	{"session", "Session initiation is audited", Low, CIS, refs(cisDeb("6.2.3.11"), cisAli("6.3.3.11")),
		[]string{"/var/run/utmp", "/var/log/wtmp", "/var/log/btmp"}, nil, nil,
		"-w /var/run/utmp -p wa -k session\n-w /var/log/wtmp -p wa -k session\n-w /var/log/btmp -p wa -k session\n"},
	{"time_change", "Changes to the system time are audited", Low, CIS, refs(cisDeb("6.2.3.4"), cisAli("6.3.3.4")),
		[]string{"/etc/localtime"}, []string{"adjtimex", "settimeofday", "clock_settime"}, nil,
		"-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -k time-change\n-a always,exit -F arch=b32 -S adjtimex,settimeofday,clock_settime -k time-change\n-w /etc/localtime -p wa -k time-change\n"},
	{"network_env", "Changes to the network environment are audited", Low, CIS, refs(cisDeb("6.2.3.5"), cisAli("6.3.3.5")),
		[]string{"/etc/issue", "/etc/issue.net", "/etc/hosts", "/etc/hostname"}, []string{"sethostname", "setdomainname"}, nil,
		"-a always,exit -F arch=b64 -S sethostname,setdomainname -k system-locale\n-w /etc/issue -p wa -k system-locale\n-w /etc/issue.net -p wa -k system-locale\n-w /etc/hosts -p wa -k system-locale\n-w /etc/hostname -p wa -k system-locale\n"},
	{"mac_policy", "Changes to the mandatory access control policy are audited", Low, CIS, refs(cisDeb("6.2.3.14"), cisAli("6.3.3.14")),
		nil, nil, nil, "-w /etc/apparmor/ -p wa -k MAC-policy\n-w /etc/apparmor.d/ -p wa -k MAC-policy\n-w /etc/selinux -p wa -k MAC-policy\n"},
	{"perm_mod", "Permission and ownership changes are audited", Medium, MLPS, refs(cisDeb("6.2.3.9"), cisAli("6.3.3.9"), mlps("8.1.4.3 a)", false)),
		nil, []string{"chmod", "fchmod", "chown", "fchown", "setxattr", "removexattr"}, nil,
		"-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -k perm_mod\n-a always,exit -F arch=b64 -S chown,fchown,lchown,fchownat -F auid>=1000 -F auid!=unset -k perm_mod\n-a always,exit -F arch=b64 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr -F auid>=1000 -F auid!=unset -k perm_mod\n"},
	{"access_denied", "Unsuccessful file access attempts are audited", Medium, MLPS, refs(cisDeb("6.2.3.7"), cisAli("6.3.3.7"), mlps("8.1.4.3 a)", false)),
		nil, []string{"open", "openat", "truncate", "creat"}, []string{"EACCES", "EPERM"},
		"-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access\n-a always,exit -F arch=b64 -S creat,open,openat,truncate,ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=unset -k access\n"},
	{"delete", "File deletion by users is audited", Medium, MLPS, refs(cisDeb("6.2.3.13"), cisAli("6.3.3.13"), mlps("8.1.4.3 a)", false)),
		nil, []string{"unlink", "unlinkat", "rename", "renameat"}, nil,
		"-a always,exit -F arch=b64 -S rename,unlink,unlinkat,renameat -F auid>=1000 -F auid!=unset -k delete\n"},
	{"modules", "Kernel module loading and unloading is audited", Medium, CIS, refs(cisDeb("6.2.3.19"), cisAli("6.3.3.19")),
		nil, []string{"init_module", "finit_module", "delete_module"}, nil,
		"-a always,exit -F arch=b64 -S init_module,finit_module,delete_module,create_module,query_module -F auid>=1000 -F auid!=unset -k kernel_modules\n-a always,exit -F path=/usr/bin/kmod -F perm=x -F auid>=1000 -F auid!=unset -k kernel_modules\n"},
	{"mounts", "File system mounts are audited", Low, CIS, refs(cisDeb("6.2.3.10"), cisAli("6.3.3.10")),
		nil, []string{"mount"}, nil,
		"-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=unset -k mounts\n"},
	{"sudo_log", "The sudo log is audited", Low, CIS, refs(cisDeb("6.2.3.3"), cisAli("6.3.3.3")),
		[]string{"/var/log/sudo.log"}, nil, nil, "-w /var/log/sudo.log -p wa -k sudo_log_file\n"},
	{"sshd_config", "Changes to the SSH server configuration are audited", Low, BestPractice, mlps("8.1.4.3 a)", false),
		[]string{"/etc/ssh/sshd_config"}, nil, nil, "-w /etc/ssh/sshd_config -p wa -k sshd\n"},
	{"pam", "Changes to the PAM configuration are audited", Low, BestPractice, mlps("8.1.4.3 a)", false),
		[]string{"/etc/pam.d"}, nil, nil, "-w /etc/pam.d/ -p wa -k pam\n"},
	{"docker", "Docker daemon files and directories are audited", Medium, ContainerSecurity, nil,
		[]string{"/usr/bin/dockerd", "/var/lib/docker", "/etc/docker"}, nil, nil,
		"-w /usr/bin/dockerd -p rwxa -k docker\n-w /var/lib/docker -p rwxa -k docker\n-w /etc/docker -p rwxa -k docker\n"},
}

const auditRulesDir = "/etc/audit/rules.d/"

func (c auditCheck) eval(f *Facts) Result {
	r, err := loadAuditRules(f)
	if err != nil {
		return notEval("%v", err)
	}
	if r.files == 0 {
		return fail("no audit rules (/etc/audit/rules.d/*.rules, /etc/audit/audit.rules)")
	}
	var missing []string
	for _, w := range c.watches {
		if p := r.watches[w]; !strings.Contains(p, "w") {
			missing = append(missing, "watch "+w)
		}
	}
	if c.short == "mac_policy" && r.watches["/etc/apparmor.d"] == "" && r.watches["/etc/selinux"] == "" {
		missing = append(missing, "watch /etc/apparmor.d or /etc/selinux")
	}
	for _, s := range c.syscalls {
		if _, ok := r.syscalls[s]; !ok {
			missing = append(missing, "syscall "+s)
		}
	}
	joined := strings.Join(r.text, "\n")
	for _, x := range c.extra {
		if !strings.Contains(joined, x) {
			missing = append(missing, "a rule with "+x)
		}
	}
	if len(missing) > 0 {
		return fail("missing audit rules: " + strings.Join(missing, ", "))
	}
	return pass(fmt.Sprintf("all required rules present in %d rule file(s)", r.files))
}

var auditItems = func() []*Item {
	var out []*Item
	for _, c := range auditChecks {
		c := c
		p := auditRulesDir + "50-cspm-" + c.short + ".rules"
		out = append(out, register(Item{
			ID: "host.audit.rule_" + c.short, Title: c.title, Category: CatAudit, Baseline: c.base, Severity: c.sev, Frameworks: c.fw,
			Remediation: "Add to " + p + " and run augenrules --load:\n" + c.rules,
			Good:        []Example{ex("rules.d", rootWith(p, c.rules))},
			Bad:         []Example{ex("none", rootWith(auditRulesDir+"audit.rules", "-D\n-b 8192\n")), ex("no rule files", baseFS())},
			Eval:        c.eval,
			fix: func(f *Facts, read fileReader) ([]Edit, error) {
				return []Edit{{Path: p, Data: []byte(c.rules), Mode: 0o640}}, nil
			},
		}))
	}
	return out
}()

var auditImmutable = register(Item{
	ID: "host.audit.immutable", Title: "The audit configuration is immutable until reboot (-e 2)", Category: CatAudit,
	Baseline: MLPS, Severity: Low, Frameworks: refs(cisDeb("6.2.3.20"), cisAli("6.3.3.21"), mlps("8.1.4.3 d)", true)),
	Remediation: "Add \"-e 2\" as the last line of /etc/audit/rules.d/99-finalize.rules.",
	Good:        []Example{ex("-e 2", rootWith(auditRulesDir+"99-finalize.rules", "-e 2\n"))},
	Bad:         []Example{ex("none", rootWith(auditRulesDir+"audit.rules", "-D\n"))},
	Eval: func(f *Facts) Result {
		r, err := loadAuditRules(f)
		if err != nil {
			return notEval("%v", err)
		}
		return failIf(r.immutable != "2", "audit rules set -e "+r.immutable)
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		return []Edit{{Path: auditRulesDir + "99-cspm-finalize.rules", Data: []byte("-e 2\n"), Mode: 0o640}}, nil
	},
})

func pkgOrPath(f *Facts, pkgs []string, paths []string) (bool, string) {
	if f.PkgDB == "dpkg" {
		for _, p := range pkgs {
			if ok, _ := f.Installed(p); ok {
				return true, "package " + p + " installed"
			}
		}
		return false, "none of " + strings.Join(pkgs, ", ") + " installed"
	}
	for _, p := range paths {
		if f.Exists(p) {
			return true, p + " exists"
		}
	}
	return false, "none of " + strings.Join(paths, ", ") + " exists"
}

var auditdInstalled = register(Item{
	ID: "host.audit.auditd_installed", Title: "auditd is installed", Category: CatAudit,
	Baseline: DefaultPolicy, Severity: Medium, Frameworks: refs(cisDeb("6.2.1.1"), cisAli("6.3.1.1"), mlps("8.1.4.3 a)", false)),
	Remediation: "apt-get install auditd audispd-plugins (dnf install audit).",
	Good:        []Example{ex("dpkg", rootWith("/var/lib/dpkg/status", dpkgStatus("auditd")))},
	Bad:         []Example{ex("dpkg", rootWith("/var/lib/dpkg/status", dpkgStatus("bash")))},
	Eval: func(f *Facts) Result {
		ok, ev := pkgOrPath(f, []string{"auditd", "audit"}, []string{"/sbin/auditd", "/usr/sbin/auditd"})
		return failIf(!ok, ev)
	},
})

var auditdEnabled = register(Item{
	ID: "host.audit.auditd_enabled", Title: "auditd is enabled at boot", Category: CatAudit,
	Baseline: MLPS, Severity: Medium, Frameworks: refs(cisDeb("6.2.1.2"), cisAli("6.3.1.4"), mlps("8.1.4.3 a)", false)),
	Remediation: "systemctl --now enable auditd",
	Good:        []Example{ex("wanted", rootWith("/etc/systemd/system/multi-user.target.wants/auditd.service", "[Unit]\n"))},
	Bad:         []Example{ex("unit only", rootWith("/lib/systemd/system/auditd.service", "[Unit]\n"))},
	Eval: func(f *Facts) Result {
		if n, ok := unitAny(f, "auditd.service"); ok {
			return pass(n + " enabled")
		}
		return fail("auditd.service is " + orNone(f.UnitState("auditd.service")))
	},
})

func orNone(s string) string {
	if s == "" {
		return "not installed"
	}
	return s
}

// grubCmdline returns the kernel command line the boot loader uses: the live one
// when known, else GRUB_CMDLINE_LINUX(_DEFAULT) from /etc/default/grub(.d).
func grubCmdline(f *Facts) (string, string) {
	if t, ok, err := f.Text("/proc/cmdline"); ok && err == nil {
		return strings.TrimSpace(t), "/proc/cmdline"
	}
	var parts []string
	where := ""
	for _, n := range append([]string{"/etc/default/grub"}, f.Glob("/etc/default/grub.d/*.cfg")...) {
		t, ok, _ := f.Text(n)
		if !ok {
			continue
		}
		kv := parseEnvFile(t)
		for _, k := range []string{"GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT"} {
			if v := kv[k]; v != "" {
				parts = append(parts, v)
				where = n
			}
		}
	}
	return strings.Join(parts, " "), where
}

func cmdlineParam(cmd, name string) (string, bool) {
	for _, p := range strings.Fields(cmd) {
		if k, v, _ := strings.Cut(p, "="); k == name {
			return v, true
		}
	}
	return "", false
}

var auditBoot = register(Item{
	ID: "host.audit.boot_param", Title: "Processes started before auditd are audited (audit=1)", Category: CatAudit,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("6.2.1.3"), cisAli("6.3.1.2")),
	Remediation: "Add audit=1 to GRUB_CMDLINE_LINUX in /etc/default/grub and run update-grub (grub2-mkconfig).",
	Good:        []Example{ex("grub", rootWith("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"audit=1 audit_backlog_limit=8192\"\n"))},
	Bad:         []Example{ex("grub", rootWith("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"quiet\"\n"))},
	Eval: func(f *Facts) Result {
		cmd, where := grubCmdline(f)
		v, _ := cmdlineParam(cmd, "audit")
		return failIf(v != "1", fmt.Sprintf("%s: audit=%s", orNone(where), v))
	},
})

var auditBacklog = register(Item{
	ID: "host.audit.backlog_limit", Title: "The audit backlog holds at least 8192 events", Category: CatAudit,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("6.2.1.4"), cisAli("6.3.1.3")),
	Remediation: "Add audit_backlog_limit=8192 to GRUB_CMDLINE_LINUX, or \"-b 8192\" to the audit rules.",
	Good:        []Example{ex("grub", rootWith("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"audit=1 audit_backlog_limit=8192\"\n"))},
	Bad:         []Example{ex("grub", rootWith("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"audit=1\"\n"))},
	Eval: func(f *Facts) Result {
		cmd, where := grubCmdline(f)
		if v, ok := cmdlineParam(cmd, "audit_backlog_limit"); ok {
			return failIf(!intAtLeast(8192)(v), where+": audit_backlog_limit="+v)
		}
		if r, err := loadAuditRules(f); err == nil {
			for _, l := range r.text {
				if fs := strings.Fields(l); len(fs) == 2 && fs[0] == "-b" {
					return failIf(!intAtLeast(8192)(fs[1]), "audit rules: -b "+fs[1])
				}
			}
		}
		return fail("audit_backlog_limit not set (kernel default 64)")
	},
})

// auditdConf is one auditd.conf setting item.
func auditdConfItem(short, key, title string, sev Severity, base Baseline, fw []string, good, bad string, ok func(string) bool, def string) *Item {
	return register(Item{
		ID: "host.audit." + short, Title: title, Category: CatAudit, Baseline: base, Severity: sev, Frameworks: fw,
		Remediation: fmt.Sprintf("Set \"%s = %s\" in /etc/audit/auditd.conf.", key, good),
		Good:        []Example{ex("set", rootWith("/etc/audit/auditd.conf", key+" = "+good+"\n"))},
		Bad:         []Example{ex("set", rootWith("/etc/audit/auditd.conf", key+" = "+bad+"\n"))},
		Eval: func(f *Facts) Result {
			ss, found, err := kvFiles(f, "=", true, "/etc/audit/auditd.conf")
			if err != nil {
				return notEval("%v", err)
			}
			if !found {
				return fail("/etc/audit/auditd.conf does not exist")
			}
			s, ok2 := lastSetting(ss, key)
			if !ok2 {
				s = setting{Key: key, Value: def, Where: "auditd default"}
			}
			return failIf(!ok(strings.ToLower(s.Value)), s.String())
		},
		fix: func(f *Facts, read fileReader) ([]Edit, error) {
			e, err := setDirective(read, "/etc/audit/auditd.conf", key, good, " = ", false)
			return []Edit{e}, err
		},
	})
}

func oneOf(vals ...string) func(string) bool {
	return func(v string) bool { return contains(vals, v) }
}

var (
	auditKeepLogs = auditdConfItem("keep_logs", "max_log_file_action", "Audit logs are kept, not rotated away", Medium, MLPS,
		refs(cisDeb("6.2.2.2"), cisAli("6.3.2.2"), mlps("8.1.4.3 c)", false)), "keep_logs", "rotate", oneOf("keep_logs"), "rotate")
	auditSpaceLeft = auditdConfItem("space_left_action", "space_left_action", "auditd alerts when disk space runs low", Low, CIS,
		refs(cisDeb("6.2.2.4"), cisAli("6.3.2.4")), "email", "ignore", oneOf("email", "exec", "single", "halt"), "syslog")
	auditAdminSpace = auditdConfItem("admin_space_left_action", "admin_space_left_action", "auditd stops the system when audit space is exhausted", Low, CIS,
		refs(cisDeb("6.2.2.4"), cisAli("6.3.2.4")), "single", "ignore", oneOf("single", "halt"), "suspend")
	auditDiskFull = auditdConfItem("disk_full_action", "disk_full_action", "auditd does not ignore a full disk", Low, CIS,
		refs(cisDeb("6.2.2.3"), cisAli("6.3.2.3")), "halt", "ignore", oneOf("halt", "single"), "suspend")
	auditLogSize = auditdConfItem("max_log_file", "max_log_file", "Audit log files are at least 8 MB before rotation", Low, CIS,
		refs(cisDeb("6.2.2.1"), cisAli("6.3.2.1")), "32", "1", intAtLeast(8), "8")
)

var auditProtected = register(Item{
	ID: "host.audit.process_protected", Title: "The audit daemon cannot be stopped by hand", Category: CatAudit,
	Baseline: MLPS, Severity: Low, Frameworks: mlps("8.1.4.3 d)", true),
	Remediation: "Keep RefuseManualStop=yes in auditd.service (the packaged default) and do not override it in a drop-in.",
	Good:        []Example{ex("unit", rootWith("/lib/systemd/system/auditd.service", "[Unit]\nRefuseManualStop=yes\n"))},
	Bad:         []Example{ex("unit", rootWith("/lib/systemd/system/auditd.service", "[Unit]\nDescription=audit\n"))},
	Eval: func(f *Facts) Result {
		for _, n := range []string{"/etc/systemd/system/auditd.service", "/lib/systemd/system/auditd.service", "/usr/lib/systemd/system/auditd.service"} {
			ff := f.File(n)
			if ff == nil || ff.Err != "" {
				continue
			}
			if ff.Text == nil {
				// unit files are collected by the units pass, not as text: check the known package default
				break
			}
			if s, ok := lastSetting(iniSettings(f, "unit", n), "refusemanualstop"); ok {
				return failIf(!strings.EqualFold(s.Value, "yes"), s.String())
			}
			return fail(n + ": RefuseManualStop not set")
		}
		if ok, _ := pkgOrPath(f, []string{"auditd", "audit"}, []string{"/sbin/auditd", "/usr/sbin/auditd"}); !ok {
			return pass("not applicable: auditd is not installed")
		}
		return notEval("auditd.service unit file not found")
	},
})
