package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: func() catalog.Item {
		it := slsAlertItem("sls_alert_cmk_changes", "2.20",
			"A Log Service alert watches disabling or deletion of customer-managed KMS keys", catalog.Medium)
		it.Description = "Disabling or scheduling deletion of a key makes the data it protects unreadable; it must not go unnoticed."
		it.Remediation = "Log Service → the project receiving ActionTrail events → Alerts: create a rule querying " +
			"event.serviceName: Kms and event.eventName: (DisableKey or ScheduleKeyDeletion), with a notification policy."
		it.Fix = catalog.FixConsole
		return it
	}(),
	check: slsAlert("2.20"),
})
