package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_bucket_versioning",
		Title:        "Versioning is enabled for OSS buckets",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   mlps("8.1.4.9 a)", "8.2.4.6 a)"),
		Description: "Without versioning an overwrite or delete, accidental or by ransomware, destroys the object " +
			"for good.",
		Remediation: "Enable versioning (PutBucketVersioning Status=Enabled) with a lifecycle rule for old versions.",
		Fix:         catalog.FixRollback,
	},
	check: each(buckets, func(b *collect.OSSBucket, _ *env) verdict {
		switch b.Versioning {
		case "Enabled":
			return pass("versioning is enabled")
		case "":
			return fail("versioning was never enabled")
		}
		return failf("versioning is %s", b.Versioning)
	}),
})
