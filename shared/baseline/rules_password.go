package baseline

import (
	"fmt"
	"sort"
	"strings"
)

// Example hashes made with libxcrypt (perl's crypt on Debian 12). Each example
// root has one account whose password is named in the comment.
const (
	hashYescrypt123456 = "$y$j75$5WdIbmW5Qh6n7RkVPbmoJ/$YIEVCY2XexMpXBc8zCxV5rjtJXhx3nEfxYZMNKzCuI2"                                      // 123456, N=2^10
	hashSHA512_123456  = "$6$rounds=1000$saltsalt$O4e23de5CYIKY0ozrfmZiokO1YFizBDllnzmGlBaqLRkic/zzw2Q1/StrZdLg8rXU7ghYAAS3Ac3eswxC69SJ1" // 123456
	hashSHA512Strong   = "$6$rounds=1000$saltsal2$dustfa.J/ODNsoq/fSuZPTBqj8xYZOEETV4IJhOxHj5bBh9ueSstoLOJLQhO0x5hG2k35H4ZHP50ska/ma/B0." // a random 15-character password
	hashMD5Password    = "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"                                                                             // password
	hashSHA256Alice123 = "$5$rounds=1000$saltsalt$d5V5z4fI.d7wwj1qOFBsvnFYQhOOlNb10jqtU58EEQ9"                                            // alice123
	hashBcryptAdmin    = "$2b$04$abcdefghijklmnopqrstuuQe66hACgXZ.ImKMvPGdqru0gQrWJ8Ju"                                                   // admin
	hashDESTest        = "abgOeLfPimXQo"                                                                                                  // test
)

// shadowRoot is a root whose alice account has the given shadow hash field.
func shadowRoot(hash string) fstestMap {
	m := baseFS()
	return with(m, "/etc/shadow", "root:*:19800:0:99999:7:::\ndaemon:*:19800:0:99999:7:::\nalice:"+hash+":19800:1:90:7:30::\n", 0o640, 0, 42)
}

var weakSystemPassword = register(Item{
	ID: "host.password.system_weak", Title: "No system account has a weak password", Category: CatIdentity,
	Baseline: WeakPassword, Severity: High, Frameworks: mlps("8.1.4.1 a)", false),
	Remediation: "Change the password of each listed account (passwd USER) to one of at least 12 characters from 3 or more classes that is not in any dictionary; prefer SSH keys.",
	Good:        []Example{ex("strong sha512", shadowRoot(hashSHA512Strong)), ex("locked", shadowRoot("!"))},
	Bad: []Example{
		ex("yescrypt 123456", shadowRoot(hashYescrypt123456)), ex("sha512 123456", shadowRoot(hashSHA512_123456)),
		ex("sha256 user-derived", shadowRoot(hashSHA256Alice123)), ex("md5crypt password", shadowRoot(hashMD5Password)),
		ex("bcrypt admin", shadowRoot(hashBcryptAdmin)), ex("DES test", shadowRoot(hashDESTest)),
	},
	Eval: func(f *Facts) Result {
		var weak, untested []string
		checked := 0
		for _, a := range f.Accounts {
			s := a.Shadow
			if s == nil || s.State != "hash" {
				continue
			}
			checked++
			switch {
			case s.Weak != "":
				weak = append(weak, fmt.Sprintf("account %s (%s): weak, matched tier %s", a.Name, s.Scheme, s.Weak))
			case s.WeakErr != "":
				untested = append(untested, fmt.Sprintf("account %s (%s): not tested: %s", a.Name, s.Scheme, s.WeakErr))
			}
		}
		switch {
		case len(weak) > 0:
			return fail(append(weak, untested...)...)
		case len(untested) > 0:
			return Result{Status: NotEvaluated, Evidence: untested}
		}
		return pass(fmt.Sprintf("%d account(s) with a password hash, none matched the dictionary", checked))
	},
})

var weakHashScheme = register(Item{
	ID: "host.password.weak_hash_scheme", Title: "No account password uses a broken hash scheme (DES, MD5, SHA-1)", Category: CatIdentity,
	Baseline: WeakPassword, Severity: High, Frameworks: refs(cisDeb("5.4.1.4"), mlps("8.1.4.1 a)", false)),
	Remediation: "Set ENCRYPT_METHOD YESCRYPT (or SHA512) in /etc/login.defs and have each listed user change their password.",
	Good:        []Example{ex("sha512", shadowRoot(hashSHA512Strong))},
	Bad:         []Example{ex("md5crypt", shadowRoot(hashMD5Password)), ex("des", shadowRoot(hashDESTest))},
	Eval: func(f *Facts) Result {
		var bad []string
		for _, a := range f.Accounts {
			if s := a.Shadow; s != nil && (s.State == "hash" || s.State == "locked_hash") {
				switch s.Scheme {
				case "descrypt", "bsdicrypt", "md5crypt", "sha1crypt":
					bad = append(bad, fmt.Sprintf("account %s uses %s", a.Name, s.Scheme))
				}
			}
		}
		if len(bad) > 0 {
			return fail(bad...)
		}
		return pass("every password hash uses yescrypt, SHA-crypt or bcrypt")
	},
})

