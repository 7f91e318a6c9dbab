package baseline

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing/fstest"
)

const dockerDaemonJSON = "/etc/docker/daemon.json"

// dockerDaemon reads daemon.json; present is false when Docker is not configured.
func dockerDaemon(f *Facts) (map[string]any, bool, error) {
	t, ok, err := f.Text(dockerDaemonJSON)
	if err != nil && ok {
		return nil, true, err
	}
	if !ok {
		if f.Exists("/usr/bin/dockerd") || f.UnitState("docker.service") != "" {
			return map[string]any{}, true, nil
		}
		if ok, _ := f.Installed("docker-ce"); ok {
			return map[string]any{}, true, nil
		}
		if ok, _ := f.Installed("docker.io"); ok {
			return map[string]any{}, true, nil
		}
		return nil, false, nil
	}
	m := map[string]any{}
	if strings.TrimSpace(t) == "" {
		return m, true, nil
	}
	if err := json.Unmarshal([]byte(t), &m); err != nil {
		return nil, true, fmt.Errorf("%s: %v", dockerDaemonJSON, err)
	}
	return m, true, nil
}

func dockerItem(short, title string, sev Severity, rem, good, bad string, check func(m map[string]any) Result) *Item {
	return register(Item{
		ID: "host.docker." + short, Title: title, Category: CatIntrusion, Baseline: ContainerSecurity, Severity: sev, Remediation: rem,
		Good: []Example{ex("daemon.json", rootWith(dockerDaemonJSON, good))},
		Bad:  []Example{ex("daemon.json", rootWith(dockerDaemonJSON, bad))},
		Eval: func(f *Facts) Result {
			m, present, err := dockerDaemon(f)
			if err != nil {
				return notEval("%v", err)
			}
			if !present {
				return pass("not applicable: Docker is not installed")
			}
			return check(m)
		},
	})
}

func jsonBool(m map[string]any, k string) (bool, bool) {
	v, ok := m[k].(bool)
	return v, ok
}

var (
	dockerICC = dockerItem("icc_disabled", "Docker disables inter-container communication on the default bridge", Medium,
		"Set \"icc\": false in /etc/docker/daemon.json.", `{"icc": false}`, `{"icc": true}`,
		func(m map[string]any) Result {
			v, ok := jsonBool(m, "icc")
			return failIf(!ok || v, fmt.Sprintf("daemon.json icc=%v (default true)", m["icc"]))
		})
	dockerUserns = dockerItem("userns_remap", "Docker remaps container root to an unprivileged user", Medium,
		"Set \"userns-remap\": \"default\" in /etc/docker/daemon.json.", `{"userns-remap": "default"}`, `{}`,
		func(m map[string]any) Result {
			v, _ := m["userns-remap"].(string)
			return failIf(v == "", "daemon.json userns-remap="+orNone(v))
		})
	dockerLiveRestore = dockerItem("live_restore", "Docker keeps containers running when the daemon stops", Low,
		"Set \"live-restore\": true in /etc/docker/daemon.json.", `{"live-restore": true}`, `{"live-restore": false}`,
		func(m map[string]any) Result {
			v, _ := jsonBool(m, "live-restore")
			return failIf(!v, fmt.Sprintf("daemon.json live-restore=%v", v))
		})
	dockerNoNewPriv = dockerItem("no_new_privileges", "Docker containers cannot gain new privileges by default", Medium,
		"Set \"no-new-privileges\": true in /etc/docker/daemon.json.", `{"no-new-privileges": true}`, `{}`,
		func(m map[string]any) Result {
			v, _ := jsonBool(m, "no-new-privileges")
			return failIf(!v, fmt.Sprintf("daemon.json no-new-privileges=%v", v))
		})
	dockerInsecureReg = dockerItem("no_insecure_registries", "Docker uses no insecure registries", High,
		"Remove insecure-registries from /etc/docker/daemon.json and use TLS registries (ACR).", `{"log-driver": "json-file"}`, `{"insecure-registries": ["10.0.0.5:5000"]}`,
		func(m map[string]any) Result {
			if l, ok := m["insecure-registries"].([]any); ok && len(l) > 0 {
				return fail(fmt.Sprintf("daemon.json insecure-registries: %v", l))
			}
			return pass("no insecure registries")
		})
	dockerUserlandProxy = dockerItem("userland_proxy", "Docker's userland proxy is disabled", Low,
		"Set \"userland-proxy\": false in /etc/docker/daemon.json.", `{"userland-proxy": false}`, `{}`,
		func(m map[string]any) Result {
			v, ok := jsonBool(m, "userland-proxy")
			return failIf(!ok || v, fmt.Sprintf("daemon.json userland-proxy=%v (default true)", m["userland-proxy"]))
		})
	dockerTCPTLS = dockerItem("tcp_tls", "The Docker API is not exposed over TCP without TLS", High,
		"Remove tcp:// hosts from daemon.json and the docker.service command line, or set tlsverify with certificates.", `{"hosts": ["unix:///var/run/docker.sock"]}`, `{"hosts": ["tcp://0.0.0.0:2375"]}`,
		func(m map[string]any) Result {
			tls, _ := jsonBool(m, "tlsverify")
			hosts, _ := m["hosts"].([]any)
			for _, h := range hosts {
				if s, _ := h.(string); strings.HasPrefix(s, "tcp://") && !tls {
					return fail("daemon.json hosts: " + s + " without tlsverify")
				}
			}
			return pass("no plain-TCP Docker API in daemon.json")
		})
	dockerLogging = dockerItem("log_driver", "Docker container logs go to a log driver with rotation", Low,
		"Set \"log-driver\" and \"log-opts\": {\"max-size\": \"100m\"} (or a central driver) in /etc/docker/daemon.json.",
		`{"log-driver": "json-file", "log-opts": {"max-size": "100m", "max-file": "3"}}`, `{}`,
		func(m map[string]any) Result {
			if d, _ := m["log-driver"].(string); d != "" && d != "json-file" {
				return pass("log-driver " + d)
			}
			if o, ok := m["log-opts"].(map[string]any); ok && o["max-size"] != nil {
				return pass(fmt.Sprintf("json-file with max-size %v", o["max-size"]))
			}
			return fail("json-file logs without max-size grow without bound")
		})
)

