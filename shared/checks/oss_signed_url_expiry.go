package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_signed_url_expiry",
		Title:        "Shared OSS signed URLs expire within an hour",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Manual:       true,
		Frameworks:   refs(cis("5.5"), mlps("8.1.4.2 a)")),
		Description:  "A signed URL is a bearer credential: anyone holding it reads the object until it expires.",
		Audit:        "Review the applications and scripts that generate signed URLs (GeneratePresignedUrl, ossutil sign): their expiry must be 3,600 seconds or less; check the bucket's access logs for signed requests whose Expires is more than an hour after their signing time.",
		Remediation:  "Generate signed URLs with an expiry of 3,600 seconds or less, or use STS tokens with short durations.",
		Fix:          catalog.FixConsole,
	},
})
