package baseline

import (
	"fmt"
	"strconv"
	"strings"
)

const (
	pwqualityConf = "/etc/security/pwquality.conf"
	faillockConf  = "/etc/security/faillock.conf"
	pwhistoryConf = "/etc/security/pwhistory.conf"
)

// Debian's stock common-password and common-auth, the base of the PAM examples.
const (
	commonPasswordDebian = "password\trequisite\t\t\tpam_pwquality.so retry=3\npassword\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass yescrypt\npassword\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so\n"
	commonAuthDebian     = "auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n"
	commonAuthFaillock   = "auth\trequired\tpam_faillock.so preauth\nauth\t[success=1 default=ignore]\tpam_unix.so\nauth\t[default=die]\tpam_faillock.so authfail\nauth\trequisite\tpam_deny.so\nauth\trequired\tpam_permit.so\nauth\tsufficient\tpam_faillock.so authsucc\n"
)

func pamRoot(password, auth string, extra ...string) fstestMap {
	return rootWith(append([]string{"/etc/pam.d/common-password", password, "/etc/pam.d/common-auth", auth}, extra...)...)
}

// moduleSettings merges a module's config file (and drop-ins) with its PAM
// arguments; arguments win. found is false when the module is not in the stack.
func moduleSettings(f *Facts, typ string, modules []string, conf string, dropins ...string) (map[string]setting, pamLine, bool, error) {
	auth, password := pamServices(f)
	svc := password
	if typ == "auth" {
		svc = auth
	}
	stack, err := pamStack(f, svc, typ)
	if err != nil {
		return nil, pamLine{}, false, err
	}
	line, found := findModule(stack, modules...)
	out := map[string]setting{}
	if conf != "" {
		ss, _, err := kvFiles(f, "=", true, conf, dropins...)
		if err != nil {
			return nil, line, found, err
		}
		for _, s := range ss {
			out[s.Key] = s
		}
	}
	if found {
		for _, a := range line.Args {
			k, v, _ := strings.Cut(a, "=")
			out[strings.ToLower(k)] = setting{Key: k, Value: v, Where: line.Where}
		}
	}
	return out, line, found, nil
}

type pamCheck struct {
	short, title string
	sev          Severity
	base         Baseline
	fw           []string
	typ          string
	modules      []string
	conf         string
	dropins      []string
	key          string
	def          string // module default when unset ("" = unset fails)
	ok           func(v string) bool
	good         string // value the fix and the good example set
	bad          string
}

func intRange(lo, hi int) func(string) bool { return intIn(lo, hi) }

var pwqMods = []string{"pam_pwquality.so", "pam_cracklib.so"}
var faillockMods = []string{"pam_faillock.so", "pam_tally2.so"}

