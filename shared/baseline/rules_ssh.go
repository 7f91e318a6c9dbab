package baseline

import (
	"fmt"
	"strconv"
	"strings"
)

// sshSetting is one sshd keyword check; a family of items shares this table.
type sshSetting struct {
	short, key, title string
	sev               Severity
	base              Baseline
	cat               Category
	good, bad         string // values in the examples; good is what the fix sets
	ok                func(v string) bool
	frameworks        []string
	noFix             bool
}

func eqFold(want string) func(string) bool {
	return func(v string) bool { return strings.EqualFold(v, want) }
}

func intIn(lo, hi int) func(string) bool {
	return func(v string) bool {
		n, err := strconv.Atoi(v)
		return err == nil && n >= lo && n <= hi
	}
}

var sshSettings = []sshSetting{
	{"permit_root_login", "PermitRootLogin", "SSH root login is disabled", High, DefaultPolicy, CatAccess, "no", "yes", eqFold("no"),
		refs(cisDeb("5.1.20"), cisAli("5.1.22"), mlps("8.1.4.2 b)", false)), false},
	{"permit_empty_passwords", "PermitEmptyPasswords", "SSH refuses empty passwords", High, DefaultPolicy, CatIdentity, "no", "yes", eqFold("no"),
		refs(cisDeb("5.1.19"), cisAli("5.1.21"), mlps("8.1.4.1 a)", false)), false},
	{"protocol", "Protocol", "SSH uses protocol 2 only", High, MLPS, CatIdentity, "2", "1", eqFold("2"),
		mlps("8.1.4.1 c)", false), false},
	{"max_auth_tries", "MaxAuthTries", "SSH MaxAuthTries is 4 or less", Medium, CIS, CatIdentity, "4", "10", intIn(1, 4),
		refs(cisDeb("5.1.16"), cisAli("5.1.18"), mlps("8.1.4.1 b)", false)), false},
	{"client_alive_interval", "ClientAliveInterval", "SSH idle sessions time out within 15 minutes", Medium, DefaultPolicy, CatIdentity, "600", "0", intIn(1, 900),
		refs(cisDeb("5.1.7"), cisAli("5.1.9"), mlps("8.1.4.1 b)", false)), false},
	{"client_alive_count_max", "ClientAliveCountMax", "SSH ClientAliveCountMax is 3 or less", Low, CIS, CatIdentity, "3", "10", intIn(1, 3),
		refs(cisDeb("5.1.7"), cisAli("5.1.9")), false},
	{"login_grace_time", "LoginGraceTime", "SSH LoginGraceTime is one minute or less", Low, CIS, CatIdentity, "60", "300", func(v string) bool {
		v = strings.TrimSuffix(strings.ToLower(v), "s")
		if m, ok := strings.CutSuffix(v, "m"); ok {
			return m == "1"
		}
		return intIn(1, 60)(v)
	}, refs(cisDeb("5.1.13"), cisAli("5.1.15")), false},
	{"log_level", "LogLevel", "SSH LogLevel is INFO or VERBOSE", Low, CIS, CatAudit, "VERBOSE", "QUIET", func(v string) bool {
		return strings.EqualFold(v, "INFO") || strings.EqualFold(v, "VERBOSE")
	}, refs(cisDeb("5.1.14"), cisAli("5.1.16"), mlps("8.1.4.3 a)", false)), false},
	{"x11_forwarding", "X11Forwarding", "SSH X11 forwarding is disabled", Low, CIS, CatIntrusion, "no", "yes", eqFold("no"),
		refs(cisDeb("5.1.8"), cisAli("5.1.10")), false},
	{"ignore_rhosts", "IgnoreRhosts", "SSH ignores .rhosts files", Medium, CIS, CatIdentity, "yes", "no", eqFold("yes"),
		refs(cisDeb("5.1.11"), cisAli("5.1.13")), false},
	{"hostbased_authentication", "HostbasedAuthentication", "SSH host-based authentication is disabled", Medium, CIS, CatIdentity, "no", "yes", eqFold("no"),
		refs(cisDeb("5.1.10"), cisAli("5.1.12")), false},
	{"permit_user_environment", "PermitUserEnvironment", "SSH does not let users set environment options", Medium, CIS, CatAccess, "no", "yes", eqFold("no"),
		refs(cisDeb("5.1.21"), cisAli("5.1.23")), false},
	{"max_startups", "MaxStartups", "SSH MaxStartups limits unauthenticated connections (10:30:60)", Low, CIS, CatIntrusion, "10:30:60", "100", func(v string) bool {
		p := strings.Split(v, ":")
		lim := []int{10, 30, 60}
		for i, s := range p {
			n, err := strconv.Atoi(s)
			if err != nil || i > 2 || n > lim[i] {
				return false
			}
		}
		return true
	}, refs(cisDeb("5.1.18"), cisAli("5.1.20")), false},
	{"max_sessions", "MaxSessions", "SSH MaxSessions is 10 or less", Low, CIS, CatIntrusion, "10", "30", intIn(1, 10),
		refs(cisDeb("5.1.17"), cisAli("5.1.19")), false},
	{"use_pam", "UsePAM", "SSH uses PAM", Medium, CIS, CatIdentity, "yes", "no", eqFold("yes"),
		refs(cisDeb("5.1.22"), cisAli("5.1.24")), false},
	{"allow_tcp_forwarding", "AllowTcpForwarding", "SSH TCP forwarding is disabled", Low, CIS, CatIntrusion, "no", "yes", eqFold("no"),
		refs(cisDeb("5.1.8"), cisAli("5.1.10")), false},
	{"use_dns", "UseDNS", "SSH does not resolve client host names", Low, BestPractice, CatService, "no", "yes", eqFold("no"),
		nil, false},
	{"strict_modes", "StrictModes", "SSH checks file modes of user key files", Medium, BestPractice, CatAccess, "yes", "no", eqFold("yes"),
		nil, false},
	{"banner", "Banner", "SSH shows a warning banner", Low, CIS, CatService, "/etc/issue.net", "none", func(v string) bool {
		return v != "" && !strings.EqualFold(v, "none")
	}, refs(cisDeb("5.1.5"), cisAli("5.1.7")), false},
	{"gssapi_authentication", "GSSAPIAuthentication", "SSH GSSAPI authentication is disabled", Low, CIS, CatIdentity, "no", "yes", eqFold("no"),
		refs(cisDeb("5.1.9"), cisAli("5.1.11")), false},
	{"permit_tunnel", "PermitTunnel", "SSH tunnel devices are disabled", Low, BestPractice, CatIntrusion, "no", "yes", eqFold("no"),
		nil, false},
	{"allow_agent_forwarding", "AllowAgentForwarding", "SSH agent forwarding is disabled", Low, BestPractice, CatIntrusion, "no", "yes", eqFold("no"),
		nil, false},
	{"password_authentication", "PasswordAuthentication", "SSH accepts keys only, not passwords", Medium, BestPractice, CatIdentity, "no", "yes", eqFold("no"),
		nil, true},
}

