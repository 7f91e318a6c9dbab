package baseline

import (
	"context"
	"encoding/hex"
	"net"
	"path"
	"sort"
	"strconv"
	"strings"
)

// sysctlDirs are the /proc/sys directories whose values the live probe records.
var sysctlDirs = []string{
	"kernel", "fs", "net/ipv4", "net/ipv4/conf/all", "net/ipv4/conf/default",
	"net/ipv6/conf/all", "net/ipv6/conf/default", "kernel/yama",
}

// live reads what only a running system has. Each part is best effort.
func (p *prober) live(ctx context.Context) {
	if !p.o.Live {
		return
	}
	for _, f := range []string{"/proc/cmdline", "/proc/mounts"} {
		p.readPath(f)
	}
	p.f.Sysctl = map[string]string{}
	for _, d := range sysctlDirs {
		ents, err := p.r.readDir("/proc/sys/" + d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			b, _, err := p.r.readBytes("/proc/sys/" + d + "/" + e.Name())
			if err != nil || len(b) > 256 {
				continue
			}
			key := strings.ReplaceAll(d, "/", ".") + "." + e.Name()
			p.f.Sysctl[key] = strings.Join(strings.Fields(string(b)), " ")
		}
	}
	if b, _, err := p.r.readText("/proc/modules"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				p.f.Modules = append(p.f.Modules, f[0])
			}
		}
	}
	if ents, err := p.r.readDir("/run/systemd/units"); err == nil {
		for _, e := range ents {
			if n, ok := strings.CutPrefix(e.Name(), "invocation:"); ok {
				p.f.Active = append(p.f.Active, n)
			}
		}
		sort.Strings(p.f.Active)
	}
	p.f.Listeners = p.listeners()
}

// listeners parses /proc/net/{tcp,tcp6,udp,udp6} and names the owning process.
func (p *prober) listeners() []Listener {
	inodes := map[string]int{}
	var out []Listener
	for _, proto := range []string{"tcp", "tcp6", "udp", "udp6"} {
		b, _, err := p.r.readText("/proc/net/" + proto)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if i == 0 || len(f) < 10 {
				continue
			}
			if strings.HasPrefix(proto, "tcp") && f[3] != "0A" {
				continue
			}
			if strings.HasPrefix(proto, "udp") && f[3] != "07" {
				continue
			}
			ip, port := parseProcAddr(f[1])
			if ip == "" {
				continue
			}
			l := Listener{Proto: proto, Addr: ip, Port: port}
			inodes[f[9]] = len(out)
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil
	}
	procs, err := p.r.readDir("/proc")
	if err != nil {
		return out
	}
	for _, pe := range procs {
		pid := pe.Name()
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		fds, err := p.r.readDir(path.Join("/proc", pid, "fd"))
		if err != nil {
			continue
		}
		var comm string
		for _, fd := range fds {
			t, err := p.r.readlink(path.Join("proc", pid, "fd", fd.Name()))
			if err != nil || !strings.HasPrefix(t, "socket:[") {
				continue
			}
			idx, ok := inodes[strings.TrimSuffix(strings.TrimPrefix(t, "socket:["), "]")]
			if !ok {
				continue
			}
			if comm == "" {
				if b, _, err := p.r.readText(path.Join("/proc", pid, "comm")); err == nil {
					comm = strings.TrimSpace(string(b))
				}
			}
			out[idx].Process = comm
		}
	}
	return out
}

// parseProcAddr decodes "0100007F:1F90" into 127.0.0.1 and 8080.
func parseProcAddr(s string) (string, int) {
	h, pt, ok := strings.Cut(s, ":")
	if !ok {
		return "", 0
	}
	port, err := strconv.ParseUint(pt, 16, 16)
	if err != nil {
		return "", 0
	}
	b, err := hex.DecodeString(h)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return "", 0
	}
	// each 32-bit word is little-endian
	for i := 0; i < len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	return net.IP(b).String(), int(port)
}
