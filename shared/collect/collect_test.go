package collect_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// TestMinimumCalls collects accounts of several sizes and checks that
// nothing is missing and that every API was called exactly as often as
// its page size requires: 250 instances take ceil(250/100) = 3
// DescribeInstances calls.
func TestMinimumCalls(t *testing.T) {
	for _, n := range []int{0, 1, 100, 101, 250, 10000} {
		t.Run(fmt.Sprint(n, " instances"), func(t *testing.T) {
			inv := cloudsim.Generate(cloudsim.GenOptions{Instances: n, Seed: int64(n), MisconfigRate: 0.3})
			want := minimumCalls(inv, "cn-hangzhou")
			srv := start(t, cloudsim.Options{Inventory: inv})
			c := collector(t, srv, nil)
			got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou")
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if len(got.NotEvaluated) > 0 {
				t.Fatalf("Collect left products out: %v", got.NotEvaluated)
			}
			counts := map[string][2]int{
				"instances": {len(got.ECS.Instances), len(inv.Objects("cn-hangzhou", "ecs", "Instances"))},
				"groups":    {len(got.ECS.SecurityGroups), len(inv.Objects("cn-hangzhou", "ecs", "SecurityGroups"))},
				"disks":     {len(got.ECS.Disks), len(inv.Objects("cn-hangzhou", "ecs", "Disks"))},
				"vswitches": {len(got.VPC.VSwitches), len(inv.Objects("cn-hangzhou", "vpc", "VSwitches"))},
				"eips":      {len(got.VPC.EIPs), len(inv.Objects("cn-hangzhou", "vpc", "EipAddresses"))},
			}
			for what, c := range counts {
				if c[0] != c[1] {
					t.Errorf("collected %d %s; the account has %d", c[0], what, c[1])
				}
			}
			roles, rules := 0, 0
			for _, i := range got.ECS.Instances {
				if i.RAMRole != "" {
					roles++
				}
			}
			for _, g := range got.ECS.SecurityGroups {
				rules += len(g.Rules)
			}
			if want := len(inv.Objects("cn-hangzhou", "ecs", "InstanceRamRoleSets")); roles != want {
				t.Errorf("collected %d instance RAM roles; the account has %d", roles, want)
			}
			if rules == 0 {
				t.Errorf("collected no security group rules")
			}
			if calls := srv.Calls(); !reflect.DeepEqual(calls, want) {
				t.Errorf("calls made differ from the minimum:\n got %v\nwant %v", calls, want)
			}
			if n == 250 && srv.Calls()["Ecs.DescribeInstances"] != 3 {
				t.Errorf("250 instances took %d DescribeInstances calls; want 3", srv.Calls()["Ecs.DescribeInstances"])
			}
		})
	}
}

