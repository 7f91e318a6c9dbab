package baseline

import (
	"fmt"
	"strings"
)

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
