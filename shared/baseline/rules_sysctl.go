package baseline

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

var sysctlDirsOrder = []string{"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"}

// sysctlConfigured computes the persistent kernel parameters: sysctl.d files by
// name (a name in an earlier directory shadows later ones), then /etc/sysctl.conf.
func sysctlConfigured(f *Facts) (map[string]setting, error) {
	byName := map[string]string{}
	for _, d := range sysctlDirsOrder {
		for _, p := range f.Glob(d + "/*.conf") {
			if _, ok := byName[path.Base(p)]; !ok {
				byName[path.Base(p)] = p
			}
		}
	}
	names := sortedKeys(byName)
	files := make([]string, 0, len(names)+1)
	for _, n := range names {
		files = append(files, byName[n])
	}
	files = append(files, "/etc/sysctl.conf")
	out := map[string]setting{}
	for _, p := range files {
		t, ok, err := f.Text(p)
		if err != nil && ok {
			return nil, err
		}
		for _, s := range kvSettings(p, t, "=", false) {
			s.Key = strings.ReplaceAll(strings.TrimPrefix(s.Key, "-"), "/", ".")
			out[s.Key] = s
		}
	}
	return out, nil
}

type sysctlCheck struct {
	short, key, title string
	want              []string // compliant values
	kernelDefault     string
	sev               Severity
	base              Baseline
	fw                []string
}

var sysctlChecks = []sysctlCheck{
	{"ip_forward", "net.ipv4.ip_forward", "IPv4 forwarding is disabled", []string{"0"}, "0", Medium, CIS, refs(cisDeb("3.3.1"), cisAli("3.3.1.1"))},
	{"ipv6_forwarding", "net.ipv6.conf.all.forwarding", "IPv6 forwarding is disabled", []string{"0"}, "0", Medium, CIS, refs(cisDeb("3.3.1"), cisAli("3.3.2.1"))},
	{"send_redirects_all", "net.ipv4.conf.all.send_redirects", "ICMP redirects are not sent (all)", []string{"0"}, "1", Medium, CIS, refs(cisDeb("3.3.2"), cisAli("3.3.1.4"))},
	{"send_redirects_default", "net.ipv4.conf.default.send_redirects", "ICMP redirects are not sent (default)", []string{"0"}, "1", Medium, CIS, refs(cisDeb("3.3.2"), cisAli("3.3.1.5"))},
	{"accept_source_route_all", "net.ipv4.conf.all.accept_source_route", "Source-routed packets are refused (IPv4 all)", []string{"0"}, "0", Medium, CIS, refs(cisDeb("3.3.8"), cisAli("3.3.1.14"))},
	{"accept_source_route_default", "net.ipv4.conf.default.accept_source_route", "Source-routed packets are refused (IPv4 default)", []string{"0"}, "1", Medium, CIS, refs(cisDeb("3.3.8"), cisAli("3.3.1.15"))},
	{"ipv6_accept_source_route", "net.ipv6.conf.all.accept_source_route", "Source-routed packets are refused (IPv6)", []string{"0"}, "0", Medium, CIS, refs(cisDeb("3.3.8"), cisAli("3.3.2.5"))},
	{"accept_redirects_all", "net.ipv4.conf.all.accept_redirects", "ICMP redirects are refused (IPv4 all)", []string{"0"}, "1", Medium, CIS, refs(cisDeb("3.3.5"), cisAli("3.3.1.8"))},
	{"accept_redirects_default", "net.ipv4.conf.default.accept_redirects", "ICMP redirects are refused (IPv4 default)", []string{"0"}, "1", Medium, CIS, refs(cisDeb("3.3.5"), cisAli("3.3.1.9"))},
	{"ipv6_accept_redirects", "net.ipv6.conf.all.accept_redirects", "ICMP redirects are refused (IPv6)", []string{"0"}, "1", Medium, CIS, refs(cisDeb("3.3.5"), cisAli("3.3.2.3"))},
	{"secure_redirects", "net.ipv4.conf.all.secure_redirects", "Secure ICMP redirects are refused", []string{"0"}, "1", Medium, CIS, refs(cisDeb("3.3.6"), cisAli("3.3.1.10"))},
	{"log_martians", "net.ipv4.conf.all.log_martians", "Packets with impossible addresses are logged", []string{"1"}, "0", Low, CIS, refs(cisDeb("3.3.9"), cisAli("3.3.1.16"))},
	{"icmp_echo_ignore_broadcasts", "net.ipv4.icmp_echo_ignore_broadcasts", "Broadcast ICMP requests are ignored", []string{"1"}, "1", Low, CIS, refs(cisDeb("3.3.4"), cisAli("3.3.1.7"))},
	{"icmp_ignore_bogus", "net.ipv4.icmp_ignore_bogus_error_responses", "Bogus ICMP responses are ignored", []string{"1"}, "1", Low, CIS, refs(cisDeb("3.3.3"), cisAli("3.3.1.6"))},
	{"rp_filter", "net.ipv4.conf.all.rp_filter", "Reverse path filtering is enabled", []string{"1"}, "0", Medium, CIS, refs(cisDeb("3.3.7"), cisAli("3.3.1.12"))},
	{"tcp_syncookies", "net.ipv4.tcp_syncookies", "TCP SYN cookies are enabled", []string{"1"}, "1", Medium, DefaultPolicy, refs(cisDeb("3.3.10"), cisAli("3.3.1.18"), mlps("8.1.4.4 a)", false))},
	{"ipv6_accept_ra", "net.ipv6.conf.all.accept_ra", "IPv6 router advertisements are refused", []string{"0"}, "1", Low, CIS, refs(cisDeb("3.3.11"), cisAli("3.3.2.7"))},
	{"randomize_va_space", "kernel.randomize_va_space", "Address space layout randomisation is fully enabled", []string{"2"}, "2", High, DefaultPolicy, refs(cisDeb("1.5.1"), cisAli("1.5.7"), mlps("8.1.4.4 a)", false))},
	{"suid_dumpable", "fs.suid_dumpable", "Set-UID programs do not dump core", []string{"0"}, "0", Medium, CIS, refs(cisDeb("1.5.3"), cisAli("1.5.4"))},
	{"ptrace_scope", "kernel.yama.ptrace_scope", "ptrace is restricted (Yama)", []string{"1", "2", "3"}, "0", Medium, CIS, cisDeb("1.5.2")},
	{"dmesg_restrict", "kernel.dmesg_restrict", "Unprivileged users cannot read the kernel log", []string{"1"}, "1", Low, BestPractice, nil},
	{"kptr_restrict", "kernel.kptr_restrict", "Kernel pointers are hidden from users", []string{"1", "2"}, "0", Low, BestPractice, nil},
	{"protected_hardlinks", "fs.protected_hardlinks", "Hard-link creation is protected", []string{"1"}, "1", Low, BestPractice, nil},
	{"protected_symlinks", "fs.protected_symlinks", "Symlinks in sticky directories are protected", []string{"1"}, "1", Low, BestPractice, nil},
}