func TestCollectSample(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := collector(t, srv, nil)
	ctx := context.Background()
	hz, err := c.Collect(ctx, inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatalf("Collect cn-hangzhou: %v", err)
	}
	sh, err := c.Collect(ctx, inv.AccountID, "cn-shanghai", "ecs")
	if err != nil {
		t.Fatalf("Collect cn-shanghai: %v", err)
	}
	inst := map[string]collect.Instance{}
	for _, i := range append(hz.ECS.Instances, sh.ECS.Instances...) {
		inst[i.ID] = i
	}
	rule := func(ecsInv *collect.ECSInventory, group, id string) collect.Rule {
		for _, g := range ecsInv.SecurityGroups {
			for _, r := range g.Rules {
				if g.ID == group && r.ID == id {
					return r
				}
			}
		}
		t.Fatalf("rule %s of %s not collected", id, group)
		return collect.Rule{}
	}
	ssh := rule(hz.ECS, "sg-bp1acmeweb0001", "sgr-bp1web22")
	v6 := rule(sh.ECS, "sg-uf6acmedr00001", "sgr-uf6dr22v6")
	app := rule(hz.ECS, "sg-bp1acmeapp0001", "sgr-bp1app8080")
	out := rule(hz.ECS, "sg-bp1acmeweb0001", "sgr-bp1webout")
	disk := map[string]collect.Disk{}
	for _, d := range hz.ECS.Disks {
		disk[d.ID] = d
	}
	tests := []struct {
		what      string
		got, want any
	}{
		{"web-01 EIP", inst["i-bp1acmeweb01"].EIP, "47.98.10.21"},
		{"web-01 public", inst["i-bp1acmeweb01"].Public(), true},
		{"web-02 public IPs", inst["i-bp1acmeweb02"].PublicIPs, []string{"118.178.20.32"}},
		{"web-02 metadata tokens", inst["i-bp1acmeweb02"].MetadataHTTPTokens, "optional"},
		{"db-01 public", inst["i-bp1acmedb01"].Public(), false},
		{"app-01 RAM role", inst["i-bp1acmeapp01"].RAMRole, "AcmeAppRole"},
		{"app-01 OS", inst["i-bp1acmeapp01"].OSType, "windows"},
		{"app-01 VPC", inst["i-bp1acmeapp01"].VPCID, "vpc-bp1acmeprod0001"},
		{"db-01 Cloud Assistant installed", inst["i-bp1acmedb01"].CloudAssistant.Installed, false},
		{"web-01 Cloud Assistant installed", inst["i-bp1acmeweb01"].CloudAssistant.Installed, true},
		{"web-01 tags", inst["i-bp1acmeweb01"].Tags["tier"], "web"},
		{"SSH rule", fmt.Sprintf("%s|%s|%s|%d|%d|%s|%v|%v", ssh.Direction, ssh.Policy, ssh.Protocol, ssh.FromPort, ssh.ToPort, ssh.SourceCIDR, ssh.FromAnywhere(), ssh.Covers(22)),
			"ingress|accept|tcp|22|22|0.0.0.0/0|true|true"},
		{"IPv6 rule, policy spelled accept", fmt.Sprintf("%s|%s|%s|%v", v6.Policy, v6.Protocol, v6.SourceIPv6CIDR, v6.FromAnywhere()), "accept|tcp|::/0|true"},
		{"group-sourced rule", fmt.Sprintf("%s|%v", app.SourceGroupID, app.FromAnywhere()), "sg-bp1acmeweb0001|false"},
		{"egress all", fmt.Sprintf("%s|%s|%d|%v|%s", out.Direction, out.Protocol, out.FromPort, out.Covers(3306), out.DestCIDR), "egress|all|-1|true|0.0.0.0/0"},
		{"db group inner policy", hz.ECS.SecurityGroups[2].InnerAccessPolicy, "drop"},
		{"db data disk encrypted", disk["d-bp1acmedb01data"].Encrypted, false},
		{"db system disk encrypted", disk["d-bp1acmedb01sys"].Encrypted, true},
		{"flow log active", hz.VPC.FlowLogs[0].Active, true},
		{"idle EIP", hz.VPC.EIPs[1].InstanceID + hz.VPC.EIPs[1].Status, "Available"},
		{"NAT IPs", hz.VPC.NATGateways[0].IPs, []string{"47.98.10.50"}},
		{"shanghai VPC collected", sh.VPC == nil, true},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v; want %#v", tt.what, tt.got, tt.want)
		}
	}
	if !bytes.Contains(ssh.Raw, []byte(`"Description":"temp ssh for vendor"`)) {
		t.Errorf("rule Raw %s does not hold the API's object", ssh.Raw)
	}
	// Collected once: asking again makes no calls.
	before := srv.Calls()
	if _, err := c.ECS(ctx, inv.AccountID, "cn-hangzhou"); err != nil {
		t.Fatal(err)
	}
	if after := srv.Calls(); !reflect.DeepEqual(before, after) {
		t.Errorf("a second ECS() for the same region called the API again: %v → %v", before, after)
	}
	// Account-level APIs once per scan.
	for i := 0; i < 3; i++ {
		if _, err := c.Regions(ctx, inv.AccountID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CallerIdentity(ctx, inv.AccountID); err != nil {
			t.Fatal(err)
		}
	}
	if calls := srv.Calls(); calls["Ecs.DescribeRegions"] != 1 || calls["Sts.GetCallerIdentity"] != 1 {
		t.Errorf("account-level calls: DescribeRegions %d, GetCallerIdentity %d; want 1 each", calls["Ecs.DescribeRegions"], calls["Sts.GetCallerIdentity"])
	}
}

// TestFixThenCollect applies a fix through the SDK and checks that the next
// scan sees it.
func TestFixThenCollect(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	ctx := context.Background()
	openSSH := func() bool {
		c := collector(t, srv, nil) // a new scan
		got, err := c.ECS(ctx, inv.AccountID, "cn-hangzhou")
		if err != nil {
			t.Fatalf("ECS: %v", err)
		}
		for _, g := range got.SecurityGroups {
			for _, r := range g.Ingress() {
				if r.FromAnywhere() && r.Covers(22) && r.Policy == "accept" && r.Protocol == "tcp" {
					return true
				}
			}
		}
		return false
	}
	if !openSSH() {
		t.Fatalf("the sample account should start with SSH open to the internet")
	}
	client, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	req := ecs.CreateRevokeSecurityGroupRequest()
	req.SecurityGroupId = "sg-bp1acmeweb0001"
	req.IpProtocol = "tcp"
	req.PortRange = "22/22"
	req.SourceCidrIp = "0.0.0.0/0"
	if err := client.DoAction(req, ecs.CreateRevokeSecurityGroupResponse()); err != nil {
		t.Fatalf("RevokeSecurityGroup: %v", err)
	}
	if openSSH() {
		t.Errorf("after RevokeSecurityGroup the next collect still finds SSH open to the internet")
	}
}

