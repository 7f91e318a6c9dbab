package baseline

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

type daemon struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// startDaemon starts a server process and stops it (by its own pid) at cleanup.
func startDaemon(t *testing.T, logf string, name string, args ...string) *daemon {
	t.Helper()
	cmd := exec.Command(name, args...)
	log, err := os.Create(logf)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &daemon{cmd: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-d.exited
		}
		log.Close()
	})
	return d
}

func waitPort(t *testing.T, d *daemon, port int, logf string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-d.exited:
			b, _ := os.ReadFile(logf)
			t.Fatalf("server exited before opening port %d:\n%s", port, b)
		default:
		}
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(logf)
	t.Fatalf("port %d never opened:\n%s", port, b)
}

// redisAuth sends AUTH over RESP to the test's own loopback Redis and returns the reply line.
func redisAuth(t *testing.T, port int, args ...string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	all := append([]string{"AUTH"}, args...)
	msg := fmt.Sprintf("*%d\r\n", len(all))
	for _, a := range all {
		msg += fmt.Sprintf("$%d\r\n%s\r\n", len(a), a)
	}
	c.Write([]byte(msg))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

func probeRoot(t *testing.T, root string, tiers []Tier) Report {
	t.Helper()
	r, err := Run(context.Background(), Options{Root: root, NotLive: true, Passwords: PasswordOptions{Tiers: tiers, Budget: 30 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRealRedis starts redis-server on a loopback port with a weak requirepass and
// weak ACL users, proves the passwords work against the real server, then probes
// the configuration offline.
func TestRealRedis(t *testing.T) {
	bin := needBinary(t, "redis-server")
	root := t.TempDir()
	port := freePort(t)
	acl := sha256.Sum256([]byte("123456"))
	conf := filepath.Join(root, "etc/redis/redis.conf")
	writeFile(t, filepath.Join(root, "etc/os-release"), osReleaseDebian, 0o644)
	writeFile(t, conf, fmt.Sprintf("port %d\nbind 127.0.0.1\nprotected-mode yes\ndaemonize no\ndir %s\nsave \"\"\nappendonly no\n"+
		"requirepass foobared\nuser app on >password1 ~* +@all\nuser legacy on #%s ~* +@all\nuser ops on >Zq8#xV2!mP9@wL4-long ~* +@all\n",
		port, root, hex.EncodeToString(acl[:])), 0o640)
	logf := filepath.Join(root, "redis.log")
	d := startDaemon(t, logf, bin, conf)
	waitPort(t, d, port, logf)
	for _, c := range [][]string{{"foobared"}, {"app", "password1"}, {"legacy", "123456"}} {
		if got := redisAuth(t, port, c...); got != "+OK" {
			t.Fatalf("real redis AUTH %s: %q; want +OK", c[0], got)
		}
	}
	r := probeRoot(t, root, DefaultTiers(200, nil))
	f := findingOf(r, "host.redis.weak_password")
	ev := strings.Join(f.Evidence, "\n")
	if f.Status != NotPass || !strings.Contains(ev, "default (") || !strings.Contains(ev, "app (") || !strings.Contains(ev, "legacy (") || strings.Contains(ev, "ops (") {
		t.Errorf("redis weak_password = %s:\n%s\nwant default, app and legacy weak, ops not", f.Status, ev)
	}
	if f := findingOf(r, "host.redis.no_auth"); f.Status != Pass {
		t.Errorf("redis no_auth = %s %v; want PASS (requirepass set)", f.Status, f.Evidence)
	}
	if f := findingOf(r, "host.redis.bind_private"); f.Status != Pass {
		t.Errorf("redis bind_private = %s %v", f.Status, f.Evidence)
	}
}

// TestRealMariaDB initialises a data directory inside a root, starts mariadbd on a
// loopback port, weakens it (an empty root password, a weak user), and probes the
// account table offline from the data files.
func TestRealMariaDB(t *testing.T) {
	needRoot(t)
	server := needBinary(t, "mariadbd", "/usr/sbin/mariadbd")
	install := needBinary(t, "mariadb-install-db")
	client := needBinary(t, "mariadb")
	root := t.TempDir()
	data := filepath.Join(root, "var/lib/mysql")
	writeFile(t, filepath.Join(root, "etc/os-release"), osReleaseDebian, 0o644)
	writeFile(t, filepath.Join(root, "etc/mysql/my.cnf"), "[mysqld]\ndatadir=/var/lib/mysql\nbind-address=127.0.0.1\nlocal_infile=0\n", 0o644)
	run(t, install, "--no-defaults", "--datadir="+data, "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db")
	port := freePort(t)
	sock := filepath.Join(root, "mysqld.sock")
	logf := filepath.Join(root, "mysqld.log")
	d := startDaemon(t, logf, server, "--no-defaults", "--datadir="+data, "--user=root", "--socket="+sock, "--port="+strconv.Itoa(port),
		"--bind-address=127.0.0.1", "--skip-log-bin", "--pid-file="+filepath.Join(root, "mysqld.pid"))
	waitPort(t, d, port, logf)
	sql := "ALTER USER root@localhost IDENTIFIED BY ''; CREATE USER alice@'%' IDENTIFIED BY 'password123'; " +
		"CREATE USER app@'%' IDENTIFIED BY 'Zq8#xV2!mP9@wL4-long'; FLUSH PRIVILEGES; FLUSH TABLES;"
	run(t, client, "--no-defaults", "-S", sock, "-uroot", "-e", sql)
	// the weak password really opens the server
	run(t, client, "--no-defaults", "-h127.0.0.1", "-P"+strconv.Itoa(port), "-ualice", "-ppassword123", "-e", "SELECT 1")
	r := probeRoot(t, root, DefaultTiers(200, nil))
	if f := findingOf(r, "host.mysql.empty_password"); f.Status != NotPass || !strings.Contains(strings.Join(f.Evidence, " "), "root@localhost") {
		t.Errorf("mysql empty_password = %s %v; want root@localhost", f.Status, f.Evidence)
	}
	f := findingOf(r, "host.mysql.weak_password")
	ev := strings.Join(f.Evidence, "\n")
	if f.Status != NotPass || !strings.Contains(ev, "alice@%") || strings.Contains(ev, "app@%") {
		t.Errorf("mysql weak_password = %s:\n%s\nwant alice weak, app not", f.Status, ev)
	}
}

// TestRealPostgres initialises a cluster inside a root as the postgres user, starts
// it on a loopback port with trust in pg_hba, gives roles weak SCRAM and MD5
// passwords, checkpoints, and probes pg_authid offline.
func TestRealPostgres(t *testing.T) {
	needRoot(t)
	initdb := needBinary(t, "initdb", "/usr/lib/postgresql/15/bin/initdb", "/usr/lib/postgresql/16/bin/initdb")
	bindir := filepath.Dir(initdb)
	if p, err := filepath.EvalSymlinks(initdb); err == nil {
		bindir = filepath.Dir(p)
	}
	root := t.TempDir()
	for d := root; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	data := filepath.Join(root, "var/lib/postgresql/15/main")
	os.MkdirAll(data, 0o755)
	os.Chmod(data, 0o700)
	run(t, "chown", "-R", "postgres:postgres", filepath.Join(root, "var/lib/postgresql"))
	run(t, "runuser", "-u", "postgres", "--", filepath.Join(bindir, "initdb"), "-D", data, "--auth=trust", "-U", "postgres")
	hba := "local all all trust\nhost all all 127.0.0.1/32 trust\n"
	writeFile(t, filepath.Join(root, "etc/os-release"), osReleaseDebian, 0o644)
	writeFile(t, filepath.Join(root, "etc/postgresql/15/main/postgresql.conf"), "data_directory = '/var/lib/postgresql/15/main'\nlisten_addresses = 'localhost'\nssl = off\n", 0o644)
	writeFile(t, filepath.Join(root, "etc/postgresql/15/main/pg_hba.conf"), hba, 0o640)
	port := freePort(t)
	logf := filepath.Join(root, "pg.log")
	os.WriteFile(logf, nil, 0o666)
	os.Chmod(logf, 0o666)
	sockDir := filepath.Join(root, "run/postgresql")
	os.MkdirAll(sockDir, 0o755)
	run(t, "chown", "postgres:postgres", sockDir)
	d := startDaemon(t, logf, "runuser", "-u", "postgres", "--", filepath.Join(bindir, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-k", sockDir, "-c", "listen_addresses=127.0.0.1")
	waitPort(t, d, port, logf)
	sql := "ALTER ROLE postgres PASSWORD 'postgres'; CREATE ROLE app LOGIN PASSWORD 'Zq8#xV2!mP9@wL4-long'; " +
		"SET password_encryption = 'md5'; CREATE ROLE legacy LOGIN PASSWORD 'password'; CHECKPOINT;"
	run(t, "runuser", "-u", "postgres", "--", filepath.Join(bindir, "psql"), "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "postgres", "-d", "postgres", "-c", sql)
	r := probeRoot(t, root, DefaultTiers(200, nil))
	f := findingOf(r, "host.postgres.weak_password")
	ev := strings.Join(f.Evidence, "\n")
	if f.Status != NotPass || !strings.Contains(ev, "postgres (pg_authid): weak, matched tier user") ||
		!strings.Contains(ev, "legacy (pg_authid): weak, matched tier top") || strings.Contains(ev, "app (") {
		t.Errorf("postgres weak_password = %s:\n%s\nwant postgres (SCRAM) and legacy (MD5) weak, app not", f.Status, ev)
	}
	if f := findingOf(r, "host.postgres.hba_trust"); f.Status != NotPass {
		t.Errorf("postgres hba_trust = %s %v; want NOT_PASS", f.Status, f.Evidence)
	}
}