var pamChecks = []pamCheck{
	{"pwquality.minlen", "Passwords must be at least 8 characters", High, DefaultPolicy, mlps("8.1.4.1 a)", false),
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "minlen", "8", intAtLeast(8), "12", "6"},
	{"pwquality.minlen_cis", "Passwords must be at least 14 characters (CIS)", Medium, CIS, refs(cisDeb("5.3.3.2.2"), cisAli("5.3.3.2.2")),
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "minlen", "8", intAtLeast(14), "14", "8"},
	{"pwquality.minclass", "Passwords must mix at least 3 character classes", High, DefaultPolicy, refs(cisDeb("5.3.3.2.3"), mlps("8.1.4.1 a)", false)),
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "minclass", "0", intAtLeast(3), "3", "1"},
	{"pwquality.maxrepeat", "Passwords may repeat a character at most 3 times", Low, CIS, cisDeb("5.3.3.2.4"),
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "maxrepeat", "0", intIn(1, 3), "3", "0"},
	{"pwquality.maxsequence", "Passwords may contain sequences of at most 3 characters", Low, CIS, cisDeb("5.3.3.2.5"),
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "maxsequence", "0", intIn(1, 3), "3", "0"},
	{"pwquality.dictcheck", "Password quality checks dictionary words", Medium, CIS, cisDeb("5.3.3.2.6"),
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "dictcheck", "1", func(v string) bool { return v != "0" }, "1", "0"},
	{"pwquality.difok", "New passwords differ from the old in at least 2 characters", Low, CIS, cisDeb("5.3.3.2.1"),
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "difok", "1", intAtLeast(2), "2", "0"},
	{"pwquality.enforce_for_root", "Password quality rules also apply to root", Low, CIS, cisDeb("5.3.3.2.8"),
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "enforce_for_root", "", func(v string) bool { return true }, "", ""},
	{"pwquality.retry", "Password changes allow at most 3 retries", Low, BestPractice, nil, // no longer a CIS recommendation (CIS Debian 12, CIS Alibaba Cloud Linux 3 v2)
		"password", pwqMods, pwqualityConf, []string{"/etc/security/pwquality.conf.d/*.conf"}, "retry", "1", intIn(1, 3), "3", "5"},
	{"faillock.deny", "Accounts lock after at most 5 failed logins", High, DefaultPolicy, refs(cisDeb("5.3.3.1.1"), cisAli("5.3.3.1.1"), mlps("8.1.4.1 b)", false)),
		"auth", faillockMods, faillockConf, nil, "deny", "3", intIn(1, 5), "5", "10"},
	{"faillock.unlock_time", "Locked accounts stay locked for 15 minutes or until unlocked", Medium, CIS, refs(cisDeb("5.3.3.1.2"), mlps("8.1.4.1 b)", false)),
		"auth", faillockMods, faillockConf, nil, "unlock_time", "600", func(v string) bool { n, err := strconv.Atoi(v); return err == nil && (n == 0 || n >= 900) }, "900", "60"},
	{"faillock.even_deny_root", "Failed-login lockout also applies to root", Low, CIS, cisDeb("5.3.3.1.3"),
		"auth", faillockMods, faillockConf, nil, "even_deny_root", "", func(v string) bool { return true }, "", ""},
	{"pwhistory.remember", "The last 5 or more passwords cannot be reused", Medium, DefaultPolicy, refs(cisDeb("5.3.3.3.1"), cisAli("5.3.3.3.1"), mlps("8.1.4.1 a)", false)),
		"password", []string{"pam_pwhistory.so"}, pwhistoryConf, nil, "remember", "10", intAtLeast(5), "5", "2"},
	{"pwhistory.enforce_for_root", "Password history also applies to root", Low, CIS, cisDeb("5.3.3.3.2"),
		"password", []string{"pam_pwhistory.so"}, pwhistoryConf, nil, "enforce_for_root", "", func(v string) bool { return true }, "", ""},
}