// TestThrottlingLosesNothing injects 10% throttling and 5% server errors and
// compares with a fault-free collect.
func TestThrottlingLosesNothing(t *testing.T) {
	inv := cloudsim.Generate(cloudsim.GenOptions{Instances: 400, Seed: 3, MisconfigRate: 0.2, Regions: []string{"cn-hangzhou", "cn-shanghai"}})
	collectAll := func(f cloudsim.Faults) ([]*collect.Inventory, map[string]int) {
		srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: f, Seed: 11})
		c := collector(t, srv, func(cfg *collect.Config) { cfg.Retry.MaxAttempts = 8 })
		var out []*collect.Inventory
		for _, r := range []string{"cn-hangzhou", "cn-shanghai"} {
			got, err := c.Collect(context.Background(), inv.AccountID, r)
			if err != nil {
				t.Fatalf("Collect %s with faults %+v: %v", r, f, err)
			}
			if len(got.NotEvaluated) > 0 {
				t.Fatalf("Collect %s with faults %+v left products out: %v", r, f, got.NotEvaluated)
			}
			out = append(out, got)
		}
		return out, srv.Calls()
	}
	clean, cleanCalls := collectAll(cloudsim.Faults{})
	faulty, faultyCalls := collectAll(cloudsim.Faults{ThrottleRate: 0.10, ServerErrorRate: 0.05})
	if !reflect.DeepEqual(clean, faulty) {
		t.Errorf("with 10%% throttling and 5%% server errors the inventory differs from a fault-free collect")
	}
	if sum(faultyCalls) <= sum(cleanCalls) {
		t.Errorf("faulty run made %d calls, clean %d: the faults were not injected", sum(faultyCalls), sum(cleanCalls))
	}
	t.Logf("calls: clean %d, with faults %d", sum(cleanCalls), sum(faultyCalls))
}

func TestNotEvaluated(t *testing.T) {
	inv := sample(t)
	ctx := context.Background()
	clean, err := collector(t, start(t, cloudsim.Options{Inventory: inv.Clone()}), nil).Collect(ctx, inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		faults   cloudsim.Faults
		product  string // the product left out
		reason   collect.Code
		sentinel error
		api      string
		code     string
	}{
		{"VPC denied", cloudsim.Faults{PermissionDenied: map[string]bool{"Vpc": true}}, "vpc", collect.PermissionDenied,
			collect.ErrPermission, "Vpc.DescribeVpcs", "Forbidden.RAM"},
		{"one ECS API denied", cloudsim.Faults{PermissionDenied: map[string]bool{"Ecs.DescribeDisks": true}}, "ecs", collect.PermissionDenied,
			collect.ErrPermission, "Ecs.DescribeDisks", "Forbidden.RAM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: tt.faults})
			got, err := collector(t, srv, nil).Collect(ctx, inv.AccountID, "cn-hangzhou")
			if err != nil {
				t.Fatalf("Collect returned an error for a permission gap: %v", err)
			}
			ne := got.NotEvaluatedFor(tt.product)
			if ne == nil || len(got.NotEvaluated) != 1 {
				t.Fatalf("NotEvaluated = %v; want exactly %s", got.NotEvaluated, tt.product)
			}
			if ne.Reason != tt.reason || !errors.Is(ne, tt.sentinel) || ne.Code != tt.code || ne.Region != "cn-hangzhou" {
				t.Errorf("NotEvaluated[%s] = %+v; want reason %s, code %s", tt.product, ne, tt.reason, tt.code)
			}
			if tt.api != "Vpc.DescribeVpcs" && ne.API != tt.api {
				t.Errorf("NotEvaluated[%s].API = %s; want %s", tt.product, ne.API, tt.api)
			}
			var se *sdkerrors.ServerError
			if !errors.As(ne, &se) || se.HttpStatus() != 403 {
				t.Errorf("the SDK's ServerError is not reachable through %v", ne)
			}
			switch tt.product {
			case "vpc":
				if got.VPC != nil || !reflect.DeepEqual(got.ECS, clean.ECS) {
					t.Errorf("with VPC denied, ECS must be complete and VPC nil")
				}
			case "ecs":
				if got.ECS != nil || !reflect.DeepEqual(got.VPC, clean.VPC) {
					t.Errorf("with ECS denied, VPC must be complete and ECS nil")
				}
			}
		})
	}
	t.Run("throttled beyond retries", func(t *testing.T) {
		srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: cloudsim.Faults{ThrottleRate: 1}})
		c := collector(t, srv, func(cfg *collect.Config) { cfg.Retry.MaxAttempts = 3 })
		got, err := c.Collect(ctx, inv.AccountID, "cn-hangzhou", "vpc")
		if err != nil {
			t.Fatalf("Collect: %v", err)
		}
		ne := got.NotEvaluatedFor("vpc")
		if ne == nil || ne.Reason != collect.Throttled || !errors.Is(ne, collect.ErrThrottled) || ne.Code != "Throttling.User" || ne.Err.Attempts != 3 {
			t.Errorf("NotEvaluated = %+v; want vpc throttled after 3 attempts", ne)
		}
	})
}

