package baseline

import (
	"strings"
)

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
	Baseline: CIS, Severity: Medium, OS: []OS{ALinux}, Frameworks: cisAli("1.3.1.4"),
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
