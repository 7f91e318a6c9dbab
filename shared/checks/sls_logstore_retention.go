package checks

import (
	"encoding/json"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// slsLogstores are the account's logstores, every project and region
// (GetLogStore answers).
var slsLogstores = kind[collect.SLSLogstore]{
	product: "sls",
	list:    func(inv *collect.Inventory) []collect.SLSLogstore { return inv.SLS.Logstores() },
	describe: func(x *collect.SLSLogstore, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.Project + "/" + x.Name, x.Name, x.Region, x.Raw, nil
	},
}

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sls_logstore_retention",
		Title:        "Logstores keep data for 365 days or more",
		Product:      "sls",
		ResourceType: "ALIYUN::SLS::Logstore",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Frameworks:   refs(cis("2.23"), mlps("8.1.4.3 c)", "8.1.5.4 d)")),
		Description:  "Attacks are often found months later; logs kept a few weeks cannot show how they started.",
		Remediation:  "Set the logstore's retention (ttl) to 365 days or more: Log Service → project → logstore → Modify; for the Log Audit Service's logstores, its <product>_ttl setting.",
		Fix:          catalog.FixRollback,
	},
	check: each(slsLogstores, func(x *collect.SLSLogstore, e *env) verdict {
		if x.TTLDays < 365 {
			return failf("logstore %s in project %s keeps data %d days, under 365", x.Name, x.Project, x.TTLDays)
		}
		return passf("logstore %s in project %s keeps data %d days", x.Name, x.Project, x.TTLDays)
	}),
})
