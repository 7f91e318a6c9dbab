package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "sls_alert_oss_bucket_policy_changes",
		Title:        "A Log Service alert watches OSS bucket policy changes",
		Product:      "sls",
		ResourceType: "ALIYUN::SLS::Alert",
		Category:     catalog.Monitoring,
		Severity:     catalog.Medium,
		Free:         true,
		KSPM:         false,
		Manual:       true,
		Frameworks:   refs(cis("2.21"), mlps("8.1.5.4 f)")),
		Description:  "A changed bucket policy can make data public or hand it to another account.",
		Audit:        "Log Service → the ActionTrail project → Alerts: confirm an enabled rule matches event.serviceName: Oss and event.eventName: (PutBucketPolicy or DeleteBucketPolicy) with a notification channel.",
		Remediation:  "Create the alert rule on the ActionTrail logstore with that query and a notification policy.",
		Fix:          catalog.FixConsole,
	},
})
