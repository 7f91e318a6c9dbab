package baseline

import (
	"fmt"
	"strings"
)

func rsyslogFiles(f *Facts) []string {
	return append([]string{"/etc/rsyslog.conf"}, f.Glob("/etc/rsyslog.d/*.conf")...)
}

// rsyslogLines returns every configuration line of rsyslog with its location.
func rsyslogLines(f *Facts) ([]setting, bool, error) {
	var out []setting
	found := false
	for _, n := range rsyslogFiles(f) {
		t, ok, err := f.Text(n)
		if err != nil && ok {
			return nil, true, err
		}
		if !ok {
			continue
		}
		found = true
		for i, l := range lines(t) {
			if strings.TrimSpace(l) != "" {
				out = append(out, setting{Key: strings.TrimSpace(l), Where: fmt.Sprintf("%s:%d", n, i+1)})
			}
		}
	}
	return out, found, nil
}

var rsyslogInstalled = register(Item{
	ID: "host.log.syslog_installed", Title: "A system logger (rsyslog or syslog-ng) is installed", Category: CatAudit,
	Baseline: DefaultPolicy, Severity: Medium, Frameworks: refs(cisDeb("6.1.3.1"), cisAli("6.2.2.1"), mlps("8.1.4.3 a)", false)),
	Remediation: "apt-get install rsyslog (dnf install rsyslog).",
	Good:        []Example{ex("dpkg", rootWith("/var/lib/dpkg/status", dpkgStatus("rsyslog")))},
	Bad:         []Example{ex("dpkg", rootWith("/var/lib/dpkg/status", dpkgStatus("bash")))},
	Eval: func(f *Facts) Result {
		ok, ev := pkgOrPath(f, []string{"rsyslog", "syslog-ng-core", "syslog-ng"}, []string{"/usr/sbin/rsyslogd", "/usr/sbin/syslog-ng"})
		return failIf(!ok, ev)
	},
})

var rsyslogEnabled = register(Item{
	ID: "host.log.syslog_enabled", Title: "The system logger is enabled at boot", Category: CatAudit,
	Baseline: MLPS, Severity: Medium, Frameworks: refs(cisDeb("6.1.3.2"), cisAli("6.2.2.2"), mlps("8.1.4.3 a)", false)),
	Remediation: "systemctl --now enable rsyslog",
	Good:        []Example{ex("wanted", rootWith("/etc/systemd/system/multi-user.target.wants/rsyslog.service", "[Unit]\n"))},
	Bad:         []Example{ex("disabled", rootWith("/lib/systemd/system/rsyslog.service", "[Unit]\n"))},
	Eval: func(f *Facts) Result {
		if n, ok := unitAny(f, "rsyslog.service", "syslog-ng.service", "syslog.service"); ok {
			return pass(n + " enabled")
		}
		return fail("rsyslog.service is " + orNone(f.UnitState("rsyslog.service")))
	},
})

var rsyslogFileMode = register(Item{
	ID: "host.log.rsyslog_file_mode", Title: "rsyslog creates log files 640 or stricter", Category: CatAudit,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("6.1.3.4"), cisAli("6.2.2.4"), mlps("8.1.4.3 c)", false)),
	Remediation: "Set \"$FileCreateMode 0640\" in /etc/rsyslog.conf.",
	Good:        []Example{ex("0640", rootWith("/etc/rsyslog.conf", "$FileCreateMode 0640\n*.* /var/log/syslog\n"))},
	Bad:         []Example{ex("0644", rootWith("/etc/rsyslog.conf", "$FileCreateMode 0644\n")), ex("unset", rootWith("/etc/rsyslog.conf", "*.* /var/log/syslog\n"))},
	Eval: func(f *Facts) Result {
		ls, found, err := rsyslogLines(f)
		if err != nil {
			return notEval("%v", err)
		}
		if !found {
			return pass("not applicable: no rsyslog configuration")
		}
		var last *setting
		for i := range ls {
			if fs := strings.Fields(ls[i].Key); len(fs) == 2 && fs[0] == "$FileCreateMode" {
				last = &ls[i]
			}
		}
		if last == nil {
			return fail("$FileCreateMode not set (rsyslog default 0644)")
		}
		mode := strings.Fields(last.Key)[1]
		return failIf(!umaskAtLeast(0)(mode) || !modeAtMost(mode, 0o640), last.Where+": "+last.Key)
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		e, err := setDirective(read, "/etc/rsyslog.conf", "$FileCreateMode", "0640", " ", true)
		return []Edit{e}, err
	},
})

