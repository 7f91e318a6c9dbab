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

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sas"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sls"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// The sample account's ACK clusters and Log Audit project.
const (
	shopCluster = "c3f8e1a2b4d5c6e7f8091a2b3c4d5e6f7"
	opsCluster  = "c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f43"
	auditProj   = "slsaudit-center-1357924680135792-cn-hangzhou"
)

// addACKSLSSASCalls adds the fewest calls that collect inv's ACK clusters in
// regions and its account-level Log Service and Security Center to out.
func addACKSLSSASCalls(out map[string]int, inv *cloudsim.Inventory, regions ...string) {
	pages := func(n, size int) int { return max(1, (n+size-1)/size) }
	for _, r := range regions {
		n := len(inv.Objects(r, "cs", "Clusters"))
		out["CS.DescribeClustersV1"] += pages(n, 100)
		if n > 0 {
			for _, api := range []string{"DescribeClusterDetail", "DescribeClusterAddonsVersion", "DescribeClusterNodePools", "GetClusterInspectConfig"} {
				out["CS."+api] += n
			}
		}
	}
	if len(regions) == 0 {
		return
	}
	out["Sls.GetSlsService"]++
	out["Sls.DescribeApp"]++
	addSLSProjectCalls(out, inv)
	out["Sas.DescribeVersionConfig"]++
	out["Sas.DescribeNoticeConfig"]++
	out["Sas.DescribeVulConfig"]++
	out["Sas.DescribeCloudCenterInstances"] += pages(len(inv.Objects("", "sas", "Instances")), 100)
}

// bigAccount is the sample account with n more ACK clusters in
// cn-hangzhou (each with a component and a node pool) and n more Security
// Center assets.
func bigAccount(t testing.TB, n int) *cloudsim.Inventory {
	t.Helper()
	inv := sample(t)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("cgen%029d", i)
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(inv.Add("cn-hangzhou", "cs", "Clusters", map[string]any{"cluster_id": id, "name": fmt.Sprintf("gen-%03d", i),
			"region_id": "cn-hangzhou", "cluster_type": "ManagedKubernetes", "state": "running",
			"master_url": `{"api_server_endpoint":"","intranet_api_server_endpoint":"https://10.0.0.1:6443"}`}))
		must(inv.Add("cn-hangzhou", "cs", "Addons", map[string]any{"cluster_id": id, "component_name": "logtail-ds", "version": "v1"}))
		must(inv.Add("cn-hangzhou", "cs", "NodePools", map[string]any{"cluster_id": id,
			"nodepool_info": map[string]any{"nodepool_id": "np-" + id}, "kubernetes_config": map[string]any{"cms_enabled": i%2 == 0}}))
		must(inv.Add("", "sas", "Instances", map[string]any{"Uuid": fmt.Sprintf("gen-%04d", i), "InstanceId": fmt.Sprintf("i-gen%04d", i),
			"ClientStatus": "online"}))
	}
	if err := inv.Validate(); err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestACKSLSSASMinimumCalls collects accounts of several sizes and checks
// every cluster and asset arrives with the fewest calls: 252 clusters take
// ceil(252/100) = 3 DescribeClustersV1 calls and 3 calls per cluster; the
// account-level products are called once for two regions.
func TestACKSLSSASMinimumCalls(t *testing.T) {
	for _, n := range []int{0, 98, 250} {
		t.Run(fmt.Sprint(n, " more clusters"), func(t *testing.T) {
			inv := bigAccount(t, n)
			srv := start(t, cloudsim.Options{Inventory: inv})
			c := collector(t, srv, nil)
			ctx := context.Background()
			var hz, sh *collect.Inventory
			for _, r := range []string{"cn-hangzhou", "cn-shanghai"} {
				got, err := c.Collect(ctx, inv.AccountID, r, "ack", "sls", "sas")
				if err != nil {
					t.Fatalf("Collect %s: %v", r, err)
				}
				if len(got.NotEvaluated) > 0 {
					t.Fatalf("Collect %s left products out: %v", r, got.NotEvaluated)
				}
				if r == "cn-hangzhou" {
					hz = got
				} else {
					sh = got
				}
			}
			if len(hz.ACK.Clusters) != n+2 || len(sh.ACK.Clusters) != 0 {
				t.Errorf("collected %d clusters in cn-hangzhou, %d in cn-shanghai; want %d, 0", len(hz.ACK.Clusters), len(sh.ACK.Clusters), n+2)
			}
			if len(hz.SAS.Assets) != n+5 {
				t.Errorf("collected %d Security Center assets; want %d", len(hz.SAS.Assets), n+5)
			}
			if hz.SLS != sh.SLS || hz.SAS != sh.SAS {
				t.Errorf("account-level inventories differ between regions: they must be collected once and shared")
			}
			want := map[string]int{}
			addACKSLSSASCalls(want, inv, "cn-hangzhou", "cn-shanghai")
			if calls := srv.Calls(); !reflect.DeepEqual(calls, want) {
				t.Errorf("calls made differ from the minimum:\n got %v\nwant %v", calls, want)
			}
		})
	}
}

