package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_os_patches",
		Title:        "The latest OS patches are applied on every ECS instance",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Protection,
		Severity:     catalog.High,
		Free:         true,
		Manual:       true,
		Frameworks:   refs(cis("4.5"), mlps("8.1.4.4 e)")),
		Description:  "Unpatched operating systems carry known, exploitable vulnerabilities.",
		Audit: "Security Center console → Risk Governance → Vulnerabilities → Linux/Windows vulnerabilities: no " +
			"unfixed vulnerability on any instance; or on each instance run the package manager's list of " +
			"pending security updates.",
		Remediation: "Apply the pending patches (Security Center one-click fix, or OOS patch baselines).",
		Fix:         catalog.FixConsole,
	},
})
