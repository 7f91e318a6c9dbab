package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "actiontrail_bucket_not_public",
		Title:        "The OSS bucket storing ActionTrail logs is not publicly accessible",
		Product:      "actiontrail",
		ResourceType: "ALIYUN::ACTIONTRAIL::Trail",
		Category:     catalog.LogAudit,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("2.2"), mlps("8.1.4.3 c)")),
		Description:  "Audit logs in a public bucket tell an attacker the account's layout and let anyone read them; if writable, tamper with them.",
		Remediation:  "Make the trail's bucket private: ACL private, no anonymous policy grants, Block Public Access on.",
		Fix:          catalog.FixRollback,
	},
	check: each(trails, func(x *collect.Trail, e *env) verdict {
		if x.OSSBucket == "" {
			return pass("the trail does not deliver to OSS")
		}
		b := e.bucket(x.OSSBucket)
		switch {
		case b == nil:
			return notEvaluated(ReasonNotCollected, "bucket "+x.OSSBucket+" was not found in the collected regions")
		case b.Public():
			return failf("trail bucket %s is publicly accessible (ACL %s)", b.Name, b.ACL).evidence(b.Raw)
		}
		return passf("trail bucket %s is private", b.Name).evidence(b.Raw)
	}).also("oss"),
})
