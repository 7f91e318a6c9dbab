package cloudsim_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sas"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sls"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

// The sample account's ACK clusters.
const (
	shopCluster = "c3f8e1a2b4d5c6e7f8091a2b3c4d5e6f7" // public endpoint, dashboard, no network policy
	opsCluster  = "c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f43" // the passing counterpart
	auditProj   = "slsaudit-center-1357924680135792-cn-hangzhou"
)

// withClusters adds n clusters to cn-hangzhou and one to cn-shanghai.
func withClusters(t *testing.T, n int) *cloudsim.Inventory {
	t.Helper()
	inv := sample(t)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("cgen%029d", i)
		if err := inv.Add("cn-hangzhou", "cs", "Clusters", map[string]any{"cluster_id": id, "name": fmt.Sprintf("gen-%03d", i),
			"region_id": "cn-hangzhou", "cluster_type": "ManagedKubernetes", "state": "running",
			"master_url": `{"api_server_endpoint":"","intranet_api_server_endpoint":"https://10.0.0.1:6443"}`}); err != nil {
			t.Fatal(err)
		}
	}
	if err := inv.Add("cn-shanghai", "cs", "Clusters", map[string]any{"cluster_id": "cshanghai0001", "name": "dr-k8s",
		"region_id": "cn-shanghai", "cluster_type": "ManagedKubernetes"}); err != nil {
		t.Fatal(err)
	}
	if err := inv.Validate(); err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestCSDescribeClustersV1Paging(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: withClusters(t, 248)}) // 250 in cn-hangzhou
	c := defaultClient(t, srv)
	list := func(params map[string]string) (map[string]any, error) {
		r := cs.CreateDescribeClustersV1Request()
		for k, v := range params {
			r.QueryParams[k] = v
		}
		body, err := send(t, c, r)
		if err != nil {
			return nil, err
		}
		var out map[string]any
		return out, json.Unmarshal(body, &out)
	}
	tests := []struct {
		params      map[string]string
		items, tot  int
		page, size  int
		errCode     string
		description string
	}{
		{map[string]string{"region_id": "cn-hangzhou", "page_size": "100", "page_number": "1"}, 100, 250, 1, 100, "", "first page"},
		{map[string]string{"region_id": "cn-hangzhou", "page_size": "100", "page_number": "3"}, 50, 250, 3, 100, "", "last page"},
		{map[string]string{"region_id": "cn-hangzhou", "page_size": "100", "page_number": "4"}, 0, 250, 4, 100, "", "past the end"},
		{map[string]string{"region_id": "cn-hangzhou"}, 10, 250, 1, 10, "", "default page size"},
		{map[string]string{"page_size": "100"}, 100, 251, 1, 100, "", "every region without region_id"},
		{map[string]string{"region_id": "cn-shanghai"}, 1, 1, 1, 10, "", "region filter"},
		{map[string]string{"name": "acme-ops"}, 1, 1, 1, 10, "", "name filter"},
		{map[string]string{"page_size": "101"}, 0, 0, 0, 0, "InvalidParameter", "over the maximum"},
		{map[string]string{"page_number": "0"}, 0, 0, 0, 0, "InvalidParameter", "page 0"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			out, err := list(tt.params)
			if tt.errCode != "" {
				if se := serverError(t, err); se.ErrorCode() != tt.errCode || se.HttpStatus() != 400 {
					t.Errorf("DescribeClustersV1(%v) = %d %s; want 400 %s", tt.params, se.HttpStatus(), se.ErrorCode(), tt.errCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("DescribeClustersV1(%v): %v", tt.params, err)
			}
			items, _ := out["clusters"].([]any)
			info, _ := out["page_info"].(map[string]any)
			if len(items) != tt.items || num(info["total_count"]) != tt.tot || num(info["page_number"]) != tt.page || num(info["page_size"]) != tt.size {
				t.Errorf("DescribeClustersV1(%v): %d clusters, page_info %v; want %d, total %d, page %d, size %d",
					tt.params, len(items), info, tt.items, tt.tot, tt.page, tt.size)
			}
			if _, ok := out["RequestId"]; ok {
				t.Errorf("a ROA answer carries RequestId in its body: %v", out)
			}
			for _, it := range items {
				if _, ok := it.(map[string]any)["parameters"]; ok {
					t.Errorf("DescribeClustersV1 item has parameters, which only DescribeClusterDetail returns")
				}
			}
		})
	}
}

