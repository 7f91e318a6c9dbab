package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_metadata_tokens",
		Title:        "ECS instances enforce token-based (security hardening mode) access to the metadata service",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Protection,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.4.4 a)", "8.2.4.4 a)"),
		Description: "In normal mode any process, or a server-side request forgery, can read the instance's RAM " +
			"role credentials from 100.100.100.200 without a token. Security hardening mode " +
			"(HttpTokens required) demands a session token first.",
		Remediation: "ModifyInstanceMetadataOptions with HttpTokens=required (or HttpEndpoint=disabled when the " +
			"instance does not use the metadata service).",
		Fix:   catalog.FixRollback,
		Links: []string{"https://www.alibabacloud.com/help/en/ecs/user-guide/view-instance-metadata"},
	},
	check: each(instances, func(x *collect.Instance, _ *env) verdict {
		switch {
		case x.MetadataHTTPEndpoint == "disabled":
			return pass("the metadata service is disabled")
		case x.MetadataHTTPTokens == "required":
			return pass("metadata tokens are required")
		case x.MetadataHTTPTokens == "":
			return fail("metadata access mode not reported: the default, normal mode, needs no token")
		}
		return failf("metadata tokens are %s: credentials are readable without a token", x.MetadataHTTPTokens)
	}),
})
