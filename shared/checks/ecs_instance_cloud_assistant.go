package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_cloud_assistant",
		Title:        "ECS instances run the Cloud Assistant agent",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Protection,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.5.4 e)"),
		Description: "Without Cloud Assistant the instance cannot receive patches, host baseline checks or " +
			"automated fixes without logging on to it.",
		Remediation: "Install the Cloud Assistant agent (InstallCloudAssistant, then reboot the instance).",
		Fix:         catalog.FixOnly,
	},
	check: each(instances, func(x *collect.Instance, _ *env) verdict {
		if x.CloudAssistant == nil {
			return fail("Cloud Assistant did not report this instance: the agent is not installed")
		}
		if !x.CloudAssistant.Installed {
			return fail("Cloud Assistant is installed but not running").evidence(x.CloudAssistant.Raw)
		}
		return pass("Cloud Assistant is running").evidence(x.CloudAssistant.Raw)
	}),
})