func modeAtMost(s string, max int64) bool {
	var n int64
	if _, err := fmt.Sscanf(s, "%o", &n); err != nil {
		return false
	}
	return n&^max == 0
}

var rsyslogRemote = register(Item{
	ID: "host.log.remote_forwarding", Title: "Logs are forwarded to a remote log host", Category: CatAudit,
	Baseline: MLPS, Severity: Medium, Frameworks: refs(cisDeb("6.1.3.6"), cisAli("6.2.2.6"), mlps("8.1.4.3 c)", false)),
	Remediation: "Forward logs to a central log service: *.* @@loghost:514 in /etc/rsyslog.d/, or an action(type=\"omfwd\"), or ship them with an SLS Logtail agent.",
	Good:        []Example{ex("omfwd", rootWith("/etc/rsyslog.conf", "*.* @@10.0.0.5:514\n"))},
	Bad:         []Example{ex("local only", rootWith("/etc/rsyslog.conf", "*.* /var/log/syslog\n"))},
	Eval: func(f *Facts) Result {
		ls, found, err := rsyslogLines(f)
		if err != nil {
			return notEval("%v", err)
		}
		for _, l := range ls {
			fs := strings.Fields(l.Key)
			if strings.Contains(l.Key, "omfwd") || (len(fs) == 2 && strings.HasPrefix(fs[1], "@")) {
				return pass(l.Where + ": " + l.Key)
			}
		}
		if f.Exists("/usr/local/ilogtail") || f.Exists("/etc/ilogtail") {
			return pass("SLS Logtail agent present")
		}
		if !found {
			return fail("no rsyslog configuration and no log shipping agent")
		}
		return fail("no remote forwarding rule in rsyslog")
	},
})

var rsyslogNoReceive = register(Item{
	ID: "host.log.no_remote_receive", Title: "rsyslog does not accept logs from the network", Category: CatIntrusion,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("6.1.3.7"), cisAli("6.2.2.7")),
	Remediation: "Remove imtcp/imudp modules and inputs unless this host is the log server.",
	Good:        []Example{ex("none", rootWith("/etc/rsyslog.conf", "module(load=\"imuxsock\")\n"))},
	Bad:         []Example{ex("imtcp", rootWith("/etc/rsyslog.conf", "module(load=\"imtcp\")\ninput(type=\"imtcp\" port=\"514\")\n"))},
	Eval: func(f *Facts) Result {
		ls, _, err := rsyslogLines(f)
		if err != nil {
			return notEval("%v", err)
		}
		for _, l := range ls {
			if strings.Contains(l.Key, "imtcp") || strings.Contains(l.Key, "imudp") || strings.HasPrefix(l.Key, "$InputTCPServerRun") || strings.HasPrefix(l.Key, "$UDPServerRun") {
				return fail(l.Where + ": " + l.Key)
			}
		}
		return pass("no network log input")
	},
})

