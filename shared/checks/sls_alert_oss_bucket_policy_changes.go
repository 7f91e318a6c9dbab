package checks

import "github.com/cspm-alibaba/cspm/shared/catalog"

var _ = register(Rule{
	Item: func() catalog.Item {
		it := slsAlertItem("sls_alert_oss_bucket_policy_changes", "2.21",
			"A Log Service alert watches OSS bucket policy changes", catalog.Medium)
		it.Description = "A changed bucket policy can make data public or hand it to another account."
		it.Remediation = "Log Service → the project receiving ActionTrail events → Alerts: create a rule querying " +
			"event.serviceName: Oss and event.eventName: (PutBucketPolicy or DeleteBucketPolicy), or enable the Log " +
			"Audit Service's OSS permission rule (template sls.app.actiontrail.cis.at.oss_policy_change), with a notification policy."
		it.Fix = catalog.FixConsole
		return it
	}(),
	check: slsAlert("2.21"),
})
