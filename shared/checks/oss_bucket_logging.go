package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_bucket_logging",
		Title:        "Access logging is enabled for OSS buckets",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.LogAudit,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("5.3"), mlps("8.1.4.3 a)")),
		Description:  "Without access logs nobody can tell who read or changed which object.",
		Remediation:  "Enable logging to a separate log bucket (PutBucketLogging).",
		Fix:          catalog.FixRollback,
	},
	check: each(buckets, func(b *collect.OSSBucket, _ *env) verdict {
		if !b.Logging.Enabled {
			return fail("access logging is off")
		}
		return passf("access logs go to %s/%s", b.Logging.TargetBucket, b.Logging.TargetPrefix)
	}),
})
