package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "nlb_listener_tls_policy",
		Title:        "TCPSSL listeners of NLB instances use a TLS 1.2+ security policy",
		Product:      "nlb",
		ResourceType: "ALIYUN::NLB::Listener",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.2.2 b)"),
		Description:  "TLS 1.0 and 1.1 have known weaknesses.",
		Remediation:  "Set the listener's security policy to tls_cipher_policy_1_2 or stricter (UpdateListenerAttribute).",
		Fix:          catalog.FixRollback,
	},
	check: each(nlbListeners, func(x *collect.NLBListener, e *env) verdict {
		if x.Protocol != "tcpssl" {
			return passf("a %s listener", x.Protocol)
		}
		if weakTLS(x.SecurityPolicyID) {
			return failf("the listener allows old TLS versions (policy %s)", x.SecurityPolicyID)
		}
		return passf("TLS policy %s", x.SecurityPolicyID)
	}),
})
