package baseline

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ProbeOptions configures Collect.
type ProbeOptions struct {
	// Root is the root filesystem to read ("/" for the running system). FS, when
	// set, is read instead of Root (tests pass fstest.MapFS values).
	Root string
	FS   fs.FS
	// Live adds what only a running system shows: listening ports, loaded kernel
	// modules, kernel parameters, active units. Collect sets it when Root is "/"
	// and FS is nil, unless NotLive is set.
	Live    bool
	NotLive bool
	// ReadCap bounds how much of one file is read (default 4 MiB); a larger file is
	// recorded as too large and the items that need it are not evaluated.
	ReadCap int64
	// Passwords configures the weak-password tests.
	Passwords PasswordOptions
	// NoPending skips comparing installed packages with the package index (the
	// re-check after a fix does not need it).
	NoPending bool
	// Now is the collection time (default time.Now).
	Now func() time.Time
}

// contentGlobs are the files whose text the probe keeps (comments stripped,
// secrets redacted). Rules may read any of them.
var contentGlobs = []string{
	"/etc/os-release", "/usr/lib/os-release", "/etc/hostname", "/etc/alinux-release", "/etc/redhat-release",
	"/etc/login.defs", "/etc/default/useradd",
	"/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/*",
	"/etc/pam.d/*", "/etc/security/pwquality.conf", "/etc/security/pwquality.conf.d/*",
	"/etc/security/faillock.conf", "/etc/security/pwhistory.conf", "/etc/security/limits.conf", "/etc/security/limits.d/*",
	"/etc/profile", "/etc/profile.d/*", "/etc/bash.bashrc", "/etc/bashrc", "/etc/csh.cshrc",
	"/etc/sudoers", "/etc/sudoers.d/*",
	"/etc/audit/auditd.conf", "/etc/audit/rules.d/*", "/etc/audit/audit.rules",
	"/etc/rsyslog.conf", "/etc/rsyslog.d/*", "/etc/syslog-ng/syslog-ng.conf",
	"/etc/systemd/journald.conf", "/etc/systemd/journald.conf.d/*", "/etc/systemd/coredump.conf", "/etc/systemd/coredump.conf.d/*",
	"/etc/logrotate.conf",
	"/etc/sysctl.conf", "/etc/sysctl.d/*", "/run/sysctl.d/*", "/usr/local/lib/sysctl.d/*", "/usr/lib/sysctl.d/*", "/lib/sysctl.d/*",
	"/etc/modprobe.d/*", "/usr/lib/modprobe.d/*", "/lib/modprobe.d/*", "/etc/modules-load.d/*",
	"/etc/crontab", "/etc/cron.allow", "/etc/cron.deny", "/etc/at.allow", "/etc/at.deny",
	"/etc/selinux/config", "/etc/default/grub", "/etc/default/grub.d/*", "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg",
	"/etc/fstab", "/etc/issue", "/etc/issue.net", "/etc/motd", "/etc/hosts.allow", "/etc/hosts.deny",
	"/etc/chrony/chrony.conf", "/etc/chrony/conf.d/*", "/etc/chrony.conf", "/etc/systemd/timesyncd.conf",
	"/etc/systemd/timesyncd.conf.d/*", "/etc/ntp.conf", "/etc/ntpsec/ntp.conf",
	"/etc/apt/apt.conf.d/*", "/etc/dnf/automatic.conf",
	"/lib/systemd/system/auditd.service", "/usr/lib/systemd/system/auditd.service", "/etc/systemd/system/auditd.service",
	"/etc/docker/daemon.json", "/lib/systemd/system/docker.service", "/usr/lib/systemd/system/docker.service",
	"/etc/systemd/system/docker.service", "/etc/systemd/system/docker.service.d/*",
	"/var/lib/kubelet/config.yaml", "/etc/kubernetes/kubelet-config.yaml",
	"/etc/systemd/system/kubelet.service.d/*", "/usr/lib/systemd/system/kubelet.service.d/*",
	"/etc/redis/*.conf", "/etc/redis.conf", "/etc/redis/*.acl", "/etc/redis/users.acl",
	"/etc/mysql/my.cnf", "/etc/mysql/*.cnf", "/etc/mysql/conf.d/*", "/etc/mysql/mariadb.conf.d/*", "/etc/my.cnf", "/etc/my.cnf.d/*", "/root/.my.cnf",
	"/etc/postgresql/*/main/postgresql.conf", "/etc/postgresql/*/main/pg_hba.conf", "/etc/postgresql/*/main/conf.d/*",
	"/var/lib/pgsql/data/postgresql.conf", "/var/lib/pgsql/data/pg_hba.conf",
	"/etc/nginx/nginx.conf", "/etc/nginx/conf.d/*", "/etc/nginx/sites-enabled/*",
	"/etc/vsftpd.conf", "/etc/vsftpd/vsftpd.conf", "/etc/mongod.conf", "/etc/memcached.conf", "/etc/sysconfig/memcached",
	"/etc/elasticsearch/elasticsearch.yml", "/etc/tomcat*/tomcat-users.xml", "/etc/tomcat*/server.xml",
	"/etc/rsyncd.conf", "/etc/postfix/main.cf", "/etc/snmp/snmpd.conf", "/etc/default/rsync",
}

