package baseline

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// services records the service files the probe needs beyond contentGlobs (Redis
// ACL files named by aclfile).
func (p *prober) services(ctx context.Context) {
	for _, conf := range p.redisConfs() {
		b, _, err := p.r.readText(conf)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) >= 2 && strings.EqualFold(f[0], "aclfile") {
				p.readPath(unquote(f[1]))
			}
		}
	}
}

func (p *prober) redisConfs() []string {
	var out []string
	for name, ff := range p.f.Files {
		if strings.HasPrefix(name, "/etc/redis") && strings.HasSuffix(name, ".conf") && ff.Err != "missing" && (ff.Type == "f" || ff.Err != "") {
			out = append(out, name)
		}
	}
	sortStrings(out)
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// serviceSecrets tests the credentials of Redis, MySQL/MariaDB, PostgreSQL,
// Tomcat and SNMP, offline: nothing logs in anywhere.
func (p *prober) serviceSecrets(ctx context.Context, o PasswordOptions) {
	deadline := time.Now().Add(o.Budget)
	cands := func(subject string) []candidate { return candidates(o.Tiers, subject, p.f.Host.Hostname) }
	add := func(s Secret) { p.f.Secrets = append(p.f.Secrets, s) }
	plain := func(kind, where, subject, pw string) {
		s := Secret{Kind: kind, Where: where, Subject: subject}
		switch {
		case pw == "":
			s.State = "empty"
		case o.Skip:
			s.State, s.Cause = "unknown", "password tests skipped"
		default:
			if t := plainVerdict(pw, cands(subject)); t != "" {
				s.State, s.Tier = "weak", t
			} else {
				s.State = "ok"
			}
		}
		add(s)
	}
	// hashed tests each candidate with match until the deadline.
	hashed := func(s Secret, match func(pw []byte) bool) {
		if o.Skip {
			s.State, s.Cause = "unknown", "password tests skipped"
			add(s)
			return
		}
		s.State = "ok"
		for i, c := range cands(s.Subject) {
			if i%16 == 0 && (time.Now().After(deadline) || ctx.Err() != nil) {
				s.State, s.Cause = "unknown", "time cap reached"
				break
			}
			if match([]byte(c.word)) {
				s.State, s.Tier = "weak", c.tier
				break
			}
		}
		add(s)
	}

	p.redisSecrets(plain, hashed)
	p.mycnfSecrets(plain)
	p.mariadbSecrets(add, hashed)
	p.postgresSecrets(add, hashed)
	p.tomcatSecrets(plain)
	p.snmpSecrets(add)
}

func (p *prober) redisSecrets(plain func(kind, where, subject, pw string), hashed func(Secret, func([]byte) bool)) {
	for _, conf := range p.redisConfs() {
		b, _, err := p.r.readText(conf)
		if err != nil {
			if ff := p.f.File(conf); ff != nil && ff.Err != "" {
				p.f.Secrets = append(p.f.Secrets, Secret{Kind: "redis.requirepass", Where: conf, State: "unknown", Cause: ff.Err})
			}
			continue
		}
		text := string(b)
		if !strings.Contains(text, "port") && !strings.Contains(text, "bind") && !strings.Contains(text, "requirepass") {
			continue // not a server configuration (e.g. a sentinel or an include fragment)
		}
		var req *string
		defaultUser := false
		aclLines := map[string][]string{}
		for i, line := range strings.Split(text, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			where := fmt.Sprintf("%s:%d", conf, i+1)
			switch strings.ToLower(f[0]) {
			case "requirepass":
				v := ""
				if len(f) > 1 {
					v = unquote(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), f[0])))
				}
				req = &v
				plain("redis.requirepass", where, "default", v)
			case "user":
				aclLines[where] = f
			case "aclfile":
				if len(f) > 1 {
					af := unquote(f[1])
					if ab, _, err := p.r.readText(af); err == nil {
						for j, l := range strings.Split(string(ab), "\n") {
							if lf := strings.Fields(l); len(lf) > 1 && lf[0] == "user" {
								aclLines[fmt.Sprintf("%s:%d", af, j+1)] = lf
							}
						}
					} else {
						p.f.Secrets = append(p.f.Secrets, Secret{Kind: "redis.acl", Where: af, State: "unknown", Cause: errText(err)})
					}
				}
			}
		}
		for where, f := range aclLines {
			if len(f) < 2 {
				continue
			}
			user := f[1]
			if user == "default" {
				defaultUser = true
			}
			on, nopass, creds := false, false, 0
			for _, r := range f[2:] {
				switch {
				case r == "on":
					on = true
				case r == "off":
					on = false
				case r == "nopass":
					nopass = true
				case strings.HasPrefix(r, ">"):
					creds++
					plain("redis.acl", where, user, r[1:])
				case strings.HasPrefix(r, "#"):
					creds++
					want, err := hex.DecodeString(r[1:])
					if err != nil || len(want) != sha256.Size {
						p.f.Secrets = append(p.f.Secrets, Secret{Kind: "redis.acl", Where: where, Subject: user, State: "unknown", Cause: "malformed ACL hash"})
						continue
					}
					hashed(Secret{Kind: "redis.acl", Where: where, Subject: user}, func(pw []byte) bool {
						sum := sha256.Sum256(pw)
						return subtle.ConstantTimeCompare(sum[:], want) == 1
					})
				}
			}
			if on && (nopass || creds == 0) {
				p.f.Secrets = append(p.f.Secrets, Secret{Kind: "redis.acl", Where: where, Subject: user, State: "nopass"})
			}
		}
		if req == nil && !defaultUser {
			p.f.Secrets = append(p.f.Secrets, Secret{Kind: "redis.requirepass", Where: conf, Subject: "default", State: "nopass"})
		}
	}
}

