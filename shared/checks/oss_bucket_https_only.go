package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_bucket_https_only",
		Title:        "OSS buckets require secure transfer (HTTPS only)",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("5.4"), mlps("8.1.2.2 b)", "8.1.4.8 a)")),
		Description:  "Requests over plain HTTP expose data and signatures to anyone on the path.",
		Remediation: "Add a bucket policy statement that denies every action when acs:SecureTransport is false " +
			"(PutBucketPolicy).",
		Fix: catalog.FixRollback,
	},
	check: each(buckets, func(b *collect.OSSBucket, _ *env) verdict {
		switch {
		case b.Policy == nil:
			return fail("the bucket has no policy, so plain HTTP is allowed")
		case !b.SecureTransportRequired():
			return fail("the bucket policy does not deny requests without secure transport")
		}
		return pass("the bucket policy denies requests without secure transport")
	}),
})
