package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_console_auth_failures", "2.19", "A Log Service alert watches console authentication failures", catalog.Medium),
	check: slsAlert("2.19"),
})