func TestCSClusterAPIs(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	dr := cs.CreateDescribeClusterDetailRequest()
	dr.ClusterId = shopCluster
	d := mustSend(t, c, dr)
	var urls map[string]string
	if err := json.Unmarshal([]byte(d["master_url"].(string)), &urls); err != nil || urls["api_server_endpoint"] == "" {
		t.Errorf("acme-shop-k8s master_url = %v (%v); want a JSON string with a public api_server_endpoint", d["master_url"], err)
	}
	if _, ok := d["parameters"]; !ok {
		t.Errorf("DescribeClusterDetail leaves out parameters")
	}
	ar := cs.CreateDescribeClusterAddonsVersionRequest()
	ar.ClusterId = shopCluster
	addons := mustSend(t, c, ar)
	dash, _ := addons["kubernetes-dashboard"].(map[string]any)
	if dash["version"] == "" || dash["component_name"] != "kubernetes-dashboard" || len(addons) != 4 {
		t.Errorf("acme-shop-k8s components = %v; want 4 keyed by name, kubernetes-dashboard installed", addons)
	}
	if _, ok := dash["cluster_id"]; ok {
		t.Errorf("component answer leaks the inventory's cluster_id: %v", dash)
	}
	pr := cs.CreateDescribeClusterNodePoolsRequest()
	pr.ClusterId = opsCluster
	pools := mustSend(t, c, pr)
	list, _ := pools["nodepools"].([]any)
	if len(list) != 1 {
		t.Fatalf("acme-ops-k8s node pools = %v; want 1", pools)
	}
	kc := list[0].(map[string]any)["kubernetes_config"].(map[string]any)
	if kc["cms_enabled"] != true {
		t.Errorf("acme-ops-k8s node pool cms_enabled = %v; want true", kc["cms_enabled"])
	}
	for _, req := range []requests.AcsRequest{
		func() requests.AcsRequest {
			r := cs.CreateDescribeClusterDetailRequest()
			r.ClusterId = "cnope"
			return r
		}(),
		func() requests.AcsRequest {
			r := cs.CreateDescribeClusterAddonsVersionRequest()
			r.ClusterId = "cnope"
			return r
		}(),
		func() requests.AcsRequest {
			r := cs.CreateDescribeClusterNodePoolsRequest()
			r.ClusterId = "cnope"
			return r
		}(),
	} {
		_, err := send(t, c, req)
		if se := serverError(t, err); se.HttpStatus() != 404 || se.ErrorCode() != "ErrorClusterNotFound" {
			t.Errorf("%s of an unknown cluster = %d %s; want 404 ErrorClusterNotFound", req.GetActionName(), se.HttpStatus(), se.ErrorCode())
		}
	}
}

// roaBody attaches a JSON body to a ROA request.
func roaBody(r requests.AcsRequest, body string) requests.AcsRequest {
	r.SetContent([]byte(body))
	r.GetHeaders()["Content-Type"] = "application/json"
	return r
}

func TestCSWrites(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	detail := func() (public string, protected bool) {
		r := cs.CreateDescribeClusterDetailRequest()
		r.ClusterId = shopCluster
		d := mustSend(t, c, r)
		var urls map[string]string
		_ = json.Unmarshal([]byte(d["master_url"].(string)), &urls)
		return urls["api_server_endpoint"], d["deletion_protection"] == true
	}
	installed := func(name string) bool {
		r := cs.CreateDescribeClusterAddonsVersionRequest()
		r.ClusterId = shopCluster
		a, _ := mustSend(t, c, r)[name].(map[string]any)
		v, _ := a["version"].(string)
		return v != ""
	}

	mr := cs.CreateModifyClusterRequest()
	mr.ClusterId = shopCluster
	task := mustSend(t, c, roaBody(mr, `{"api_server_eip": false, "deletion_protection": false}`))
	if task["cluster_id"] != shopCluster || task["task_id"] == "" {
		t.Errorf("ModifyCluster answered %v; want cluster_id and task_id", task)
	}
	if pub, prot := detail(); pub != "" || prot {
		t.Errorf("after ModifyCluster(api_server_eip=false, deletion_protection=false): public endpoint %q, protection %v; want none, false", pub, prot)
	}
	mr = cs.CreateModifyClusterRequest()
	mr.ClusterId = shopCluster
	mustSend(t, c, roaBody(mr, `{"api_server_eip": true}`))
	if pub, _ := detail(); !strings.HasPrefix(pub, "https://") {
		t.Errorf("after ModifyCluster(api_server_eip=true) the public endpoint is %q", pub)
	}

	ur := cs.CreateUnInstallClusterAddonsRequest()
	ur.ClusterId = shopCluster
	mustSend(t, c, roaBody(ur, `[{"name": "kubernetes-dashboard"}]`))
	if installed("kubernetes-dashboard") {
		t.Errorf("after UnInstallClusterAddons the dashboard is still installed")
	}
	ur = cs.CreateUnInstallClusterAddonsRequest()
	ur.ClusterId = shopCluster
	_, err := send(t, c, roaBody(ur, `[{"name": "kubernetes-dashboard"}]`))
	if se := serverError(t, err); se.ErrorCode() != "ErrorComponentNotFound" {
		t.Errorf("uninstalling it again = %s; want ErrorComponentNotFound", se.ErrorCode())
	}
	ir := cs.CreateInstallClusterAddonsRequest()
	ir.ClusterId = shopCluster
	mustSend(t, c, roaBody(ir, `[{"name": "ack-arms-prometheus", "version": "1.1.20"}]`))
	if !installed("ack-arms-prometheus") {
		t.Errorf("after InstallClusterAddons the component is not installed")
	}
	ir = cs.CreateInstallClusterAddonsRequest()
	ir.ClusterId = shopCluster
	_, err = send(t, c, roaBody(ir, `{"name": "x"}`))
	if se := serverError(t, err); se.HttpStatus() != 400 {
		t.Errorf("InstallClusterAddons with an object body = %d %s; want 400", se.HttpStatus(), se.ErrorCode())
	}
	inv := srv.Inventory()
	if err := inv.Validate(); err != nil {
		t.Errorf("after the writes the inventory no longer validates: %v", err)
	}
}

