package baseline

import (
	"fmt"
	"strings"
)

// redisSettings returns the last value of each directive across redis configs.
func redisSettings(f *Facts) ([]setting, bool, error) {
	var out []setting
	found := false
	for _, n := range append(f.Glob("/etc/redis/*.conf"), "/etc/redis.conf") {
		if strings.Contains(n, "sentinel") {
			continue
		}
		t, ok, err := f.Text(n)
		if err != nil && ok {
			return nil, true, err
		}
		if ok {
			found = true
			out = append(out, kvSettings(n, t, "", true)...)
		}
	}
	return out, found, nil
}

func redisItem(short, title string, sev Severity, rem string, good, bad string, check func(ss []setting) Result) *Item {
	return register(Item{
		ID: "host.redis." + short, Title: title, Category: CatService, Baseline: Database, Severity: sev, Remediation: rem,
		Good: []Example{ex("conf", rootWith(redisConf, good))}, Bad: []Example{ex("conf", rootWith(redisConf, bad))},
		Eval: func(f *Facts) Result {
			ss, found, err := redisSettings(f)
			if err != nil {
				return notEval("%v", err)
			}
			if !found {
				return pass("not applicable: no Redis configuration")
			}
			return check(ss)
		},
	})
}

var (
	redisProtected = redisItem("protected_mode", "Redis protected mode is on", High,
		"Set \"protected-mode yes\" in redis.conf.", "protected-mode yes\n", "protected-mode no\n",
		func(ss []setting) Result {
			s, ok := lastSetting(ss, "protected-mode")
			if !ok {
				return pass("protected-mode default (yes)")
			}
			return failIf(!strings.EqualFold(s.Value, "yes"), s.String())
		})
	redisBind = redisItem("bind_private", "Redis binds to specific addresses, not all interfaces", High,
		"Set \"bind 127.0.0.1\" (or a private address) in redis.conf and restrict port 6379 in the security group.",
		"bind 127.0.0.1 -::1\n", "bind 0.0.0.0\n",
		func(ss []setting) Result {
			s, ok := lastSetting(ss, "bind")
			if !ok {
				return fail("bind unset: Redis listens on all interfaces")
			}
			for _, a := range strings.Fields(s.Value) {
				if a == "0.0.0.0" || a == "*" || a == "::" || a == "-::*" || a == "::*" {
					return fail(s.String())
				}
			}
			return pass(s.String())
		})
	redisRename = redisItem("dangerous_commands", "Redis disables dangerous commands (FLUSHALL, CONFIG, DEBUG)", Low,
		"Add rename-command FLUSHALL \"\", rename-command CONFIG \"\" and rename-command DEBUG \"\" (or deny them with ACLs).",
		"rename-command FLUSHALL \"\"\nrename-command CONFIG \"\"\nrename-command DEBUG \"\"\n", "port 6379\n",
		func(ss []setting) Result {
			var missing []string
			for _, c := range []string{"flushall", "config", "debug"} {
				found := false
				for _, s := range ss {
					if s.Key == "rename-command" && strings.HasPrefix(strings.ToLower(s.Value), c+" ") {
						found = true
					}
				}
				if !found {
					missing = append(missing, strings.ToUpper(c))
				}
			}
			if len(missing) > 0 {
				return fail("not renamed: " + strings.Join(missing, ", "))
			}
			return pass("dangerous commands renamed")
		})
)

// mysqldSettings collects [mysqld]/[mariadb]/[server] options from all option files.
func mysqldSettings(f *Facts) ([]setting, bool) {
	var names []string
	for n, ff := range f.Files {
		if strings.HasSuffix(n, ".cnf") && ff.Err == "" && !strings.HasPrefix(n, "/root/") {
			names = append(names, n)
		}
	}
	sortStrings(names)
	var out []setting
	for _, sec := range []string{"mysqld", "mariadb", "server", "mariadbd"} {
		out = append(out, iniSettings(f, sec, names...)...)
	}
	for i := range out {
		out[i].Key = strings.ReplaceAll(out[i].Key, "-", "_")
	}
	return out, len(names) > 0
}

