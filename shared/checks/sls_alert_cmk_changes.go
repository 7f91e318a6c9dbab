package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sls_alert_cmk_changes",
		Title:        "A Log Service alert watches disabling or deletion of customer-managed KMS keys",
		Product:      "sls",
		ResourceType: "ALIYUN::SLS::Alert",
		Category:     catalog.Monitoring,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("2.20"), mlps("8.1.5.4 f)")),
		Description:  "Disabling or scheduling deletion of a key makes the data it protects unreadable; it must not go unnoticed.",
		Audit:        "Log Service → the project receiving ActionTrail events → Alerts: confirm an enabled rule matches event.serviceName: Kms and event.eventName: (DisableKey or ScheduleKeyDeletion) with a notification channel.",
		Remediation:  "Create the alert rule on the ActionTrail logstore with that query and a notification policy.",
		Fix:          catalog.FixConsole,
	},
})