func TestCollectSampleACKSLSSAS(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := collector(t, srv, nil)
	got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou", "ack", "sls", "sas")
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	clusters := map[string]collect.Cluster{}
	for _, cl := range got.ACK.Clusters {
		clusters[cl.ID] = cl
	}
	shop, ops := clusters[shopCluster], clusters[opsCluster]
	agents := map[string]collect.SASAsset{}
	for _, a := range got.SAS.Assets {
		agents[a.InstanceID] = a
	}
	var ttl = func(p string) int { return got.SLS.Audit.Products[p].TTLDays }
	tests := []struct {
		what      string
		got, want any
	}{
		// Misconfigurations (sample-account.md).
		{"acme-shop-k8s public endpoint", shop.PublicEndpoint, "https://47.98.10.60:6443"},
		{"acme-shop-k8s private", shop.Private(), false},
		{"acme-shop-k8s dashboard", shop.DashboardEnabled(), true},
		{"acme-shop-k8s network policy", shop.NetworkPolicy, false},
		{"Security Center edition", got.SAS.EditionName + fmt.Sprint(got.SAS.Edition), "Basic1"},
		{"Security Center advanced", got.SAS.AdvancedOrEnterprise(), false},
		{"acme-db-01 agent", agents["i-bp1acmedb01"].AgentStatus, "offline"},
		{"ActionTrail audit logstore retention", ttl("actiontrail"), 30},
		{"RAM role change alert (CIS 2.10)", got.SLS.AlertFor("2.10") == nil, true},
		// Passing counterparts.
		{"acme-shop-k8s ENI multi-IP", shop.ENIMultiIP(), true},
		{"acme-shop-k8s logs", shop.LogServiceEnabled(), true},
		{"acme-shop-k8s log project", shop.LogProject, "k8s-log-" + shopCluster},
		{"acme-shop-k8s CloudMonitor", shop.CloudMonitorEnabled(), true},
		{"acme-ops-k8s private", ops.Private(), true},
		{"acme-ops-k8s private endpoint", ops.PrivateEndpoint, "https://10.10.2.110:6443"},
		{"acme-ops-k8s dashboard", ops.DashboardEnabled(), false},
		{"acme-ops-k8s network policy", ops.NetworkPolicy, true},
		{"acme-ops-k8s network plugin", ops.NetworkPlugin, "terway-eniip"},
		{"acme-ops-k8s tags", ops.Tags["app"], "acme-ops"},
		{"acme-ops-k8s node pools", len(ops.NodePools), 1},
		{"acme-web-01 agent online", agents["i-bp1acmeweb01"].AgentOnline(), true},
		{"acme-dr-web-01 stopped", agents["i-uf6acmedr01"].Status, "Stopped"},
		{"vulnerability notices", got.SAS.Notice("sas_vulnerability").Enabled(), true},
		{"weekly report notices", got.SAS.Notice("yundun_security_Weekreport").Enabled(), false},
		{"SLS enabled", got.SLS.Enabled, true},
		{"audit project", got.SLS.Audit.Project, auditProj},
		{"OSS access audit retention", ttl("oss_access"), 365},
		{"security group change alert (CIS 2.22)", got.SLS.AlertFor("2.22") != nil && got.SLS.AlertFor("2.22").Enabled, true},
		{"alerts checked", len(got.SLS.AlertsChecked), len(collect.SLSAlertCatalogue)},
		{"alerts found (every catalogue rule but RAM role changes)", len(got.SLS.Alerts), len(collect.SLSAlertCatalogue) - 1},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v; want %#v", tt.what, tt.got, tt.want)
		}
	}
	if !bytes.Contains(shop.Raw, []byte(`"parameters"`)) || !bytes.Contains(shop.Addon("kubernetes-dashboard").Raw, []byte(`"v2.7.0"`)) {
		t.Errorf("the cluster's Raw does not hold the DescribeClusterDetail object, or the component's its version: %s", shop.Raw)
	}
	if !bytes.Contains(got.SLS.Audit.Raw, []byte(`"AppName":"audit"`)) || !bytes.Contains(agents["i-bp1acmedb01"].Raw, []byte(`"Uuid"`)) {
		t.Errorf("Raw evidence missing for the audit app or the asset")
	}
}

