package baseline

import (
	"fmt"
	"io/fs"
	"strings"
)

func passwdRoot(passwd string) fstestMap { return rootWith("/etc/passwd", passwd) }

const passwdOK = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000::/home/alice:/bin/bash\n"

// accountItem registers an item that lists offending accounts.
func accountItem(id, title string, sev Severity, base Baseline, cat Category, fw []string, rem string, good, bad []Example, check func(f *Facts) []string) *Item {
	return register(Item{ID: id, Title: title, Category: cat, Baseline: base, Severity: sev, Frameworks: fw, Remediation: rem,
		Good: good, Bad: bad,
		Eval: func(f *Facts) Result {
			if len(f.Accounts) == 0 {
				if ff := f.File("/etc/passwd"); ff != nil && ff.Err != "" {
					return notEval("/etc/passwd: %s", ff.Err)
				}
			}
			if bad := check(f); len(bad) > 0 {
				return fail(bad...)
			}
			return pass(fmt.Sprintf("%d accounts checked", len(f.Accounts)))
		}})
}

var (
	uidZero = accountItem("host.account.uid0_only_root", "Root is the only account with UID 0", High, DefaultPolicy, CatAccess,
		refs(cisDeb("5.4.2.1"), cisAli("5.4.2.1"), mlps("8.1.4.2 d)", false)),
		"Give each listed account a unique non-zero UID (usermod -u) or remove it.",
		[]Example{ex("root only", passwdRoot(passwdOK))},
		[]Example{ex("toor", passwdRoot(passwdOK+"toor:x:0:0::/root:/bin/bash\n"))},
		func(f *Facts) (bad []string) {
			for _, a := range f.Accounts {
				if a.UID == 0 && a.Name != "root" {
					bad = append(bad, "account "+a.Name+" has UID 0")
				}
			}
			return
		})
	dupUID = accountItem("host.account.unique_uid", "Every account has a unique UID", Medium, CIS, CatIdentity,
		refs(cisDeb("7.2.5"), cisAli("7.2.4"), mlps("8.1.4.1 a)", false)),
		"Give each account its own UID (usermod -u).",
		[]Example{ex("unique", passwdRoot(passwdOK))},
		[]Example{ex("shared 1000", passwdRoot(passwdOK+"bob:x:1000:1000::/home/bob:/bin/bash\n"))},
		func(f *Facts) (bad []string) {
			seen := map[int]string{}
			for _, a := range f.Accounts {
				if a.Legacy {
					continue
				}
				if o, ok := seen[a.UID]; ok {
					bad = append(bad, fmt.Sprintf("UID %d is shared by %s and %s", a.UID, o, a.Name))
				}
				seen[a.UID] = a.Name
			}
			return
		})
	dupName = accountItem("host.account.unique_name", "Every account name is unique", Medium, CIS, CatIdentity,
		refs(cisDeb("7.2.7"), cisAli("7.2.6"), mlps("8.1.4.1 a)", false)),
		"Rename or remove duplicate entries in /etc/passwd.",
		[]Example{ex("unique", passwdRoot(passwdOK))},
		[]Example{ex("two alices", passwdRoot(passwdOK+"alice:x:1001:1001::/home/alice2:/bin/bash\n"))},
		func(f *Facts) (bad []string) {
			seen := map[string]bool{}
			for _, a := range f.Accounts {
				if seen[a.Name] && !a.Legacy {
					bad = append(bad, "account name "+a.Name+" appears twice")
				}
				seen[a.Name] = true
			}
			return
		})
	dupGID = accountItem("host.account.unique_gid", "Every group has a unique GID and name", Low, CIS, CatIdentity,
		refs(cisDeb("7.2.6"), cisDeb("7.2.8"), cisAli("7.2.5"), cisAli("7.2.7")),
		"Give each group its own GID and name (groupmod).",
		[]Example{ex("unique", rootWith("/etc/group", "root:x:0:\nalice:x:1000:\n"))},
		[]Example{ex("shared gid", rootWith("/etc/group", "root:x:0:\nalice:x:1000:\nbob:x:1000:\n"))},
		func(f *Facts) (bad []string) {
			gids, names := map[int]string{}, map[string]bool{}
			for _, g := range f.Groups {
				if o, ok := gids[g.GID]; ok {
					bad = append(bad, fmt.Sprintf("GID %d is shared by %s and %s", g.GID, o, g.Name))
				}
				if names[g.Name] {
					bad = append(bad, "group name "+g.Name+" appears twice")
				}
				gids[g.GID], names[g.Name] = g.Name, true
			}
			return
		})
	groupsExist = accountItem("host.account.groups_exist", "Every account's primary group exists", Low, CIS, CatAccess,
		refs(cisDeb("7.2.3"), cisAli("7.2.3")),
		"Create the missing group or change the account's primary group (usermod -g).",
		[]Example{ex("exists", passwdRoot(passwdOK))},
		[]Example{ex("gid 4242 missing", passwdRoot(passwdOK+"bob:x:1001:4242::/home/bob:/bin/bash\n"))},
		func(f *Facts) (bad []string) {
			if len(f.Groups) == 0 {
				return nil
			}
			gids := map[int]bool{}
			for _, g := range f.Groups {
				gids[g.GID] = true
			}
			for _, a := range f.Accounts {
				if !a.Legacy && !gids[a.GID] {
					bad = append(bad, fmt.Sprintf("account %s: group %d does not exist", a.Name, a.GID))
				}
			}
			return
		})
	shadowGroupEmpty = accountItem("host.account.shadow_group_empty", "The shadow group has no members", Medium, CIS, CatAccess,
		cisDeb("7.2.4"),
		"Remove all users from the shadow group (gpasswd -d USER shadow).",
		[]Example{ex("empty", baseFS())},
		[]Example{ex("alice in shadow", rootWith("/etc/group", "root:x:0:\nshadow:x:42:alice\nalice:x:1000:\n"))},
		func(f *Facts) (bad []string) {
			for _, g := range f.Groups {
				if g.Name == "shadow" && len(g.Members) > 0 {
					bad = append(bad, "shadow group members: "+strings.Join(g.Members, ","))
				}
			}
			for _, a := range f.Accounts {
				for _, g := range f.Groups {
					if g.Name == "shadow" && a.GID == g.GID {
						bad = append(bad, "account "+a.Name+" has shadow as primary group")
					}
				}
			}
			return
		})
	systemNoLogin = accountItem("host.account.system_nologin", "System accounts cannot log in", Medium, MLPS, CatAccess,
		refs(cisDeb("5.4.2.7"), cisAli("5.4.2.7"), mlps("8.1.4.2 b)", false)),
		"Set the shell of each listed system account to /usr/sbin/nologin (usermod -s) and lock it (usermod -L).",
		[]Example{ex("nologin", passwdRoot(passwdOK))},
		[]Example{ex("daemon with bash", passwdRoot("root:x:0:0::/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/bin/bash\n"))},
		func(f *Facts) (bad []string) {
			for _, a := range f.Accounts {
				if a.Legacy || a.UID == 0 || a.UID >= 1000 || a.Name == "sync" || a.Name == "shutdown" || a.Name == "halt" {
					continue
				}
				if !nologinShell(a.Shell) {
					bad = append(bad, fmt.Sprintf("system account %s (uid %d) has shell %s", a.Name, a.UID, a.Shell))
				}
			}
			return
		})
	rootGID = accountItem("host.account.root_gid", "The root account's primary group is GID 0", Low, CIS, CatAccess,
		refs(cisDeb("5.4.2.2"), cisAli("5.4.2.2")),
		"usermod -g 0 root",
		[]Example{ex("gid 0", passwdRoot(passwdOK))},
		[]Example{ex("gid 100", passwdRoot("root:x:0:100::/root:/bin/bash\n"))},
		func(f *Facts) (bad []string) {
			if a := f.Account("root"); a != nil && a.GID != 0 {
				bad = append(bad, fmt.Sprintf("root has primary GID %d", a.GID))
			}
			return
		})
	shadowed = accountItem("host.account.passwords_shadowed", "No password hash is kept in /etc/passwd", High, CIS, CatIdentity,
		refs(cisDeb("7.2.1"), cisAli("7.2.1")),
		"Run pwconv to move hashes into /etc/shadow.",
		[]Example{ex("x", passwdRoot(passwdOK))},
		[]Example{ex("hash in passwd", passwdRoot("root:x:0:0::/root:/bin/bash\nbob:"+hashSHA512Strong+":1001:1001::/home/bob:/bin/bash\n"))},
		func(f *Facts) (bad []string) {
			for _, a := range f.Accounts {
				if a.PwField == "hash" {
					bad = append(bad, "account "+a.Name+" has its password hash in /etc/passwd")
				}
			}
			return
		})
	// No CIS Linux benchmark of the ones referenced has this recommendation any more.
	legacyEntries = accountItem("host.account.no_legacy_plus", "No legacy \"+\" NIS entries in the account files", Medium, BestPractice, CatAccess,
		nil,
		"Remove lines starting with + or - from /etc/passwd.",
		[]Example{ex("none", passwdRoot(passwdOK))},
		[]Example{ex("plus", passwdRoot(passwdOK+"+::::::\n"))},
		func(f *Facts) (bad []string) {
			for _, a := range f.Accounts {
				if a.Legacy {
					bad = append(bad, "legacy NIS entry in /etc/passwd")
				}
			}
			return
		})
	defaultAccounts = accountItem("host.account.default_locked", "Default vendor accounts are locked", Medium, MLPS, CatAccess,
		mlps("8.1.4.2 b)", false),
		"Lock each listed default account (passwd -l) or remove it (userdel).",
		[]Example{ex("locked", shadowRoot("!"))},
		[]Example{ex("games with a password", with(with(baseFS(), "/etc/passwd", passwdOK+"games:x:5:60::/usr/games:/usr/sbin/nologin\n", 0o644, 0, 0),
			"/etc/shadow", "root:*:19800::::::\ngames:"+hashSHA512Strong+":19800::::::\n", 0o640, 0, 42))},
		func(f *Facts) (bad []string) {
			defaults := map[string]bool{"games": true, "lp": true, "news": true, "uucp": true, "proxy": true, "list": true, "irc": true, "gnats": true, "ftp": true, "adm": true, "operator": true, "gopher": true, "guest": true, "test": true}
			for _, a := range f.Accounts {
				if defaults[a.Name] && a.Shadow != nil && (a.Shadow.State == "hash" || a.Shadow.State == "empty") {
					bad = append(bad, "default account "+a.Name+" has a usable password")
				}
			}
			return
		})
	staleAccounts = accountItem("host.account.stale_password", "No login account's password is older than a year", Low, MLPS, CatIdentity,
		mlps("8.1.4.2 c)", false),
		"Review each listed account: remove it if unused, otherwise make its user change the password.",
		[]Example{ex("recent", shadowRoot(hashSHA512Strong+":"+fmt.Sprint(epochDaysExample-10)))},
		[]Example{ex("old", shadowRoot(hashSHA512Strong+":"+fmt.Sprint(epochDaysExample-800)))},
		func(f *Facts) (bad []string) {
			today := int(f.Collected.Unix() / 86400)
			for _, a := range f.Accounts {
				if s := a.Shadow; s != nil && s.State == "hash" && s.LastChange > 0 && today-s.LastChange > 365 {
					bad = append(bad, fmt.Sprintf("account %s: password last changed %d days ago", a.Name, today-s.LastChange))
				}
			}
			return
		})
	lastChangeFuture = accountItem("host.account.last_change_past", "No password change date is in the future", Low, CIS, CatIdentity,
		refs(cisDeb("5.4.1.6"), cisAli("5.4.1.6")),
		"Investigate and correct the listed accounts (chage -d).",
		[]Example{ex("past", shadowRoot(hashSHA512Strong+":"+fmt.Sprint(epochDaysExample-10)))},
		[]Example{ex("future", shadowRoot(hashSHA512Strong+":99999"))},
		func(f *Facts) (bad []string) {
			today := int(f.Collected.Unix() / 86400)
			for _, a := range f.Accounts {
				if s := a.Shadow; s != nil && s.LastChange > today+1 {
					bad = append(bad, "account "+a.Name+": last password change is in the future")
				}
			}
			return
		})
)

