package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_role_metadata_exposed",
		Title:        "Internet-facing ECS instances with a RAM role require metadata tokens",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Identity,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.4.2 d)", "8.1.4.4 a)"),
		Description: "A public instance with an instance RAM role and metadata in normal mode hands the role's " +
			"temporary credentials to any server-side request forgery in its applications: the first step " +
			"of the ECS → RAM role → data attack path.",
		Remediation: "Set HttpTokens=required on the instance (ModifyInstanceMetadataOptions), or detach the " +
			"role if the instance does not need it.",
		Fix: catalog.FixRollback,
	},
	check: each(instances, func(x *collect.Instance, _ *env) verdict {
		switch {
		case x.RAMRole == "":
			return pass("the instance has no RAM role")
		case !x.Public():
			return pass("the instance has no public address")
		case x.MetadataHTTPEndpoint == "disabled" || x.MetadataHTTPTokens == "required":
			return pass("metadata tokens are required")
		}
		return failf("public instance with RAM role %s serves its credentials without a metadata token", x.RAMRole)
	}),
})
