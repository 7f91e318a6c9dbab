package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

var _ = register(Rule{
	Item: catalog.Item{
		ID:           "oss_bucket_network_restricted",
		Title:        "OSS bucket network access rules do not admit the whole internet",
		Product:      "oss",
		ResourceType: "ALIYUN::OSS::Bucket",
		Category:     catalog.Network,
		Severity:     catalog.Medium,
		Free:         true,
		Frameworks:   refs(cis("5.7"), mlps("8.1.3.2 c)")),
		Description: "A bucket policy that allows access from 0.0.0.0/0, or grants anonymous access without an " +
			"acs:SourceIp or acs:SourceVpc condition, does not limit the networks that may reach the data.",
		Remediation: "Condition every Allow statement of the bucket policy on acs:SourceIp or acs:SourceVpc with " +
			"the networks that need access.",
		Fix: catalog.FixConsole,
	},
	check: each(buckets, func(b *collect.OSSBucket, _ *env) verdict {
		if b.PublicACL() && !b.PublicAccessBlocked() {
			return failf("the bucket ACL %s admits every network", b.ACL)
		}
		if b.Policy == nil {
			return pass("no bucket policy grants network access")
		}
		for _, s := range b.Policy.Statements {
			if s.Effect != "Allow" {
				continue
			}
			ips, restricted := sourceCondition(s.Conditions)
			for _, ip := range ips {
				if isAny(ip) {
					return failf("an Allow statement admits source %s", ip)
				}
			}
			if !restricted && anonymous(s.Principals) && !b.PublicAccessBlocked() {
				return fail("an Allow statement grants anonymous access from any network")
			}
		}
		return pass("the bucket policy limits network access")
	}),
})

// sourceCondition returns the acs:SourceIp values of a statement's
// conditions, and whether any acs:SourceIp or acs:SourceVpc condition exists.
func sourceCondition(conds map[string]map[string][]string) (ips []string, restricted bool) {
	for _, kv := range conds {
		for k, vs := range kv {
			switch {
			case equalFold(k, "acs:SourceIp"):
				ips = append(ips, vs...)
				restricted = true
			case equalFold(k, "acs:SourceVpc"), equalFold(k, "acs:SourceVpcId"):
				restricted = true
			}
		}
	}
	return ips, restricted
}

func anonymous(principals []string) bool {
	for _, p := range principals {
		if p == "*" {
			return true
		}
	}
	return false
}
