package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_vpc_changes", "2.13", "A Log Service alert watches VPC changes", catalog.Medium),
	check: slsAlert("2.13"),
})