func pamCheckItem(c pamCheck) *Item {
	confName := c.conf
	goodConf := c.key
	badConf := ""
	if c.good != "" {
		goodConf = c.key + " = " + c.good
		badConf = c.key + " = " + c.bad
	}
	var good, bad []Example
	switch c.typ {
	case "password":
		pw := commonPasswordDebian
		if c.modules[0] == "pam_pwhistory.so" {
			pw = "password\trequisite\tpam_pwhistory.so use_authtok\n" + commonPasswordDebian
		}
		good = []Example{ex("conf", pamRoot(pw, commonAuthDebian, confName, goodConf+"\n"))}
		bad = []Example{ex("conf", pamRoot(pw, commonAuthDebian, confName, badConf+"\n"))}
		if c.key == "retry" { // Debian passes retry=3 as a module argument, which wins
			bad = []Example{ex("argument", pamRoot(strings.Replace(pw, "retry=3", "retry="+c.bad, 1), commonAuthDebian))}
		}
		if c.modules[0] != "pam_pwhistory.so" {
			bad = append(bad, ex("module missing", pamRoot(strings.Replace(commonPasswordDebian, "pam_pwquality.so retry=3", "pam_deny.so", 1), commonAuthDebian, confName, goodConf+"\n")))
		} else {
			bad = append(bad, ex("module missing", pamRoot(commonPasswordDebian, commonAuthDebian, confName, goodConf+"\n")))
		}
	case "auth":
		good = []Example{ex("conf", pamRoot(commonPasswordDebian, commonAuthFaillock, confName, goodConf+"\n"))}
		bad = []Example{ex("conf", pamRoot(commonPasswordDebian, commonAuthFaillock, confName, badConf+"\n")),
			ex("module missing", pamRoot(commonPasswordDebian, commonAuthDebian, confName, goodConf+"\n"))}
	}
	// Alibaba Cloud Linux keeps both stacks in /etc/pam.d/system-auth (authselect)
	aliStack := "password requisite pam_pwquality.so local_users_only\npassword sufficient pam_unix.so sha512 shadow use_authtok\n"
	if c.modules[0] == "pam_pwhistory.so" {
		aliStack = "password requisite pam_pwhistory.so use_authtok\n" + aliStack
	}
	if c.typ == "auth" {
		aliStack = "auth required pam_faillock.so preauth silent\nauth sufficient pam_unix.so\nauth [default=die] pam_faillock.so authfail\n"
	}
	if c.key != "retry" {
		good = append(good, ex("alinux system-auth", alinux(rootWith("/etc/pam.d/system-auth", aliStack, confName, goodConf+"\n"))))
		bad = append(bad, ex("alinux system-auth", alinux(rootWith("/etc/pam.d/system-auth", aliStack, confName, badConf+"\n"))))
	}
	rem := fmt.Sprintf("Set \"%s\" in %s and make sure %s is in the PAM %s stack (pam-auth-update on Debian/Ubuntu, authselect on Alibaba Cloud Linux).",
		goodConf, confName, c.modules[0], c.typ)
	return register(Item{
		ID: "host.pam." + c.short, Title: c.title, Category: CatIdentity, Baseline: c.base, Severity: c.sev, Frameworks: c.fw,
		Remediation: rem, Good: good, Bad: bad,
		Eval: func(f *Facts) Result {
			set, line, found, err := moduleSettings(f, c.typ, c.modules, c.conf, c.dropins...)
			if err != nil {
				return notEval("%v", err)
			}
			if !found {
				auth, password := pamServices(f)
				svc := password
				if c.typ == "auth" {
					svc = auth
				}
				return fail(fmt.Sprintf("%s is not in the %s stack of /etc/pam.d/%s", c.modules[0], c.typ, svc))
			}
			s, ok := set[c.key]
			if !ok {
				if c.def == "" {
					return fail(fmt.Sprintf("%s: %s not set", line.Where, c.key))
				}
				s = setting{Key: c.key, Value: c.def, Where: line.Module + " default"}
			}
			return failIf(!c.ok(s.Value), fmt.Sprintf("%s: %s=%s", s.Where, c.key, s.Value))
		},
		fix: func(f *Facts, read fileReader) ([]Edit, error) {
			_, _, found, err := moduleSettings(f, c.typ, c.modules, c.conf, c.dropins...)
			if err != nil {
				return nil, err
			}
			if !found {
				return nil, fmt.Errorf("%s is not in the PAM stack: enable it with pam-auth-update or authselect first", c.modules[0])
			}
			val := c.good
			sep := " = "
			if val == "" {
				sep = ""
			}
			e, err := setDirective(read, c.conf, c.key, val, sep, false)
			return []Edit{e}, err
		},
	})
}

var pamItems = func() []*Item {
	var out []*Item
	for _, c := range pamChecks {
		out = append(out, pamCheckItem(c))
	}
	return out
}()

