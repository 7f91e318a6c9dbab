package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_root_no_access_key",
		Title:        "The root account has no access key",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::Account",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("1.2"), mlps("8.1.4.2 d)")),
		Description: "A root access key is an unrestricted, non-expiring credential for the whole account; " +
			"leaked once, it gives away everything.",
		Remediation: "Delete the root account's access keys (console → AccessKey management) and use RAM users " +
			"or roles for programmatic access.",
		Fix: catalog.FixConsole,
	},
	check: each(rootAccount, func(r *collect.RAMRoot, _ *env) verdict {
		if r.Raw == nil {
			return notEvaluated(ReasonNotCollected, "the account security summary was not reported")
		}
		if r.AccessKeys > 0 {
			return failf("the root account has %d access key(s)", r.AccessKeys)
		}
		return pass("the root account has no access key")
	}),
})
