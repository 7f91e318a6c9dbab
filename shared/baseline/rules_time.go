package baseline

import (
	"fmt"
	"strings"
)

var timeSync = register(Item{
	ID: "host.time.sync_enabled", Title: "Time synchronisation is enabled", Category: CatAudit,
	Baseline: DefaultPolicy, Severity: Medium, Frameworks: refs(cisDeb("2.3.1.1"), cisAli("2.3.1"), mlps("8.1.4.3 b)", false)),
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
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("2.3.3.1"), cisAli("2.3.2")),
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