func mysqlItem(short, title string, sev Severity, rem, good, bad string, check func(ss []setting) Result) *Item {
	return register(Item{
		ID: "host.mysql." + short, Title: title, Category: CatService, Baseline: Database, Severity: sev, Remediation: rem,
		Good: []Example{ex("cnf", rootWith("/etc/mysql/my.cnf", "[mysqld]\n"+good))}, Bad: []Example{ex("cnf", rootWith("/etc/mysql/my.cnf", "[mysqld]\n"+bad))},
		Eval: func(f *Facts) Result {
			ss, found := mysqldSettings(f)
			if !found {
				return pass("not applicable: no MySQL/MariaDB option file")
			}
			return check(ss)
		},
	})
}

var (
	mysqlLocalInfile = mysqlItem("local_infile", "MySQL/MariaDB disables LOAD DATA LOCAL", Medium,
		"Set local_infile=0 under [mysqld].", "local_infile=0\n", "local-infile=1\n",
		func(ss []setting) Result {
			s, ok := lastSetting(ss, "local_infile")
			if !ok {
				return fail("local_infile unset (MariaDB default ON)")
			}
			return failIf(s.Value != "0" && !strings.EqualFold(s.Value, "off"), s.String())
		})
	mysqlBind = mysqlItem("bind_local", "MySQL/MariaDB listens on loopback or a private address only", High,
		"Set bind-address=127.0.0.1 (or a private address) or skip-networking under [mysqld].", "bind-address=127.0.0.1\n", "bind-address=0.0.0.0\n",
		func(ss []setting) Result {
			if s, ok := lastSetting(ss, "skip_networking"); ok && s.Value != "0" {
				return pass(s.String())
			}
			s, ok := lastSetting(ss, "bind_address")
			if !ok {
				return fail("bind-address unset: listens on all interfaces")
			}
			return failIf(s.Value == "0.0.0.0" || s.Value == "*" || s.Value == "::", s.String())
		})
	mysqlSkipGrant = mysqlItem("no_skip_grant_tables", "MySQL/MariaDB does not skip the grant tables", High,
		"Remove skip-grant-tables from every option file and restart.", "bind-address=127.0.0.1\n", "skip-grant-tables\n",
		func(ss []setting) Result {
			if s, ok := lastSetting(ss, "skip_grant_tables"); ok && s.Value != "0" && !strings.EqualFold(s.Value, "off") {
				return fail(s.Where + ": skip-grant-tables (anyone can log in as anyone)")
			}
			return pass("skip-grant-tables not set")
		})
	mysqlFilePriv = mysqlItem("secure_file_priv", "MySQL/MariaDB restricts server-side file import/export", Medium,
		"Set secure_file_priv to a dedicated directory (or NULL) under [mysqld].", "secure_file_priv=/var/lib/mysql-files\n", "secure_file_priv=\n",
		func(ss []setting) Result {
			s, ok := lastSetting(ss, "secure_file_priv")
			if !ok || s.Value == "" {
				return fail("secure_file_priv empty or unset: any directory is readable and writable via SQL")
			}
			return pass(s.String())
		})
)

const (
	pgConf = "/etc/postgresql/15/main/postgresql.conf"
	pgHBA  = "/etc/postgresql/15/main/pg_hba.conf"
)

func pgConfFiles(f *Facts) []string {
	return append(f.Glob("/etc/postgresql/*/main/postgresql.conf"), f.Glob("/var/lib/pgsql/data/postgresql.conf")...)
}

func pgHBAFiles(f *Facts) []string {
	return append(f.Glob("/etc/postgresql/*/main/pg_hba.conf"), f.Glob("/var/lib/pgsql/data/pg_hba.conf")...)
}

// pgHBAMethod returns the pg_hba lines using one of the methods.
func pgHBAMethod(f *Facts, methods ...string) ([]string, bool) {
	var hits []string
	files := pgHBAFiles(f)
	for _, n := range files {
		t, _, _ := f.Text(n)
		for i, l := range lines(t) {
			fs := strings.Fields(l)
			if len(fs) < 4 {
				continue
			}
			idx := 3
			if fs[0] != "local" {
				idx = 4
				if idx < len(fs) && strings.IndexFunc(fs[idx], func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.' || r == ':' || (r >= 'a' && r <= 'f')) }) < 0 && strings.ContainsAny(fs[idx], ".:") {
					idx = 5 // address followed by a separate netmask
				}
			}
			if idx >= len(fs) {
				continue
			}
			m := fs[idx]
			if contains(methods, m) {
				hits = append(hits, fmt.Sprintf("%s:%d: %s", n, i+1, strings.Join(fs, " ")))
			}
		}
	}
	return hits, len(files) > 0
}

