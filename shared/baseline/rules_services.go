package baseline

import (
	"fmt"
	"sort"
	"strings"
)

// riskyService is one "this service is not installed or not enabled" item.
type riskyService struct {
	short, title string
	pkgs, bins   []string
	units        []string
	sev          Severity
	base         Baseline
	fw           []string
}

var riskyServices = []riskyService{
	{"telnet_server", "No telnet server is installed or enabled", []string{"telnetd", "inetutils-telnetd", "telnetd-ssl", "telnet-server"},
		[]string{"/usr/sbin/telnetd", "/usr/sbin/in.telnetd"}, []string{"telnet.socket", "inetutils-telnetd.service"}, High, DefaultPolicy,
		refs(cisAli("2.1.16"), mlps("8.1.4.1 c)", false))},
	{"rsh_server", "No rsh/rlogin/rexec server is installed", []string{"rsh-server", "rsh-redone-server"},
		[]string{"/usr/sbin/in.rshd", "/usr/sbin/in.rlogind", "/usr/sbin/in.rexecd"}, []string{"rsh.socket", "rlogin.socket", "rexec.socket"}, High, MLPS,
		mlps("8.1.4.1 c)", false)},
	{"tftp_server", "No TFTP server is installed", []string{"tftpd-hpa", "tftpd", "atftpd", "tftp-server"}, []string{"/usr/sbin/in.tftpd"}, []string{"tftpd-hpa.service", "tftp.socket"}, Medium, CIS,
		refs(cisDeb("2.1.16"), cisAli("2.1.17"), mlps("8.1.4.4 b)", false))},
	{"xinetd", "xinetd is not installed", []string{"xinetd"}, []string{"/usr/sbin/xinetd"}, []string{"xinetd.service"}, Medium, CIS,
		refs(cisDeb("2.1.19"), cisAli("2.1.20"), mlps("8.1.4.4 a)", false))},
	{"avahi", "Avahi (mDNS) is not enabled", []string{"avahi-daemon"}, []string{"/usr/sbin/avahi-daemon"}, []string{"avahi-daemon.service", "avahi-daemon.socket"}, Low, CIS,
		refs(cisDeb("2.1.2"), cisAli("2.1.2"))},
	{"cups", "The print server (CUPS) is not enabled", []string{"cups", "cups-daemon"}, []string{"/usr/sbin/cupsd"}, []string{"cups.service", "cups.socket"}, Low, CIS,
		refs(cisDeb("2.1.11"), cisAli("2.1.11"))},
	{"dhcp_server", "No DHCP server is installed", []string{"isc-dhcp-server", "kea-dhcp4-server", "dhcp-server"}, []string{"/usr/sbin/dhcpd"}, []string{"isc-dhcp-server.service"}, Low, CIS,
		refs(cisDeb("2.1.3"), cisAli("2.1.4"))},
	{"ldap_server", "No LDAP server is installed", []string{"slapd", "openldap-servers"}, []string{"/usr/sbin/slapd"}, []string{"slapd.service"}, Low, CIS,
		cisDeb("2.1.7")},
	{"nfs_server", "No NFS server is enabled", []string{"nfs-kernel-server", "nfs-utils"}, []string{"/usr/sbin/rpc.nfsd"}, []string{"nfs-server.service", "nfs-kernel-server.service"}, Medium, CIS,
		refs(cisDeb("2.1.9"), cisAli("2.1.9"), mlps("8.1.4.4 b)", false))},
	{"rpcbind", "rpcbind is not enabled", []string{"rpcbind"}, []string{"/usr/sbin/rpcbind", "/sbin/rpcbind"}, []string{"rpcbind.service", "rpcbind.socket"}, Medium, CIS,
		refs(cisDeb("2.1.12"), cisAli("2.1.12"), mlps("8.1.4.4 b)", false))},
	{"dns_server", "No DNS server is installed unless needed", []string{"bind9", "bind"}, []string{"/usr/sbin/named"}, []string{"named.service", "bind9.service"}, Low, CIS,
		refs(cisDeb("2.1.4"), cisAli("2.1.5"))},
	{"ftp_server", "No FTP server is installed unless needed", []string{"vsftpd", "proftpd-basic", "pure-ftpd"}, []string{"/usr/sbin/vsftpd"}, []string{"vsftpd.service", "proftpd.service"}, Medium, CIS,
		refs(cisDeb("2.1.6"), cisAli("2.1.7"), mlps("8.1.4.1 c)", false))},
	{"samba", "Samba is not enabled unless needed", []string{"samba"}, []string{"/usr/sbin/smbd"}, []string{"smbd.service", "smb.service"}, Medium, CIS,
		refs(cisDeb("2.1.14"), cisAli("2.1.14"), mlps("8.1.4.4 b)", false))},
	{"snmp_server", "The SNMP daemon is not enabled unless needed", []string{"snmpd", "net-snmp"}, []string{"/usr/sbin/snmpd"}, []string{"snmpd.service"}, Low, CIS,
		refs(cisDeb("2.1.15"), cisAli("2.1.15"))},
	{"nis_server", "The NIS server is not installed", []string{"nis", "ypserv"}, []string{"/usr/sbin/ypserv"}, []string{"ypserv.service"}, Medium, CIS,
		refs(cisDeb("2.1.10"), cisAli("2.1.10"))},
	{"x_window", "No X Window System is installed on a server", []string{"xserver-xorg-core", "xserver-xorg", "xorg-x11-server-Xorg"}, []string{"/usr/bin/Xorg"}, nil, Low, CIS,
		refs(cisDeb("2.1.20"), cisAli("2.1.22"), mlps("8.1.4.4 a)", false))},
	{"rsync_daemon", "The rsync daemon is not enabled unless needed", []string{}, nil, []string{"rsync.service", "rsyncd.service"}, Medium, CIS,
		refs(cisDeb("2.1.13"), cisAli("2.1.13"))},
	{"squid", "No HTTP proxy server is installed unless needed", []string{"squid"}, []string{"/usr/sbin/squid"}, []string{"squid.service"}, Low, CIS,
		refs(cisDeb("2.1.17"), cisAli("2.1.18"))},
	{"mail_pop_imap", "No IMAP/POP3 server is installed unless needed", []string{"dovecot-imapd", "dovecot-pop3d", "dovecot"}, []string{"/usr/sbin/dovecot"}, []string{"dovecot.service"}, Low, CIS,
		refs(cisDeb("2.1.8"), cisAli("2.1.8"))},
	{"telnet_client", "The telnet client is not installed", []string{"telnet", "inetutils-telnet"}, []string{"/usr/bin/telnet"}, nil, Low, CIS,
		refs(cisDeb("2.2.4"), cisAli("2.2.4"))},
	{"prelink", "prelink is not installed", []string{"prelink"}, []string{"/usr/sbin/prelink"}, nil, Low, CIS,
		cisDeb("1.5.4")},
}