func (c sysctlCheck) eval(f *Facts) Result {
	conf, err := sysctlConfigured(f)
	if err != nil {
		return notEval("%v", err)
	}
	var ev []string
	bad := false
	if s, ok := conf[c.key]; ok {
		ev = append(ev, s.Where+": "+c.key+" = "+s.Value)
		bad = !contains(c.want, s.Value)
	}
	if f.Live {
		if v, ok := f.Sysctl[c.key]; ok {
			ev = append(ev, "running: "+c.key+" = "+v)
			bad = bad || !contains(c.want, v)
		} else if _, configured := conf[c.key]; !configured {
			ev = append(ev, "running: "+c.key+" not present (kernel feature absent)")
		}
	} else if _, ok := conf[c.key]; !ok {
		ev = append(ev, "kernel default: "+c.key+" = "+c.kernelDefault)
		bad = !contains(c.want, c.kernelDefault)
	}
	return failIf(bad, ev...)
}

const sysctlFixFile = "/etc/sysctl.conf"

var sysctlItems = func() []*Item {
	var out []*Item
	for _, c := range sysctlChecks {
		c := c
		badVal := "1"
		if c.want[0] == "1" || c.want[0] == "2" {
			badVal = "0"
		}
		out = append(out, register(Item{
			ID: "host.sysctl." + c.short, Title: c.title, Category: CatIntrusion, Baseline: c.base, Severity: c.sev, Frameworks: c.fw,
			Remediation: fmt.Sprintf("Set \"%s = %s\" in /etc/sysctl.conf or /etc/sysctl.d/*.conf and run sysctl --system.", c.key, c.want[0]),
			Good:        []Example{ex("sysctl.d", rootWith("/etc/sysctl.d/60-hardening.conf", c.key+" = "+c.want[0]+"\n"))},
			Bad: []Example{
				ex("sysctl.conf overrides", rootWith("/etc/sysctl.d/60-hardening.conf", c.key+" = "+c.want[0]+"\n", "/etc/sysctl.conf", c.key+"="+badVal+"\n")),
				exLive("running value", rootWith("/etc/sysctl.d/60-hardening.conf", c.key+" = "+c.want[0]+"\n"), func(f *Facts) {
					f.Sysctl = map[string]string{c.key: badVal}
				}),
			},
			Eval: c.eval,
			fix: func(f *Facts, read fileReader) ([]Edit, error) {
				e, err := setDirective(read, sysctlFixFile, c.key, c.want[0], " = ", false)
				edits := []Edit{e}
				// a drop-in that sets it differently is neutralised too, since a
				// sysctl --system run may apply it after sysctl.conf
				conf, _ := sysctlConfigured(f)
				if s, ok := conf[c.key]; ok && !strings.HasPrefix(s.Where, sysctlFixFile+":") && !contains(c.want, s.Value) {
					p, _, _ := strings.Cut(s.Where, ":")
					if strings.HasPrefix(p, "/etc/") {
						d, err2 := setDirective(read, p, c.key, c.want[0], " = ", false)
						if err2 == nil {
							edits = append(edits, d)
						}
					}
				}
				if f.Live {
					edits = append(edits, Edit{Path: "/proc/sys/" + strings.ReplaceAll(c.key, ".", "/"), Data: []byte(c.want[0] + "\n"), Direct: true})
				}
				return edits, err
			},
		}))
	}
	return out
}()