var dockerSocket = register(Item{
	ID: "host.docker.socket_mode", Title: "The Docker socket is 660 root:docker or stricter", Category: CatAccess,
	Baseline: ContainerSecurity, Severity: High, Remediation: "chown root:docker /var/run/docker.sock; chmod 660 /var/run/docker.sock",
	Good: []Example{ex("660", with(baseFS(), "/run/docker.sock", "", 0o660, 0, 999))},
	Bad:  []Example{ex("666", with(baseFS(), "/run/docker.sock", "", 0o666, 0, 999))},
	Eval: func(f *Facts) Result {
		for _, p := range []string{"/var/run/docker.sock", "/run/docker.sock"} {
			ff := f.File(p)
			if ff == nil || ff.Err != "" {
				continue
			}
			return failIf(ff.Mode&0o007 != 0 || ff.UID != 0, fmt.Sprintf("%s: mode %04o uid %d", p, ff.Mode, ff.UID))
		}
		return pass("not applicable: no Docker socket")
	},
})

var dockerGroup = register(Item{
	ID: "host.docker.group_members", Title: "Only administrators are in the docker group", Category: CatAccess,
	Baseline: ContainerSecurity, Severity: Medium, Remediation: "Remove non-administrators from the docker group (gpasswd -d USER docker): membership is root-equivalent.",
	Good: []Example{ex("empty", rootWith("/etc/group", "root:x:0:\ndocker:x:999:\n"))},
	Bad:  []Example{ex("alice", rootWith("/etc/group", "root:x:0:\ndocker:x:999:alice,bob\n"))},
	Eval: func(f *Facts) Result {
		for _, g := range f.Groups {
			if g.Name == "docker" && len(g.Members) > 0 {
				return manual("docker group members (root-equivalent): " + strings.Join(g.Members, ", ") + "; confirm each is an administrator")
			}
		}
		return pass("docker group has no members")
	},
})

// containerRoot builds a root with one container's hostconfig.json and config.v2.json.
func containerRoot(hostconfig, config string) fstest.MapFS {
	const id = "4f1e3c2b1a0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"
	m := rootWith("/var/lib/docker/containers/"+id+"/hostconfig.json", hostconfig, "/var/lib/docker/containers/"+id+"/config.v2.json", config)
	return m
}

