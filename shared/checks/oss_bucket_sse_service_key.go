package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_bucket_sse_service_key",
		Title:        "OSS buckets encrypt objects at rest on the server side",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("5.8"), mlps("8.1.4.8 b)")),
		Description: "Without default server-side encryption, objects are stored in clear unless every uploader " +
			"asks for encryption.",
		Remediation: "Set the bucket's default encryption to OSS-managed keys (AES256 or SM4) or KMS " +
			"(PutBucketEncryption).",
		Fix: catalog.FixRollback,
	},
	check: each(buckets, func(b *collect.OSSBucket, _ *env) verdict {
		if !b.Encryption.Enabled() {
			return fail("no default server-side encryption")
		}
		return passf("objects are encrypted with %s by default", b.Encryption.Algorithm)
	}),
})