var pgTrust = register(Item{
	ID: "host.postgres.hba_trust", Title: "PostgreSQL never trusts connections without a password", Category: CatIdentity,
	Baseline: WeakPassword, Severity: High, Frameworks: mlps("8.1.4.1 a)", false),
	Remediation: "Replace trust with scram-sha-256 (or peer for local socket administration) in pg_hba.conf and reload.",
	Good:        []Example{ex("scram", rootWith(pgHBA, "local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n"))},
	Bad:         []Example{ex("trust", rootWith(pgHBA, "local all postgres peer\nhost all all 0.0.0.0/0 trust\n"))},
	Eval: func(f *Facts) Result {
		hits, found := pgHBAMethod(f, "trust")
		if !found {
			return pass("not applicable: no pg_hba.conf")
		}
		if len(hits) > 0 {
			return fail(hits...)
		}
		return pass("no trust entry in pg_hba.conf")
	},
})

var pgCleartext = register(Item{
	ID: "host.postgres.hba_cleartext", Title: "PostgreSQL does not accept cleartext or MD5 password authentication", Category: CatIdentity,
	Baseline: Database, Severity: Medium,
	Remediation: "Use scram-sha-256 instead of password or md5 in pg_hba.conf, and set password_encryption = scram-sha-256.",
	Good:        []Example{ex("scram", rootWith(pgHBA, "host all all 10.0.0.0/8 scram-sha-256\n"))},
	Bad:         []Example{ex("password", rootWith(pgHBA, "host all all 10.0.0.0/8 password\n")), ex("md5", rootWith(pgHBA, "host all all 10.0.0.0/8 md5\n"))},
	Eval: func(f *Facts) Result {
		hits, found := pgHBAMethod(f, "password", "md5")
		if !found {
			return pass("not applicable: no pg_hba.conf")
		}
		if len(hits) > 0 {
			return fail(hits...)
		}
		return pass("no password/md5 entry in pg_hba.conf")
	},
})

func pgItem(short, key, title string, sev Severity, good, bad string, ok func(string) bool, def string) *Item {
	return register(Item{
		ID: "host.postgres." + short, Title: title, Category: CatService, Baseline: Database, Severity: sev,
		Remediation: fmt.Sprintf("Set %s = %s in postgresql.conf and reload.", key, good),
		Good:        []Example{ex("conf", rootWith(pgConf, key+" = "+good+"\n"))},
		Bad:         []Example{ex("conf", rootWith(pgConf, key+" = "+bad+"\n"))},
		Eval: func(f *Facts) Result {
			files := pgConfFiles(f)
			if len(files) == 0 {
				return pass("not applicable: no postgresql.conf")
			}
			var ss []setting
			for _, n := range files {
				t, _, _ := f.Text(n)
				ss = append(ss, kvSettings(n, t, "=", true)...)
			}
			s, found := lastSetting(ss, key)
			if !found {
				s = setting{Key: key, Value: def, Where: "PostgreSQL default"}
			}
			return failIf(!ok(strings.ToLower(s.Value)), s.String())
		},
	})
}

var (
	pgSSL         = pgItem("ssl", "ssl", "PostgreSQL accepts TLS connections", Medium, "on", "off", oneOf("on", "true", "1"), "off")
	pgLogConn     = pgItem("log_connections", "log_connections", "PostgreSQL logs connections", Low, "on", "off", oneOf("on", "true", "1"), "off")
	pgLogDisconn  = pgItem("log_disconnections", "log_disconnections", "PostgreSQL logs disconnections", Low, "on", "off", oneOf("on", "true", "1"), "off")
	pgPasswordEnc = pgItem("password_encryption", "password_encryption", "PostgreSQL stores passwords as SCRAM-SHA-256", Medium, "scram-sha-256", "md5", oneOf("scram-sha-256"), "scram-sha-256")
	pgListenAll   = pgItem("listen_addresses", "listen_addresses", "PostgreSQL does not listen on all interfaces", Medium, "'localhost'", "'*'", func(v string) bool { return !strings.Contains(v, "*") && !strings.Contains(v, "0.0.0.0") }, "localhost")
)
