package baseline

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Distinctive weak passwords: in the tenant's own dictionary, so the probe finds
// them, and unlike any word the reports use, so a leak would be seen.
var leakPasswords = []string{"Kumquat#Zebra-7731", "quokka-Umber-5512", "xylo-Parsnip-0042", "gnu-Marzipan-3137", "yak-Turnip-9090", "Okapi-Lentil-2468",
	"pangolin-Rye-1357", "ibis-Quince-8642", "walrus-Fennel-7531", "Tapir-Sorrel-1122"}

func perlCrypt(t *testing.T, pw, setting string) string {
	t.Helper()
	out, err := exec.Command("perl", "-e", "print crypt($ARGV[0], $ARGV[1])", pw, setting).Output()
	if err != nil || len(out) < 13 || out[0] == '*' {
		t.Fatalf("perl crypt(%q): %q %v", setting, out, err)
	}
	return string(out)
}

// TestNoSecretInOutput runs the probe and the catalogue over roots with known weak
// passwords (system accounts in every scheme, Redis, MySQL, PostgreSQL, Tomcat,
// SNMP) and scans every output format for the passwords and their hashes.
func TestNoSecretInOutput(t *testing.T) {
	needBinary(t, "perl")
	p := leakPasswords
	hashes := []string{
		perlCrypt(t, p[0], "$y$j75$5WdIbmW5Qh6n7RkVPbmoJ/"),
		perlCrypt(t, p[1], "$6$rounds=1000$leaksalt"),
		perlCrypt(t, p[2], "$5$rounds=1000$leaksalt"),
		perlCrypt(t, p[3], "$1$leaksalt"),
		perlCrypt(t, p[4], "$2b$04$abcdefghijklmnopqrstuu"),
		perlCrypt(t, p[5], "zq"),
	}
	shadow := "root:" + hashes[0] + ":19800:0:90:7:30::\n"
	passwd := "root:x:0:0::/root:/bin/bash\n"
	for i, h := range hashes[1:] {
		name := []string{"u1", "u2", "u3", "u4", "u5"}[i]
		shadow += name + ":" + h + ":19800:0:90:7:30::\n"
		passwd += name + ":x:" + string(rune('1'+i)) + "001:100::/home/" + name + ":/bin/bash\n"
	}
	aclHash := sha256.Sum256([]byte(p[6]))
	h1 := sha1.Sum([]byte(p[7]))
	h2 := sha1.Sum(h1[:])
	mysqlHash := "*" + strings.ToUpper(hex.EncodeToString(h2[:]))
	pgSum := md5.Sum([]byte(p[8] + "postgres"))
	pgHash := "md5" + hex.EncodeToString(pgSum[:])
	hashes = append(hashes, hex.EncodeToString(aclHash[:]), mysqlHash, pgHash)

	m := pgRoot(pgAuthidPage(pgRole{name: "postgres", canLogin: true, password: pgHash}))
	for k, v := range mariaRoot(mariaRowBytes("localhost", "app", `{"access":0,"plugin":"mysql_native_password","authentication_string":"`+mysqlHash+`"}`)) {
		if _, ok := m[k]; !ok || strings.HasPrefix(k, "var/lib/mysql") {
			m[k] = v
		}
	}
	m = with(m, "/etc/shadow", shadow, 0o640, 0, 42)
	m = with(m, "/etc/passwd", passwd, 0o644, 0, 0)
	m = with(m, "/etc/mysql/conf.d/client.cnf", "[client]\nuser=root\npassword="+p[9]+"\n", 0o600, 0, 0)
	m = with(m, redisConf, "port 6379\nrequirepass "+p[6]+"\nuser app on #"+hex.EncodeToString(aclHash[:])+" >"+p[6]+" ~* +@all\n", 0o640, 0, 0)
	m = with(m, "/etc/tomcat9/tomcat-users.xml", `<tomcat-users><user username="admin" password="`+p[7]+`" roles="manager-gui"/></tomcat-users>`, 0o640, 0, 0)
	m = with(m, "/etc/profile.d/app.sh", "export DB_PASSWORD="+p[9]+"\nexport API_TOKEN='"+p[8]+"'\nreadonly TMOUT=600\n", 0o644, 0, 0)
	m = with(m, "/etc/snmp/snmpd.conf", "rocommunity "+p[8]+" default\n", 0o600, 0, 0)

	tiers := DefaultTiers(20, p)
	ctx := context.Background()
	facts, err := Collect(ctx, ProbeOptions{FS: m, NotLive: true, Passwords: PasswordOptions{Tiers: tiers, Budget: 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate(facts, Options{})
	// the probe did find them all
	for _, id := range []string{"host.password.system_weak", "host.redis.weak_password", "host.mysql.weak_password", "host.postgres.weak_password", "host.tomcat.weak_password"} {
		if f := findingOf(r, id); f.Status != NotPass {
			t.Errorf("%s = %s %v; want NOT_PASS", id, f.Status, f.Evidence)
		}
	}
	if ev := strings.Join(findingOf(r, "host.password.system_weak").Evidence, "\n"); strings.Count(ev, "matched tier tenant") != 6 {
		t.Errorf("want 6 accounts matched in the tenant tier:\n%s", ev)
	}
	outputs := map[string][]byte{}
	for _, format := range []string{"json", "table"} {
		var b bytes.Buffer
		if err := WriteReport(&b, r, format); err != nil {
			t.Fatal(err)
		}
		outputs["report "+format] = b.Bytes()
	}
	var plain, gz bytes.Buffer
	facts.Encode(&plain, false)
	facts.Encode(&gz, true)
	outputs["facts json"] = plain.Bytes()
	zr, err := gzip.NewReader(bytes.NewReader(gz.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	outputs["facts gzip"] = unz
	outputs["facts chunks"] = []byte(strings.Join(EncodeChunkLines(gz.Bytes(), 512), "\n"))

	// the misconfigured debootstrap root, when available: its real shadow hashes
	if os.Geteuid() == 0 {
		if _, err := os.Stat(filepath.Join(debootstrapCache(), ".complete")); err == nil {
			root := misconfiguredRoot(t)
			rr, err := Run(ctx, Options{Root: root, NotLive: true, Passwords: PasswordOptions{
				Tiers: []Tier{{Name: TierTop, Words: []string{"123456", "password", "qwerty"}}, {Name: TierTenant, Words: []string{"alice123"}}}, Budget: 30 * time.Second}})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			WriteReport(&b, rr, "json")
			WriteReport(&b, rr, "table")
			f2, _ := Collect(ctx, ProbeOptions{Root: root, NotLive: true, Passwords: PasswordOptions{Skip: true}})
			f2.Encode(&b, false)
			outputs["debootstrap"] = b.Bytes()
			sb, _ := os.ReadFile(filepath.Join(root, "etc/shadow"))
			for _, line := range strings.Split(string(sb), "\n") {
				if f := strings.Split(line, ":"); len(f) > 2 && strings.HasPrefix(f[1], "$") {
					hashes = append(hashes, f[1])
				}
			}
			for _, pw := range []string{"alice123", "qwerty"} {
				p = append(p, pw)
			}
		}
	}
	for name, out := range outputs {
		s := string(out)
		for _, pw := range p {
			if strings.Contains(s, pw) {
				t.Errorf("%s contains the password %q", name, pw)
			}
		}
		for _, h := range hashes {
			// the whole hash, and its digest part alone
			digest := h[max(0, len(h)-16):]
			if strings.Contains(s, h) || strings.Contains(s, digest) {
				t.Errorf("%s contains a hash (%.8s…)", name, h)
			}
		}
	}
}