func TestSASAPIs(t *testing.T) {
	inv := sample(t)
	for i := 0; i < 245; i++ { // 250 assets
		_ = inv.Add("", "sas", "Instances", map[string]any{"Uuid": fmt.Sprintf("gen-%04d", i), "InstanceId": fmt.Sprintf("i-gen%04d", i),
			"ClientStatus": "online"})
	}
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := defaultClient(t, srv)
	v := mustSend(t, c, sas.CreateDescribeVersionConfigRequest())
	if num(v["Version"]) != 1 || v["IsPaidUser"] != false {
		t.Errorf("DescribeVersionConfig = %v; want Version 1 (Basic), unpaid", v)
	}
	for _, tt := range []struct{ page, size, items int }{{1, 100, 100}, {3, 100, 50}, {1, 0, 20}} {
		r := sas.CreateDescribeCloudCenterInstancesRequest()
		r.CurrentPage = requests.NewInteger(tt.page)
		if tt.size > 0 {
			r.PageSize = requests.NewInteger(tt.size)
		}
		out := mustSend(t, c, r)
		items, _ := out["Instances"].([]any)
		info, _ := out["PageInfo"].(map[string]any)
		if len(items) != tt.items || num(info["TotalCount"]) != 250 || num(info["CurrentPage"]) != tt.page {
			t.Errorf("DescribeCloudCenterInstances page %d size %d: %d items, PageInfo %v; want %d of 250", tt.page, tt.size, len(items), info, tt.items)
		}
	}
	r := sas.CreateDescribeCloudCenterInstancesRequest()
	r.PageSize = requests.NewInteger(101)
	if _, err := send(t, c, r); serverError(t, err).ErrorCode() != "InvalidParameter" {
		t.Errorf("PageSize 101 was not rejected")
	}

	mr := sas.CreateModifyNoticeConfigRequest()
	mr.Project, mr.Route, mr.TimeLimit = "yundun_security_Weekreport", requests.NewInteger(2), requests.NewInteger(0)
	mustSend(t, c, mr)
	notices := mustSend(t, c, sas.CreateDescribeNoticeConfigRequest())["NoticeConfigList"].([]any)
	for _, n := range notices {
		if m := n.(map[string]any); m["Project"] == "yundun_security_Weekreport" && num(m["Route"]) != 2 {
			t.Errorf("after ModifyNoticeConfig Route = %v; want 2", m["Route"])
		}
	}
	mr = sas.CreateModifyNoticeConfigRequest()
	mr.Project, mr.Route = "x", requests.NewInteger(9)
	if _, err := send(t, c, mr); serverError(t, err).ErrorCode() != "InvalidParameter" {
		t.Errorf("Route 9 was not rejected")
	}

	ir := sas.CreateOperateAgentClientInstallRequest()
	ir.InstanceIds = "i-bp1acmedb01"
	mustSend(t, c, ir)
	first := sas.CreateDescribeCloudCenterInstancesRequest()
	first.PageSize = requests.NewInteger(5)
	for _, a := range mustSend(t, c, first)["Instances"].([]any) {
		if m := a.(map[string]any); m["InstanceId"] == "i-bp1acmedb01" && m["ClientStatus"] != "online" {
			t.Errorf("after OperateAgentClientInstall acme-db-01's agent is %v", m["ClientStatus"])
		}
	}
	ir = sas.CreateOperateAgentClientInstallRequest()
	ir.InstanceIds = "i-nope"
	if _, err := send(t, c, ir); serverError(t, err).ErrorCode() != "InvalidParameter" {
		t.Errorf("installing on an unknown asset was not rejected")
	}
}

