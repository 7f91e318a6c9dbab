package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ram_root_account_unused",
		Title:        "The root account is not used for everyday work",
		Product:      "ram",
		ResourceType: "ALIYUN::RAM::Account",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		Free:         true,
		Manual:       true,
		Frameworks:   refs(cis("1.1"), mlps("8.1.4.2 d)")),
		Description: "The root account has every permission and cannot be restricted by policy; using it for " +
			"daily tasks makes every mistake or stolen session total.",
		Audit: "ActionTrail console → Event Detail Query: filter events whose user identity type is root-account " +
			"over the last 90 days; only break-glass and account-management events should appear.",
		Remediation: "Create RAM users or roles with the permissions each task needs and stop using the root " +
			"account's credentials.",
		Fix: catalog.FixConsole,
	},
})
