package cloudsim_test

import (
	"encoding/json"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

// TestCommonRequestAPIs: the APIs newer than the typed SDK, called as the
// SDK's CommonRequest: ACK GetClusterInspectConfig (ROA) and Security
// Center DescribeVulConfig (RPC).
func TestCommonRequestAPIs(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	inspect := func(id string) (map[string]any, error) {
		r := requests.NewCommonRequest()
		r.Method, r.Scheme, r.Product, r.Version = "GET", "http", "CS", "2015-12-15"
		r.ApiName, r.PathPattern = "GetClusterInspectConfig", "/clusters/[clusterId]/inspectConfig"
		r.PathParams["clusterId"] = id
		r.TransToAcsRequest() // PointAt reads the style of the request it stands for
		cloudsim.PointAt(r, srv.Addr())
		resp, err := c.ProcessCommonRequest(r)
		if err != nil {
			return nil, err
		}
		var out map[string]any
		return out, json.Unmarshal(resp.GetHttpContentBytes(), &out)
	}
	got, err := inspect(opsCluster)
	if err != nil || got["enabled"] != true || got["recurrence"] != "FREQ=DAILY;BYHOUR=3;BYMINUTE=30" || got["requestId"] == "" || got["clusterId"] != nil {
		t.Errorf("GetClusterInspectConfig(ops) = %v, %v; want enabled, daily, a requestId and no clusterId", got, err)
	}
	for id, code := range map[string]string{shopCluster: "InspectConfigNotFound", "cnosuchcluster": "ErrorClusterNotFound"} {
		_, err := inspect(id)
		if se := serverError(t, err); se.HttpStatus() != 404 || se.ErrorCode() != code {
			t.Errorf("GetClusterInspectConfig(%s) = %d %s; want 404 %s", id, se.HttpStatus(), se.ErrorCode(), code)
		}
	}

	vulOf := func(c *sdk.Client, typ string) map[string]any {
		r := requests.NewCommonRequest()
		r.Method, r.Scheme, r.Product, r.Version, r.ApiName = "POST", "http", "Sas", "2018-12-03", "DescribeVulConfig"
		if typ != "" {
			r.QueryParams["Type"] = typ
		}
		resp, err := c.ProcessCommonRequest(r)
		if err != nil {
			t.Fatalf("DescribeVulConfig: %v", err)
		}
		var out map[string]any
		if err := json.Unmarshal(resp.GetHttpContentBytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	vul := func(typ string) map[string]any { return vulOf(c, typ) }
	all := vul("")
	if n := num(all["TotalCount"]); n != 6 {
		t.Errorf("DescribeVulConfig TotalCount = %v; want the sample's 6 settings", all["TotalCount"])
	}
	sys := vul("sys")["TargetConfigs"].([]any)
	if len(sys) != 1 || sys[0].(map[string]any)["OverAllConfig"] != "off" {
		t.Errorf("DescribeVulConfig Type=sys = %v; want one setting, not for all servers", sys)
	}

	// An account that never changed the settings answers the defaults.
	empty := start(t, cloudsim.Options{})
	def := vulOf(defaultClient(t, empty), "cve")
	cve := def["TargetConfigs"].([]any)
	if len(cve) != 1 || cve[0].(map[string]any)["Config"] != "on" || cve[0].(map[string]any)["OverAllConfig"] != "on" {
		t.Errorf("default DescribeVulConfig Type=cve = %v; want on for all servers", cve)
	}
}