// epochDaysExample is "today" in days for the stale-password examples; the
// examples are collected at the real time, so it tracks the clock.
var epochDaysExample = int(nowUnix() / 86400)

// shadowPolicyItem checks one per-account shadow field for accounts with passwords.
func shadowPolicyItem(short, title string, fw []string, good, bad string, ok func(s *Shadow) (bool, string)) *Item {
	return accountItem("host.account."+short, title, Low, MLPS, CatIdentity, fw,
		"Apply the policy to existing accounts with chage (e.g. chage --maxdays 90 --mindays 1 --warndays 7 --inactive 30 USER).",
		[]Example{ex("compliant", shadowRoot(hashSHA512Strong+good))},
		[]Example{ex("not", shadowRoot(hashSHA512Strong+bad))},
		func(f *Facts) (out []string) {
			for _, a := range f.Accounts {
				if a.Shadow == nil || a.Shadow.State != "hash" {
					continue
				}
				if good, why := ok(a.Shadow); !good {
					out = append(out, "account "+a.Name+": "+why)
				}
			}
			return
		})
}

var (
	userMaxDays = shadowPolicyItem("user_max_days", "Every password-holding account expires its password within 90 days",
		refs(cisDeb("5.4.1.1"), mlps("8.1.4.1 a)", false)), ":19800:1:90:7:30::", ":19800:1:99999:7:30::", func(s *Shadow) (bool, string) {
			return s.Max >= 0 && s.Max <= 90, fmt.Sprintf("max days %d", s.Max)
		})
	userMinDays = shadowPolicyItem("user_min_days", "Every password-holding account has a minimum password age of a day",
		refs(cisDeb("5.4.1.2"), mlps("8.1.4.1 a)", false)), ":19800:1:90:7:30::", ":19800:0:90:7:30::", func(s *Shadow) (bool, string) {
			return s.Min >= 1, fmt.Sprintf("min days %d", s.Min)
		})
	userWarn = shadowPolicyItem("user_warn_age", "Every password-holding account is warned 7 days before expiry",
		refs(cisDeb("5.4.1.3"), mlps("8.1.4.1 a)", false)), ":19800:1:90:7:30::", ":19800:1:90:1:30::", func(s *Shadow) (bool, string) {
			return s.Warn >= 7, fmt.Sprintf("warn days %d", s.Warn)
		})
	userInactive = shadowPolicyItem("user_inactive", "Every password-holding account locks within 30 days of expiry",
		refs(cisDeb("5.4.1.5"), mlps("8.1.4.2 c)", false)), ":19800:1:90:7:30::", ":19800:1:90:7:::", func(s *Shadow) (bool, string) {
			return s.Inactive >= 0 && s.Inactive <= 30, fmt.Sprintf("inactive %d", s.Inactive)
		})
)

