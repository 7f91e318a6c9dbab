package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_notification_high_risk",
		Title:        "Security Center notifies someone of alerts, vulnerabilities and baseline risks",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Account",
		Category:     catalog.Monitoring,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Frameworks:   refs(cis("8.5"), mlps("8.1.5.4 f)")),
		Description:  "Alerts nobody receives are alerts nobody acts on.",
		Remediation:  "Security Center → Settings → Notifications: choose a channel (SMS, email, internal message) for security alerts, vulnerabilities and baseline risks.",
		Fix:          catalog.FixRollback,
	},
	check: each(sasAccount, func(x *collect.SASInventory, e *env) verdict {
		for _, p := range []string{"yundun_aegis_AV_true", "sas_vulnerability", "sas_healthcheck"} {
			n := x.Notice(p)
			if n == nil || !n.Enabled() {
				return failf("notifications for %s go nowhere", p)
			}
		}
		return pass("alerts, vulnerabilities and baseline risks are notified")
	}),
})