var mycnfClientSections = map[string]bool{"client": true, "mysql": true, "mysqladmin": true, "mysqldump": true, "client-server": true, "client-mariadb": true}

func (p *prober) mycnfSecrets(plain func(kind, where, subject, pw string)) {
	var files []string
	for n := range p.f.Files {
		if strings.HasSuffix(n, ".cnf") {
			files = append(files, n)
		}
	}
	sortStrings(files)
	for _, name := range files {
		b, _, err := p.r.readText(name)
		if err != nil {
			continue
		}
		section, user := "", ""
		for i, line := range strings.Split(string(b), "\n") {
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
				section, user = strings.ToLower(strings.Trim(t, "[]")), ""
				continue
			}
			k, v, ok := strings.Cut(t, "=")
			if !ok || !mycnfClientSections[section] {
				continue
			}
			k = strings.TrimSpace(strings.ToLower(k))
			if k == "user" {
				user = strings.TrimSpace(v)
			}
			if k == "password" {
				plain("mysql.cnf_password", fmt.Sprintf("%s:%d", name, i+1), user, unquote(strings.TrimSpace(v)))
			}
		}
	}
}

// mariadbSecrets reads MariaDB's account table (mysql.global_priv, an Aria table)
// straight from the data directory: the live rows of each head page, whose JSON
// holds plugin and authentication_string.
func (p *prober) mariadbSecrets(add func(Secret), hashed func(Secret, func([]byte) bool)) {
	for _, dir := range p.mysqlDataDirs() {
		mad := path.Join(dir, "mysql/global_priv.MAD")
		r := &rootFS{fsys: p.r.fsys, readCap: 64 << 20}
		b, _, err := r.readBytes(mad)
		if err != nil {
			if _, _, e2 := p.r.stat(path.Join(dir, "mysql.ibd")); e2 == nil {
				add(Secret{Kind: "mysql.user", Where: dir, State: "unknown", Cause: "MySQL 8 account table (InnoDB) is not read offline"})
			} else if errText(err) != "missing" {
				add(Secret{Kind: "mysql.user", Where: mad, State: "unknown", Cause: errText(err)})
			}
			continue
		}
		rows, err := ariaGlobalPriv(b)
		if err != nil {
			add(Secret{Kind: "mysql.user", Where: mad, State: "unknown", Cause: err.Error()})
			continue
		}
		for _, row := range rows {
			s := Secret{Kind: "mysql.user", Where: "mysql.global_priv", Subject: row.user + "@" + row.host}
			switch {
			case row.user == "" || row.role || row.locked:
				continue
			case row.plugin == "" || (row.plugin == "mysql_native_password" && row.auth == ""):
				if row.socketOr {
					continue
				}
				s.State = "empty"
				add(s)
			case row.plugin == "mysql_native_password" && len(row.auth) == 41 && row.auth[0] == '*':
				want := strings.ToUpper(row.auth[1:])
				hashed(s, func(pw []byte) bool {
					h1 := sha1.Sum(pw)
					h2 := sha1.Sum(h1[:])
					return subtle.ConstantTimeCompare([]byte(strings.ToUpper(hex.EncodeToString(h2[:]))), []byte(want)) == 1
				})
			case row.plugin == "unix_socket" || row.plugin == "mysql_native_password":
				continue // socket-only or an invalid hash ("invalid"): no password login
			default:
				s.State, s.Cause = "unknown", "authentication plugin "+safeName(row.plugin)+" not tested"
				add(s)
			}
		}
	}
}