func sshRule(s sshSetting) func(*Facts) Result {
	lk := strings.ToLower(s.key)
	return func(f *Facts) Result {
		c, err := loadSSHD(f)
		if err != nil {
			return notEval("%v", err)
		}
		if c == nil {
			return pass("not applicable: " + sshdMain + " does not exist (no OpenSSH server)")
		}
		v, where := c.get(lk)
		ev := fmt.Sprintf("%s: %s %s", where, s.key, v)
		return failIf(!s.ok(v), ev)
	}
}

func sshFix(key, value string) func(*Facts, fileReader) ([]Edit, error) {
	return func(f *Facts, read fileReader) ([]Edit, error) {
		e, err := setDirective(read, sshdMain, key, value, " ", true)
		return []Edit{e}, err
	}
}

func sshExample(name string, lines ...string) Example {
	return ex(name, rootWith(sshdMain, strings.Join(lines, "\n")+"\n"))
}

var sshItems = func() []*Item {
	var out []*Item
	for _, s := range sshSettings {
		it := Item{
			ID: "host.ssh." + s.short, Title: s.title, Category: s.cat, Baseline: s.base, Severity: s.sev,
			Frameworks:  s.frameworks,
			Remediation: fmt.Sprintf("Set \"%s %s\" in %s (before any Include or Match block) and reload sshd.", s.key, s.good, sshdMain),
			Good:        []Example{sshExample("set", s.key+" "+s.good)},
			Bad:         []Example{sshExample("set", s.key+" "+s.bad)},
			Eval:        sshRule(s),
		}
		if !s.noFix {
			it.fix = sshFix(s.key, s.good)
		}
		out = append(out, register(it))
	}
	return out
}()

// Include drop-ins: the first value wins, wherever it comes from.
func init() {
	it, _ := Lookup("host.ssh.permit_root_login")
	it.Bad = append(it.Bad, ex("drop-in wins", rootWith(
		sshdMain, "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n",
		"/etc/ssh/sshd_config.d/50-cloud.conf", "PermitRootLogin yes\n")))
	it.Good = append(it.Good, ex("match block does not change globals", rootWith(
		sshdMain, "PermitRootLogin no\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes\n")))
	it.Bad = append(it.Bad, ex("default is prohibit-password", rootWith(sshdMain, "Port 22\n")))
}

