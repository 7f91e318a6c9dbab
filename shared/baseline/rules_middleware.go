package baseline

import (
	"fmt"
	"strings"
)

func nginxFiles(f *Facts) []string {
	return append(append([]string{"/etc/nginx/nginx.conf"}, f.Glob("/etc/nginx/conf.d/*")...), f.Glob("/etc/nginx/sites-enabled/*")...)
}

// nginxDirective finds "name value;" directives across the nginx configuration.
func nginxDirective(f *Facts, name string) ([]setting, bool) {
	var out []setting
	found := false
	for _, n := range nginxFiles(f) {
		t, ok, _ := f.Text(n)
		found = found || ok
		for i, l := range lines(t) {
			for _, stmt := range strings.FieldsFunc(l, func(r rune) bool { return r == ';' || r == '{' || r == '}' }) {
				fs := strings.Fields(stmt)
				if len(fs) >= 2 && fs[0] == name {
					out = append(out, setting{Key: name, Value: fs[1], Where: fmt.Sprintf("%s:%d", n, i+1)})
				}
			}
		}
	}
	return out, found
}

var nginxTokens = register(Item{
	ID: "host.nginx.server_tokens", Title: "nginx does not reveal its version", Category: CatService,
	Baseline: Middleware, Severity: Low, Remediation: "Set \"server_tokens off;\" in the http block of nginx.conf.",
	Good: []Example{ex("off", rootWith("/etc/nginx/nginx.conf", "http {\n  server_tokens off;\n}\n"))},
	Bad:  []Example{ex("default", rootWith("/etc/nginx/nginx.conf", "http {\n  sendfile on;\n}\n"))},
	Eval: func(f *Facts) Result {
		ss, found := nginxDirective(f, "server_tokens")
		if !found {
			return pass("not applicable: no nginx configuration")
		}
		for _, s := range ss {
			if s.Value == "off" {
				return pass(s.String())
			}
		}
		return fail("server_tokens off is not set (nginx default on)")
	},
})

var nginxAutoindex = register(Item{
	ID: "host.nginx.autoindex", Title: "nginx does not list directories", Category: CatService,
	Baseline: Middleware, Severity: Medium, Remediation: "Remove \"autoindex on;\" from the nginx configuration.",
	Good: []Example{ex("off", rootWith("/etc/nginx/nginx.conf", "http {\n  server { location / { root /srv; } }\n}\n"))},
	Bad:  []Example{ex("on", rootWith("/etc/nginx/sites-enabled/default", "server {\n  location /files { autoindex on; }\n}\n", "/etc/nginx/nginx.conf", "http {}\n"))},
	Eval: func(f *Facts) Result {
		ss, found := nginxDirective(f, "autoindex")
		if !found {
			return pass("not applicable: no nginx configuration")
		}
		for _, s := range ss {
			if s.Value == "on" {
				return fail(s.String())
			}
		}
		return pass("autoindex not enabled")
	},
})

var tomcatShutdown = register(Item{
	ID: "host.tomcat.shutdown_port", Title: "Tomcat's shutdown port is disabled or uses a non-default command", Category: CatService,
	Baseline: Middleware, Severity: Medium, Remediation: "Set <Server port=\"-1\"> (or a random shutdown command) in server.xml.",
	Good: []Example{ex("disabled", rootWith("/etc/tomcat9/server.xml", `<Server port="-1" shutdown="SHUTDOWN"></Server>`))},
	Bad:  []Example{ex("default", rootWith("/etc/tomcat9/server.xml", `<Server port="8005" shutdown="SHUTDOWN"></Server>`))},
	Eval: func(f *Facts) Result {
		files := f.Glob("/etc/tomcat*/server.xml")
		if len(files) == 0 {
			return pass("not applicable: no Tomcat server.xml")
		}
		for _, n := range files {
			t, _, _ := f.Text(n)
			t = stripXMLComments(t)
			i := strings.Index(t, "<Server")
			if i < 0 {
				continue
			}
			tag := t[i:]
			if j := strings.Index(tag, ">"); j >= 0 {
				tag = tag[:j]
			}
			attrs := map[string]string{}
			for _, m := range xmlAttr.FindAllStringSubmatch(tag, -1) {
				attrs[m[1]] = m[3] + m[4]
			}
			if attrs["port"] != "-1" && (attrs["shutdown"] == "SHUTDOWN" || attrs["shutdown"] == "") {
				return fail(fmt.Sprintf("%s: Server port=%s shutdown=SHUTDOWN", n, attrs["port"]))
			}
		}
		return pass("shutdown port disabled or command changed")
	},
})

// memcachedArgs returns the options memcached starts with.
func memcachedArgs(f *Facts) (string, string, bool) {
	if t, ok, _ := f.Text("/etc/memcached.conf"); ok {
		return strings.ReplaceAll(t, "\n", " "), "/etc/memcached.conf", true
	}
	if t, ok, _ := f.Text("/etc/sysconfig/memcached"); ok {
		kv := parseEnvFile(t)
		return kv["OPTIONS"], "/etc/sysconfig/memcached", true
	}
	return "", "", false
}

