package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "slb_acl_not_open",
		Title:        "CLB access control lists do not contain 0.0.0.0/0",
		Product:      "slb",
		ResourceType: "ALIYUN::SLB::AccessControlList",
		Category:     catalog.Network,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.3.2 b)"),
		Description:  "An allow list containing 0.0.0.0/0 allows everyone and only looks like access control.",
		Remediation:  "Remove the 0.0.0.0/0 entry (RemoveAccessControlListEntry) and list the networks that need access.",
		Fix:          catalog.FixRollback,
	},
	check: each(slbACLs, func(x *collect.SLBACL, e *env) verdict {
		for _, en := range x.Entries {
			if isAny(en.CIDR) {
				return failf("the list contains %s", en.CIDR).evidence(en.Raw)
			}
		}
		return pass("no entry covers the whole internet")
	}),
})
