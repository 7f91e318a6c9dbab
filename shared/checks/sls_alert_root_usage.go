package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_root_usage", "2.18", "A Log Service alert watches usage of the root account", catalog.High),
	check: slsAlert("2.18"),
})
