package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_cloud_firewall_changes", "2.11", "A Log Service alert watches Cloud Firewall changes", catalog.Medium),
	check: slsAlert("2.11"),
})