var pamNullok = register(Item{
	ID: "host.pam.no_nullok", Title: "PAM does not accept empty passwords (no nullok)", Category: CatIdentity,
	Baseline: CIS, Severity: High, Frameworks: refs(cisDeb("5.3.3.4.1"), mlps("8.1.4.1 a)", false)),
	Remediation: "Remove nullok from pam_unix.so in common-auth / system-auth (pam-auth-update or authselect).",
	Good:        []Example{ex("no nullok", pamRoot(commonPasswordDebian, strings.Replace(commonAuthDebian, " nullok", "", 1)))},
	Bad:         []Example{ex("debian default", pamRoot(commonPasswordDebian, commonAuthDebian))},
	Eval: func(f *Facts) Result {
		auth, _ := pamServices(f)
		stack, err := pamStack(f, auth, "auth")
		if err != nil {
			return notEval("%v", err)
		}
		if len(stack) == 0 {
			return notEval("/etc/pam.d/%s has no auth lines", auth)
		}
		for _, l := range stack {
			if l.Module == "pam_unix.so" {
				if _, ok := l.arg("nullok"); ok {
					return fail(l.Where + ": pam_unix.so nullok")
				}
			}
		}
		return pass("pam_unix.so without nullok in /etc/pam.d/" + auth)
	},
})

var pamStrongHash = register(Item{
	ID: "host.pam.unix_strong_hash", Title: "pam_unix hashes new passwords with yescrypt or SHA-512", Category: CatIdentity,
	Baseline: CIS, Severity: Medium, Frameworks: refs(cisDeb("5.3.3.4.3"), cisAli("5.3.3.4.3")),
	Remediation: "Add yescrypt (or sha512) to the pam_unix.so password line.",
	Good:        []Example{ex("yescrypt", pamRoot(commonPasswordDebian, commonAuthDebian))},
	Bad:         []Example{ex("md5", pamRoot(strings.Replace(commonPasswordDebian, "yescrypt", "md5", 1), commonAuthDebian))},
	Eval: func(f *Facts) Result {
		_, svc := pamServices(f)
		stack, err := pamStack(f, svc, "password")
		if err != nil {
			return notEval("%v", err)
		}
		l, ok := findModule(stack, "pam_unix.so")
		if !ok {
			return notEval("pam_unix.so not in the password stack of /etc/pam.d/%s", svc)
		}
		for _, a := range []string{"yescrypt", "sha512", "gost_yescrypt"} {
			if _, ok := l.arg(a); ok {
				return pass(l.Where + ": pam_unix.so " + a)
			}
		}
		return fail(l.Where + ": pam_unix.so without yescrypt or sha512 (falls back to login.defs ENCRYPT_METHOD or MD5)")
	},
})

var suRestricted = register(Item{
	ID: "host.pam.su_restricted", Title: "su is restricted to a wheel/sudo group", Category: CatAccess,
	Baseline: MLPS, Severity: Medium, Frameworks: refs(cisDeb("5.2.7"), cisAli("5.2.7"), mlps("8.1.4.2 d)", false)),
	Remediation: "Add \"auth required pam_wheel.so use_uid group=sugroup\" to /etc/pam.d/su and keep the group empty or limited to administrators.",
	Good:        []Example{ex("pam_wheel", rootWith("/etc/pam.d/su", "auth sufficient pam_rootok.so\nauth required pam_wheel.so use_uid group=sugroup\n"))},
	Bad:         []Example{ex("open", rootWith("/etc/pam.d/su", "auth sufficient pam_rootok.so\n# auth required pam_wheel.so\n"))},
	Eval: func(f *Facts) Result {
		stack, err := pamStack(f, "su", "auth")
		if err != nil {
			return notEval("%v", err)
		}
		if l, ok := findModule(stack, "pam_wheel.so"); ok && (l.Control == "required" || l.Control == "requisite") {
			return pass(l.Where + ": pam_wheel.so")
		}
		return fail("/etc/pam.d/su does not require pam_wheel.so")
	},
})

