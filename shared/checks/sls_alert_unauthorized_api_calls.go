package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_unauthorized_api_calls", "2.16", "A Log Service alert watches unauthorized API calls", catalog.Medium),
	check: slsAlert("2.16"),
})