// statGlobs are the paths whose metadata (mode, owner) the probe records.
var statGlobs = []string{
	"/etc/passwd", "/etc/passwd-", "/etc/group", "/etc/group-", "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
	"/etc/security/opasswd", "/etc/ssh/ssh_host_*", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly",
	"/etc/cron.monthly", "/etc/cron.d", "/etc/sudoers.d", "/var/log/audit", "/var/log/audit/*",
	"/sbin/auditctl", "/sbin/aureport", "/sbin/ausearch", "/sbin/autrace", "/sbin/auditd", "/sbin/augenrules",
	"/usr/sbin/auditctl", "/usr/sbin/auditd", "/usr/sbin/augenrules", "/usr/sbin/aureport", "/usr/sbin/ausearch",
	"/etc/audit", "/etc/docker", "/var/run/docker.sock", "/run/docker.sock", "/etc/kubernetes/kubelet.conf",
	"/etc/kubernetes/pki/ca.crt", "/var/lib/kubelet", "/var/lib/mysql", "/var/lib/postgresql", "/etc/rsyncd.secrets",
	"/root", "/tmp", "/var/tmp", "/dev/shm", "/var/log", "/etc/selinux", "/etc/apparmor.d", "/usr/bin/sudo",
	"/var/lib/apt/periodic/update-success-stamp", "/etc/ssh/sshd_config.d", "/var/log/sudo.log",
	"/sys/kernel/security/apparmor/profiles", "/sys/module/apparmor/parameters/enabled", "/sys/fs/selinux/enforce",
	"/usr/sbin/telnetd", "/usr/sbin/in.telnetd", "/usr/sbin/in.tftpd", "/usr/sbin/xinetd", "/usr/sbin/vsftpd",
	"/usr/sbin/avahi-daemon", "/usr/sbin/cupsd", "/usr/sbin/dhcpd", "/usr/sbin/slapd", "/usr/sbin/named",
	"/usr/sbin/smbd", "/usr/sbin/snmpd", "/usr/sbin/ypserv", "/usr/sbin/rpcbind", "/sbin/rpcbind", "/usr/bin/rsync",
	"/usr/sbin/in.rshd", "/usr/sbin/in.rlogind", "/usr/sbin/in.rexecd", "/usr/bin/Xorg", "/usr/bin/telnet",
	"/usr/sbin/nfsd", "/usr/sbin/rpc.nfsd", "/usr/sbin/prelink", "/usr/sbin/squid", "/usr/sbin/dovecot",
	"/usr/bin/redis-server", "/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/bin/dockerd", "/usr/bin/kubelet",
	"/usr/bin/containerd", "/etc/containerd", "/etc/redis/redis.conf", "/etc/default/docker", "/usr/sbin/chronyd", "/usr/sbin/ntpd",
	"/lib/systemd/systemd-timesyncd", "/usr/lib/systemd/systemd-timesyncd", "/usr/sbin/rsyslogd", "/usr/sbin/syslog-ng",
	"/usr/sbin/sshd", "/usr/sbin/cron", "/usr/sbin/crond", "/usr/sbin/apparmor_parser", "/sbin/apparmor_parser",
	"/usr/sbin/getenforce", "/usr/bin/unattended-upgrade", "/usr/bin/pkexec",
}

