package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_console_login_no_mfa", "2.17", "A Log Service alert watches console sign-ins without MFA", catalog.Medium),
	check: slsAlert("2.17"),
})
