package baseline

import (
	"fmt"
	"path"
	"strings"
)

const sudoersMain = "/etc/sudoers"

// sudoLine is one logical sudoers line (continuations joined).
type sudoLine struct {
	Text, Where string
}

// loadSudoers reads /etc/sudoers and the files it includes, in order.
func loadSudoers(f *Facts) ([]sudoLine, bool, error) {
	var out []sudoLine
	var walk func(name string, depth int) error
	walk = func(name string, depth int) error {
		text, ok, err := f.Text(name)
		if err != nil {
			return err
		}
		if !ok || depth > 8 {
			return nil
		}
		ls := lines(text)
		for i := 0; i < len(ls); i++ {
			start := i
			line := ls[i]
			for strings.HasSuffix(line, "\\") && i+1 < len(ls) {
				i++
				line = strings.TrimSuffix(line, "\\") + " " + strings.TrimSpace(ls[i])
			}
			t := strings.TrimSpace(line)
			if t == "" {
				continue
			}
			fs := strings.Fields(t)
			switch fs[0] {
			case "#includedir", "@includedir":
				if len(fs) > 1 {
					for _, inc := range f.Glob(path.Join(fs[1], "*")) {
						b := path.Base(inc)
						if strings.Contains(b, ".") || strings.HasSuffix(b, "~") {
							continue
						}
						if err := walk(inc, depth+1); err != nil {
							return err
						}
					}
				}
				continue
			case "#include", "@include":
				if len(fs) > 1 {
					if err := walk(fs[1], depth+1); err != nil {
						return err
					}
				}
				continue
			}
			out = append(out, sudoLine{Text: t, Where: fmt.Sprintf("%s:%d", name, start+1)})
		}
		return nil
	}
	text, ok, err := f.Text(sudoersMain)
	_ = text
	if err != nil {
		return nil, true, err
	}
	if !ok {
		return nil, false, nil
	}
	err = walk(sudoersMain, 0)
	return out, true, err
}

// sudoDefault returns the last global Defaults setting of name ("" value for a flag).
func sudoDefault(ls []sudoLine, name string) (string, string, bool) {
	val, where, found := "", "", false
	for _, l := range ls {
		rest, ok := strings.CutPrefix(l.Text, "Defaults")
		if !ok || (len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t') {
			continue // Defaults:user and friends are not global
		}
		for _, opt := range strings.Split(rest, ",") {
			opt = strings.TrimSpace(opt)
			k, v, _ := strings.Cut(opt, "=")
			k = strings.TrimSpace(k)
			switch k {
			case name:
				val, where, found = strings.TrimSpace(v), l.Where, true
			case "!" + name:
				val, where, found = "!", l.Where, true
			}
		}
	}
	return val, where, found
}

const sudoersBase = "Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n"

func sudoRoot(extra string) fstestMap {
	return with(baseFS(), sudoersMain, sudoersBase+extra, 0o440, 0, 0)
}

const sudoDropIn = "/etc/sudoers.d/cspm-baseline"

// sudoFix writes one Defaults line into a sudoers.d drop-in.
func sudoFix(line string) func(*Facts, fileReader) ([]Edit, error) {
	return func(f *Facts, read fileReader) ([]Edit, error) {
		b, _, _, err := read(sudoDropIn)
		if err != nil {
			return nil, err
		}
		return []Edit{{Path: sudoDropIn, Data: append(b, []byte(line+"\n")...), Mode: 0o440}}, nil
	}
}

func sudoItem(short, title string, sev Severity, base Baseline, fw []string, rem string, good, bad string,
	check func(ls []sudoLine) Result, fix func(*Facts, fileReader) ([]Edit, error)) *Item {
	return register(Item{
		ID: "host.sudo." + short, Title: title, Category: CatAccess, Baseline: base, Severity: sev, Frameworks: fw,
		Remediation: rem,
		Good:        []Example{ex("set", sudoRoot(good))},
		Bad:         []Example{ex("set", sudoRoot(bad))},
		Eval: func(f *Facts) Result {
			ls, ok, err := loadSudoers(f)
			if err != nil {
				return notEval("%v", err)
			}
			if !ok {
				return pass("not applicable: sudo is not configured (" + sudoersMain + " missing)")
			}
			return check(ls)
		},
		fix: fix,
	})
}