func (p *prober) mysqlDataDirs() []string {
	dirs := map[string]bool{"/var/lib/mysql": true}
	for n, ff := range p.f.Files {
		if !strings.HasSuffix(n, ".cnf") || ff.Text == nil {
			continue
		}
		for _, line := range strings.Split(*ff.Text, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "datadir" {
				dirs[path.Clean(unquote(strings.TrimSpace(v)))] = true
			}
		}
	}
	return sortedKeys(dirs)
}

type mariaRow struct {
	host, user, plugin, auth string
	role, locked, socketOr   bool
}

// ariaGlobalPriv decodes the rows of mysql.global_priv from an Aria block-record
// data file: 8 KiB pages, head pages (type 1) with a row directory at the page end.
func ariaGlobalPriv(b []byte) ([]mariaRow, error) {
	const page = 8192
	if len(b) == 0 || len(b)%page != 0 {
		return nil, fmt.Errorf("global_priv.MAD: size %d is not a multiple of the %d-byte Aria page", len(b), page)
	}
	var rows []mariaRow
	for off := 0; off < len(b); off += page {
		pg := b[off : off+page]
		if pg[7]&0x7f != 1 { // HEAD_PAGE
			continue
		}
		n := int(pg[8])
		for i := 0; i < n; i++ {
			e := page - 4 - (i+1)*4
			ro := int(binary.LittleEndian.Uint16(pg[e:]))
			rl := int(binary.LittleEndian.Uint16(pg[e+2:]))
			if ro == 0 || ro+rl > page || rl < 9 {
				continue
			}
			row, ok := ariaRow(pg[ro : ro+rl])
			if ok {
				rows = append(rows, row)
			}
		}
	}
	return rows, nil
}

// ariaRow decodes one row: flag, header byte, empty-field bits, a 2-byte length per
// non-empty Host/User, the 4-byte Priv blob length, then Host, User and the JSON.
func ariaRow(r []byte) (mariaRow, bool) {
	var row mariaRow
	if len(r) < 3 {
		return row, false
	}
	bits := r[2]
	pos := 3
	var lens [2]int
	for i := 0; i < 2; i++ {
		if bits&(1<<i) != 0 {
			continue
		}
		if pos+2 > len(r) {
			return row, false
		}
		lens[i] = int(binary.LittleEndian.Uint16(r[pos:]))
		pos += 2
	}
	if pos+4 > len(r) {
		return row, false
	}
	bl := int(binary.LittleEndian.Uint32(r[pos:]))
	pos += 4
	if pos+lens[0]+lens[1]+bl > len(r) {
		return row, false
	}
	row.host = string(r[pos : pos+lens[0]])
	pos += lens[0]
	row.user = string(r[pos : pos+lens[1]])
	pos += lens[1]
	var priv struct {
		Plugin string            `json:"plugin"`
		Auth   string            `json:"authentication_string"`
		IsRole bool              `json:"is_role"`
		Locked bool              `json:"account_locked"`
		AuthOr []json.RawMessage `json:"auth_or"`
	}
	if err := json.Unmarshal(r[pos:pos+bl], &priv); err != nil {
		return row, false
	}
	row.plugin, row.auth, row.role, row.locked = priv.Plugin, priv.Auth, priv.IsRole, priv.Locked
	for _, a := range priv.AuthOr {
		if bytes.Contains(a, []byte("unix_socket")) {
			row.socketOr = true
		}
	}
	return row, true
}

