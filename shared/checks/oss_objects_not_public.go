package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_objects_not_public",
		Title:        "No object in an OSS bucket is publicly accessible",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Data,
		Severity:     catalog.High,
		Free:         true,
		Manual:       true,
		Frameworks:   refs(cis("5.2"), mlps("8.1.4.2 a)")),
		Description:  "Objects can carry their own public-read ACL even in a private bucket, and such objects are downloadable by anyone.",
		Audit:        "OSS console → each bucket → Objects: filter or inventory-export the objects and confirm none has an object ACL of public-read or public-read-write; or use the bucket inventory report's ACL column.",
		Remediation:  "Set the object ACLs to default (inherit the bucket's) and deny PutObjectAcl with public values in the bucket policy.",
		Fix:          catalog.FixConsole,
	},
})