func nologinShell(sh string) bool {
	return strings.HasSuffix(sh, "/nologin") || strings.HasSuffix(sh, "/false") || sh == ""
}

// homeItem checks the mode/owner of login users' home directories.
var homeDirs = register(Item{
	ID: "host.account.home_dir_mode", Title: "Home directories are mode 750 or stricter and owned by their user", Category: CatAccess,
	Baseline: MLPS, Severity: Medium, Frameworks: refs(cisDeb("7.2.9"), cisAli("7.2.8"), mlps("8.1.4.2 e)", true)),
	Remediation: "chmod 750 (or 700) each listed home directory and chown it to its user.",
	Good:        []Example{ex("750", baseFS())},
	Bad: []Example{ex("755", func() fstestMap {
		m := baseFS()
		m["home/alice"].Mode = fs.ModeDir | 0o755
		return m
	}())},
	Eval: func(f *Facts) Result {
		var bad []string
		n := 0
		for _, a := range f.Accounts {
			if a.UID < 1000 || a.UID == 65534 || a.Home == "" || nologinShell(a.Shell) {
				continue
			}
			ff := f.File(a.Home)
			if ff == nil || ff.Err != "" || ff.Type != "d" {
				continue
			}
			n++
			if ff.Mode&0o027 != 0 {
				bad = append(bad, fmt.Sprintf("%s: mode %04o", a.Home, ff.Mode))
			}
			if ff.UID != a.UID {
				bad = append(bad, fmt.Sprintf("%s: owned by uid %d, not %s", a.Home, ff.UID, a.Name))
			}
		}
		if len(bad) > 0 {
			return fail(bad...)
		}
		return pass(fmt.Sprintf("%d home directories checked", n))
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		var out []Edit
		for _, a := range f.Accounts {
			if ff := f.File(a.Home); a.UID >= 1000 && ff != nil && ff.Type == "d" && ff.Mode&0o027 != 0 {
				out = append(out, Edit{Path: a.Home, Mode: fs.ModeDir | fs.FileMode(ff.Mode&0o750)})
			}
		}
		return out, nil
	},
})

var rootHome = register(Item{
	ID: "host.account.root_home_mode", Title: "The root home directory is mode 700", Category: CatAccess,
	// Neither CIS Debian 12 nor CIS Alibaba Cloud Linux 3 v2 has a root home mode
	// recommendation (their home directory ones cover interactive users only).
	Baseline: BestPractice, Severity: Medium,
	Remediation: "chmod 700 /root",
	Good:        []Example{ex("700", baseFS())},
	Bad: []Example{ex("755", func() fstestMap {
		m := baseFS()
		m["root"].Mode = fs.ModeDir | 0o755
		return m
	}())},
	Eval: func(f *Facts) Result {
		ff := f.File("/root")
		switch {
		case ff == nil:
			return notEval("/root not collected")
		case ff.Err == "missing":
			return pass("/root does not exist")
		case ff.Err != "":
			return notEval("/root: %s", ff.Err)
		}
		return failIf(ff.Mode&0o077 != 0, fmt.Sprintf("/root: mode %04o", ff.Mode))
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		return []Edit{{Path: "/root", Mode: fs.ModeDir | 0o700}}, nil
	},
})