// listDirs are directories whose entries the probe records.
var listDirs = []string{
	"/etc/sudoers.d", "/etc/cron.d", "/etc/audit/rules.d", "/var/lib/docker/containers", "/etc/ssh/sshd_config.d",
}

var hashLike = regexp.MustCompile(`\$(1|2[abxy]?|5|6|7|y|gy|sha1|md5|apr1|argon2(id|i|d)?|scrypt|pbkdf2[-a-z0-9]*)\$[^\s:"']+`)

// Collect probes a root filesystem into Facts. It never fails on a bad file: the
// file's fact records the cause and the probe goes on. The error is only ctx's.
func Collect(ctx context.Context, o ProbeOptions) (*Facts, error) {
	if o.Root == "" {
		o.Root = "/"
	}
	fsys := o.FS
	if fsys == nil {
		fsys = os.DirFS(o.Root)
		if o.Root == "/" && !o.NotLive {
			o.Live = true
		}
	}
	if o.ReadCap <= 0 {
		o.ReadCap = 4 << 20
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	p := &prober{r: &rootFS{fsys: fsys, readCap: o.ReadCap}, o: o, f: &Facts{
		Version:   FactsVersion,
		Collected: now().UTC().Truncate(time.Second),
		Live:      o.Live,
		Files:     map[string]*FileFact{},
	}}
	steps := []func(context.Context){
		p.files, p.host, p.accounts, p.packages, p.units, p.live, p.services, p.containers,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		step(ctx)
	}
	p.passwords(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return p.f, nil
}

type prober struct {
	r *rootFS
	o ProbeOptions
	f *Facts
}

func (p *prober) note(format string, a ...any) {
	p.f.Errors = append(p.f.Errors, sprintf(format, a...))
}

// statPath records one path's metadata (following symlinks inside the root).
func (p *prober) statPath(name string) *FileFact {
	if ff, ok := p.f.Files[name]; ok {
		return ff
	}
	ff := &FileFact{}
	p.f.Files[name] = ff
	fi, _, err := p.r.stat(name)
	if err != nil {
		ff.Err = errText(err)
		return ff
	}
	fillInfo(ff, fi)
	return ff
}

func fillInfo(ff *FileFact, fi fs.FileInfo) {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		ff.Type = "f"
	case m.IsDir():
		ff.Type = "d"
	case m&fs.ModeSymlink != 0:
		ff.Type = "l"
	case m&fs.ModeSocket != 0:
		ff.Type = "s"
	default:
		ff.Type = "o"
	}
	ff.Mode = uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		ff.Mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		ff.Mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		ff.Mode |= 0o1000
	}
	ff.UID, ff.GID = ownerOf(fi)
	if ff.Type == "f" {
		ff.Size = fi.Size()
	}
}

// readPath records a file's metadata and its stripped, redacted text.
func (p *prober) readPath(name string) *FileFact {
	ff := p.statPath(name)
	if ff.Err != "" || ff.Type == "d" || ff.Text != nil {
		return ff
	}
	if ff.Type != "f" {
		ff.Err = ErrNotRegular.Error()
		return ff
	}
	b, _, err := p.r.readText(name)
	if err != nil {
		ff.Err = errText(err)
		return ff
	}
	s := redact(name, stripComments(string(b)))
	ff.Text = &s
	return ff
}