// postgresSecrets reads pg_authid from each data directory's heap file and tests
// md5 and SCRAM-SHA-256 verifiers.
func (p *prober) postgresSecrets(add func(Secret), hashed func(Secret, func([]byte) bool)) {
	for _, dir := range p.pgDataDirs() {
		m := &rootFS{fsys: p.r.fsys, readCap: 64 << 20}
		mapb, _, err := m.readBytes(path.Join(dir, "global/pg_filenode.map"))
		if err != nil {
			if errText(err) != "missing" {
				add(Secret{Kind: "postgres.role", Where: dir, State: "unknown", Cause: errText(err)})
			}
			continue
		}
		node := pgFilenode(mapb, 1260)
		if node == 0 {
			add(Secret{Kind: "postgres.role", Where: dir, State: "unknown", Cause: "pg_authid not found in pg_filenode.map"})
			continue
		}
		heap, _, err := m.readBytes(path.Join(dir, "global", strconv.Itoa(int(node))))
		if err != nil {
			add(Secret{Kind: "postgres.role", Where: dir, State: "unknown", Cause: errText(err)})
			continue
		}
		for _, role := range pgAuthid(heap) {
			if !role.canLogin {
				continue
			}
			s := Secret{Kind: "postgres.role", Where: "pg_authid", Subject: role.name}
			switch {
			case role.password == "":
				continue // no password: authentication depends on pg_hba (trust is its own item)
			case strings.HasPrefix(role.password, "md5") && len(role.password) == 35:
				want := role.password[3:]
				name := role.name
				hashed(s, func(pw []byte) bool {
					sum := md5.Sum(append(append([]byte{}, pw...), name...))
					return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(want)) == 1
				})
			case strings.HasPrefix(role.password, "SCRAM-SHA-256$"):
				v, err := parseSCRAM(role.password)
				if err != nil {
					s.State, s.Cause = "unknown", err.Error()
					add(s)
					continue
				}
				hashed(s, v.match)
			default:
				s.State, s.Cause = "unknown", "unrecognised password format"
				add(s)
			}
		}
	}
}

func (p *prober) pgDataDirs() []string {
	dirs := map[string]bool{}
	for n, ff := range p.f.Files {
		if path.Base(n) != "postgresql.conf" || ff.Text == nil {
			continue
		}
		dirs[path.Dir(n)] = false // a conf directory is a data directory on RHEL
		for _, line := range strings.Split(*ff.Text, "\n") {
			k, v, ok := strings.Cut(line, "=")
			if ok && strings.TrimSpace(k) == "data_directory" {
				v, _, _ = strings.Cut(v, "#")
				dirs[path.Clean(unquote(strings.TrimSpace(v)))] = true
			}
		}
	}
	for _, g := range []string{"/var/lib/postgresql/*/main", "/var/lib/pgsql/data", "/var/lib/pgsql/*/data"} {
		for _, d := range p.r.glob(g) {
			dirs[d] = true
		}
	}
	return sortedKeys(dirs)
}

// pgFilenode finds a mapped catalog's file number in pg_filenode.map.
func pgFilenode(b []byte, oid uint32) uint32 {
	if len(b) < 8 || binary.LittleEndian.Uint32(b) != 0x592717 {
		return 0
	}
	n := int(binary.LittleEndian.Uint32(b[4:]))
	for i := 0; i < n && 8+i*8+8 <= len(b); i++ {
		if binary.LittleEndian.Uint32(b[8+i*8:]) == oid {
			return binary.LittleEndian.Uint32(b[12+i*8:])
		}
	}
	return 0
}

type pgRole struct {
	name     string
	canLogin bool
	password string
}

