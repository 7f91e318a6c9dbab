package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "kms_key_rotation",
		Title:        "Automatic rotation is enabled for customer-managed symmetric KMS keys",
		Product:      "kms",
		ResourceType: "ALIYUN::KMS::Key",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   mlps("8.2.4.5 d)"),
		Description:  "A key that never rotates protects ever more data with the same material; rotation limits what one compromised version exposes.",
		Remediation:  "Enable automatic rotation with a period of 365 days or less (UpdateRotationPolicy EnableAutomaticRotation=true).",
		Fix:          catalog.FixRollback,
	},
	check: each(kmsKeys, func(x *collect.KMSKey, e *env) verdict {
		switch {
		case !x.Rotatable():
			return passf("a %s key with %s material cannot rotate automatically", x.Spec, x.Origin)
		case x.State != "Enabled":
			return passf("the key is %s", x.State)
		case !x.RotationEnabled:
			return fail("automatic rotation is off")
		}
		return passf("rotates every %d days", days(x.RotationInterval))
	}),
})