func TestACKSLSSASNotEvaluated(t *testing.T) {
	inv := sample(t)
	ctx := context.Background()
	clean, err := collector(t, start(t, cloudsim.Options{Inventory: inv.Clone()}), nil).Collect(ctx, inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, product string
		denied        map[string]bool
		code          string
		region        string
	}{
		{"ACK denied", "ack", map[string]bool{"CS": true}, "Forbidden.RAM", "cn-hangzhou"},
		{"one ACK API denied", "ack", map[string]bool{"CS.DescribeClusterNodePools": true}, "Forbidden.RAM", "cn-hangzhou"},
		{"Security Center denied", "sas", map[string]bool{"Sas": true}, "NoPermission", ""},
		{"Log Service denied", "sls", map[string]bool{"Sls.DescribeApp": true}, "Forbidden.RAM", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: cloudsim.Faults{PermissionDenied: tt.denied}})
			got, err := collector(t, srv, nil).Collect(ctx, inv.AccountID, "cn-hangzhou")
			if err != nil {
				t.Fatalf("Collect returned an error for a permission gap: %v", err)
			}
			ne := got.NotEvaluatedFor(tt.product)
			if ne == nil || len(got.NotEvaluated) != 1 {
				t.Fatalf("NotEvaluated = %v; want exactly %s", got.NotEvaluated, tt.product)
			}
			if ne.Reason != collect.PermissionDenied || !errors.Is(ne, collect.ErrPermission) || ne.Code != tt.code || ne.Region != tt.region {
				t.Errorf("NotEvaluated[%s] = %+v; want PermissionDenied %s in region %q", tt.product, ne, tt.code, tt.region)
			}
			products := map[string][2]any{
				"ack": {got.ACK, clean.ACK}, "sls": {got.SLS, clean.SLS}, "sas": {got.SAS, clean.SAS},
				"ecs": {got.ECS, clean.ECS}, "vpc": {got.VPC, clean.VPC},
			}
			for p, v := range products {
				if p == tt.product {
					if !reflect.ValueOf(v[0]).IsNil() {
						t.Errorf("%s was not evaluated but its inventory is set", p)
					}
				} else if !reflect.DeepEqual(v[0], v[1]) {
					t.Errorf("with %s denied, %s differs from a clean collect", tt.product, p)
				}
			}
		})
	}
}

// roaSend sends a typed SDK request to srv and fails the test on error.
func roaSend(t *testing.T, srv *cloudsim.Server, req requests.AcsRequest, body string) {
	t.Helper()
	c, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	req.SetScheme("http")
	cloudsim.PointAt(req, srv.Addr())
	if body != "" {
		req.SetContent([]byte(body))
		req.GetHeaders()["Content-Type"] = "application/json"
	}
	if err := c.DoAction(req, &responses.BaseResponse{}); err != nil {
		t.Fatalf("%s.%s: %v", req.GetProduct(), req.GetActionName(), err)
	}
}

// TestACKSLSSASFixThenCollect applies the write calls a fix needs through
// the SDK and checks that the next scan reads the change.
func TestACKSLSSASFixThenCollect(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	scan := func() *collect.Inventory {
		got, err := collector(t, srv, nil).Collect(context.Background(), inv.AccountID, "cn-hangzhou", "ack", "sls", "sas")
		if err != nil {
			t.Fatalf("Collect: %v", err)
		}
		return got
	}
	shop := func(got *collect.Inventory) collect.Cluster {
		for _, c := range got.ACK.Clusters {
			if c.ID == shopCluster {
				return c
			}
		}
		t.Fatalf("acme-shop-k8s not collected")
		return collect.Cluster{}
	}
	agent := func(got *collect.Inventory) string {
		for _, a := range got.SAS.Assets {
			if a.InstanceID == "i-bp1acmedb01" {
				return a.AgentStatus
			}
		}
		return ""
	}
	before := scan()
	if shop(before).Private() || !shop(before).DashboardEnabled() || agent(before) != "offline" ||
		before.SLS.Audit.Products["actiontrail"].TTLDays != 30 || before.SLS.AlertFor("2.10") != nil {
		t.Fatalf("the sample account lost its starting misconfigurations")
	}

	mr := cs.CreateModifyClusterRequest()
	mr.ClusterId = shopCluster
	roaSend(t, srv, mr, `{"api_server_eip": false}`)
	ur := cs.CreateUnInstallClusterAddonsRequest()
	ur.ClusterId = shopCluster
	roaSend(t, srv, ur, `[{"name": "kubernetes-dashboard"}]`)
	ir := sas.CreateOperateAgentClientInstallRequest()
	ir.InstanceIds = "i-bp1acmedb01"
	roaSend(t, srv, ir, "")
	nr := sas.CreateModifyNoticeConfigRequest()
	nr.Project, nr.Route = "yundun_security_Weekreport", requests.NewInteger(2)
	roaSend(t, srv, nr, "")
	ar := sls.CreateAnalyzeAppLogRequest()
	ar.AppType, ar.DisplayName, ar.VariableMap = "audit", "acme-audit", `{"actiontrail_ttl":"365"}`
	roaSend(t, srv, ar, "")
	er := sls.CreateEnableAlertRequest()
	er.App, er.ProjectName, er.AlertId, er.RuleId = "audit", auditProj, "cis_at_ram_auth_change", "sls.app.actiontrail.cis.at.ram_auth_change"
	roaSend(t, srv, er, "")

	after := scan()
	tests := []struct {
		fix       string
		got, want any
	}{
		{"ModifyCluster api_server_eip=false", shop(after).Private(), true},
		{"UnInstallClusterAddons kubernetes-dashboard", shop(after).DashboardEnabled(), false},
		{"OperateAgentClientInstall acme-db-01", agent(after), "online"},
		{"ModifyNoticeConfig weekly report", after.SAS.Notice("yundun_security_Weekreport").Route, 2},
		{"AnalyzeAppLog actiontrail_ttl=365", after.SLS.Audit.Products["actiontrail"].TTLDays, 365},
		{"EnableAlert RAM role changes", after.SLS.AlertFor("2.10") != nil && after.SLS.AlertFor("2.10").Enabled, true},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("after %s the next collect reads %#v; want %#v", tt.fix, tt.got, tt.want)
		}
	}
}

