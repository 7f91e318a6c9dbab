package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_signed_url_https",
		Title:        "OSS signed URLs are used over HTTPS only",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.Medium,
		Free:         true,
		Manual:       true,
		Frameworks:   refs(cis("5.6"), mlps("8.1.4.2 a)")),
		Description:  "A signed URL sent over plain HTTP can be captured and replayed until it expires.",
		Audit:        "Review the code that generates signed URLs: it must use the https endpoint; and confirm the bucket policy denies requests where acs:SecureTransport is false.",
		Remediation:  "Generate signed URLs against https endpoints and deny insecure transport in the bucket policy.",
		Fix:          catalog.FixConsole,
	},
})
