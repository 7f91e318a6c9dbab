package baseline

import (
	"fmt"
	"strconv"
	"strings"
)

const loginDefs = "/etc/login.defs"

// loginDefsDefaults are shadow-utils' values when a key is absent.
var loginDefsDefaults = map[string]string{
	"PASS_MAX_DAYS": "99999", "PASS_MIN_DAYS": "0", "PASS_WARN_AGE": "7", "PASS_MIN_LEN": "5",
	"ENCRYPT_METHOD": "DES", "UMASK": "022", "LOGIN_RETRIES": "5", "LOGIN_TIMEOUT": "60",
}

type defsCheck struct {
	short, key, title string
	sev               Severity
	base              Baseline
	cat               Category
	good, bad         string
	ok                func(string) bool
	fw                []string
}

func intAtLeast(n int) func(string) bool {
	return func(v string) bool { x, err := strconv.Atoi(v); return err == nil && x >= n }
}

func intAtMost(n int) func(string) bool {
	return func(v string) bool { x, err := strconv.Atoi(v); return err == nil && x >= 0 && x <= n }
}

// umaskAtLeast reports whether an octal umask masks at least the bits of want.
func umaskAtLeast(want int) func(string) bool {
	return func(v string) bool {
		n, err := strconv.ParseInt(v, 8, 32)
		return err == nil && int(n)&want == want
	}
}

var defsChecks = []defsCheck{
	{"pass_max_days", "PASS_MAX_DAYS", "Passwords expire within 90 days", Medium, DefaultPolicy, CatIdentity, "90", "99999", intAtMost(90),
		refs(cisDeb("5.4.1.1"), cisAli("5.4.1.1"), mlps("8.1.4.1 a)", false))},
	{"pass_min_days", "PASS_MIN_DAYS", "Passwords cannot be changed again within a day", Low, CIS, CatIdentity, "1", "0", intAtLeast(1),
		refs(cisDeb("5.4.1.2"), cisAli("5.4.1.2"), mlps("8.1.4.1 a)", false))},
	{"pass_warn_age", "PASS_WARN_AGE", "Users are warned 7 days before a password expires", Low, CIS, CatIdentity, "7", "3", intAtLeast(7),
		refs(cisDeb("5.4.1.3"), cisAli("5.4.1.3"))},
	{"pass_min_len", "PASS_MIN_LEN", "login.defs requires passwords of 8 characters or more", Medium, DefaultPolicy, CatIdentity, "8", "5", intAtLeast(8),
		mlps("8.1.4.1 a)", false)},
	{"encrypt_method", "ENCRYPT_METHOD", "New passwords are hashed with SHA-512 or yescrypt", Medium, CIS, CatIdentity, "YESCRYPT", "MD5", func(v string) bool {
		return strings.EqualFold(v, "SHA512") || strings.EqualFold(v, "YESCRYPT")
	}, refs(cisDeb("5.4.1.4"), cisAli("5.4.1.4"))},
	{"umask", "UMASK", "The login.defs default umask is 027 or stricter", Medium, MLPS, CatAccess, "027", "022", umaskAtLeast(0o027),
		refs(cisDeb("5.4.3.3"), cisAli("5.4.3.3"), mlps("8.1.4.2 e)", true))},
	{"login_retries", "LOGIN_RETRIES", "Console login allows at most 5 retries", Low, BestPractice, CatIdentity, "3", "10", intAtMost(5),
		mlps("8.1.4.1 b)", false)},
	{"login_timeout", "LOGIN_TIMEOUT", "Console login times out within 60 seconds", Low, BestPractice, CatIdentity, "60", "300", intAtMost(60),
		nil},
}

func loginDefsValue(f *Facts, key string) (string, string, error) {
	ss, _, err := kvFiles(f, "", false, loginDefs)
	if err != nil {
		return "", "", err
	}
	if s, ok := lastSetting(ss, key); ok {
		return s.Value, s.Where, nil
	}
	return loginDefsDefaults[key], "default (unset in " + loginDefs + ")", nil
}

var defsItems = func() []*Item {
	var out []*Item
	for _, c := range defsChecks {
		c := c
		out = append(out, register(Item{
			ID: "host.login_defs." + c.short, Title: c.title, Category: c.cat, Baseline: c.base, Severity: c.sev, Frameworks: c.fw,
			Remediation: fmt.Sprintf("Set \"%s %s\" in %s (existing accounts: also run chage for each user where it applies).", c.key, c.good, loginDefs),
			Good:        []Example{ex("set", rootWith(loginDefs, c.key+" "+c.good+"\n"))},
			Bad:         []Example{ex("set", rootWith(loginDefs, c.key+"\t"+c.bad+"\n"))},
			Eval: func(f *Facts) Result {
				v, where, err := loginDefsValue(f, c.key)
				if err != nil {
					return notEval("%v", err)
				}
				return failIf(!c.ok(v), fmt.Sprintf("%s: %s %s", where, c.key, v))
			},
			fix: func(f *Facts, read fileReader) ([]Edit, error) {
				e, err := setDirective(read, loginDefs, c.key, c.good, "\t", false)
				return []Edit{e}, err
			},
		}))
	}
	return out
}()

var useraddInactive = register(Item{
	ID: "host.login_defs.inactive", Title: "New accounts lock 30 days after their password expires", Category: CatIdentity,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("5.4.1.5"), cisAli("5.4.1.5"), mlps("8.1.4.2 c)", false)),
	Remediation: "Run `useradd -D -f 30` (sets INACTIVE=30 in /etc/default/useradd).",
	Good:        []Example{ex("30", rootWith("/etc/default/useradd", "INACTIVE=30\n"))},
	Bad:         []Example{ex("never", rootWith("/etc/default/useradd", "INACTIVE=-1\n")), ex("unset", rootWith("/etc/default/useradd", "SHELL=/bin/sh\n"))},
	Eval: func(f *Facts) Result {
		ss, _, err := kvFiles(f, "=", false, "/etc/default/useradd")
		if err != nil {
			return notEval("%v", err)
		}
		s, ok := lastSetting(ss, "INACTIVE")
		if !ok {
			return fail("/etc/default/useradd: INACTIVE unset (never)")
		}
		return failIf(!intIn(0, 30)(s.Value), s.String())
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		e, err := setDirective(read, "/etc/default/useradd", "INACTIVE", "30", "=", false)
		return []Edit{e}, err
	},
})
