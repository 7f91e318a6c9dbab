package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_user_console_unused",
		Title:        "RAM users who have not logged on for 90 days or more cannot log on to the console",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::User",
		Category:     catalog.Identity,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("1.5"), mlps("8.1.4.2 c)")),
		Description: "Dormant console passwords belong to people who have left or changed roles; nobody notices " +
			"when they are used.",
		Remediation: "Disable console logon for the user (RAM console → Users → Console Access → Disable).",
		Fix:         catalog.FixRollback,
	},
	check: each(ramUsers, func(u *collect.RAMUser, e *env) verdict {
		if !u.ConsoleAccess() {
			return pass("console logon is disabled")
		}
		now := e.in.now()
		last := u.LastLoginDate
		if last.IsZero() {
			last = u.LoginProfile.LastLoginTime
		}
		switch {
		case last.IsZero() && olderThan(u.CreateDate, now, ninetyDays):
			return failf("never logged on in the %d days since the user was created", days(now.Sub(u.CreateDate)))
		case olderThan(last, now, ninetyDays):
			return failf("last console logon %s, %d days ago", last.Format("2006-01-02"), days(now.Sub(last)))
		}
		return pass("logged on within the last 90 days")
	}),
})
