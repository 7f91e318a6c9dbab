package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item:  slsAlertItem("sls_alert_vpc_route_changes", "2.12", "A Log Service alert watches VPC route changes", catalog.Medium),
	check: slsAlert("2.12"),
})