const containerCfgOK = `{"Name":"/web","State":{"Running":true},"Config":{"User":"1000","Image":"nginx:1.25","Env":["DB_PASSWORD=hunter2"]}}`

func containerItem(short, title string, sev Severity, rem string, goodHC, badHC, goodCfg, badCfg string, bad func(c Container) string) *Item {
	if goodCfg == "" {
		goodCfg = containerCfgOK
	}
	if badCfg == "" {
		badCfg = containerCfgOK
	}
	return register(Item{
		ID: "host.container." + short, Title: title, Category: CatIntrusion, Baseline: ContainerSecurity, Severity: sev, Remediation: rem,
		Good: []Example{ex("container", containerRoot(goodHC, goodCfg))},
		Bad:  []Example{ex("container", containerRoot(badHC, badCfg))},
		Eval: func(f *Facts) Result {
			var hits, errs []string
			for _, c := range f.Containers {
				if c.Err != "" {
					errs = append(errs, "container "+c.ID+": "+c.Err)
					continue
				}
				if why := bad(c); why != "" {
					hits = append(hits, fmt.Sprintf("container %s (%s): %s", c.Name, c.ID, why))
				}
			}
			switch {
			case len(hits) > 0:
				return fail(append(hits, errs...)...)
			case len(errs) > 0:
				return Result{Status: NotEvaluated, Evidence: errs}
			}
			return pass(fmt.Sprintf("%d container(s) checked", len(f.Containers)))
		},
	})
}

const hcOK = `{"Privileged":false,"NetworkMode":"bridge","PidMode":"","IpcMode":"private","CapAdd":null,"Binds":["/srv/www:/usr/share/nginx/html:ro"],"Memory":268435456,"PidsLimit":200,"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}`

func hcWith(k, v string) string {
	var m map[string]any
	_ = json.Unmarshal([]byte(hcOK), &m)
	var x any
	_ = json.Unmarshal([]byte(v), &x)
	m[k] = x
	b, _ := json.Marshal(m)
	return string(b)
}

