package cloudsim_test

import (
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

// ingress returns a group's ingress rules as "proto port peer policy".
func ingress(t *testing.T, srv *cloudsim.Server, region, group string) map[string]bool {
	t.Helper()
	resp := mustCall(t, defaultClient(t, srv), "Ecs", "DescribeSecurityGroupAttribute", region,
		map[string]string{"SecurityGroupId": group, "Direction": "ingress"})
	out := map[string]bool{}
	for _, r := range items(resp, "Permissions", "Permission") {
		peer := r["SourceCidrIp"].(string) + r["Ipv6SourceCidrIp"].(string) + r["SourceGroupId"].(string)
		out[r["IpProtocol"].(string)+" "+r["PortRange"].(string)+" "+peer+" "+r["Policy"].(string)] = true
	}
	return out
}

func TestSecurityGroupWrites(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	const web = "sg-bp1acmeweb0001"

	// Revoke with the legacy top-level fields; case and defaults as the
	// API accepts them.
	mustCall(t, c, "Ecs", "RevokeSecurityGroup", "cn-hangzhou", map[string]string{
		"SecurityGroupId": web, "IpProtocol": "tcp", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0"})
	if got := ingress(t, srv, "cn-hangzhou", web); got["TCP 22/22 0.0.0.0/0 Accept"] || !got["TCP 80/80 0.0.0.0/0 Accept"] || len(got) != 2 {
		t.Errorf("after revoking SSH from anywhere, ingress = %v; want only 80 and 443", got)
	}

	// Authorize with Permissions.N; the same rule twice adds it once.
	perm := map[string]string{"SecurityGroupId": web, "Permissions.1.IpProtocol": "TCP", "Permissions.1.PortRange": "22/22",
		"Permissions.1.SourceCidrIp": "10.10.0.0/16", "Permissions.1.Description": "ssh from the VPC"}
	mustCall(t, c, "Ecs", "AuthorizeSecurityGroup", "cn-hangzhou", perm)
	mustCall(t, c, "Ecs", "AuthorizeSecurityGroup", "cn-hangzhou", perm)
	if got := ingress(t, srv, "cn-hangzhou", web); !got["TCP 22/22 10.10.0.0/16 Accept"] || len(got) != 3 {
		t.Errorf("after authorizing SSH from the VPC twice, ingress = %v; want 80, 443 and one 22 from 10.10.0.0/16", got)
	}

	// Revoke by rule ID, in the other region, with the policy spelled in
	// lower case in the inventory.
	mustCall(t, c, "Ecs", "RevokeSecurityGroup", "cn-shanghai", map[string]string{
		"SecurityGroupId": "sg-uf6acmedr00001", "SecurityGroupRuleId.1": "sgr-uf6dr22v6"})
	if got := ingress(t, srv, "cn-shanghai", "sg-uf6acmedr00001"); len(got) != 1 {
		t.Errorf("after revoking the IPv6 SSH rule by ID, ingress = %v; want only 443", got)
	}

	tests := []struct {
		name   string
		action string
		params map[string]string
		code   string
		status int
	}{
		{"unknown group", "RevokeSecurityGroup", map[string]string{"SecurityGroupId": "sg-nope", "IpProtocol": "tcp", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0"},
			"InvalidSecurityGroupId.NotFound", 404},
		{"unknown rule ID", "RevokeSecurityGroup", map[string]string{"SecurityGroupId": web, "SecurityGroupRuleId.1": "sgr-nope"},
			"InvalidSecurityGroupRuleId.NotFound", 404},
		{"bad protocol", "AuthorizeSecurityGroup", map[string]string{"SecurityGroupId": web, "IpProtocol": "sctp", "PortRange": "1/2", "SourceCidrIp": "1.2.3.4/32"},
			"InvalidIpProtocol.Malformed", 400},
		{"bad ports", "AuthorizeSecurityGroup", map[string]string{"SecurityGroupId": web, "IpProtocol": "tcp", "PortRange": "22", "SourceCidrIp": "1.2.3.4/32"},
			"InvalidPortRange.Malformed", 400},
		{"no source", "AuthorizeSecurityGroup", map[string]string{"SecurityGroupId": web, "IpProtocol": "tcp", "PortRange": "22/22"},
			"MissingParameter", 400},
	}
	for _, tt := range tests {
		_, err := call(t, c, "Ecs", tt.action, "cn-hangzhou", tt.params)
		if se := serverError(t, err); se.ErrorCode() != tt.code || se.HttpStatus() != tt.status {
			t.Errorf("%s: %s = %d %s; want %d %s", tt.name, tt.action, se.HttpStatus(), se.ErrorCode(), tt.status, tt.code)
		}
	}
	if srv.Calls()["Ecs.AuthorizeSecurityGroup"] != 5 {
		t.Errorf("Calls()[Ecs.AuthorizeSecurityGroup] = %d; want 5", srv.Calls()["Ecs.AuthorizeSecurityGroup"])
	}
}

func TestModifyInstanceMetadataOptions(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	mustCall(t, c, "Ecs", "ModifyInstanceMetadataOptions", "cn-hangzhou", map[string]string{"InstanceId": "i-bp1acmeweb02", "HttpTokens": "required"})
	resp := mustCall(t, c, "Ecs", "DescribeInstances", "cn-hangzhou", map[string]string{"InstanceIds": `["i-bp1acmeweb02"]`})
	insts := items(resp, "Instances", "Instance")
	if len(insts) != 1 {
		t.Fatalf("DescribeInstances(InstanceIds=[i-bp1acmeweb02]) = %d instances; want 1", len(insts))
	}
	mo, _ := insts[0]["MetadataOptions"].(map[string]any)
	if mo["HttpTokens"] != "required" || mo["HttpEndpoint"] != "enabled" || num(mo["HttpPutResponseHopLimit"]) != 1 {
		t.Errorf("MetadataOptions after the fix = %v; want HttpTokens required, the rest unchanged", mo)
	}
	if resp := mustCall(t, c, "Ecs", "DescribeInstances", "cn-hangzhou", map[string]string{"HttpTokens": "optional"}); num(resp["TotalCount"]) != 0 {
		t.Errorf("instances with optional tokens after the fix: %v; want 0", resp["TotalCount"])
	}
	for params, code := range map[[2]string]string{
		{"i-bp1acmeweb02", "sometimes"}: "InvalidParameter",
		{"i-nope", "required"}:          "InvalidInstanceId.NotFound",
	} {
		_, err := call(t, c, "Ecs", "ModifyInstanceMetadataOptions", "cn-hangzhou", map[string]string{"InstanceId": params[0], "HttpTokens": params[1]})
		if se := serverError(t, err); se.ErrorCode() != code {
			t.Errorf("ModifyInstanceMetadataOptions(%s, %s) = %s; want %s", params[0], params[1], se.ErrorCode(), code)
		}
	}
}
