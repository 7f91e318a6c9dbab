package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_rds_config_changes", "2.15", "A Log Service alert watches RDS instance configuration changes", catalog.Medium),
	check: slsAlert("2.15"),
})
