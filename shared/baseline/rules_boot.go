package baseline

import (
	"fmt"
	"strings"
)

var grubPassword = register(Item{
	ID: "host.boot.grub_password", Title: "The boot loader is password protected", Category: CatAccess,
	Baseline: CIS, Severity: Medium, Frameworks: cisDeb("1.4.1"),
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
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("1.5.3"), cisAli("1.5.1")),
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
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("1.5.3"), cisAli("1.5.9")),
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