var memcachedLocal = register(Item{
	ID: "host.memcached.listen_local", Title: "memcached listens on loopback only and has UDP disabled", Category: CatService,
	Baseline: Middleware, Severity: High, Remediation: "Start memcached with -l 127.0.0.1 -U 0 (memcached.conf or /etc/sysconfig/memcached OPTIONS).",
	Good: []Example{ex("loopback", rootWith("/etc/memcached.conf", "-m 64\n-p 11211\n-l 127.0.0.1\n-U 0\n"))},
	Bad:  []Example{ex("all", rootWith("/etc/memcached.conf", "-m 64\n-p 11211\n-l 0.0.0.0\n"))},
	Eval: func(f *Facts) Result {
		args, where, ok := memcachedArgs(f)
		if !ok {
			return pass("not applicable: memcached not configured")
		}
		fs := strings.Fields(args)
		listen, udp := "", ""
		for i := 0; i+1 < len(fs); i++ {
			switch fs[i] {
			case "-l", "--listen":
				listen = fs[i+1]
			case "-U", "--udp-port":
				udp = fs[i+1]
			}
		}
		var bad []string
		if listen == "" || strings.Contains(listen, "0.0.0.0") {
			bad = append(bad, "listens on all interfaces")
		}
		if udp != "0" && !strings.Contains(args, "-U 0") {
			bad = append(bad, "UDP not disabled (-U 0)")
		}
		if len(bad) > 0 {
			return fail(where + ": " + strings.Join(bad, "; "))
		}
		return pass(where + ": -l " + listen + " -U 0")
	},
})

func yamlItem(short, file, title string, sev Severity, base Baseline, rem, good, bad string, check func(kv map[string]string) Result) *Item {
	return register(Item{
		ID: "host." + short, Title: title, Category: CatService, Baseline: base, Severity: sev, Remediation: rem,
		Good: []Example{ex("yaml", rootWith(file, good))}, Bad: []Example{ex("yaml", rootWith(file, bad))},
		Eval: func(f *Facts) Result {
			t, ok, err := f.Text(file)
			if err != nil && ok {
				return notEval("%v", err)
			}
			if !ok {
				return pass("not applicable: " + file + " does not exist")
			}
			return check(flattenYAML(t))
		},
	})
}

var (
	mongoAuth = yamlItem("mongodb.authorization", "/etc/mongod.conf", "MongoDB requires authorization", High, Database,
		"Set security.authorization: enabled in /etc/mongod.conf and create an admin user.",
		"security:\n  authorization: enabled\n", "net:\n  port: 27017\n",
		func(kv map[string]string) Result {
			v := kv["security.authorization"]
			return failIf(v != "enabled", "security.authorization: "+orNone(v))
		})
	mongoBind = yamlItem("mongodb.bind_ip", "/etc/mongod.conf", "MongoDB does not listen on all interfaces", High, Database,
		"Set net.bindIp to 127.0.0.1 or private addresses in /etc/mongod.conf.",
		"net:\n  bindIp: 127.0.0.1\n", "net:\n  bindIp: 0.0.0.0\n",
		func(kv map[string]string) Result {
			v := kv["net.bindIp"]
			if kv["net.bindIpAll"] == "true" {
				return fail("net.bindIpAll: true")
			}
			return failIf(strings.Contains(v, "0.0.0.0") || strings.Contains(v, "::,"), "net.bindIp: "+orNone(v))
		})
	esSecurity = yamlItem("elasticsearch.security", "/etc/elasticsearch/elasticsearch.yml", "Elasticsearch security (authentication) is enabled", High, Middleware,
		"Set xpack.security.enabled: true in elasticsearch.yml and configure built-in user passwords.",
		"xpack.security.enabled: true\n", "xpack.security.enabled: false\n",
		func(kv map[string]string) Result {
			v := kv["xpack.security.enabled"]
			if v == "" {
				v = kv["xpack.security"]
			}
			return failIf(v != "true", "xpack.security.enabled: "+orNone(v))
		})
)

var rsyncAuth = register(Item{
	ID: "host.rsync.auth", Title: "rsync daemon modules require authentication", Category: CatIdentity,
	Baseline: Middleware, Severity: High, Remediation: "Give every module in rsyncd.conf \"auth users\" and a root-only \"secrets file\", or make it read only and restrict hosts allow.",
	Good: []Example{ex("auth", rootWith("/etc/rsyncd.conf", "[backup]\npath = /srv/backup\nauth users = backup\nsecrets file = /etc/rsyncd.secrets\n"))},
	Bad:  []Example{ex("open", rootWith("/etc/rsyncd.conf", "[backup]\npath = /srv/backup\nread only = no\n"))},
	Eval: func(f *Facts) Result {
		t, ok, err := f.Text("/etc/rsyncd.conf")
		if err != nil && ok {
			return notEval("%v", err)
		}
		if !ok {
			return pass("not applicable: no rsyncd.conf")
		}
		var open []string
		mod, auth := "", false
		flush := func() {
			if mod != "" && !auth {
				open = append(open, "module ["+mod+"] has no auth users")
			}
		}
		for _, l := range lines(t) {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, "[") {
				flush()
				mod, auth = strings.Trim(l, "[]"), false
				continue
			}
			if k, _, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == "auth users" {
				auth = true
			}
		}
		flush()
		if len(open) > 0 {
			return fail(open...)
		}
		return pass("every module requires authentication")
	},
})
