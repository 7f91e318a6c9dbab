package baseline

import (
	"fmt"
)

var cronEnabled = register(Item{
	ID: "host.cron.enabled", Title: "The cron daemon is enabled", Category: CatAudit,
	Baseline: CIS, Severity: Low, Frameworks: refs(cisDeb("2.4.1.1"), cisAli("2.4.1.1")),
	Remediation: "systemctl --now enable cron (crond on Alibaba Cloud Linux).",
	Good:        []Example{ex("wanted", rootWith("/etc/systemd/system/multi-user.target.wants/cron.service", "[Unit]\n"))},
	Bad:         []Example{ex("disabled", rootWith("/lib/systemd/system/cron.service", "[Unit]\n"))},
	Eval: func(f *Facts) Result {
		if n, ok := unitAny(f, "cron.service", "crond.service"); ok {
			return pass(n + " enabled")
		}
		return fail("cron.service is " + orNone(f.UnitState("cron.service")))
	},
})

// allowItem: cron/at use an allow list, root-owned, not the deny list alone.
func allowItem(short, tool, allow, deny string, fw []string) *Item {
	return register(Item{
		ID: "host.cron." + short, Title: fmt.Sprintf("%s is restricted to users in %s", tool, allow), Category: CatAccess,
		Baseline: CIS, Severity: Low, Frameworks: fw,
		Remediation: fmt.Sprintf("Create %s (root:root, 640) listing the users allowed to use %s, and remove %s.", allow, tool, deny),
		Good:        []Example{ex("allow list", with(baseFS(), allow, "root\n", 0o640, 0, 0))},
		Bad:         []Example{ex("deny list only", with(baseFS(), deny, "\n", 0o644, 0, 0)), ex("world-writable allow", with(baseFS(), allow, "root\n", 0o666, 0, 0))},
		Eval: func(f *Facts) Result {
			ff := f.File(allow)
			switch {
			case ff == nil:
				return notEval("%s not collected", allow)
			case ff.Err == "missing":
				return fail(allow + " does not exist (everyone not in " + deny + " may use " + tool + ")")
			case ff.Err != "":
				return notEval("%s: %s", allow, ff.Err)
			case ff.Mode&0o137 != 0 || ff.UID != 0:
				return fail(fmt.Sprintf("%s: mode %04o uid %d", allow, ff.Mode, ff.UID))
			}
			return pass(fmt.Sprintf("%s: mode %04o", allow, ff.Mode))
		},
		fix: func(f *Facts, read fileReader) ([]Edit, error) {
			b, _, exists, err := read(allow)
			if err != nil {
				return nil, err
			}
			if !exists {
				b = []byte("root\n")
			}
			return []Edit{{Path: allow, Data: b, Mode: 0o640}}, nil
		},
	})
}

var (
	cronAllow = allowItem("cron_allow", "cron", "/etc/cron.allow", "/etc/cron.deny", refs(cisDeb("2.4.1.8"), cisAli("2.4.1.9")))
	atAllow   = allowItem("at_allow", "at", "/etc/at.allow", "/etc/at.deny", refs(cisDeb("2.4.2.1"), cisAli("2.4.2.1")))
)
