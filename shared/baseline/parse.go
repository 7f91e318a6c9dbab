package baseline

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// setting is one key/value found in a configuration file.
type setting struct {
	Key, Value string
	Where      string // file:line
}

func (s setting) String() string { return fmt.Sprintf("%s: %s %s", s.Where, s.Key, s.Value) }

// lines iterates over a collected file's lines with their numbers (after comment
// stripping the numbers count kept lines).
func lines(text string) []string {
	return strings.Split(strings.TrimRight(text, "\n"), "\n")
}

// kvSettings parses "key = value" (sep "=") or "key value" (sep "") lines.
// Keys are lower-cased when fold is set. Section headers ("[x]") are skipped.
func kvSettings(name, text, sep string, fold bool) []setting {
	var out []setting
	for i, line := range lines(text) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") || strings.HasPrefix(t, "[") {
			continue
		}
		var k, v string
		if sep == "" {
			f := strings.Fields(t)
			k = f[0]
			v = strings.TrimSpace(strings.TrimPrefix(t, f[0]))
		} else {
			var ok bool
			k, v, ok = strings.Cut(t, sep)
			if !ok {
				k, v = t, ""
			}
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if c := strings.Index(v, " #"); c >= 0 && sep == "=" {
			v = strings.TrimSpace(v[:c])
		}
		v = unquote(v)
		if fold {
			k = strings.ToLower(k)
		}
		out = append(out, setting{Key: k, Value: v, Where: fmt.Sprintf("%s:%d", name, i+1)})
	}
	return out
}

// lastSetting returns the last setting with key (files read in order, later wins).
func lastSetting(ss []setting, key string) (setting, bool) {
	for i := len(ss) - 1; i >= 0; i-- {
		if ss[i].Key == key {
			return ss[i], true
		}
	}
	return setting{}, false
}

// confFiles returns the text of a main file and its drop-in directory, in the order
// they apply; err is the first unreadable one. missing lists nothing when the main
// file does not exist and no drop-in does.
func confFiles(f *Facts, main string, dropins ...string) (names []string, err error) {
	if _, ok, e := f.Text(main); e != nil {
		return nil, e
	} else if ok {
		names = append(names, main)
	}
	for _, g := range dropins {
		for _, n := range f.Glob(g) {
			if _, _, e := f.Text(n); e != nil {
				return nil, e
			}
			names = append(names, n)
		}
	}
	return names, nil
}

// kvFiles parses a main file plus drop-ins into one ordered settings list.
func kvFiles(f *Facts, sep string, fold bool, main string, dropins ...string) ([]setting, bool, error) {
	names, err := confFiles(f, main, dropins...)
	if err != nil {
		return nil, false, err
	}
	var out []setting
	for _, n := range names {
		t, _, _ := f.Text(n)
		out = append(out, kvSettings(n, t, sep, fold)...)
	}
	return out, len(names) > 0, nil
}

// iniValue returns key in [section] of INI-style files (systemd, my.cnf), last wins.
func iniSettings(f *Facts, section string, names ...string) []setting {
	var out []setting
	for _, n := range names {
		t, ok, err := f.Text(n)
		if !ok || err != nil {
			continue
		}
		cur := ""
		for i, line := range lines(t) {
			l := strings.TrimSpace(line)
			if strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]") {
				cur = strings.ToLower(strings.Trim(l, "[]"))
				continue
			}
			if !strings.EqualFold(cur, section) {
				continue
			}
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				k, v = l, ""
			}
			out = append(out, setting{Key: strings.ToLower(strings.TrimSpace(k)), Value: unquote(strings.TrimSpace(v)), Where: fmt.Sprintf("%s:%d", n, i+1)})
		}
	}
	return out
}

// sshdConfig computes sshd's effective global settings: the first value of each
// keyword wins, Include drop-ins are read where they appear (patterns relative to
// /etc/ssh, expanded in lexical order), and Match blocks do not change globals.
type sshdConfig struct {
	first map[string]setting
	all   map[string][]setting
}

const sshdMain = "/etc/ssh/sshd_config"

func loadSSHD(f *Facts) (*sshdConfig, error) {
	c := &sshdConfig{first: map[string]setting{}, all: map[string][]setting{}}
	text, ok, err := f.Text(sshdMain)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nil
	}
	inMatch := false
	var walk func(name, text string, depth int) error
	walk = func(name, text string, depth int) error {
		if depth > 8 {
			return fmt.Errorf("%s: Include nested too deep", name)
		}
		for i, line := range lines(text) {
			fields := strings.Fields(strings.ReplaceAll(line, "=", " "))
			if len(fields) == 0 {
				continue
			}
			key := strings.ToLower(fields[0])
			val := strings.Join(fields[1:], " ")
			where := fmt.Sprintf("%s:%d", name, i+1)
			switch key {
			case "match":
				inMatch = true
				continue
			case "include":
				for _, pat := range fields[1:] {
					if !strings.HasPrefix(pat, "/") {
						pat = path.Join("/etc/ssh", pat)
					}
					for _, inc := range f.Glob(pat) {
						t, ok, err := f.Text(inc)
						if err != nil {
							return err
						}
						if ok {
							if err := walk(inc, t, depth+1); err != nil {
								return err
							}
						}
					}
				}
				continue
			}
			if inMatch {
				continue
			}
			s := setting{Key: key, Value: val, Where: where}
			if _, seen := c.first[key]; !seen {
				c.first[key] = s
			}
			c.all[key] = append(c.all[key], s)
		}
		return nil
	}
	if err := walk(sshdMain, text, 0); err != nil {
		return nil, err
	}
	return c, nil
}