const profileTMOUT = "/etc/profile.d/cspm-tmout.sh"

var shellTimeout = register(Item{
	ID: "host.shell.tmout", Title: "Idle shells time out within 10 minutes (TMOUT)", Category: CatIdentity,
	Baseline: DefaultPolicy, Severity: Medium, Frameworks: refs(cisDeb("5.4.3.2"), cisAli("5.4.3.2"), mlps("8.1.4.1 b)", false)),
	Remediation: "Create /etc/profile.d/tmout.sh with \"readonly TMOUT=600; export TMOUT\".",
	Good:        []Example{ex("profile.d", rootWith("/etc/profile", "PATH=/usr/bin\n", "/etc/profile.d/tmout.sh", "readonly TMOUT=600\nexport TMOUT\n"))},
	Bad:         []Example{ex("none", rootWith("/etc/profile", "PATH=/usr/bin\n")), ex("too long", rootWith("/etc/profile", "TMOUT=3600\n"))},
	Eval: func(f *Facts) Result {
		files := append([]string{"/etc/profile", "/etc/bash.bashrc", "/etc/bashrc"}, f.Glob("/etc/profile.d/*")...)
		for _, n := range files {
			text, ok, err := f.Text(n)
			if err != nil && ok {
				return notEval("%v", err)
			}
			for i, line := range lines(text) {
				for _, part := range strings.FieldsFunc(line, func(r rune) bool { return r == ';' || r == ' ' || r == '\t' }) {
					if v, ok := strings.CutPrefix(part, "TMOUT="); ok {
						return failIf(!intIn(1, 600)(unquote(v)), fmt.Sprintf("%s:%d: TMOUT=%s", n, i+1, unquote(v)))
					}
				}
			}
		}
		return fail("TMOUT is not set in /etc/profile, /etc/profile.d or the global bashrc")
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		return []Edit{{Path: profileTMOUT, Data: []byte("# set by cspm baseline fix\nreadonly TMOUT=600\nexport TMOUT\n"), Mode: 0o644}}, nil
	},
})

var shellUmask = register(Item{
	ID: "host.shell.umask", Title: "The default shell umask is 027 or stricter", Category: CatAccess,
	Baseline: CIS, Severity: Medium, Frameworks: refs(cisDeb("5.4.3.3"), cisAli("5.4.3.3"), mlps("8.1.4.2 e)", true)),
	Remediation: "Set \"umask 027\" in /etc/profile (or a file in /etc/profile.d) and UMASK 027 in /etc/login.defs.",
	Good:        []Example{ex("027", rootWith("/etc/profile", "umask 027\n"))},
	Bad:         []Example{ex("022", rootWith("/etc/profile", "umask 022\n")), ex("unset", rootWith("/etc/profile", "PATH=/bin\n"))},
	Eval: func(f *Facts) Result {
		files := append([]string{"/etc/profile", "/etc/bash.bashrc", "/etc/bashrc"}, f.Glob("/etc/profile.d/*")...)
		var found []string
		worst := ""
		for _, n := range files {
			text, _, _ := f.Text(n)
			for i, line := range lines(text) {
				fs := strings.Fields(line)
				if len(fs) >= 2 && fs[0] == "umask" {
					found = append(found, fmt.Sprintf("%s:%d: umask %s", n, i+1, fs[1]))
					if !umaskAtLeast(0o027)(fs[1]) {
						worst = found[len(found)-1]
					}
				}
			}
		}
		switch {
		case worst != "":
			return fail(worst)
		case len(found) == 0:
			if v, where, err := loginDefsValue(f, "UMASK"); err == nil && umaskAtLeast(0o027)(v) && f.Exists(loginDefs) {
				return pass(where + ": UMASK " + v + " (pam_umask)")
			}
			return fail("no umask in the shell start-up files and login.defs UMASK is not 027")
		}
		return pass(found...)
	},
})