// algorithmCheck is one sshd algorithm-list item.
func algorithmItem(short, key, title string, weak func(string) bool, strong string, fw []string) *Item {
	lk := strings.ToLower(key)
	return register(Item{
		ID: "host.ssh." + short, Title: title, Category: CatIdentity, Baseline: CIS, Severity: Medium, Frameworks: fw,
		Remediation: fmt.Sprintf("Set \"%s %s\" in %s.", key, strong, sshdMain),
		Good:        []Example{sshExample("strong", key+" "+strong)},
		Bad:         []Example{sshExample("weak", key+" +"+weakExample[short])},
		Eval: func(f *Facts) Result {
			c, err := loadSSHD(f)
			if err != nil {
				return notEval("%v", err)
			}
			if c == nil {
				return pass("not applicable: no OpenSSH server")
			}
			algs, where := c.algList(lk)
			var bad []string
			for _, a := range algs {
				if weak(a) {
					bad = append(bad, a)
				}
			}
			if len(bad) > 0 {
				return fail(fmt.Sprintf("%s: %s allows %s", where, key, strings.Join(bad, ",")))
			}
			return pass(fmt.Sprintf("%s: %s has no weak algorithm", where, key))
		},
		fix: sshFix(key, strong),
	})
}

var weakExample = map[string]string{"ciphers": "aes128-cbc", "macs": "hmac-md5", "kex": "diffie-hellman-group1-sha1"}

var (
	sshCiphers = algorithmItem("ciphers", "Ciphers", "SSH offers no weak ciphers (CBC, 3DES, arcfour)", func(a string) bool {
		return strings.Contains(a, "-cbc") || strings.Contains(a, "arcfour") || strings.Contains(a, "3des")
	}, "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr",
		refs(cisDeb("5.1.6"), cisAli("5.1.8"), mlps("8.1.4.1 c)", false)))
	sshMACs = algorithmItem("macs", "MACs", "SSH offers no weak MACs (MD5, 96-bit, umac-64, RIPEMD)", func(a string) bool {
		return strings.Contains(a, "md5") || strings.Contains(a, "-96") || strings.Contains(a, "umac-64") || strings.Contains(a, "ripemd")
	}, "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256",
		refs(cisDeb("5.1.15"), cisAli("5.1.17")))
	sshKex = algorithmItem("kex", "KexAlgorithms", "SSH offers no SHA-1 key exchange", func(a string) bool {
		return strings.HasSuffix(a, "-sha1")
	}, "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ecdh-sha2-nistp521,ecdh-sha2-nistp384,ecdh-sha2-nistp256",
		refs(cisDeb("5.1.12"), cisAli("5.1.14")))
)

var sshAccessRestricted = register(Item{
	ID: "host.ssh.access_restricted", Title: "SSH access is limited to listed users or groups", Category: CatAccess,
	Baseline: MLPS, Severity: Medium, Frameworks: refs(cisDeb("5.1.4"), cisAli("5.1.6"), mlps("8.1.4.4 c)", false)),
	Remediation: "Add AllowUsers, AllowGroups, DenyUsers or DenyGroups to " + sshdMain + " naming the administrators, and restrict the source addresses in the security group.",
	Good:        []Example{sshExample("allow groups", "AllowGroups sshadmins")},
	Bad:         []Example{sshExample("nothing", "Port 22")},
	Eval: func(f *Facts) Result {
		c, err := loadSSHD(f)
		if err != nil {
			return notEval("%v", err)
		}
		if c == nil {
			return pass("not applicable: no OpenSSH server")
		}
		for _, k := range []string{"allowusers", "allowgroups", "denyusers", "denygroups"} {
			if s, ok := c.first[k]; ok {
				return pass(s.String())
			}
		}
		return fail("no AllowUsers, AllowGroups, DenyUsers or DenyGroups in the effective sshd configuration")
	},
})

var sshMFA = register(Item{
	ID: "host.ssh.multi_factor", Title: "Remote administration uses two authentication factors", Category: CatIdentity,
	Baseline: MLPS, Severity: Medium, Frameworks: mlps("8.1.4.1 d)", true),
	Remediation: "Require two factors, e.g. \"AuthenticationMethods publickey,keyboard-interactive\" with an OTP PAM module (pam_google_authenticator, pam_oath), or log in only through a bastion host that enforces MFA and record that as evidence.",
	Good:        []Example{sshExample("two methods", "AuthenticationMethods publickey,keyboard-interactive")},
	Bad:         []Example{sshExample("passwords only", "PasswordAuthentication yes")},
	Eval: func(f *Facts) Result {
		c, err := loadSSHD(f)
		if err != nil {
			return notEval("%v", err)
		}
		if c == nil {
			return pass("not applicable: no OpenSSH server")
		}
		if s, ok := c.first["authenticationmethods"]; ok && strings.Contains(s.Value, ",") {
			return pass(s.String())
		}
		stack, _ := pamStack(f, "sshd", "auth")
		if l, ok := findModule(stack, "pam_google_authenticator.so", "pam_oath.so", "pam_duo.so", "pam_u2f.so", "pam_radius_auth.so"); ok {
			return pass(l.Where + ": " + l.Module)
		}
		return manual("no second factor in sshd or its PAM stack; provide evidence of a bastion host or other MFA")
	},
})