// sshdDefaults are OpenSSH 9.x's compiled-in values for the keywords rules read.
var sshdDefaults = map[string]string{
	"permitrootlogin": "prohibit-password", "permitemptypasswords": "no", "maxauthtries": "6",
	"clientaliveinterval": "0", "clientalivecountmax": "3", "logingracetime": "120", "loglevel": "INFO",
	"x11forwarding": "no", "ignorerhosts": "yes", "hostbasedauthentication": "no", "permituserenvironment": "no",
	"maxstartups": "10:30:100", "maxsessions": "10", "usepam": "no", "allowtcpforwarding": "yes", "usedns": "no",
	"strictmodes": "yes", "passwordauthentication": "yes", "banner": "none", "gssapiauthentication": "no",
	"protocol": "2", "permittunnel": "no", "allowagentforwarding": "yes", "pubkeyauthentication": "yes",
	"kbdinteractiveauthentication": "yes", "disableforwarding": "no",
	"ciphers":       "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
	"macs":          "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
	"kexalgorithms": "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256",
}

// get returns the effective value (lower-cased for yes/no comparisons by callers)
// and where it was set ("default" when unset).
func (c *sshdConfig) get(key string) (string, string) {
	if s, ok := c.first[key]; ok {
		return s.Value, s.Where
	}
	return sshdDefaults[key], "OpenSSH default"
}

// algList resolves an algorithm list keyword with +, - and ^ modifiers.
func (c *sshdConfig) algList(key string) ([]string, string) {
	def := strings.Split(sshdDefaults[key], ",")
	s, ok := c.first[key]
	if !ok {
		return def, "OpenSSH default"
	}
	v := strings.ReplaceAll(s.Value, " ", "")
	switch {
	case strings.HasPrefix(v, "+"):
		return append(def, strings.Split(v[1:], ",")...), s.Where
	case strings.HasPrefix(v, "^"):
		return append(strings.Split(v[1:], ","), def...), s.Where
	case strings.HasPrefix(v, "-"):
		var out []string
		rm := strings.Split(v[1:], ",")
		for _, a := range def {
			drop := false
			for _, r := range rm {
				if m, _ := path.Match(r, a); m {
					drop = true
				}
			}
			if !drop {
				out = append(out, a)
			}
		}
		return out, s.Where
	}
	return strings.Split(v, ","), s.Where
}

// pamLine is one resolved line of a PAM service stack.
type pamLine struct {
	Type, Control, Module string
	Args                  []string
	Where                 string
}

func (l pamLine) arg(name string) (string, bool) {
	for _, a := range l.Args {
		if a == name {
			return "", true
		}
		if k, v, ok := strings.Cut(a, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// pamStack resolves a PAM service's lines of one type (auth, account, password,
// session), following @include and include/substack.
func pamStack(f *Facts, service, typ string) ([]pamLine, error) {
	var out []pamLine
	var walk func(svc string, depth int) error
	walk = func(svc string, depth int) error {
		name := "/etc/pam.d/" + svc
		text, ok, err := f.Text(name)
		if err != nil {
			return err
		}
		if !ok || depth > 8 {
			return nil
		}
		for i, line := range lines(text) {
			fs := strings.Fields(line)
			if len(fs) == 0 {
				continue
			}
			if fs[0] == "@include" && len(fs) > 1 {
				if err := walk(fs[1], depth+1); err != nil {
					return err
				}
				continue
			}
			t := strings.TrimPrefix(fs[0], "-")
			if t != typ || len(fs) < 3 {
				continue
			}
			control := fs[1]
			rest := fs[2:]
			if strings.HasPrefix(control, "[") {
				j := strings.Index(line, "]")
				if j < 0 {
					continue
				}
				control = line[strings.Index(line, "[") : j+1]
				rest = strings.Fields(line[j+1:])
				if len(rest) == 0 {
					continue
				}
			}
			if control == "include" || control == "substack" {
				if err := walk(rest[0], depth+1); err != nil {
					return err
				}
				continue
			}
			out = append(out, pamLine{Type: t, Control: control, Module: path.Base(rest[0]), Args: rest[1:], Where: fmt.Sprintf("%s:%d", name, i+1)})
		}
		return nil
	}
	err := walk(service, 0)
	return out, err
}

// pamPasswordServices are the stacks that set passwords on each family.
func pamServices(f *Facts) (auth, password string) {
	if f.Host.Variant == ALinux {
		return "system-auth", "system-auth"
	}
	return "common-auth", "common-password"
}

func findModule(stack []pamLine, mods ...string) (pamLine, bool) {
	for _, l := range stack {
		if slices.Contains(mods, l.Module) {
			return l, true
		}
	}
	return pamLine{}, false
}