var emptyPassword = register(Item{
	ID: "host.password.empty", Title: "No account has an empty password", Category: CatIdentity,
	Baseline: WeakPassword, Severity: High, Frameworks: refs(cisDeb("7.2.2"), cisAli("7.2.2"), mlps("8.1.4.1 a)", false)),
	Remediation: "Lock the account (passwd -l USER) or set a strong password.",
	Good:        []Example{ex("locked", shadowRoot("!"))},
	Bad:         []Example{ex("empty shadow", shadowRoot("")), ex("empty passwd field", rootWith("/etc/passwd", "root:x:0:0::/root:/bin/bash\nbob::1001:1001::/home/bob:/bin/sh\n"))},
	Eval: func(f *Facts) Result {
		var bad []string
		for _, a := range f.Accounts {
			if a.PwField == "empty" || (a.Shadow != nil && a.Shadow.State == "empty") {
				bad = append(bad, "account "+a.Name+" has an empty password")
			}
		}
		if len(bad) > 0 {
			return fail(bad...)
		}
		return pass("no empty password field in /etc/passwd or /etc/shadow")
	},
})

// secretItem is one service-credential item over Facts.Secrets.
func secretItem(id, title string, sev Severity, kinds []string, states []string, remediation string, good, bad []Example, fw []string) *Item {
	return register(Item{
		ID: id, Title: title, Category: CatIdentity, Baseline: WeakPassword, Severity: sev, Frameworks: fw,
		Remediation: remediation, Good: good, Bad: bad,
		Eval: func(f *Facts) Result {
			var hit, unknown []string
			seen := 0
			for _, s := range f.Secrets {
				if !contains(kinds, s.Kind) {
					continue
				}
				seen++
				who := s.Where
				if s.Subject != "" {
					who = s.Subject + " (" + s.Where + ")"
				}
				switch {
				case contains(states, s.State):
					msg := who + ": " + s.State
					if s.State == "weak" {
						msg = who + ": weak, matched tier " + s.Tier
					}
					hit = append(hit, msg)
				case s.State == "unknown":
					unknown = append(unknown, who+": not evaluated: "+s.Cause)
				}
			}
			sort.Strings(hit)
			switch {
			case len(hit) > 0:
				return fail(append(hit, unknown...)...)
			case len(unknown) > 0:
				return Result{Status: NotEvaluated, Evidence: unknown}
			case seen == 0:
				return pass("not applicable: no " + strings.Join(kinds, "/") + " credential found")
			}
			return pass(fmt.Sprintf("%d credential(s) checked", seen))
		},
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

const redisConf = "/etc/redis/redis.conf"

var (
	redisNoAuth = secretItem("host.redis.no_auth", "Redis requires authentication", High,
		[]string{"redis.requirepass", "redis.acl"}, []string{"nopass", "empty"},
		"Set requirepass (or ACL users with passwords and \"user default off\") in redis.conf, and bind Redis to private addresses only.",
		[]Example{ex("requirepass", rootWith(redisConf, "bind 127.0.0.1\nport 6379\nrequirepass Zq8#xV2!mP9@wL4\n"))},
		[]Example{ex("no requirepass", rootWith(redisConf, "bind 0.0.0.0\nport 6379\n")),
			ex("nopass ACL user", rootWith(redisConf, "port 6379\naclfile /etc/redis/users.acl\n", "/etc/redis/users.acl", "user default on nopass ~* +@all\n"))},
		mlps("8.1.4.1 a)", false))
	redisWeak = secretItem("host.redis.weak_password", "Redis password is not weak", High,
		[]string{"redis.requirepass", "redis.acl"}, []string{"weak"},
		"Replace the Redis password (requirepass / ACL >password) with a long random one.",
		[]Example{ex("strong", rootWith(redisConf, "port 6379\nrequirepass Zq8#xV2!mP9@wL4\n"))},
		[]Example{ex("requirepass foobared", rootWith(redisConf, "port 6379\nrequirepass foobared\n")),
			ex("ACL sha256 of 123456", rootWith(redisConf, "port 6379\naclfile /etc/redis/users.acl\n", "/etc/redis/users.acl",
				"user default off\nuser app on #8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92 ~* +@all\n"))},
		mlps("8.1.4.1 a)", false))
	mysqlEmpty = secretItem("host.mysql.empty_password", "No MySQL/MariaDB account has an empty password", High,
		[]string{"mysql.user"}, []string{"empty"},
		"Set a password for each listed account (ALTER USER ... IDENTIFIED BY ...) or switch it to unix_socket authentication; remove anonymous and remote root accounts.",
		[]Example{ex("no datadir", rootWith("/etc/mysql/my.cnf", "[mysqld]\nbind-address=127.0.0.1\n"))},
		[]Example{ex("empty root", mariaRoot(mariaRowBytes("localhost", "root", `{"access":549755813887,"plugin":"mysql_native_password","authentication_string":""}`)))},
		mlps("8.1.4.1 a)", false))
	mysqlWeak = secretItem("host.mysql.weak_password", "No MySQL/MariaDB account has a weak password", High,
		[]string{"mysql.user", "mysql.cnf_password"}, []string{"weak"},
		"Change each listed account's password; do not keep passwords in option files readable by others.",
		[]Example{ex("strong", mariaRoot(mariaRowBytes("localhost", "app", `{"access":0,"plugin":"mysql_native_password","authentication_string":"*5499D9F197FF3AF6F4C5F10BC19CD6E1EAC435EE"}`)))},
		[]Example{ex("password123", mariaRoot(mariaRowBytes("localhost", "alice", `{"access":0,"plugin":"mysql_native_password","authentication_string":"*A0F874BC7F54EE086FCE60A37CE7887D8B31086B"}`))),
			ex("client password in my.cnf", rootWith("/etc/mysql/my.cnf", "[client]\nuser=root\npassword=root123\n"))},
		mlps("8.1.4.1 a)", false))
	pgWeak = secretItem("host.postgres.weak_password", "No PostgreSQL role has a weak password", High,
		[]string{"postgres.role"}, []string{"weak"},
		"ALTER ROLE ... PASSWORD with a strong password for each listed role; use scram-sha-256.",
		[]Example{ex("no cluster", rootWith("/etc/postgresql/15/main/postgresql.conf", "port = 5432\n"))},
		[]Example{ex("md5 postgres/postgres", pgRoot(pgAuthidPage(pgRole{name: "postgres", canLogin: true, password: "md53175bce1d3201d16594cebf9d7eb3f9d"})))},
		mlps("8.1.4.1 a)", false))
	tomcatWeak = secretItem("host.tomcat.weak_password", "Tomcat manager users have no weak password", High,
		[]string{"tomcat.user"}, []string{"weak", "empty"},
		"Change the passwords in tomcat-users.xml, or remove the manager-gui/admin-gui roles if unused.",
		[]Example{ex("strong", rootWith("/etc/tomcat9/tomcat-users.xml", `<tomcat-users><user username="ops" password="Zq8#xV2!mP9@wL4" roles="manager-gui"/></tomcat-users>`))},
		[]Example{ex("tomcat/tomcat", rootWith("/etc/tomcat9/tomcat-users.xml", `<tomcat-users><user username="tomcat" password="tomcat" roles="manager-gui"/></tomcat-users>`))},
		nil)
	snmpWeak = secretItem("host.snmp.weak_community", "SNMP does not use a default or weak community string", High,
		[]string{"snmp.community"}, []string{"weak"},
		"Replace the community strings in /etc/snmp/snmpd.conf with long random values, or use SNMPv3 with authPriv.",
		[]Example{ex("strong", rootWith("/etc/snmp/snmpd.conf", "rocommunity Xk29-vLq-83Pz localhost\n"))},
		[]Example{ex("public", rootWith("/etc/snmp/snmpd.conf", "rocommunity public default\n"))},
		nil)
)

var vsftpdAnonymous = register(Item{
	ID: "host.ftp.anonymous", Title: "FTP does not allow anonymous login", Category: CatIdentity,
	Baseline: WeakPassword, Severity: High, Frameworks: mlps("8.1.4.1 a)", false),
	Remediation: "Set anonymous_enable=NO in vsftpd.conf and restart vsftpd.",
	Good:        []Example{ex("off", rootWith("/etc/vsftpd.conf", "listen=YES\nanonymous_enable=NO\n"))},
	Bad:         []Example{ex("on", rootWith("/etc/vsftpd.conf", "listen=YES\nanonymous_enable=YES\n"))},
	Eval: func(f *Facts) Result {
		for _, n := range []string{"/etc/vsftpd.conf", "/etc/vsftpd/vsftpd.conf"} {
			ss, ok, err := kvFiles(f, "=", true, n)
			if err != nil {
				return notEval("%v", err)
			}
			if !ok {
				continue
			}
			s, set := lastSetting(ss, "anonymous_enable")
			if !set {
				// vsftpd's compiled default is YES
				return fail(n + ": anonymous_enable unset (vsftpd default YES)")
			}
			return failIf(strings.EqualFold(s.Value, "YES"), s.String())
		}
		return pass("not applicable: no vsftpd configuration")
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		p := "/etc/vsftpd.conf"
		if f.Exists("/etc/vsftpd/vsftpd.conf") {
			p = "/etc/vsftpd/vsftpd.conf"
		}
		e, err := setDirective(read, p, "anonymous_enable", "NO", "=", false)
		return []Edit{e}, err
	},
})
