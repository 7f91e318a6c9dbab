package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "slb_listener_tls_policy",
		Title:        "HTTPS listeners of CLB instances use a TLS 1.2+ security policy",
		Product:      "slb",
		ResourceType: "ALIYUN::SLB::Listener",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.1.2.2 b)"),
		Description:  "TLS 1.0 and 1.1 have known weaknesses and are refused by current browsers' compliance baselines.",
		Remediation:  "Set the listener's TLSCipherPolicy to tls_cipher_policy_1_2 or tls_cipher_policy_1_2_strict.",
		Fix:          catalog.FixRollback,
	},
	check: each(slbListeners, func(x *collect.SLBListener, e *env) verdict {
		if x.Protocol != "https" {
			return passf("a %s listener", x.Protocol)
		}
		if weakTLS(x.TLSCipherPolicy) {
			return failf("the listener allows old TLS versions (policy %s)", x.TLSCipherPolicy)
		}
		return passf("TLS policy %s", x.TLSCipherPolicy)
	}),
})
