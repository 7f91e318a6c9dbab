package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_security_group_changes", "2.22", "A Log Service alert watches security group changes", catalog.Medium),
	check: slsAlert("2.22"),
})