var (
	ctPrivileged = containerItem("privileged", "No container runs privileged", High, "Recreate the container without --privileged; add only the capabilities it needs.",
		hcOK, hcWith("Privileged", "true"), "", "", func(c Container) string {
			if c.Privileged {
				return "privileged"
			}
			return ""
		})
	ctHostNet = containerItem("host_network", "No container shares the host network namespace", Medium, "Recreate the container without --network host.",
		hcOK, hcWith("NetworkMode", `"host"`), "", "", func(c Container) string {
			if c.NetworkMode == "host" {
				return "network host"
			}
			return ""
		})
	ctHostPID = containerItem("host_pid_ipc", "No container shares the host PID or IPC namespace", Medium, "Recreate the container without --pid host / --ipc host.",
		hcOK, hcWith("PidMode", `"host"`), "", "", func(c Container) string {
			if c.PidMode == "host" || c.IpcMode == "host" {
				return "pid=" + c.PidMode + " ipc=" + c.IpcMode
			}
			return ""
		})
	ctDockerSock = containerItem("docker_socket_mount", "No container mounts the Docker socket", High, "Remove the docker.sock bind mount; use a scoped API proxy if the container must manage containers.",
		hcOK, hcWith("Binds", `["/var/run/docker.sock:/var/run/docker.sock"]`), "", "", func(c Container) string {
			for _, m := range c.Mounts {
				if strings.HasSuffix(m, "docker.sock") {
					return "mounts " + m
				}
			}
			return ""
		})
	ctSensitiveMount = containerItem("sensitive_mounts", "No container mounts sensitive host directories", High, "Do not bind-mount /, /etc, /boot, /proc, /sys, /dev, /root or /var/lib/docker into containers.",
		hcOK, hcWith("Binds", `["/etc:/host-etc"]`), "", "", func(c Container) string {
			for _, m := range c.Mounts {
				switch strings.TrimSuffix(m, "/") {
				case "", "/etc", "/boot", "/proc", "/sys", "/dev", "/root", "/var/lib/docker", "/usr":
					return "mounts " + orNone(m)
				}
			}
			return ""
		})
	ctRootUser = containerItem("non_root_user", "Containers run as a non-root user", Medium, "Set USER in the image or --user on run.",
		hcOK, hcOK, "", `{"Name":"/web","State":{"Running":true},"Config":{"User":"","Image":"nginx"}}`, func(c Container) string {
			if c.User == "" || c.User == "root" || c.User == "0" || strings.HasPrefix(c.User, "0:") {
				return "runs as root"
			}
			return ""
		})
	ctMemory = containerItem("memory_limit", "Containers have a memory limit", Low, "Run containers with --memory.",
		hcOK, hcWith("Memory", "0"), "", "", func(c Container) string {
			if c.Memory == 0 {
				return "no memory limit"
			}
			return ""
		})
	ctPids = containerItem("pids_limit", "Containers have a PIDs limit", Low, "Run containers with --pids-limit.",
		hcOK, hcWith("PidsLimit", "0"), "", "", func(c Container) string {
			if c.PidsLimit <= 0 {
				return "no pids limit"
			}
			return ""
		})
	ctCaps = containerItem("dangerous_capabilities", "No container adds SYS_ADMIN, NET_ADMIN or ALL capabilities", High, "Drop --cap-add SYS_ADMIN/NET_ADMIN/ALL; grant only narrow capabilities.",
		hcOK, hcWith("CapAdd", `["SYS_ADMIN"]`), "", "", func(c Container) string {
			for _, cp := range c.CapAdd {
				switch strings.TrimPrefix(strings.ToUpper(cp), "CAP_") {
				case "SYS_ADMIN", "NET_ADMIN", "ALL", "SYS_MODULE", "SYS_PTRACE":
					return "cap-add " + cp
				}
			}
			return ""
		})
	ctReadOnly = containerItem("read_only_rootfs", "Container root file systems are read-only", Low, "Run containers with --read-only and writable volumes only where needed.",
		hcOK, hcWith("ReadonlyRootfs", "false"), "", "", func(c Container) string {
			if !c.ReadOnly {
				return "writable root file system"
			}
			return ""
		})
)

const kubeletConfig = "/var/lib/kubelet/config.yaml"

// kubeletSettings merges the kubelet config file with command-line flags found in
// systemd drop-ins (flags win).
func kubeletSettings(f *Facts) (map[string]string, map[string]string, bool, error) {
	t, ok, err := f.Text(kubeletConfig)
	if err != nil && ok {
		return nil, nil, true, err
	}
	cfg := map[string]string{}
	if ok {
		cfg = flattenYAML(t)
	}
	flags := map[string]string{}
	dropins := append(f.Glob("/etc/systemd/system/kubelet.service.d/*"), f.Glob("/usr/lib/systemd/system/kubelet.service.d/*")...)
	for _, n := range dropins {
		dt, _, _ := f.Text(n)
		for _, fld := range strings.Fields(strings.ReplaceAll(dt, "\"", " ")) {
			if k, v, ok := strings.Cut(strings.TrimPrefix(fld, "--"), "="); ok && strings.HasPrefix(fld, "--") {
				flags[k] = v
			}
		}
	}
	return cfg, flags, ok || len(dropins) > 0, nil
}

func kubeletItem(short, title string, sev Severity, rem, good, bad string, check func(cfg, flags map[string]string) Result) *Item {
	return register(Item{
		ID: "host.kubelet." + short, Title: title, Category: CatAccess, Baseline: ContainerSecurity, Severity: sev, Remediation: rem,
		Good: []Example{ex("config", rootWith(kubeletConfig, good))}, Bad: []Example{ex("config", rootWith(kubeletConfig, bad))},
		Eval: func(f *Facts) Result {
			cfg, flags, found, err := kubeletSettings(f)
			if err != nil {
				return notEval("%v", err)
			}
			if !found {
				return pass("not applicable: this host is not a Kubernetes node")
			}
			return check(cfg, flags)
		},
	})
}

func kubeVal(cfg, flags map[string]string, key, flag string) (string, string) {
	if v, ok := flags[flag]; ok {
		return v, "--" + flag
	}
	return cfg[key], key
}

