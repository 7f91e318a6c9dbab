package baseline

import (
	"fmt"
	"strings"
)

// mountOptions returns the options of a mount point from /proc/mounts (live) or /etc/fstab.
func mountOptions(f *Facts, mnt string) (string, string, bool) {
	for _, src := range []string{"/proc/mounts", "/etc/fstab"} {
		t, ok, _ := f.Text(src)
		if !ok {
			continue
		}
		for i, l := range lines(t) {
			fs := strings.Fields(l)
			if len(fs) >= 4 && fs[1] == mnt {
				return fs[3], fmt.Sprintf("%s:%d", src, i+1), true
			}
		}
	}
	return "", "", false
}

func mountItem(short, mnt string, opts []string, sev Severity, fw []string, missingPasses bool) *Item {
	title := mnt + " is a separate mount"
	if len(opts) > 0 {
		title = mnt + " is mounted " + strings.Join(opts, ",")
	}
	bad := []Example{ex("plain", rootWith("/etc/fstab", "tmpfs "+mnt+" tmpfs defaults 0 0\n"+"/dev/vda1 / ext4 defaults 0 1\n"))}
	if len(opts) == 0 {
		bad = []Example{ex("not separate", rootWith("/etc/fstab", "/dev/vda1 / ext4 defaults 0 1\n"))}
	}
	return register(Item{
		ID: "host.fs." + short, Title: title, Category: CatIntrusion, Baseline: CIS, Severity: sev, Frameworks: fw,
		Remediation: fmt.Sprintf("Mount %s as its own file system with options %s in /etc/fstab (or a systemd mount unit) and remount.", mnt, strings.Join(append([]string{"defaults"}, opts...), ",")),
		Good:        []Example{ex("fstab", rootWith("/etc/fstab", "tmpfs "+mnt+" tmpfs defaults,rw,"+strings.Join(append(opts, "relatime"), ",")+" 0 0\n"))},
		Bad:         bad,
		Eval: func(f *Facts) Result {
			o, where, ok := mountOptions(f, mnt)
			if !ok {
				if missingPasses {
					return pass("not applicable: " + mnt + " is not a separate mount")
				}
				return fail(mnt + " is not a separate mount (not in /etc/fstab)")
			}
			var missing []string
			have := strings.Split(o, ",")
			for _, w := range opts {
				if !contains(have, w) {
					missing = append(missing, w)
				}
			}
			if len(missing) > 0 {
				return fail(fmt.Sprintf("%s: %s mounted without %s", where, mnt, strings.Join(missing, ",")))
			}
			return pass(where + ": " + mnt + " " + o)
		},
	})
}

var (
	tmpSeparate = mountItem("tmp_separate", "/tmp", nil, Low, refs(cisDeb("1.1.2.1.1"), cisAli("1.1.2.1.1")), false)
	tmpOptions  = mountItem("tmp_options", "/tmp", []string{"nodev", "nosuid", "noexec"}, Medium, refs(cisDeb("1.1.2.1.2", "1.1.2.1.3", "1.1.2.1.4"), cisAli("1.1.2.1.2", "1.1.2.1.3", "1.1.2.1.4")), false)
	shmOptions  = mountItem("dev_shm_options", "/dev/shm", []string{"nodev", "nosuid", "noexec"}, Medium, refs(cisDeb("1.1.2.2.2", "1.1.2.2.3", "1.1.2.2.4"), cisAli("1.1.2.2.2", "1.1.2.2.3", "1.1.2.2.4")), true)
	varTmpOpts  = mountItem("var_tmp_options", "/var/tmp", []string{"nodev", "nosuid", "noexec"}, Low, refs(cisDeb("1.1.2.5.2", "1.1.2.5.3", "1.1.2.5.4"), cisAli("1.1.2.5.2", "1.1.2.5.3", "1.1.2.5.4")), true)
	homeNodev   = mountItem("home_nodev", "/home", []string{"nodev", "nosuid"}, Low, refs(cisDeb("1.1.2.3.2", "1.1.2.3.3"), cisAli("1.1.2.3.2", "1.1.2.3.3")), true)
)
