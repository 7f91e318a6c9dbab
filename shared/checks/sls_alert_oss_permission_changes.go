package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_oss_permission_changes", "2.14", "A Log Service alert watches OSS permission changes", catalog.Medium),
	check: slsAlert("2.14"),
})
