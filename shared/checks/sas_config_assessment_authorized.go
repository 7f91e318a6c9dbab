package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sas_config_assessment_authorized",
		Title:        "Security Center is authorized to assess cloud service configuration",
		Product:      "sas",
		ResourceType: "ALIYUN::SAS::Account",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("8.6"), mlps("8.1.5.4 e)")),
		Description:  "Without the service-linked role, configuration assessment cannot read the account's resources.",
		Audit:        "Security Center console → Risk Governance → CSPM: confirm it is authorized (AliyunServiceRoleForSasCspm exists).",
		Remediation:  "Authorize Security Center (create the AliyunServiceRoleForSasCspm service-linked role).",
		Fix:          catalog.FixConsole,
	},
})
