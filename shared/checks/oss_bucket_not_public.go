package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_bucket_not_public",
		Title:        "OSS buckets are not anonymously or publicly accessible",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.High,
		Free:         true,
		Frameworks:   refs(cis("5.1"), mlps("8.1.4.2 a)")),
		Description: "A public-read ACL, or a bucket policy that allows everyone, lets anyone on the internet " +
			"list and download the bucket's objects.",
		Remediation: "Set the bucket ACL to private (PutBucketAcl), remove anonymous grants from the bucket " +
			"policy, and turn on Block Public Access for the bucket or the account.",
		Fix: catalog.FixRollback,
	},
	check: each(buckets, func(b *collect.OSSBucket, _ *env) verdict {
		switch {
		case b.PublicAccessBlocked():
			return pass("Block Public Access is on")
		case b.PublicACL():
			return failf("the bucket ACL is %s", b.ACL)
		case b.Policy != nil && b.Policy.PublicAllow:
			return failf("the bucket policy allows anonymous access (%v)", b.Policy.PublicActions)
		}
		return pass("the bucket is private")
	}),
})