// mangle serves cloudsim but rewrites the answers to one action.
func mangle(t *testing.T, srv *cloudsim.Server, action string, fn func([]byte) []byte) string {
	t.Helper()
	return mangleOK(t, srv, func(r *http.Request) bool { return r.URL.Query().Get("Action") == action }, fn)
}

func TestMalformedResponses(t *testing.T) {
	inv := sample(t)
	tests := []struct {
		name    string
		action  string
		product string
		fn      func([]byte) []byte
	}{
		{"truncated JSON", "DescribeInstances", "ecs", func(b []byte) []byte { return b[:len(b)/2] }},
		{"list missing", "DescribeDisks", "ecs", func(b []byte) []byte { return bytes.Replace(b, []byte(`"Disks"`), []byte(`"Dissks"`), 1) }},
		{"item without ID", "DescribeVpcs", "vpc", func(b []byte) []byte { return bytes.Replace(b, []byte(`"VpcId"`), []byte(`"VpcIdd"`), 1) }},
		{"count not a number", "DescribeVSwitches", "vpc", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"TotalCount":3`), []byte(`"TotalCount":"three"`), 1)
		}},
		{"rule list not a list", "DescribeSecurityGroupAttribute", "ecs", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"Permission":[`), []byte(`"Permission":{"x":[`), 1)
		}},
		{"not JSON at all", "DescribeNatGateways", "vpc", func([]byte) []byte { return []byte("<html>gateway timeout</html>") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
			addr := mangle(t, srv, tt.action, tt.fn)
			c := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr })
			got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou")
			if err == nil {
				t.Fatalf("Collect with a mangled %s succeeded", tt.action)
			}
			if !errors.Is(err, collect.ErrMalformed) || !strings.Contains(err.Error(), tt.action) {
				t.Errorf("Collect error = %v; want a malformed-response error naming %s", err, tt.action)
			}
			if collect.ErrorCode(err) != collect.Unknown {
				t.Errorf("ErrorCode = %s; want Unknown", collect.ErrorCode(err))
			}
			if len(got.NotEvaluated) != 0 {
				t.Errorf("a malformed answer was reported as a gap: %v", got.NotEvaluated)
			}
			other := got.ECS != nil
			if tt.product == "ecs" {
				other = got.VPC != nil
			}
			if !other {
				t.Errorf("a malformed %s answer also lost the other product", tt.action)
			}
		})
	}
}

func TestCollectUnknownProduct(t *testing.T) {
	srv := start(t, cloudsim.Options{})
	_, err := collector(t, srv, nil).Collect(context.Background(), cloudsim.DefaultAccountID, "cn-hangzhou", "unicorn")
	if err == nil || !strings.Contains(err.Error(), `unknown product "unicorn"`) {
		t.Errorf("Collect(unicorn) = %v; want unknown product", err)
	}
}

func TestContextCanceled(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := collector(t, srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ECS(ctx, "1357924680135792", "cn-hangzhou"); !errors.Is(err, context.Canceled) {
		t.Errorf("ECS with a canceled context = %v; want context.Canceled", err)
	}
	// The canceled run is not cached.
	if got, err := c.ECS(context.Background(), "1357924680135792", "cn-hangzhou"); err != nil || len(got.Instances) != 4 {
		t.Errorf("ECS after a canceled attempt = %v, %v; want the 4 instances", got, err)
	}
}
