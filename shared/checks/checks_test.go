package checks

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

func mustRule(t *testing.T, id string) *Rule {
	t.Helper()
	r, ok := Lookup(id)
	if !ok {
		t.Fatalf("no rule %s", id)
	}
	return r
}

// ecsInput is an Input of one region holding the given groups and instances.
func ecsInput(groups []collect.SecurityGroup, insts ...collect.Instance) *Input {
	inv := &collect.Inventory{AccountID: "1357924680135792", Region: "cn-hangzhou",
		ECS: &collect.ECSInventory{Region: "cn-hangzhou", SecurityGroups: groups, Instances: insts}}
	return NewInput("1357924680135792", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), inv)
}

func ingress(policy, proto, ports, v4, v6 string, prio int) collect.Rule {
	r := collect.Rule{ID: "sgr-x", Direction: "ingress", Policy: policy, Protocol: proto, PortRange: ports,
		SourceCIDR: v4, SourceIPv6CIDR: v6, Priority: prio}
	r.FromPort, r.ToPort = -1, -1
	if a, b, ok := strings.Cut(ports, "/"); ok {
		r.FromPort, r.ToPort = atoi(a), atoi(b)
	}
	return r
}

func atoi(s string) int {
	n, neg := 0, strings.HasPrefix(s, "-")
	for _, c := range strings.TrimPrefix(s, "-") {
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// TestSSHTraps covers the security-group traps peers fell into.
func TestSSHTraps(t *testing.T) {
	r := mustRule(t, "ecs_sg_ssh_internet")
	tests := []struct {
		name  string
		rules []collect.Rule
		want  Status
	}{
		{"22/22 from 0.0.0.0/0", []collect.Rule{ingress("accept", "tcp", "22/22", "0.0.0.0/0", "", 1)}, NotPass},
		{"all ports -1/-1", []collect.Rule{ingress("accept", "tcp", "-1/-1", "0.0.0.0/0", "", 1)}, NotPass},
		{"1/65535 covers 22", []collect.Rule{ingress("accept", "tcp", "1/65535", "0.0.0.0/0", "", 1)}, NotPass},
		{"protocol all", []collect.Rule{ingress("accept", "all", "-1/-1", "0.0.0.0/0", "", 1)}, NotPass},
		{"range 20/30", []collect.Rule{ingress("accept", "tcp", "20/30", "0.0.0.0/0", "", 1)}, NotPass},
		{"::/0 is as open as 0.0.0.0/0", []collect.Rule{ingress("accept", "tcp", "22/22", "", "::/0", 1)}, NotPass},
		{"0.0.0.0 without prefix", []collect.Rule{ingress("accept", "tcp", "22/22", "0.0.0.0", "", 1)}, NotPass},
		{"office CIDR only", []collect.Rule{ingress("accept", "tcp", "22/22", "203.0.113.0/24", "", 1)}, Pass},
		{"23/23 does not cover 22", []collect.Rule{ingress("accept", "tcp", "23/23", "0.0.0.0/0", "", 1)}, Pass},
		{"udp 22 is not SSH", []collect.Rule{ingress("accept", "udp", "22/22", "0.0.0.0/0", "", 1)}, Pass},
		{"drop rule", []collect.Rule{ingress("drop", "tcp", "22/22", "0.0.0.0/0", "", 1)}, Pass},
		{"drop wins a priority tie", []collect.Rule{ingress("accept", "tcp", "22/22", "0.0.0.0/0", "", 5), ingress("drop", "tcp", "-1/-1", "0.0.0.0/0", "", 5)}, Pass},
		{"accept of higher priority beats drop", []collect.Rule{ingress("accept", "tcp", "22/22", "0.0.0.0/0", "", 1), ingress("drop", "tcp", "-1/-1", "0.0.0.0/0", "", 100)}, NotPass},
		{"IPv4 drop does not shadow IPv6 accept", []collect.Rule{ingress("accept", "tcp", "22/22", "", "::/0", 5), ingress("drop", "tcp", "22/22", "0.0.0.0/0", "", 1)}, NotPass},
		{"egress is not ingress", []collect.Rule{{Direction: "egress", Policy: "accept", Protocol: "tcp", FromPort: 22, ToPort: 22, DestCIDR: "0.0.0.0/0", Priority: 1}}, Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ecsInput([]collect.SecurityGroup{{ID: "sg-1", Rules: tc.rules}})
			res := r.Eval(in)
			if len(res) != 1 || res[0].Status != tc.want {
				t.Fatalf("Eval = %+v; want one %s", res, tc.want)
			}
		})
	}
}

// TestPolicyCase sends "Accept", "accept" and "ACCEPT" through cloudsim and
// the collector: all three open SSH.
func TestPolicyCase(t *testing.T) {
	r := mustRule(t, "ecs_sg_ssh_internet")
	for _, policy := range []string{"Accept", "accept", "ACCEPT"} {
		t.Run(policy, func(t *testing.T) {
			inv := &cloudsim.Inventory{AccountID: "1357924680135792", Regions: map[string]cloudsim.Products{"cn-hangzhou": {}}}
			if err := inv.Add("cn-hangzhou", "ecs", "SecurityGroups", map[string]any{
				"SecurityGroupId": "sg-1", "SecurityGroupName": "case", "VpcId": "vpc-1",
				"Permissions": map[string]any{"Permission": []any{map[string]any{"SecurityGroupRuleId": "sgr-1", "Direction": "ingress",
					"IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0", "Policy": policy, "Priority": "1"}}},
			}); err != nil {
				t.Fatal(err)
			}
			fs := scanInventory(t, inv, cloudsim.Faults{}, []*Rule{r})
			if len(fs) != 1 || fs[0].Status != NotPass {
				t.Fatalf("policy %q: findings%s; want one NOT_PASS", policy, describe(fs))
			}
		})
	}
}

// TestLoginAttempts: fewer than 5 attempts passes (Steampipe v0.6 fixed
// this); no lockout, or more than 5, fails.
func TestLoginAttempts(t *testing.T) {
	r := mustRule(t, "ram_password_login_attempts")
	for _, tc := range []struct {
		attempts int
		want     Status
	}{{1, Pass}, {3, Pass}, {4, Pass}, {5, Pass}, {0, NotPass}, {6, NotPass}, {10, NotPass}} {
		inv := &collect.Inventory{Region: "cn-hangzhou", RAM: &collect.RAMInventory{
			PasswordPolicy: collect.RAMPasswordPolicy{MaxLoginAttempts: tc.attempts, Raw: json.RawMessage(`{}`)}}}
		res := r.Eval(NewInput("1", time.Time{}, inv))
		if len(res) != 1 || res[0].Status != tc.want {
			t.Errorf("MaxLoginAttempts %d: %+v; want %s", tc.attempts, res, tc.want)
		}
	}
}

// TestMaxAge covers 1.13's two versions.
func TestMaxAge(t *testing.T) {
	for _, tc := range []struct {
		id   string
		age  int
		want Status
	}{
		{"ram_password_max_age_365", 0, Pass}, {"ram_password_max_age_365", 365, Pass}, {"ram_password_max_age_365", 90, NotPass},
		{"ram_password_max_age_90", 90, Pass}, {"ram_password_max_age_90", 30, Pass}, {"ram_password_max_age_90", 0, NotPass},
		{"ram_password_max_age_90", 91, NotPass},
	} {
		inv := &collect.Inventory{Region: "cn-hangzhou", RAM: &collect.RAMInventory{
			PasswordPolicy: collect.RAMPasswordPolicy{MaxAgeDays: tc.age, Raw: json.RawMessage(`{}`)}}}
		res := mustRule(t, tc.id).Eval(NewInput("1", time.Time{}, inv))
		if len(res) != 1 || res[0].Status != tc.want {
			t.Errorf("%s MaxPasswordAge %d: %+v; want %s", tc.id, tc.age, res, tc.want)
		}
	}
}

// TestGaps: a permission, throttling or activation gap is NOT_EVALUATED with
// its reason, never NOT_PASS.
func TestGaps(t *testing.T) {
	sample, err := cloudsim.SampleInventory()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		faults  cloudsim.Faults
		product string
		reason  string
	}{
		{"permission", cloudsim.Faults{PermissionDenied: map[string]bool{"Ecs": true}}, "ecs", ReasonPermission},
		{"one action refused", cloudsim.Faults{PermissionDenied: map[string]bool{"Vpc.DescribeFlowLogs": true}}, "vpc", ReasonPermission},
		{"throttling", cloudsim.Faults{ThrottleRate: 1}, "ecs", ReasonThrottling},
		{"RAM refused", cloudsim.Faults{PermissionDenied: map[string]bool{"Ram": true}}, "ram", ReasonPermission},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rules []*Rule
			for _, r := range All() {
				if r.Automated() && r.Product == tc.product {
					rules = append(rules, r)
				}
			}
			fs := scanInventory(t, sample.Clone(), tc.faults, rules)
			if len(fs) == 0 {
				t.Fatal("no findings")
			}
			for _, f := range fs {
				if f.Status != NotEvaluated || f.Reason != tc.reason {
					t.Errorf("%s %s: %s [%s] %s; want NOT_EVALUATED [%s]", f.ItemID, f.InstanceID, f.Status, f.Reason, f.Message, tc.reason)
				}
			}
		})
	}
}

