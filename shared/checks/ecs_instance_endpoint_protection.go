package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "ecs_instance_endpoint_protection",
		Title:        "Endpoint protection (the Security Center agent) runs on every ECS instance",
		Product:      "ecs",
		ResourceType: "ALIYUN::ECS::Instance",
		Category:     catalog.Protection,
		Severity:     catalog.High,
		Free:         true,
		KSPM:         false,
		Frameworks:   refs(cis("4.6"), mlps("8.1.4.5 a)")),
		Description:  "An instance without the Security Center agent has no malware, intrusion or vulnerability detection.",
		Remediation:  "Install the Security Center agent on the instance.",
		Fix:          catalog.FixOnly,
	},
	check: each(instances, func(x *collect.Instance, e *env) verdict {
		a := e.sasAgent(x.ID)
		switch {
		case a == nil:
			return fail("Security Center does not know the instance: no agent")
		case !a.AgentOnline():
			return failf("the Security Center agent is %s", a.AgentStatus).evidence(a.Raw)
		}
		return pass("the Security Center agent is online").evidence(a.Raw)
	}).also("sas"),
})
