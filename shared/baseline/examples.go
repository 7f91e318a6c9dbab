package baseline

import (
	"io/fs"
	"strings"
	"testing/fstest"
)

// Helpers that build example root filesystems for the items.

const osReleaseDebian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n"
const osReleaseALinux = "NAME=\"Alibaba Cloud Linux\"\nVERSION_ID=\"3\"\nID=\"alinux\"\nID_LIKE=\"rhel fedora centos anolis\"\n"

// baseFS is a minimal Debian root: os-release and the account files.
func baseFS() fstest.MapFS {
	return fstest.MapFS{
		"etc/os-release": {Data: []byte(osReleaseDebian), Mode: 0o644},
		"etc/hostname":   {Data: []byte("web01\n"), Mode: 0o644},
		"etc/passwd":     {Data: []byte("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n"), Mode: 0o644},
		"etc/group":      {Data: []byte("root:x:0:\ndaemon:x:1:\nshadow:x:42:\nalice:x:1000:\n"), Mode: 0o644},
		"etc/shadow":     {Data: []byte("root:*:19800:0:99999:7:::\ndaemon:*:19800:0:99999:7:::\nalice:!:19800:1:90:7:30::\n"), Mode: 0o640, Sys: Owner{0, 42}},
		"root":           {Mode: fs.ModeDir | 0o700},
		"home/alice":     {Mode: fs.ModeDir | 0o750, Sys: Owner{1000, 1000}},
	}
}

// rootWith returns baseFS plus files given as path, content pairs (mode 0644).
func rootWith(pairs ...string) fstest.MapFS {
	m := baseFS()
	for i := 0; i+1 < len(pairs); i += 2 {
		m[strings.TrimPrefix(pairs[i], "/")] = &fstest.MapFile{Data: []byte(pairs[i+1]), Mode: 0o644}
	}
	return m
}

// with adds or replaces one file with an explicit mode and owner.
func with(m fstest.MapFS, p, content string, mode fs.FileMode, uid, gid int) fstest.MapFS {
	m[strings.TrimPrefix(p, "/")] = &fstest.MapFile{Data: []byte(content), Mode: mode, Sys: Owner{uid, gid}}
	return m
}

// without removes paths from a MapFS.
func without(m fstest.MapFS, paths ...string) fstest.MapFS {
	for _, p := range paths {
		delete(m, strings.TrimPrefix(p, "/"))
	}
	return m
}

func ex(name string, m fstest.MapFS) Example { return Example{Name: name, FS: m} }

func exLive(name string, m fstest.MapFS, live func(*Facts)) Example {
	return Example{Name: name, FS: m, Live: live}
}

// alinux turns an example root into Alibaba Cloud Linux 3.
func alinux(m fstest.MapFS) fstest.MapFS {
	m["etc/os-release"] = &fstest.MapFile{Data: []byte(osReleaseALinux), Mode: 0o644}
	return m
}

// dpkgStatus renders a dpkg status file listing the given installed packages.
func dpkgStatus(pkgs ...string) string {
	var b strings.Builder
	for _, p := range pkgs {
		b.WriteString("Package: " + p + "\nStatus: install ok installed\nVersion: 1.0-1\n\n")
	}
	return b.String()
}

type fstestMap = fstest.MapFS

type fstestFile = fstest.MapFile

// mariaRowBytes encodes one mysql.global_priv row as an Aria block record.
func mariaRowBytes(host, user, priv string) []byte {
	b := []byte{0, 8, 0}
	b = append(b, byte(len(host)), 0, byte(len(user)), 0)
	n := len(priv)
	b = append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	b = append(b, host...)
	b = append(b, user...)
	return append(b, priv...)
}

// mariaRoot is a root whose MariaDB data directory holds one head page with the rows.
func mariaRoot(rows ...[]byte) fstest.MapFS {
	const page = 8192
	data := make([]byte, 2*page) // page 0: bitmap; page 1: head page
	pg := data[page:]
	pg[7] = 1
	pg[8] = byte(len(rows))
	off := 12
	for i, r := range rows {
		copy(pg[off:], r)
		e := page - 4 - (i+1)*4
		pg[e], pg[e+1] = byte(off), byte(off>>8)
		pg[e+2], pg[e+3] = byte(len(r)), byte(len(r)>>8)
		off += len(r)
	}
	m := rootWith("/etc/mysql/my.cnf", "[mysqld]\ndatadir=/var/lib/mysql\n")
	m["var/lib/mysql/mysql/global_priv.MAD"] = &fstest.MapFile{Data: data, Mode: 0o660}
	return m
}

// pgAuthidPage encodes pg_authid tuples in one heap page.
func pgAuthidPage(roles ...pgRole) []byte {
	const page = 8192
	pg := make([]byte, page)
	upper := page
	lp := 24
	for oid, r := range roles {
		d := make([]byte, 80)
		d[0] = byte(10 + oid)
		copy(d[4:68], r.name)
		if r.canLogin {
			d[72] = 1
		}
		pw := []byte(r.password)
		d = append(d, byte((len(pw)+1)<<1|1))
		d = append(d, pw...)
		t := make([]byte, 24)
		t[20], t[21] = 0x00, 0x09 // XMIN_COMMITTED|XMAX_INVALID (0x0900), no nulls
		t[22] = 24
		t = append(t, d...)
		upper -= len(t)
		copy(pg[upper:], t)
		v := uint32(upper) | 1<<15 | uint32(len(t))<<17
		pg[lp], pg[lp+1], pg[lp+2], pg[lp+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		lp += 4
	}
	pg[12], pg[13] = byte(lp), byte(lp>>8)
	pg[14], pg[15] = byte(upper), byte(upper>>8)
	return pg
}

// pgRoot is a root with a PostgreSQL 15 cluster whose pg_authid is heap.
func pgRoot(heap []byte) fstest.MapFS {
	m := rootWith("/etc/postgresql/15/main/postgresql.conf", "data_directory = '/var/lib/postgresql/15/main'\nport = 5432\n")
	fm := make([]byte, 512)
	put := func(o int, v uint32) {
		fm[o], fm[o+1], fm[o+2], fm[o+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	put(0, 0x592717)
	put(4, 1)
	put(8, 1260)
	put(12, 1260)
	m["var/lib/postgresql/15/main/global/pg_filenode.map"] = &fstest.MapFile{Data: fm, Mode: 0o600}
	m["var/lib/postgresql/15/main/global/1260"] = &fstest.MapFile{Data: heap, Mode: 0o600}
	return m
}