// TestPanic: a rule that panics on one instance reports NOT_EVALUATED with
// the cause for that instance and evaluates the others.
func TestPanic(t *testing.T) {
	r := &Rule{Item: catalog.Item{ID: "ecs_test_panic", Product: "ecs"}, Needs: []string{"ecs"},
		check: each(instances, func(x *collect.Instance, _ *env) verdict {
			if x.Name == "odd" {
				var m map[string]int
				m["boom"]++ // assignment to entry in nil map
			}
			return pass("fine")
		})}
	in := ecsInput(nil, collect.Instance{ID: "i-1", Name: "ok"}, collect.Instance{ID: "i-2", Name: "odd"}, collect.Instance{ID: "i-3", Name: "ok"})
	res := r.Eval(in)
	if len(res) != 3 {
		t.Fatalf("got %d results, want 3", len(res))
	}
	if res[0].Status != Pass || res[2].Status != Pass {
		t.Errorf("the other instances: %s, %s; want PASS", res[0].Status, res[2].Status)
	}
	if res[1].Status != NotEvaluated || res[1].Reason != ReasonError || !strings.Contains(res[1].Message, "nil map") {
		t.Errorf("the odd instance: %+v; want NOT_EVALUATED [error] naming the cause", res[1])
	}
}

// TestSampleAccount scans the sample account with every rule and finds each
// known misconfiguration (sample-account.md M1–M45), and not the correct
// configurations it lists.
func TestSampleAccount(t *testing.T) {
	sample, err := cloudsim.SampleInventory()
	if err != nil {
		t.Fatal(err)
	}
	fs := scanInventory(t, sample, cloudsim.Faults{}, All())
	byKey := map[string]*Finding{}
	for i := range fs {
		byKey[fs[i].ItemID+" "+fs[i].InstanceID] = &fs[i]
	}
	const acct = "1357924680135792"
	want := []struct {
		m, item, instance string
		status            Status
	}{
		{"M1", "ecs_sg_ssh_internet", "sg-bp1acmeweb0001", NotPass},
		{"M1", "ecs_instance_remote_admin_exposed", "i-bp1acmeweb01", NotPass},
		{"M2", "ecs_sg_rdp_internet", "sg-bp1acmeapp0001", NotPass},
		{"M3", "ecs_instance_metadata_tokens", "i-bp1acmeweb02", NotPass},
		{"M4", "ecs_instance_cloud_assistant", "i-bp1acmedb01", NotPass},
		{"M5", "ecs_disk_encrypted", "d-bp1acmedb01data", NotPass},
		{"M6", "vpc_flow_log_enabled", "vpc-uf6acmedr00001", NotPass},
		{"M7", "ecs_sg_ssh_internet", "sg-uf6acmedr00001", NotPass},
		{"M8", "ecs_disk_encrypted", "d-uf6acmedr01sys", NotPass},
		{"M9", "ack_cluster_private", "c3f8e1a2b4d5c6e7f8091a2b3c4d5e6f7", NotPass},
		{"M10", "ack_cluster_dashboard_disabled", "c3f8e1a2b4d5c6e7f8091a2b3c4d5e6f7", NotPass},
		{"M11", "ack_cluster_network_policy", "c3f8e1a2b4d5c6e7f8091a2b3c4d5e6f7", NotPass},
		{"M12", "sas_edition_advanced", acct, NotPass},
		{"M13", "sas_asset_agent_online", "i-bp1acmedb01", NotPass},
		{"M13", "ecs_instance_endpoint_protection", "i-bp1acmedb01", NotPass},
		{"M14", "sls_logstore_retention", "slsaudit-center-1357924680135792-cn-hangzhou/actiontrail_log", NotPass},
		{"M15", "sls_alert_ram_role_changes", acct, NotPass},
		{"M16", "rds_instance_not_open", "rm-bp1acmeorders01", NotPass},
		{"M17", "rds_instance_ssl", "rm-bp1acmecatalog1", NotPass},
		{"M18", "rds_instance_sql_audit", "rm-bp1acmereport01", NotPass},
		{"M18", "rds_instance_audit_retention", "rm-bp1acmereport01", NotPass},
		{"M19", "rds_pg_log_connections", "pgm-bp1acmeanalyt1", NotPass},
		{"M20", "redis_instance_not_open", "r-bp1acmesession01", NotPass},
		{"M21", "mongodb_instance_tde", "dds-bp1acmeprofile1", NotPass},
		{"M22", "polardb_cluster_not_open", "pc-bp1acmeledger01", NotPass},
		{"M23", "oss_bucket_not_public", "acme-retail-static", NotPass},
		{"M24", "oss_bucket_not_public", "acme-retail-reports", NotPass},
		{"M25", "oss_bucket_logging", "acme-retail-logs", NotPass},
		{"M26", "oss_bucket_sse_service_key", "acme-retail-dr-backup", NotPass},
		{"M27", "oss_bucket_https_only", "acme-retail-static", NotPass},
		{"M27", "oss_bucket_https_only", "acme-retail-orders", Pass},
		{"M42", "sls_logstore_retention", "acme-app-logs/nginx-access", NotPass},
		{"M43", "sls_alert_cmk_changes", acct, NotPass},
		{"M44", "sas_vuln_scan_scheduled", acct, NotPass},
		{"M45", "ack_cluster_check_weekly", "c3f8e1a2b4d5c6e7f8091a2b3c4d5e6f7", NotPass},
		// Correct configurations that must not be flagged.
		{"ok", "ecs_sg_ssh_internet", "sg-bp1acmeapp0001", Pass},
		{"ok", "ecs_sg_db_ports_internet", "sg-bp1acmedb00001", Pass},
		{"ok", "ecs_instance_metadata_tokens", "i-bp1acmeweb01", Pass},
		{"ok", "ecs_disk_encrypted", "d-bp1acmeweb01sys", Pass},
		{"ok", "vpc_flow_log_enabled", "vpc-bp1acmeprod0001", Pass},
		{"ok", "sls_logstore_retention", "acme-dr-audit/actiontrail_acme-dr-audit", Pass},
		{"ok", "sls_alert_oss_bucket_policy_changes", acct, Pass},
		{"ok", "ack_cluster_check_weekly", "c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f43", Pass},
	}
	for _, w := range want {
		f := byKey[w.item+" "+w.instance]
		switch {
		case f == nil:
			t.Errorf("%s: no %s finding on %s", w.m, w.item, w.instance)
		case f.Status != w.status:
			t.Errorf("%s: %s on %s = %s (%s); want %s", w.m, w.item, w.instance, f.Status, f.Message, w.status)
		}
	}
	for _, f := range fs {
		if f.Status == NotEvaluated {
			t.Errorf("%s %s: NOT_EVALUATED [%s] %s: the sample account should be fully evaluable", f.ItemID, f.InstanceID, f.Reason, f.Message)
		}
	}
	s := Summarize(fs)
	t.Logf("sample account: %d findings: %v", len(fs), s)
}