func TestSASDenied(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Sas": true}}})
	_, err := send(t, defaultClient(t, srv), sas.CreateDescribeVersionConfigRequest())
	se := serverError(t, err)
	if se.HttpStatus() != 403 || se.ErrorCode() != "NoPermission" || se.AccessDeniedDetail() == nil {
		t.Errorf("denied DescribeVersionConfig = %d %s (detail %v); want 403 NoPermission with AccessDeniedDetail",
			se.HttpStatus(), se.ErrorCode(), se.AccessDeniedDetail())
	}
}

// getAlert asks for an alert rule of the audit project.
func getAlert(t *testing.T, c *sdk.Client, name string) (map[string]any, error) {
	t.Helper()
	r := sls.CreateGetAlertRequest()
	r.App, r.ProjectName, r.AlertId, r.Endpoint = "audit", auditProj, name, "cn-hangzhou.log.aliyuncs.com"
	body, err := send(t, c, r)
	if err != nil {
		return nil, err
	}
	var env struct{ Data string }
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("GetAlert answer %s: %v", body, err)
	}
	var alert map[string]any
	if err := json.Unmarshal([]byte(env.Data), &alert); err != nil {
		t.Fatalf("GetAlert Data %q is not a JSON object: %v", env.Data, err)
	}
	return alert, nil
}

func TestSLSAPIs(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	if s := mustSend(t, c, sls.CreateGetSlsServiceRequest()); s["Enabled"] != true || s["Status"] != "Opened" {
		t.Errorf("GetSlsService = %v; want enabled", s)
	}
	ttl := func() string {
		r := sls.CreateDescribeAppRequest()
		r.AppName = "audit"
		m := mustSend(t, c, r)["AppModel"].(map[string]any)
		var cfg struct {
			InitParam map[string]string `json:"initParam"`
		}
		if err := json.Unmarshal([]byte(m["Config"].(string)), &cfg); err != nil {
			t.Fatalf("AppModel.Config: %v", err)
		}
		return cfg.InitParam["actiontrail_ttl"]
	}
	if got := ttl(); got != "30" {
		t.Errorf("audit actiontrail_ttl = %q; want 30", got)
	}
	r := sls.CreateDescribeAppRequest()
	r.AppName = "nope"
	if _, err := send(t, c, r); serverError(t, err).ErrorCode() != "AppNotExist" {
		t.Errorf("DescribeApp(nope) did not answer AppNotExist")
	}
	ar := sls.CreateAnalyzeAppLogRequest()
	ar.AppType, ar.DisplayName, ar.VariableMap = "audit", "acme-audit", `{"actiontrail_ttl":"365"}`
	mustSend(t, c, ar)
	if got := ttl(); got != "365" {
		t.Errorf("after AnalyzeAppLog actiontrail_ttl = %q; want 365", got)
	}

	if a, err := getAlert(t, c, "cis_at_securitygroup_change"); err != nil || a["status"] != "ENABLED" {
		t.Errorf("GetAlert(cis_at_securitygroup_change) = %v, %v; want ENABLED", a, err)
	} else if _, leaked := a["project"]; leaked {
		t.Errorf("GetAlert's Data leaks the inventory's project field")
	}
	if _, err := getAlert(t, c, "cis_at_ram_auth_change"); err == nil || serverError(t, err).ErrorCode() != "JobNotExist" {
		t.Errorf("GetAlert of a rule the account lacks = %v; want JobNotExist", err)
	}
	er := sls.CreateEnableAlertRequest()
	er.App, er.ProjectName, er.AlertId, er.RuleId = "audit", auditProj, "cis_at_ram_auth_change", "sls.app.actiontrail.cis.at.ram_auth_change"
	er.Tokens = `{"default.logstore":"actiontrail_acme-trail"}`
	mustSend(t, c, er)
	if a, err := getAlert(t, c, "cis_at_ram_auth_change"); err != nil || a["status"] != "ENABLED" || a["displayName"] == "" {
		t.Errorf("after EnableAlert from the template GetAlert = %v, %v; want an ENABLED rule", a, err)
	}
	dr := sls.CreateDisableAlertRequest()
	dr.App, dr.ProjectName, dr.AlertId = "audit", auditProj, "cis_at_vpc_route_change"
	mustSend(t, c, dr)
	if a, _ := getAlert(t, c, "cis_at_vpc_route_change"); a["status"] != "DISABLED" {
		t.Errorf("after DisableAlert status = %v", a["status"])
	}
	er = sls.CreateEnableAlertRequest()
	er.App, er.ProjectName, er.AlertId = "audit", auditProj, "custom_unknown"
	if _, err := send(t, c, er); serverError(t, err).ErrorCode() != "JobNotExist" {
		t.Errorf("EnableAlert of an unknown rule without a template did not answer JobNotExist")
	}
	if err := srv.Inventory().Validate(); err != nil {
		t.Errorf("after the writes the inventory no longer validates: %v", err)
	}
}