func (s riskyService) eval(f *Facts) Result {
	var found []string
	for _, u := range s.units {
		if n, ok := unitAny(f, u); ok {
			found = append(found, n+" enabled")
		}
	}
	if f.PkgDB == "dpkg" {
		for _, p := range s.pkgs {
			if ok, _ := f.Installed(p); ok {
				found = append(found, "package "+p+" installed")
			}
		}
	} else {
		for _, b := range s.bins {
			if f.Exists(b) {
				found = append(found, b+" exists")
			}
		}
	}
	if len(found) > 0 {
		return fail(found...)
	}
	return pass("not installed or enabled")
}

var serviceItems = func() []*Item {
	var out []*Item
	for _, s := range riskyServices {
		s := s
		rem := "Stop and disable the service (systemctl --now disable/mask)"
		if len(s.pkgs) > 0 {
			rem += fmt.Sprintf(" and remove the package (apt-get purge %s / dnf remove)", s.pkgs[0])
		}
		var bad []Example
		if len(s.pkgs) > 0 {
			bad = append(bad, ex("installed", rootWith("/var/lib/dpkg/status", dpkgStatus(s.pkgs[0]))))
		}
		if len(s.units) > 0 {
			bad = append(bad, ex("enabled", rootWith("/etc/systemd/system/multi-user.target.wants/"+s.units[0], "[Unit]\n")))
		}
		out = append(out, register(Item{
			ID: "host.service." + s.short, Title: s.title, Category: CatIntrusion, Baseline: s.base, Severity: s.sev, Frameworks: s.fw,
			Remediation: rem + ".",
			Good:        []Example{ex("absent", rootWith("/var/lib/dpkg/status", dpkgStatus("bash", "openssh-server")))},
			Bad:         bad,
			Eval:        s.eval,
		}))
	}
	return out
}()