var (
	sudoUsePty = sudoItem("use_pty", "sudo runs commands in a pseudo-terminal", Medium, CIS, refs(cisDeb("5.2.2"), cisAli("5.2.2")),
		"Add \"Defaults use_pty\" with visudo.", "Defaults use_pty\n", "",
		func(ls []sudoLine) Result {
			v, where, ok := sudoDefault(ls, "use_pty")
			if !ok || v == "!" {
				return fail("Defaults use_pty is not set")
			}
			return pass(where + ": Defaults use_pty")
		}, sudoFix("Defaults use_pty"))
	sudoLogfile = sudoItem("logfile", "sudo keeps its own log file", Medium, MLPS, refs(cisDeb("5.2.3"), cisAli("5.2.3"), mlps("8.1.4.3 a)", false)),
		"Add \"Defaults logfile=\\\"/var/log/sudo.log\\\"\" with visudo.", "Defaults logfile=\"/var/log/sudo.log\"\n", "",
		func(ls []sudoLine) Result {
			v, where, ok := sudoDefault(ls, "logfile")
			if !ok || v == "!" || v == "" {
				return fail("Defaults logfile is not set")
			}
			return pass(where + ": Defaults logfile=" + v)
		}, sudoFix("Defaults logfile=\"/var/log/sudo.log\""))
	sudoNoPasswd = sudoItem("password_required", "sudo asks for a password (no NOPASSWD)", High, CIS, refs(cisDeb("5.2.4"), cisAli("5.2.4"), mlps("8.1.4.1 a)", false)),
		"Remove NOPASSWD tags from sudoers and sudoers.d (visudo).", "", "alice ALL=(ALL) NOPASSWD: ALL\n",
		func(ls []sudoLine) Result {
			var bad []string
			for _, l := range ls {
				if strings.Contains(l.Text, "NOPASSWD") {
					bad = append(bad, l.Where+": NOPASSWD")
				}
			}
			if len(bad) > 0 {
				return fail(bad...)
			}
			return pass("no NOPASSWD in sudoers")
		}, nil)
	sudoReauth = sudoItem("reauthentication", "sudo re-authentication is not disabled", Medium, CIS, refs(cisDeb("5.2.5"), cisAli("5.2.5")),
		"Remove \"!authenticate\" from sudoers.", "", "Defaults !authenticate\n",
		func(ls []sudoLine) Result {
			for _, l := range ls {
				if strings.Contains(l.Text, "!authenticate") {
					return fail(l.Where + ": !authenticate")
				}
			}
			return pass("authenticate is not disabled")
		}, nil)
	sudoTimeout = sudoItem("timestamp_timeout", "sudo credentials are cached for 15 minutes or less", Low, CIS, refs(cisDeb("5.2.6"), cisAli("5.2.6")),
		"Set \"Defaults timestamp_timeout=15\" (or lower) with visudo.", "Defaults timestamp_timeout=5\n", "Defaults timestamp_timeout=-1\n",
		func(ls []sudoLine) Result {
			v, where, ok := sudoDefault(ls, "timestamp_timeout")
			if !ok {
				return pass("timestamp_timeout default (15 minutes)")
			}
			return failIf(!intIn(0, 15)(v), where+": timestamp_timeout="+v)
		}, sudoFix("Defaults timestamp_timeout=15"))
	sudoLeastPrivilege = sudoItem("least_privilege", "Only administrator groups get unrestricted sudo", Medium, MLPS, mlps("8.1.4.2 d)", false),
		"Grant individual users only the commands they need (Cmnd_Alias), and full rights only through an administrators group.",
		"alice ALL=(root) /usr/bin/systemctl restart nginx\n", "alice ALL=(ALL:ALL) ALL\n",
		func(ls []sudoLine) Result {
			var bad []string
			for _, l := range ls {
				fs := strings.Fields(l.Text)
				if len(fs) < 3 || strings.HasPrefix(fs[0], "%") || fs[0] == "root" || strings.HasPrefix(fs[0], "Defaults") ||
					strings.HasSuffix(fs[0], "_Alias") {
					continue
				}
				if strings.Contains(l.Text, "=") && strings.HasSuffix(strings.TrimSpace(l.Text), "ALL") {
					bad = append(bad, fmt.Sprintf("%s: user %s has unrestricted sudo", l.Where, fs[0]))
				}
			}
			if len(bad) > 0 {
				return fail(bad...)
			}
			return pass("no individual user has unrestricted sudo")
		}, nil)
)

var sudoInstalled = register(Item{
	ID: "host.sudo.installed", Title: "sudo is installed for privilege delegation", Category: CatAccess,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("5.2.1"), cisAli("5.2.1")),
	Remediation: "apt-get install sudo (dnf install sudo).",
	Good:        []Example{ex("installed", rootWith("/var/lib/dpkg/status", dpkgStatus("sudo")))},
	Bad:         []Example{ex("absent", rootWith("/var/lib/dpkg/status", dpkgStatus("bash")))},
	Eval: func(f *Facts) Result {
		if ok, known := f.Installed("sudo"); known {
			return failIf(!ok, fmt.Sprintf("package sudo installed: %v", ok))
		}
		return failIf(!f.Exists("/usr/bin/sudo"), fmt.Sprintf("/usr/bin/sudo exists: %v", f.Exists("/usr/bin/sudo")))
	},
})
