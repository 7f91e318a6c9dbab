package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_ram_role_changes", "2.10", "A Log Service alert watches RAM role and authorization changes", catalog.Medium),
	check: slsAlert("2.10"),
})