var rsyslogAuth = register(Item{
	ID: "host.log.auth_logged", Title: "Authentication events are logged", Category: CatAudit,
	Baseline: MLPS, Severity: Medium, Frameworks: mlps("8.1.4.3 a)", false),
	Remediation: "Log auth,authpriv.* to /var/log/auth.log (or /var/log/secure) in rsyslog.",
	Good:        []Example{ex("auth", rootWith("/etc/rsyslog.conf", "auth,authpriv.*\t\t\t/var/log/auth.log\n"))},
	Bad:         []Example{ex("none", rootWith("/etc/rsyslog.conf", "kern.*\t/var/log/kern.log\n"))},
	Eval: func(f *Facts) Result {
		ls, found, err := rsyslogLines(f)
		if err != nil {
			return notEval("%v", err)
		}
		for _, l := range ls {
			sel := strings.Fields(l.Key)
			if len(sel) >= 2 && (strings.Contains(sel[0], "authpriv") || strings.HasPrefix(sel[0], "*.")) && !strings.Contains(sel[0], "authpriv.none") {
				return pass(l.Where + ": " + l.Key)
			}
		}
		if !found {
			if s, ok := lastSetting(iniSettings(f, "journal", journaldFiles(f)...), "storage"); ok && strings.EqualFold(s.Value, "persistent") {
				return pass("no rsyslog; journald stores logs persistently (" + s.Where + ")")
			}
			return fail("no rsyslog configuration")
		}
		return fail("no rsyslog rule for auth/authpriv")
	},
})

func journaldFiles(f *Facts) []string {
	return append([]string{"/etc/systemd/journald.conf"}, f.Glob("/etc/systemd/journald.conf.d/*.conf")...)
}

func journaldItem(short, key, title string, good, bad string, ok func(string) bool, def string, fw []string) *Item {
	return register(Item{
		ID: "host.log.journald_" + short, Title: title, Category: CatAudit, Baseline: CIS, Severity: Low, Frameworks: fw,
		Remediation: fmt.Sprintf("Set %s=%s under [Journal] in /etc/systemd/journald.conf.", key, good),
		Good:        []Example{ex("set", rootWith("/etc/systemd/journald.conf", "[Journal]\n"+key+"="+good+"\n"))},
		Bad:         []Example{ex("set", rootWith("/etc/systemd/journald.conf", "[Journal]\n"+key+"="+bad+"\n"))},
		Eval: func(f *Facts) Result {
			s, found := lastSetting(iniSettings(f, "journal", journaldFiles(f)...), strings.ToLower(key))
			if !found {
				s = setting{Key: key, Value: def, Where: "journald default"}
			}
			return failIf(!ok(strings.ToLower(s.Value)), s.Where+": "+key+"="+s.Value)
		},
		fix: func(f *Facts, read fileReader) ([]Edit, error) {
			p := "/etc/systemd/journald.conf.d/60-cspm-" + short + ".conf"
			return []Edit{{Path: p, Data: []byte("[Journal]\n" + key + "=" + good + "\n"), Mode: 0o644}}, nil
		},
	})
}

var (
	journaldCompress   = journaldItem("compress", "Compress", "journald compresses large log files", "yes", "no", oneOf("yes", "1", "true"), "yes", refs(cisDeb("6.1.2.3"), cisAli("6.2.1.1.6")))
	journaldPersistent = journaldItem("persistent", "Storage", "journald writes logs to persistent disk", "persistent", "volatile", oneOf("persistent", "auto"), "auto", refs(cisDeb("6.1.2.4"), cisAli("6.2.1.1.5")))
)

var logrotate = register(Item{
	ID: "host.log.logrotate", Title: "Log rotation is configured", Category: CatAudit,
	Baseline: CIS, Severity: Low, Frameworks: cisDeb("6.1.3.8"),
	Remediation: "Install logrotate and keep /etc/logrotate.conf with a rotation period and retention.",
	Good:        []Example{ex("conf", rootWith("/etc/logrotate.conf", "weekly\nrotate 4\ncreate\ninclude /etc/logrotate.d\n"))},
	Bad:         []Example{ex("absent", baseFS())},
	Eval: func(f *Facts) Result {
		t, ok, err := f.Text("/etc/logrotate.conf")
		if err != nil && ok {
			return notEval("%v", err)
		}
		if !ok {
			return fail("/etc/logrotate.conf does not exist")
		}
		for _, l := range lines(t) {
			if fs := strings.Fields(l); len(fs) == 2 && fs[0] == "rotate" {
				return pass("/etc/logrotate.conf: rotate " + fs[1])
			}
		}
		return fail("/etc/logrotate.conf sets no retention (rotate N)")
	},
})