// pgAuthid decodes the live tuples of pg_authid's heap pages (PostgreSQL 12+
// layout: oid, rolname, seven bools, rolconnlimit, rolpassword, rolvaliduntil).
func pgAuthid(b []byte) []pgRole {
	const page = 8192
	var out []pgRole
	for off := 0; off+page <= len(b); off += page {
		pg := b[off : off+page]
		lower := int(binary.LittleEndian.Uint16(pg[12:]))
		if lower < 24 || lower > page {
			continue
		}
		for lp := 24; lp+4 <= lower; lp += 4 {
			v := binary.LittleEndian.Uint32(pg[lp:])
			toff, flags, tlen := int(v&0x7fff), (v>>15)&3, int(v>>17)
			if flags != 1 || toff+tlen > page || tlen < 24 {
				continue
			}
			t := pg[toff : toff+tlen]
			xmax := binary.LittleEndian.Uint32(t[4:])
			infomask := binary.LittleEndian.Uint16(t[20:])
			hoff := int(t[22])
			if infomask&0x0300 == 0x0200 { // inserter aborted
				continue
			}
			if xmax != 0 && infomask&0x0800 == 0 && infomask&0x0080 == 0 { // deleted or updated
				continue
			}
			hasNull := infomask&0x0001 != 0
			notNull := func(att int) bool {
				if !hasNull {
					return true
				}
				return t[23+att/8]&(1<<(att%8)) != 0
			}
			d := t[hoff:]
			if len(d) < 80 {
				continue
			}
			r := pgRole{name: string(bytes.TrimRight(d[4:68], "\x00")), canLogin: d[72] != 0}
			if notNull(10) {
				pos := 80
				if pos < len(d) {
					if d[pos]&1 == 1 && d[pos] != 1 {
						l := int(d[pos] >> 1)
						if pos+l <= len(d) {
							r.password = string(d[pos+1 : pos+l])
						}
					} else if pos+4 <= len(d) {
						hv := binary.LittleEndian.Uint32(d[pos:])
						l := int(hv >> 2)
						if hv&3 == 0 && pos+l <= len(d) {
							r.password = string(d[pos+4 : pos+l])
						}
					}
				}
			}
			out = append(out, r)
		}
	}
	return out
}

type scramVerifier struct {
	iter      int
	salt      []byte
	storedKey []byte
}

// parseSCRAM parses SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>.
func parseSCRAM(s string) (*scramVerifier, error) {
	rest := strings.TrimPrefix(s, "SCRAM-SHA-256$")
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return nil, fmt.Errorf("malformed SCRAM verifier")
	}
	it, salt64, ok1 := strings.Cut(params, ":")
	stored64, _, ok2 := strings.Cut(keys, ":")
	iter, err := strconv.Atoi(it)
	if !ok1 || !ok2 || err != nil || iter < 1 || iter > 1<<20 {
		return nil, fmt.Errorf("malformed SCRAM verifier")
	}
	salt, err1 := base64.StdEncoding.DecodeString(salt64)
	stored, err2 := base64.StdEncoding.DecodeString(stored64)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("malformed SCRAM verifier")
	}
	return &scramVerifier{iter: iter, salt: salt, storedKey: stored}, nil
}

func (v *scramVerifier) match(pw []byte) bool {
	salted, err := pbkdf2.Key(sha256.New, string(pw), v.salt, v.iter, sha256.Size)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, salted)
	mac.Write([]byte("Client Key"))
	stored := sha256.Sum256(mac.Sum(nil))
	return subtle.ConstantTimeCompare(stored[:], v.storedKey) == 1
}

var tomcatUser = regexp.MustCompile(`<user\s[^>]*>`)
var xmlAttr = regexp.MustCompile(`(\w+)\s*=\s*("([^"]*)"|'([^']*)')`)

func (p *prober) tomcatSecrets(plain func(kind, where, subject, pw string)) {
	for _, name := range p.f.Glob("/etc/tomcat*/tomcat-users.xml") {
		b, _, err := p.r.readText(name)
		if err != nil {
			continue
		}
		text := stripXMLComments(string(b))
		for _, u := range tomcatUser.FindAllString(text, -1) {
			attrs := map[string]string{}
			for _, m := range xmlAttr.FindAllStringSubmatch(u, -1) {
				attrs[m[1]] = m[3] + m[4]
			}
			if pw, ok := attrs["password"]; ok {
				plain("tomcat.user", name, attrs["username"], pw)
			}
		}
	}
}

func stripXMLComments(s string) string {
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "-->")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+j+3:]
	}
}

var weakCommunities = map[string]bool{"public": true, "private": true, "community": true, "snmp": true, "admin": true, "manager": true}

func (p *prober) snmpSecrets(add func(Secret)) {
	const name = "/etc/snmp/snmpd.conf"
	b, _, err := p.r.readText(name)
	if err != nil {
		return
	}
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		var c string
		switch strings.ToLower(f[0]) {
		case "rocommunity", "rwcommunity", "rocommunity6", "rwcommunity6":
			c = f[1]
		case "com2sec":
			if len(f) >= 4 {
				c = f[3]
			}
		default:
			continue
		}
		s := Secret{Kind: "snmp.community", Where: fmt.Sprintf("%s:%d", name, i+1), State: "ok"}
		if weakCommunities[strings.ToLower(c)] || policyWeak(c) {
			s.State, s.Tier = "weak", TierTop
		}
		add(s)
	}
}
