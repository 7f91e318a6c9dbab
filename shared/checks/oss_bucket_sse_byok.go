package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_bucket_sse_byok",
		Title:        "OSS buckets encrypt objects with a customer-managed KMS key (BYOK)",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.Low,
		Free:         true,
		Frameworks:   refs(cis("5.9"), mlps("8.2.4.5 d)")),
		Description: "With a customer-managed key the customer controls, audits and can revoke access to the " +
			"data's key; with OSS-managed keys they cannot.",
		Remediation: "Set the bucket's default encryption to KMS with a customer master key ID (PutBucketEncryption).",
		Fix:         catalog.FixRollback,
	},
	check: each(buckets, func(b *collect.OSSBucket, _ *env) verdict {
		switch {
		case b.Encryption.BYOK():
			return passf("objects are encrypted with KMS key %s", b.Encryption.KMSKeyID)
		case b.Encryption.Enabled():
			return failf("objects are encrypted with %s, not a customer-managed key", b.Encryption.Algorithm)
		}
		return fail("no default server-side encryption")
	}),
})