// kernelModule is one "this module cannot be loaded" item.
type kernelModule struct {
	name, title string
	sev         Severity
	fw          []string
}

var kernelModules = []kernelModule{
	{"cramfs", "The cramfs file system cannot be loaded", Low, refs(cisDeb("1.1.1.1"), cisAli("1.1.1.1"))},
	{"freevxfs", "The freevxfs file system cannot be loaded", Low, refs(cisDeb("1.1.1.2"), cisAli("1.1.1.2"))},
	{"hfs", "The hfs file system cannot be loaded", Low, refs(cisDeb("1.1.1.3"), cisAli("1.1.1.3"))},
	{"hfsplus", "The hfsplus file system cannot be loaded", Low, refs(cisDeb("1.1.1.4"), cisAli("1.1.1.4"))},
	{"jffs2", "The jffs2 file system cannot be loaded", Low, refs(cisDeb("1.1.1.5"), cisAli("1.1.1.5"))},
	{"udf", "The udf file system cannot be loaded", Low, refs(cisDeb("1.1.1.8"), cisAli("1.1.1.8"))},
	{"usb-storage", "USB storage cannot be loaded", Medium, refs(cisDeb("1.1.1.9"), cisAli("1.1.1.10"))},
	{"dccp", "The DCCP protocol cannot be loaded", Low, refs(cisDeb("3.2.1"), cisAli("3.2.3"))},
	{"sctp", "The SCTP protocol cannot be loaded", Low, refs(cisDeb("3.2.4"), cisAli("3.2.5"))},
	{"rds", "The RDS protocol cannot be loaded", Low, refs(cisDeb("3.2.3"), cisAli("3.2.4"))},
	{"tipc", "The TIPC protocol cannot be loaded", Low, refs(cisDeb("3.2.2"), cisAli("3.2.6"))},
}

func modprobeLines(f *Facts) []setting {
	var out []setting
	for _, g := range []string{"/etc/modprobe.d/*.conf", "/usr/lib/modprobe.d/*.conf", "/lib/modprobe.d/*.conf"} {
		for _, p := range f.Glob(g) {
			t, _, _ := f.Text(p)
			for i, l := range lines(t) {
				fs := strings.Fields(l)
				if len(fs) >= 2 {
					out = append(out, setting{Key: fs[0], Value: strings.Join(fs[1:], " "), Where: fmt.Sprintf("%s:%d", p, i+1)})
				}
			}
		}
	}
	return out
}

func (m kernelModule) eval(f *Facts) Result {
	alt := strings.ReplaceAll(m.name, "-", "_")
	var disabled, blacklisted string
	for _, s := range modprobeLines(f) {
		fs := strings.Fields(s.Value)
		if fs[0] != m.name && fs[0] != alt {
			continue
		}
		switch s.Key {
		case "install":
			if len(fs) > 1 && (strings.HasSuffix(fs[1], "/false") || strings.HasSuffix(fs[1], "/true")) {
				disabled = s.Where
			}
		case "blacklist":
			blacklisted = s.Where
		}
	}
	if f.Live {
		for _, l := range f.Modules {
			if l == alt || l == m.name {
				return fail("module " + m.name + " is loaded")
			}
		}
	}
	if disabled != "" {
		return pass(disabled + ": install " + m.name + " /bin/false")
	}
	if blacklisted != "" {
		return fail(blacklisted + ": only blacklisted (still loadable by modprobe " + m.name + "); add install " + m.name + " /bin/false")
	}
	return fail("no \"install " + m.name + " /bin/false\" in /etc/modprobe.d")
}

var moduleItems = func() []*Item {
	var out []*Item
	for _, m := range kernelModules {
		m := m
		conf := fmt.Sprintf("install %s /bin/false\nblacklist %s\n", m.name, m.name)
		p := "/etc/modprobe.d/cspm-" + m.name + ".conf"
		out = append(out, register(Item{
			ID: "host.kmod." + strings.ReplaceAll(m.name, "-", "_"), Title: m.title, Category: CatIntrusion, Baseline: CIS, Severity: m.sev, Frameworks: m.fw,
			Remediation: "Write to " + p + ":\n" + conf + "and unload it (modprobe -r " + m.name + ").",
			Good:        []Example{ex("install false", rootWith(p, conf))},
			Bad: []Example{ex("nothing", baseFS()), ex("blacklist only", rootWith("/etc/modprobe.d/blacklist.conf", "blacklist "+m.name+"\n")),
				exLive("loaded", rootWith(p, conf), func(f *Facts) { f.Modules = []string{strings.ReplaceAll(m.name, "-", "_")} })},
			Eval: m.eval,
			fix: func(f *Facts, read fileReader) ([]Edit, error) {
				return []Edit{{Path: p, Data: []byte(conf), Mode: 0o644}}, nil
			},
		}))
	}
	return out
}()

var _ = sort.Strings
