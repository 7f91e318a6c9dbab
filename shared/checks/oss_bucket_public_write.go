package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_bucket_public_write",
		Title:        "OSS buckets are not publicly writable (public-read-write ACL)",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   mlps("8.1.4.2 a)"),
		Description: "With public-read-write anyone can upload, overwrite and delete objects: the bucket becomes " +
			"free malware hosting and its data can be destroyed.",
		Remediation: "Set the bucket ACL to private (PutBucketAcl x-oss-acl: private).",
		Fix:         catalog.FixRollback,
	},
	check: each(buckets, func(b *collect.OSSBucket, _ *env) verdict {
		if b.ACL == "public-read-write" && !b.PublicAccessBlocked() {
			return fail("the bucket ACL is public-read-write")
		}
		return pass("the bucket is not publicly writable")
	}),
})