func (p *prober) files(ctx context.Context) {
	for _, g := range contentGlobs {
		for _, name := range p.expand(g) {
			ff := p.readPath(name)
			if ff.Type == "d" {
				delete(p.f.Files, name)
			}
		}
	}
	// sshd Include drop-ins anywhere, relative to /etc/ssh.
	for _, name := range p.f.Glob("/etc/ssh/sshd_config*") {
		p.sshIncludes(name, 0)
	}
	for _, g := range statGlobs {
		for _, name := range p.expand(g) {
			p.statPath(name)
		}
	}
	for _, d := range listDirs {
		ff := p.statPath(d)
		if ff.Type != "d" {
			continue
		}
		ents, err := p.r.readDir(d)
		if err != nil {
			ff.Err = errText(err)
			continue
		}
		for _, e := range ents {
			ff.Entries = append(ff.Entries, e.Name())
		}
	}
	// the audit rules directory and log directory contents' modes
	for _, name := range p.expand("/var/log/audit/*") {
		p.statPath(name)
	}
}

func (p *prober) sshIncludes(name string, depth int) {
	if depth > 8 {
		return
	}
	text, ok, err := p.f.Text(name)
	if !ok || err != nil {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || !strings.EqualFold(fields[0], "include") {
			continue
		}
		for _, pat := range fields[1:] {
			if !strings.HasPrefix(pat, "/") {
				pat = "/etc/ssh/" + pat
			}
			for _, inc := range p.expand(pat) {
				if _, seen := p.f.Files[inc]; seen {
					continue
				}
				p.readPath(inc)
				p.sshIncludes(inc, depth+1)
			}
		}
	}
}

// expand turns a glob into the matching paths; a plain path is returned as is
// (and recorded as missing by the caller when it does not exist).
func (p *prober) expand(g string) []string {
	if !strings.ContainsAny(g, "*?[") {
		return []string{g}
	}
	m := p.r.glob(g)
	sort.Strings(m)
	return m
}