// TestSampleAccountACKSLSSAS checks the sample account's ACK, Security
// Center and Log Service misconfigurations through the APIs.
func TestSampleAccountACKSLSSAS(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	endpoint := func(id string) string {
		r := cs.CreateDescribeClusterDetailRequest()
		r.ClusterId = id
		var urls map[string]string
		_ = json.Unmarshal([]byte(mustSend(t, c, r)["master_url"].(string)), &urls)
		return urls["api_server_endpoint"]
	}
	addon := func(id, name string) string {
		r := cs.CreateDescribeClusterAddonsVersionRequest()
		r.ClusterId = id
		a, _ := mustSend(t, c, r)[name].(map[string]any)
		v, _ := a["version"].(string)
		return v
	}
	meta := func(id string) string {
		r := cs.CreateDescribeClusterDetailRequest()
		r.ClusterId = id
		return mustSend(t, c, r)["meta_data"].(string)
	}
	agents := map[string]string{}
	for _, a := range mustSend(t, c, sas.CreateDescribeCloudCenterInstancesRequest())["Instances"].([]any) {
		m := a.(map[string]any)
		agents[m["InstanceId"].(string)] = m["ClientStatus"].(string)
	}
	_, ramAlert := getAlert(t, c, "cis_at_ram_auth_change")
	checks := []struct {
		id string
		ok bool
	}{
		{"acme-shop-k8s API server on the internet", endpoint(shopCluster) != ""},
		{"acme-shop-k8s dashboard installed", addon(shopCluster, "kubernetes-dashboard") != ""},
		{"acme-shop-k8s Terway without NetworkPolicy", strings.Contains(meta(shopCluster), `NetworkPolicy\":\"false`)},
		{"Security Center on Basic", num(mustSend(t, c, sas.CreateDescribeVersionConfigRequest())["Version"]) == 1},
		{"acme-db-01's agent offline", agents["i-bp1acmedb01"] == "offline"},
		{"no RAM role change alert", ramAlert != nil},
		{"passing: acme-ops-k8s private", endpoint(opsCluster) == ""},
		{"passing: acme-ops-k8s without dashboard", addon(opsCluster, "kubernetes-dashboard") == ""},
		{"passing: acme-ops-k8s network policy", strings.Contains(meta(opsCluster), `NetworkPolicy\":\"true`)},
		{"passing: acme-web-01's agent online", agents["i-bp1acmeweb01"] == "online"},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("sample account lost %s", ch.id)
		}
	}
}

func TestSLSSASUnknownAction(t *testing.T) {
	srv := start(t, cloudsim.Options{})
	c := defaultClient(t, srv)
	for product, version := range map[string]string{"Sls": "2019-10-23", "Sas": "2018-12-03"} {
		req := requests.NewCommonRequest()
		req.Method, req.Scheme, req.Product, req.Version, req.ApiName = "POST", "http", product, version, "DescribeUnicorns"
		_, err := c.ProcessCommonRequest(req)
		if se := serverError(t, err); se.HttpStatus() != 404 || se.ErrorCode() != "InvalidAction.NotFound" {
			t.Errorf("%s.DescribeUnicorns = %d %s; want 404 InvalidAction.NotFound", product, se.HttpStatus(), se.ErrorCode())
		}
		if got := srv.Calls()[product+".DescribeUnicorns"]; got != 1 {
			t.Errorf("Calls()[%s.DescribeUnicorns] = %d; want 1", product, got)
		}
	}
}