const kubeletGood = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nauthorization:\n  mode: Webhook\nreadOnlyPort: 0\nstreamingConnectionIdleTimeout: 5m\nprotectKernelDefaults: true\nmakeIPTablesUtilChains: true\nrotateCertificates: true\nserverTLSBootstrap: true\n"

func kubeletBad(old, repl string) string { return strings.Replace(kubeletGood, old, repl, 1) }

var (
	kubeAnon = kubeletItem("anonymous_auth", "The kubelet refuses anonymous requests", High, "Set authentication.anonymous.enabled: false (--anonymous-auth=false).",
		kubeletGood, kubeletBad("enabled: false", "enabled: true"), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "authentication.anonymous.enabled", "anonymous-auth")
			return failIf(v != "false", k+"="+orNone(v))
		})
	kubeAuthz = kubeletItem("authorization_mode", "The kubelet authorizes requests with the API server (not AlwaysAllow)", High, "Set authorization.mode: Webhook (--authorization-mode=Webhook).",
		kubeletGood, kubeletBad("mode: Webhook", "mode: AlwaysAllow"), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "authorization.mode", "authorization-mode")
			return failIf(v == "" || strings.Contains(v, "AlwaysAllow"), k+"="+orNone(v))
		})
	kubeCA = kubeletItem("client_ca", "The kubelet verifies client certificates", High, "Set authentication.x509.clientCAFile (--client-ca-file).",
		kubeletGood, kubeletBad("    clientCAFile: /etc/kubernetes/pki/ca.crt\n", ""), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "authentication.x509.clientCAFile", "client-ca-file")
			return failIf(v == "", k+"="+orNone(v))
		})
	kubeROPort = kubeletItem("read_only_port", "The kubelet read-only port is disabled", Medium, "Set readOnlyPort: 0 (--read-only-port=0).",
		kubeletGood, kubeletBad("readOnlyPort: 0", "readOnlyPort: 10255"), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "readOnlyPort", "read-only-port")
			return failIf(v != "0" && v != "", k+"="+v)
		})
	kubeIdle = kubeletItem("streaming_idle_timeout", "Kubelet streaming connections time out", Low, "Set streamingConnectionIdleTimeout to a non-zero duration, e.g. 5m.",
		kubeletGood, kubeletBad("streamingConnectionIdleTimeout: 5m", "streamingConnectionIdleTimeout: 0"), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "streamingConnectionIdleTimeout", "streaming-connection-idle-timeout")
			return failIf(v == "0" || v == "0s", k+"="+orNone(v))
		})
	kubeKernel = kubeletItem("protect_kernel_defaults", "The kubelet protects kernel defaults", Low, "Set protectKernelDefaults: true.",
		kubeletGood, kubeletBad("protectKernelDefaults: true", "protectKernelDefaults: false"), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "protectKernelDefaults", "protect-kernel-defaults")
			return failIf(v != "true", k+"="+orNone(v))
		})
	kubeIptables = kubeletItem("iptables_util_chains", "The kubelet manages iptables utility chains", Low, "Set makeIPTablesUtilChains: true.",
		kubeletGood, kubeletBad("makeIPTablesUtilChains: true", "makeIPTablesUtilChains: false"), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "makeIPTablesUtilChains", "make-iptables-util-chains")
			return failIf(v == "false", k+"="+orNone(v))
		})
	kubeRotate = kubeletItem("rotate_certificates", "The kubelet rotates its client certificate", Medium, "Set rotateCertificates: true.",
		kubeletGood, kubeletBad("rotateCertificates: true", "rotateCertificates: false"), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "rotateCertificates", "rotate-certificates")
			return failIf(v == "false", k+"="+orNone(v))
		})
	kubeServerTLS = kubeletItem("server_tls_bootstrap", "The kubelet serving certificate is issued by the cluster", Low, "Set serverTLSBootstrap: true (RotateKubeletServerCertificate).",
		kubeletGood, kubeletBad("serverTLSBootstrap: true", "serverTLSBootstrap: false"), func(cfg, flags map[string]string) Result {
			v, k := kubeVal(cfg, flags, "serverTLSBootstrap", "rotate-server-certificates")
			return failIf(v != "true", k+"="+orNone(v))
		})
)