// stripComments empties full-line # comments (keeping sudoers' #include and
// #includedir directives) and trailing blanks, keeping line numbers intact so
// evidence points at the real line.
func stripComments(s string) string {
	var b strings.Builder
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	// drop trailing empty lines entirely
	for len(ls) > 0 && isCommentOrBlank(ls[len(ls)-1]) {
		ls = ls[:len(ls)-1]
	}
	for _, line := range ls {
		if !isCommentOrBlank(line) {
			b.WriteString(strings.TrimRight(line, " \t\r"))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func isCommentOrBlank(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || (strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "#include"))
}

var (
	envSecret   = regexp.MustCompile(`(?i)\b([A-Z0-9_]*(PASS|PASSWD|PASSWORD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|CREDENTIALS?)[A-Z0-9_]*)(\s*=\s*)("[^"]*"|'[^']*'|\S+)`)
	xmlPassword = regexp.MustCompile(`(?i)(password\s*=\s*)("[^"]*"|'[^']*')`)
	aclSecret   = regexp.MustCompile(`(^|\s)([>#<!])\S+`)
)

// redact removes secrets from a configuration file's text. Every crypt-style hash
// in any file is replaced, and each service file's password settings are.
func redact(name, s string) string {
	lines := strings.Split(s, "\n")
	base := path.Base(name)
	for i, line := range lines {
		f := strings.Fields(line)
		key := ""
		if len(f) > 0 {
			key = strings.ToLower(f[0])
		}
		switch {
		case strings.HasPrefix(name, "/etc/redis") || strings.HasSuffix(base, ".acl"):
			switch {
			case key == "requirepass" || key == "masterauth" || key == "masteruser":
				if len(f) > 1 {
					lines[i] = f[0] + " <redacted>"
				}
			case key == "user":
				lines[i] = aclSecret.ReplaceAllString(line, "$1$2<redacted>")
			}
		case strings.HasSuffix(base, ".cnf"):
			if k, _, ok := strings.Cut(line, "="); ok && strings.Contains(strings.ToLower(k), "pass") {
				lines[i] = strings.TrimRight(k, " \t") + " = <redacted>"
			}
		case base == "tomcat-users.xml":
			lines[i] = xmlPassword.ReplaceAllString(line, `$1"<redacted>"`)
		case base == "snmpd.conf":
			if (key == "rocommunity" || key == "rwcommunity" || key == "rocommunity6" || key == "rwcommunity6") && len(f) > 1 {
				lines[i] = f[0] + " <redacted>" + restFields(f, 2)
			} else if key == "com2sec" && len(f) > 3 {
				lines[i] = strings.Join(f[:3], " ") + " <redacted>" + restFields(f, 4)
			}
		case strings.HasPrefix(base, "grub"):
			if key == "password" || key == "password_pbkdf2" {
				lines[i] = strings.Join(f[:min(2, len(f))], " ") + " <redacted>"
			}
		case strings.HasPrefix(name, "/etc/rsyncd"):
			// rsyncd.conf names the secrets file; it holds no secret itself.
		}
		if shellLike(name) {
			lines[i] = envSecret.ReplaceAllString(lines[i], "$1$3<redacted>")
		}
		lines[i] = hashLike.ReplaceAllString(lines[i], "<redacted>")
	}
	return strings.Join(lines, "\n")
}

// shellLike reports whether a file holds shell or unit environment assignments,
// where a variable named like a secret has its value redacted.
func shellLike(name string) bool {
	return strings.HasPrefix(name, "/etc/profile") || strings.HasPrefix(name, "/etc/bash") || name == "/etc/csh.cshrc" ||
		strings.HasPrefix(name, "/etc/default/") || strings.Contains(name, ".service")
}

func restFields(f []string, from int) string {
	if len(f) <= from {
		return ""
	}
	return " " + strings.Join(f[from:], " ")
}

func (p *prober) host(ctx context.Context) {
	h := &p.f.Host
	for _, name := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		text, ok, err := p.f.Text(name)
		if !ok || err != nil {
			continue
		}
		kv := parseEnvFile(text)
		h.OSID, h.OSVersion = kv["ID"], kv["VERSION_ID"]
		h.Variant = variantOf(kv["ID"], kv["ID_LIKE"])
		break
	}
	if text, ok, err := p.f.Text("/etc/hostname"); ok && err == nil {
		h.Hostname = strings.TrimSpace(text)
	}
	if h.Hostname == "" && p.o.Live {
		h.Hostname, _ = os.Hostname()
	}
}

func variantOf(id, like string) OS {
	switch id {
	case "debian":
		return Debian
	case "ubuntu":
		return Ubuntu
	case "alinux", "anolis", "centos", "rhel", "rocky", "almalinux", "fedora", "ol":
		return ALinux
	}
	for _, l := range strings.Fields(like) {
		switch l {
		case "debian":
			return Debian
		case "rhel", "fedora", "centos":
			return ALinux
		}
	}
	return ""
}

// parseEnvFile parses KEY=value lines (os-release, /etc/default files).
func parseEnvFile(text string) map[string]string {
	kv := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		kv[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return kv
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

func (p *prober) accounts(ctx context.Context) {
	pw, _, err := p.r.readText("/etc/passwd")
	p.statPath("/etc/passwd")
	if err != nil {
		p.note("/etc/passwd: %s", errText(err))
		return
	}
	shadow := map[string][]string{}
	p.statPath("/etc/shadow")
	if sb, _, err := p.r.readText("/etc/shadow"); err == nil {
		for _, line := range strings.Split(string(sb), "\n") {
			f := strings.Split(line, ":")
			if len(f) >= 2 && f[0] != "" {
				shadow[f[0]] = f
			}
		}
	} else if errText(err) != "missing" {
		p.note("/etc/shadow: %s", errText(err))
	}
	for _, line := range strings.Split(string(pw), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, ":")
		if strings.HasPrefix(f[0], "+") || strings.HasPrefix(f[0], "-") {
			p.f.Accounts = append(p.f.Accounts, Account{Name: f[0][:1], Legacy: true, UID: -1, GID: -1})
			continue
		}
		if len(f) < 7 {
			p.note("/etc/passwd: malformed line for %q", safeName(f[0]))
			continue
		}
		a := Account{Name: f[0], UID: atoiOr(f[2], -1), GID: atoiOr(f[3], -1), Home: f[5], Shell: f[6]}
		switch {
		case f[1] == "x":
			a.PwField = "x"
		case f[1] == "":
			a.PwField = "empty"
		case strings.HasPrefix(f[1], "*") || strings.HasPrefix(f[1], "!"):
			a.PwField = "locked"
		default:
			a.PwField = "hash"
		}
		if s, ok := shadow[a.Name]; ok {
			a.Shadow = shadowEntry(s)
		}
		p.f.Accounts = append(p.f.Accounts, a)
	}
	if gb, _, err := p.r.readText("/etc/group"); err == nil {
		for _, line := range strings.Split(string(gb), "\n") {
			f := strings.Split(line, ":")
			if len(f) < 4 {
				continue
			}
			g := Group{Name: f[0], GID: atoiOr(f[2], -1)}
			for _, m := range strings.Split(f[3], ",") {
				if m = strings.TrimSpace(m); m != "" {
					g.Members = append(g.Members, m)
				}
			}
			p.f.Groups = append(p.f.Groups, g)
		}
	}
	p.statPath("/etc/group")
	// home directories of login accounts
	for _, a := range p.f.Accounts {
		if a.Home != "" && a.Home != "/" && (a.UID == 0 || a.UID >= 1000) && a.UID != 65534 {
			p.statPath(path.Clean(a.Home))
		}
	}
}

// safeName bounds a name taken from a file before it goes into facts.
func safeName(s string) string {
	if len(s) > 32 {
		s = s[:32]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

func shadowEntry(f []string) *Shadow {
	get := func(i int) int {
		if i >= len(f) || f[i] == "" {
			return -1
		}
		return atoiOr(f[i], -1)
	}
	s := &Shadow{LastChange: get(2), Min: get(3), Max: get(4), Warn: get(5), Inactive: get(6), Expire: get(7)}
	h := f[1]
	switch {
	case h == "":
		s.State = "empty"
	case h == "*" || h == "!" || h == "!!" || h == "!*" || h == "*LK*":
		s.State = "locked"
		if h == "*" {
			s.State = "nologin"
		}
	case strings.HasPrefix(h, "!"):
		s.State = "locked_hash"
		s.Scheme, s.Cost = schemeOf(strings.TrimLeft(h, "!"))
	default:
		s.State = "hash"
		s.Scheme, s.Cost = schemeOf(h)
	}
	return s
}

func (p *prober) packages(ctx context.Context) {
	r := &rootFS{fsys: p.r.fsys, readCap: 256 << 20}
	b, _, err := r.readText("/var/lib/dpkg/status")
	if err != nil {
		if _, _, e2 := p.r.stat("/var/lib/rpm"); e2 == nil {
			p.f.PkgDB = "rpm"
		} else if errText(err) != "missing" {
			p.note("/var/lib/dpkg/status: %s", errText(err))
		}
		return
	}
	p.f.PkgDB = "dpkg"
	p.f.Packages = map[string]string{}
	for _, st := range parseDebStanzas(string(b)) {
		if strings.HasSuffix(st["Status"], " installed") && st["Package"] != "" {
			p.f.Packages[st["Package"]] = st["Version"]
		}
	}
	if !p.o.NoPending {
		p.f.Pending = pendingUpdates(r, p.f.Packages)
	}
}

// parseDebStanzas splits an RFC 822-style control file into stanzas (continuation
// lines are dropped; the probe needs only single-line fields).
func parseDebStanzas(s string) []map[string]string {
	var out []map[string]string
	cur := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = map[string]string{}
			}
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			cur[k] = strings.TrimSpace(v)
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// pendingUpdates compares installed versions with the apt package index. The
// index files are streamed (a full Debian index is ~50 MB), keeping only the
// Package and Version lines of installed packages.
func pendingUpdates(r *rootFS, installed map[string]string) *Pending {
	pend := &Pending{}
	lists := r.glob("/var/lib/apt/lists/*_Packages")
	if len(lists) == 0 {
		pend.Err = "no package index under /var/lib/apt/lists (apt-get update never ran)"
		return pend
	}
	best := map[string]string{}
	security := map[string]bool{}
	for _, l := range lists {
		f, err := r.openRegular(l)
		if err != nil {
			pend.Err = l + ": " + errText(err)
			continue
		}
		pend.Index++
		sec := strings.Contains(path.Base(l), "security")
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var name string
		for sc.Scan() {
			line := sc.Bytes()
			switch {
			case bytes.HasPrefix(line, []byte("Package: ")):
				name = string(line[9:])
				if _, ok := installed[name]; !ok {
					name = ""
				}
			case name != "" && bytes.HasPrefix(line, []byte("Version: ")):
				ver := string(line[9:])
				if CompareDebVersions(ver, installed[name]) > 0 {
					if b, ok := best[name]; !ok || CompareDebVersions(ver, b) > 0 {
						best[name] = ver
					}
					if sec {
						security[name] = true
					}
				}
				name = ""
			}
		}
		if err := sc.Err(); err != nil {
			pend.Err = l + ": " + err.Error()
		}
		f.Close()
	}
	for name := range best {
		if security[name] {
			pend.Security = append(pend.Security, name)
		} else {
			pend.Other++
		}
	}
	sort.Strings(pend.Security)
	return pend
}

// units records systemd and SysV enablement.
func (p *prober) units(ctx context.Context) {
	u := map[string]string{}
	for _, dir := range []string{"/lib/systemd/system", "/usr/lib/systemd/system", "/etc/systemd/system"} {
		ents, err := p.r.readDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if strings.HasSuffix(n, ".wants") || strings.HasSuffix(n, ".requires") {
				sub, err := p.r.readDir(path.Join(dir, n))
				if err != nil {
					continue
				}
				for _, s := range sub {
					if dir == "/etc/systemd/system" {
						u[s.Name()] = "enabled"
					} else if _, ok := u[s.Name()]; !ok {
						u[s.Name()] = "static"
					}
				}
				continue
			}
			if !isUnitName(n) {
				continue
			}
			if dir == "/etc/systemd/system" {
				if t, err := p.r.readlink(path.Join(dir, n)); err == nil && t == "/dev/null" {
					u[n] = "masked"
					continue
				}
			}
			if _, ok := u[n]; !ok {
				u[n] = "disabled"
			}
		}
	}
	// SysV runlevel links
	for _, rl := range []string{"/etc/rc2.d", "/etc/rc3.d"} {
		ents, err := p.r.readDir(rl)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if n := e.Name(); strings.HasPrefix(n, "S") && len(n) > 3 {
				name := strings.TrimLeft(n[1:], "0123456789") + ".service"
				if u[name] != "masked" {
					u[name] = "enabled"
				}
			}
		}
	}
	if len(u) > 0 {
		p.f.Units = u
	}
}

func isUnitName(n string) bool {
	for _, s := range []string{".service", ".socket", ".timer", ".target", ".mount", ".path"} {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// UnitEnabled reports whether a unit (name with suffix) is enabled.
func (f *Facts) UnitEnabled(name string) bool { return f.Units[name] == "enabled" }

// UnitState is the unit's enablement, "" when no unit file exists.
func (f *Facts) UnitState(name string) string { return f.Units[name] }

func unitAny(f *Facts, names ...string) (string, bool) {
	for _, n := range names {
		if f.UnitEnabled(n) || slices.Contains(f.Active, n) {
			return n, true
		}
	}
	return "", false
}
