package cloudsim_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

func TestParseInventoryRejects(t *testing.T) {
	const inst = `{"InstanceId":"i-1","RegionId":"cn-hangzhou","SecurityGroupIds":{"SecurityGroupId":["sg-1"]}}`
	const group = `{"SecurityGroupId":"sg-1","Permissions":{"Permission":[{"Direction":"ingress","IpProtocol":"TCP","PortRange":"22/22","SourceCidrIp":"0.0.0.0/0"}]}}`
	doc := func(ecs string) string {
		return `{"account_id":"1234567890123456","regions":{"cn-hangzhou":{"ecs":` + ecs + `}}}`
	}
	tests := []struct {
		name string
		json string
		want string // the error must contain this
	}{
		{"missing instance ID", doc(`{"Instances":[` + inst + `,{"InstanceName":"x"}],"SecurityGroups":[` + group + `]}`),
			"inventory: regions.cn-hangzhou.ecs.Instances[1].InstanceId: missing"},
		{"empty ID", doc(`{"Instances":[{"InstanceId":""}]}`), "regions.cn-hangzhou.ecs.Instances[0].InstanceId: empty"},
		{"ID not a string", doc(`{"Instances":[{"InstanceId":7}]}`), "regions.cn-hangzhou.ecs.Instances[0].InstanceId: want a string, got 7"},
		{"duplicate ID", doc(`{"Instances":[{"InstanceId":"i-1"},{"InstanceId":"I-1"}]}`),
			`regions.cn-hangzhou.ecs.Instances[1].InstanceId: duplicate "I-1" (first at regions.cn-hangzhou.ecs.Instances[0])`},
		{"wrong region", doc(`{"Instances":[{"InstanceId":"i-1","RegionId":"cn-shanghai"}]}`),
			`regions.cn-hangzhou.ecs.Instances[0].RegionId: "cn-shanghai" does not match region cn-hangzhou`},
		{"not an object", doc(`{"Instances":["i-1"]}`), "regions.cn-hangzhou.ecs.Instances[0]: not a JSON object"},
		{"unknown collection", doc(`{"Instance":[]}`), "regions.cn-hangzhou.ecs.Instance: unknown collection (want one of Instances, SecurityGroups"},
		{"unknown product", `{"account_id":"1234567890123456","regions":{"cn-hangzhou":{"ecz":{}}}}`,
			"regions.cn-hangzhou.ecz: unknown product (want one of "},
		{"global product in a region", `{"account_id":"1234567890123456","regions":{"cn-hangzhou":{"ram":{}}}}`,
			"regions.cn-hangzhou.ram: account-level product under a region"},
		{"unknown security group", doc(`{"Instances":[` + inst + `]}`),
			`regions.cn-hangzhou.ecs.Instances[0].SecurityGroupIds.SecurityGroupId[0]: unknown security group "sg-1"`},
		{"rule without ports", doc(`{"SecurityGroups":[{"SecurityGroupId":"sg-1","Permissions":{"Permission":[{"Direction":"ingress","IpProtocol":"TCP"}]}}]}`),
			"regions.cn-hangzhou.ecs.SecurityGroups[0].Permissions.Permission[0].PortRange: missing"},
		{"disk of no instance", doc(`{"Disks":[{"DiskId":"d-1","InstanceId":"i-9"}]}`),
			`regions.cn-hangzhou.ecs.Disks[0].InstanceId: unknown instance "i-9"`},
		{"vswitch of no VPC", `{"account_id":"1234567890123456","regions":{"cn-hangzhou":{"vpc":{"VSwitches":[{"VSwitchId":"vsw-1","VpcId":"vpc-9"}]}}}}`,
			`regions.cn-hangzhou.vpc.VSwitches[0].VpcId: unknown VPC "vpc-9"`},
		{"bad trust policy", `{"account_id":"1234567890123456","regions":{},"global":{"ram":{"Roles":[{"RoleName":"r","AssumeRolePolicyDocument":"{not json"}]}}}`,
			"global.ram.Roles[0].AssumeRolePolicyDocument: not a trust policy"},
		{"bad account", `{"account_id":"acme","regions":{}}`, `account_id: "acme" is not a 16-digit account UID`},
		{"bad region key", `{"account_id":"1234567890123456","regions":{"Hangzhou":{}}}`, "regions.Hangzhou: not a region ID"},
		{"unknown top-level field", `{"account_id":"1234567890123456","regions":{},"roles":[]}`, "inventory: roles: unknown field"},
		{"wrong type", `{"account_id":"1234567890123456","regions":{"cn-hangzhou":{"ecs":{"Instances":{}}}}}`,
			"inventory: regions.cn-hangzhou.ecs.Instances: want a list of objects, got JSON object"},
		{"regions not an object", `{"account_id":"1234567890123456","regions":[]}`, "inventory: regions: want an object, got JSON array"},
		{"product not an object", `{"account_id":"1234567890123456","regions":{"cn-hangzhou":{"ecs":[]}}}`,
			"inventory: regions.cn-hangzhou.ecs: want an object, got JSON array"},
		{"syntax error", "{\"account_id\":\"1234567890123456\",\n\"regions\": {,}}", "inventory: line 2, column 13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cloudsim.ParseInventory([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseInventory(%s) error = %v; want it to contain %q", tt.json, err, tt.want)
			}
			var ie *cloudsim.InventoryError
			if !errors.As(err, &ie) {
				t.Errorf("error %v is not an *InventoryError", err)
			}
		})
	}
}

func TestLoadInventoryNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(path, []byte(`{"account_id":"1234567890123456","regions":{"cn-hangzhou":{"ecs":{"Instances":[{}]}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := cloudsim.LoadInventory(path)
	want := "broken.json: inventory: regions.cn-hangzhou.ecs.Instances[0].InstanceId: missing"
	if err == nil || err.Error() != want {
		t.Errorf("LoadInventory(broken) = %v; want %q", err, want)
	}
	if _, err := cloudsim.NewServer(cloudsim.Options{Inventory: &cloudsim.Inventory{AccountID: "x"}}); err == nil {
		t.Errorf("NewServer with an invalid inventory succeeded")
	}
}

func TestInventoryRoundTrip(t *testing.T) {
	inv := sample(t)
	path := filepath.Join(t.TempDir(), "copy.json")
	if err := inv.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := cloudsim.LoadInventory(path)
	if err != nil {
		t.Fatalf("LoadInventory(WriteFile(sample)): %v", err)
	}
	a, _ := json.Marshal(inv)
	b, _ := json.Marshal(back)
	if !bytes.Equal(a, b) {
		t.Errorf("sample account changed through WriteFile/LoadInventory")
	}
}

func TestGenerate(t *testing.T) {
	opts := cloudsim.GenOptions{Instances: 1234, Seed: 99, MisconfigRate: 0.2, Regions: []string{"cn-hangzhou", "cn-shanghai"}}
	a, b := cloudsim.Generate(opts), cloudsim.Generate(opts)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatalf("Generate(%+v) twice gave different accounts", opts)
	}
	opts.Seed = 100
	if jc, _ := json.Marshal(cloudsim.Generate(opts)); bytes.Equal(ja, jc) {
		t.Errorf("seeds 99 and 100 gave the same account")
	}
	if err := a.Validate(); err != nil {
		t.Fatalf("generated account does not validate: %v", err)
	}
	total, open, optional := 0, 0, 0
	for _, r := range []string{"cn-hangzhou", "cn-shanghai"} {
		insts := a.Objects(r, "ecs", "Instances")
		total += len(insts)
		if len(insts) != 617 {
			t.Errorf("%s: %d instances; want 617 (half of 1234)", r, len(insts))
		}
		for _, g := range a.Objects(r, "ecs", "SecurityGroups") {
			s := string(g)
			if strings.Contains(s, `"PortRange":"22/22","Priority":"1","SecurityGroupRuleId"`) && (strings.Contains(s, `"SourceCidrIp":"0.0.0.0/0"`) || strings.Contains(s, `"::/0"`)) ||
				strings.Contains(s, `"3389/3389"`) {
				open++
			}
		}
		for _, i := range insts {
			if strings.Contains(string(i), `"HttpTokens":"optional"`) {
				optional++
			}
		}
	}
	if open == 0 || optional == 0 {
		t.Errorf("MisconfigRate 0.2 gave %d groups open to SSH/RDP and %d instances without enforced tokens; want some of each", open, optional)
	}
	clean := cloudsim.Generate(cloudsim.GenOptions{Instances: 300, Seed: 1})
	for _, i := range clean.Objects("cn-hangzhou", "ecs", "Instances") {
		if strings.Contains(string(i), `"HttpTokens":"optional"`) {
			t.Fatalf("MisconfigRate 0 produced an instance with optional tokens")
		}
	}
}

// TestSampleAccount pins the misconfigurations sample-account.md lists.
func TestSampleAccount(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	has := func(region, group, rule string) bool { return ingress(t, srv, region, group)[rule] }
	checks := []struct {
		id string
		ok bool
	}{
		{"M1 SSH open to 0.0.0.0/0 on sg-bp1acmeweb0001", has("cn-hangzhou", "sg-bp1acmeweb0001", "TCP 22/22 0.0.0.0/0 Accept")},
		{"M2 RDP open to 0.0.0.0/0 on sg-bp1acmeapp0001", has("cn-hangzhou", "sg-bp1acmeapp0001", "TCP 3389/3389 0.0.0.0/0 Accept")},
		{"M7 SSH open to ::/0 on sg-uf6acmedr00001", has("cn-shanghai", "sg-uf6acmedr00001", "tcp 22/22 ::/0 accept")},
	}
	resp := mustCall(t, c, "Ecs", "DescribeInstances", "cn-hangzhou", map[string]string{"HttpTokens": "optional"})
	checks = append(checks, struct {
		id string
		ok bool
	}{"M3 i-bp1acmeweb02 tokens optional", num(resp["TotalCount"]) == 1 && items(resp, "Instances", "Instance")[0]["InstanceId"] == "i-bp1acmeweb02"})
	ca := mustCall(t, c, "Ecs", "DescribeCloudAssistantStatus", "cn-hangzhou", map[string]string{"InstanceId.1": "i-bp1acmedb01"})
	checks = append(checks, struct {
		id string
		ok bool
	}{"M4 no Cloud Assistant on i-bp1acmedb01", items(ca, "InstanceCloudAssistantStatusSet", "InstanceCloudAssistantStatus")[0]["CloudAssistantStatus"] == "false"})
	for _, d := range []struct{ region, id string }{{"cn-hangzhou", "d-bp1acmedb01data"}, {"cn-shanghai", "d-uf6acmedr01sys"}} {
		disks := mustCall(t, c, "Ecs", "DescribeDisks", d.region, map[string]string{"Encrypted": "false"})
		ds := items(disks, "Disks", "Disk")
		checks = append(checks, struct {
			id string
			ok bool
		}{"M5/M8 unencrypted " + d.id, len(ds) == 1 && ds[0]["DiskId"] == d.id})
	}
	fl := mustCall(t, c, "Vpc", "DescribeFlowLogs", "cn-shanghai", nil)
	checks = append(checks, struct {
		id string
		ok bool
	}{"M6 no flow log in cn-shanghai", num(fl["TotalCount"]) == 0})
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("sample account lost misconfiguration %s", ch.id)
		}
	}
}

// BenchmarkGenerate100k reports what a 100,000-instance account costs.
func BenchmarkGenerate100k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		inv := cloudsim.Generate(cloudsim.GenOptions{Instances: 100_000, Seed: 1, MisconfigRate: 0.1,
			Regions: []string{"cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen"}})
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heap-MB")
		runtime.KeepAlive(inv)
	}
}