// highRiskPorts are ports that should never face the network unguarded.
var highRiskPorts = map[int]string{
	21: "ftp", 23: "telnet", 69: "tftp", 111: "rpcbind", 135: "msrpc", 137: "netbios-ns", 138: "netbios-dgm", 139: "netbios-ssn",
	445: "smb", 512: "rexec", 513: "rlogin", 514: "rsh", 515: "lpd", 873: "rsync", 2049: "nfs", 2375: "docker", 3306: "mysql",
	3389: "rdp", 5432: "postgresql", 5900: "vnc", 6379: "redis", 9200: "elasticsearch", 10250: "kubelet", 11211: "memcached", 27017: "mongodb",
}

var highRiskPortsItem = register(Item{
	ID: "host.network.high_risk_ports", Title: "No high-risk port listens on a non-loopback address", Category: CatIntrusion,
	Baseline: DefaultPolicy, Severity: High, Frameworks: mlps("8.1.4.4 b)", false),
	Remediation: "Stop the listed services, bind them to 127.0.0.1 or a private address, and close the ports in the security group.",
	Good: []Example{exLive("ssh only", baseFS(), func(f *Facts) {
		f.Listeners = []Listener{{Proto: "tcp", Addr: "0.0.0.0", Port: 22, Process: "sshd"}, {Proto: "tcp", Addr: "127.0.0.1", Port: 6379, Process: "redis-server"}}
	})},
	Bad: []Example{exLive("redis on 0.0.0.0", baseFS(), func(f *Facts) {
		f.Listeners = []Listener{{Proto: "tcp", Addr: "0.0.0.0", Port: 6379, Process: "redis-server"}}
	})},
	Eval: func(f *Facts) Result {
		if !f.Live {
			return notEval("listening ports are only read on the running system (probe not live)")
		}
		var bad []string
		for _, l := range f.Listeners {
			if name, ok := highRiskPorts[l.Port]; ok && !l.Loopback() {
				bad = append(bad, fmt.Sprintf("%s %s:%d (%s) %s", l.Proto, l.Addr, l.Port, name, l.Process))
			}
		}
		sort.Strings(bad)
		if len(bad) > 0 {
			return fail(bad...)
		}
		return pass(fmt.Sprintf("%d listening sockets, none high-risk on a public address", len(f.Listeners)))
	},
})

var mtaLocal = register(Item{
	ID: "host.service.mta_local_only", Title: "The mail transfer agent listens on loopback only", Category: CatIntrusion,
	Baseline: CIS, Severity: Medium, Frameworks: refs(cisDeb("2.1.21"), cisAli("2.1.23")),
	Remediation: "Set inet_interfaces = loopback-only in /etc/postfix/main.cf and restart postfix.",
	Good:        []Example{ex("loopback", rootWith("/etc/postfix/main.cf", "inet_interfaces = loopback-only\n"))},
	Bad:         []Example{ex("all", rootWith("/etc/postfix/main.cf", "inet_interfaces = all\n"))},
	Eval: func(f *Facts) Result {
		if f.Live {
			for _, l := range f.Listeners {
				if (l.Port == 25 || l.Port == 465 || l.Port == 587) && !l.Loopback() && strings.HasPrefix(l.Proto, "tcp") {
					return fail(fmt.Sprintf("%s:%d listening (%s)", l.Addr, l.Port, l.Process))
				}
			}
		}
		ss, found, err := kvFiles(f, "=", true, "/etc/postfix/main.cf")
		if err != nil {
			return notEval("%v", err)
		}
		if !found {
			return pass("not applicable: no postfix configuration")
		}
		s, ok := lastSetting(ss, "inet_interfaces")
		if !ok {
			return fail("/etc/postfix/main.cf: inet_interfaces unset (postfix default: all)")
		}
		v := strings.ToLower(s.Value)
		return failIf(v != "loopback-only" && v != "localhost" && v != "127.0.0.1", s.String())
	},
	fix: func(f *Facts, read fileReader) ([]Edit, error) {
		e, err := setDirective(read, "/etc/postfix/main.cf", "inet_interfaces", "loopback-only", " = ", false)
		return []Edit{e}, err
	},
})