// mangleAPI serves cloudsim but rewrites the successful answers of one
// "Product.Action" (RPC Action parameter or ROA x-acs-action header).
func mangleAPI(t *testing.T, srv *cloudsim.Server, action string, fn func([]byte) []byte) string {
	t.Helper()
	return mangleOK(t, srv, func(r *http.Request) bool {
		name := r.Header.Get("x-acs-action")
		if name == "" {
			name = r.URL.Query().Get("Action")
		}
		return name == action
	}, fn)
}

func TestACKSLSSASMalformed(t *testing.T) {
	inv := sample(t)
	tests := []struct {
		name, action, product string
		fn                    func([]byte) []byte
	}{
		{"truncated cluster list", "DescribeClustersV1", "ack", func(b []byte) []byte { return b[:len(b)/2] }},
		{"page_info missing", "DescribeClustersV1", "ack", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"page_info"`), []byte(`"page_inf0"`), 1)
		}},
		{"cluster without ID", "DescribeClusterDetail", "ack", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"cluster_id"`), []byte(`"cluster_idd"`), 1)
		}},
		{"master_url not JSON", "DescribeClusterDetail", "ack", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"master_url":"{`), []byte(`"master_url":"{{`), 1)
		}},
		{"components not an object", "DescribeClusterAddonsVersion", "ack", func([]byte) []byte { return []byte(`[]`) }},
		{"node pools missing", "DescribeClusterNodePools", "ack", func([]byte) []byte { return []byte(`{}`) }},
		{"assets missing", "DescribeCloudCenterInstances", "sas", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"Instances"`), []byte(`"Instancez"`), 1)
		}},
		{"edition missing", "DescribeVersionConfig", "sas", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"Version"`), []byte(`"Versi0n"`), 1)
		}},
		{"audit config not JSON", "DescribeApp", "sls", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"Config":"{`), []byte(`"Config":"{{`), 1)
		}},
		{"not JSON at all", "GetSlsService", "sls", func([]byte) []byte { return []byte("<html>gateway timeout</html>") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
			addr := mangleAPI(t, srv, tt.action, tt.fn)
			c := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr })
			got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou", "ack", "sls", "sas", "vpc")
			if err == nil {
				t.Fatalf("Collect with a mangled %s succeeded", tt.action)
			}
			if !errors.Is(err, collect.ErrMalformed) || !strings.Contains(err.Error(), tt.action) {
				t.Errorf("Collect error = %v; want a malformed-response error naming %s", err, tt.action)
			}
			if len(got.NotEvaluated) != 0 {
				t.Errorf("a malformed answer was reported as a gap: %v", got.NotEvaluated)
			}
			others := map[string]bool{"ack": got.ACK != nil, "sls": got.SLS != nil, "sas": got.SAS != nil, "vpc": got.VPC != nil}
			for p, ok := range others {
				if p == tt.product && ok {
					t.Errorf("%s was collected from a malformed answer", p)
				}
				if p != tt.product && !ok {
					t.Errorf("a malformed %s answer also lost %s", tt.action, p)
				}
			}
		})
	}
}
