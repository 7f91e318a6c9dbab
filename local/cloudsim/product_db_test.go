package cloudsim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/dds"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/polardb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/r_kvstore"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/rds"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

func init() {
	apis["Rds"], apis["R-kvstore"], apis["Dds"], apis["polardb"] = "2014-08-15", "2015-01-01", "2015-12-01", "2017-08-01"
}

// TestDatabaseTypedResponses decodes every database Describe answer for the
// sample account into the SDK's own response structs: the shapes (field
// names, nesting, types) are the ones the SDK expects.
func TestDatabaseTypedResponses(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	cl, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	type typed struct {
		req   requests.AcsRequest
		resp  responses.AcsResponse
		check func() string // "" when the decoded answer is right
	}
	rdsList, rdsListResp := rds.CreateDescribeDBInstancesRequest(), rds.CreateDescribeDBInstancesResponse()
	rdsAttr, rdsAttrResp := rds.CreateDescribeDBInstanceAttributeRequest(), rds.CreateDescribeDBInstanceAttributeResponse()
	rdsAttr.DBInstanceId = "rm-bp1acmeorders01"
	rdsIPs, rdsIPsResp := rds.CreateDescribeDBInstanceIPArrayListRequest(), rds.CreateDescribeDBInstanceIPArrayListResponse()
	rdsIPs.DBInstanceId = "rm-bp1acmeorders01"
	rdsSSL, rdsSSLResp := rds.CreateDescribeDBInstanceSSLRequest(), rds.CreateDescribeDBInstanceSSLResponse()
	rdsSSL.DBInstanceId = "rm-bp1acmecatalog1"
	rdsTDE, rdsTDEResp := rds.CreateDescribeDBInstanceTDERequest(), rds.CreateDescribeDBInstanceTDEResponse()
	rdsTDE.DBInstanceId = "rm-bp1acmeorders01"
	rdsPol, rdsPolResp := rds.CreateDescribeSQLCollectorPolicyRequest(), rds.CreateDescribeSQLCollectorPolicyResponse()
	rdsPol.DBInstanceId = "rm-bp1acmereport01"
	rdsRet, rdsRetResp := rds.CreateDescribeSQLCollectorRetentionRequest(), rds.CreateDescribeSQLCollectorRetentionResponse()
	rdsRet.DBInstanceId = "rm-bp1acmeorders01"
	rdsPar, rdsParResp := rds.CreateDescribeParametersRequest(), rds.CreateDescribeParametersResponse()
	rdsPar.DBInstanceId = "pgm-bp1acmeanalyt1"
	kvList, kvListResp := r_kvstore.CreateDescribeInstancesRequest(), r_kvstore.CreateDescribeInstancesResponse()
	kvIPs, kvIPsResp := r_kvstore.CreateDescribeSecurityIpsRequest(), r_kvstore.CreateDescribeSecurityIpsResponse()
	kvIPs.InstanceId = "r-bp1acmesession01"
	kvSSL, kvSSLResp := r_kvstore.CreateDescribeInstanceSSLRequest(), r_kvstore.CreateDescribeInstanceSSLResponse()
	kvSSL.InstanceId = "r-bp1acmecart0001"
	ddsList, ddsListResp := dds.CreateDescribeDBInstancesRequest(), dds.CreateDescribeDBInstancesResponse()
	ddsShard, ddsShardResp := dds.CreateDescribeDBInstancesRequest(), dds.CreateDescribeDBInstancesResponse()
	ddsShard.DBInstanceType = "sharding"
	ddsIPs, ddsIPsResp := dds.CreateDescribeSecurityIpsRequest(), dds.CreateDescribeSecurityIpsResponse()
	ddsIPs.DBInstanceId = "dds-bp1acmeprofile1"
	ddsSSL, ddsSSLResp := dds.CreateDescribeDBInstanceSSLRequest(), dds.CreateDescribeDBInstanceSSLResponse()
	ddsSSL.DBInstanceId = "dds-bp1acmeprofile1"
	ddsTDE, ddsTDEResp := dds.CreateDescribeDBInstanceTDEInfoRequest(), dds.CreateDescribeDBInstanceTDEInfoResponse()
	ddsTDE.DBInstanceId = "dds-bp1acmeprofile1"
	pcList, pcListResp := polardb.CreateDescribeDBClustersRequest(), polardb.CreateDescribeDBClustersResponse()
	pcWL, pcWLResp := polardb.CreateDescribeDBClusterAccessWhitelistRequest(), polardb.CreateDescribeDBClusterAccessWhitelistResponse()
	pcWL.DBClusterId = "pc-bp1acmewarehs01"
	pcSSL, pcSSLResp := polardb.CreateDescribeDBClusterSSLRequest(), polardb.CreateDescribeDBClusterSSLResponse()
	pcSSL.DBClusterId = "pc-bp1acmeledger01"
	pcTDE, pcTDEResp := polardb.CreateDescribeDBClusterTDERequest(), polardb.CreateDescribeDBClusterTDEResponse()
	pcTDE.DBClusterId = "pc-bp1acmeledger01"

	tests := []typed{
		{rdsList, rdsListResp, func() string {
			r := rdsListResp
			if r.TotalRecordCount != 4 || r.PageRecordCount != 4 || r.PageNumber != 1 || len(r.Items.DBInstance) != 4 {
				return fmt.Sprintf("counts %d/%d page %d items %d; want 4/4, 1, 4", r.TotalRecordCount, r.PageRecordCount, r.PageNumber, len(r.Items.DBInstance))
			}
			if i := r.Items.DBInstance[0]; i.DBInstanceId != "rm-bp1acmeorders01" || i.Engine != "MySQL" || i.CreateTime == "" || i.VpcId == "" {
				return fmt.Sprintf("first item %+v", i)
			}
			return ""
		}},
		{rdsAttr, rdsAttrResp, func() string {
			a := rdsAttrResp.Items.DBInstanceAttribute
			if len(a) != 1 || a[0].Port != "3306" || !strings.Contains(a[0].SecurityIPList, "0.0.0.0/0") || a[0].CreationTime == "" {
				return fmt.Sprintf("attribute %+v", a)
			}
			return ""
		}},
		{rdsIPs, rdsIPsResp, func() string {
			g := rdsIPsResp.Items.DBInstanceIPArray
			if len(g) != 3 || g[1].DBInstanceIPArrayName != "bi_vendor" || g[1].SecurityIPList != "0.0.0.0/0" || g[2].DBInstanceIPArrayAttribute != "hidden" {
				return fmt.Sprintf("groups %+v", g)
			}
			return ""
		}},
		{rdsSSL, rdsSSLResp, func() string {
			if rdsSSLResp.SSLEnabled != "No" {
				return "SSLEnabled " + rdsSSLResp.SSLEnabled + "; want No"
			}
			return ""
		}},
		{rdsTDE, rdsTDEResp, func() string {
			if rdsTDEResp.TDEStatus != "Enabled" {
				return "TDEStatus " + rdsTDEResp.TDEStatus
			}
			return ""
		}},
		{rdsPol, rdsPolResp, func() string {
			if rdsPolResp.SQLCollectorStatus != "Disabled" || rdsPolResp.StoragePeriod != 30 {
				return fmt.Sprintf("policy %s %d; want Disabled 30", rdsPolResp.SQLCollectorStatus, rdsPolResp.StoragePeriod)
			}
			return ""
		}},
		{rdsRet, rdsRetResp, func() string {
			if rdsRetResp.ConfigValue != "365" {
				return "ConfigValue " + rdsRetResp.ConfigValue
			}
			return ""
		}},
		{rdsPar, rdsParResp, func() string {
			p := rdsParResp.RunningParameters.DBInstanceParameter
			if rdsParResp.Engine != "PostgreSQL" || len(p) != 4 || p[0].ParameterName != "log_connections" || p[0].ParameterValue != "off" {
				return fmt.Sprintf("parameters %s %+v", rdsParResp.Engine, p)
			}
			return ""
		}},
		{kvList, kvListResp, func() string {
			r := kvListResp
			if r.TotalCount != 2 || r.PageSize != 30 || len(r.Instances.KVStoreInstance) != 2 || r.Instances.KVStoreInstance[0].Port != 6379 {
				return fmt.Sprintf("list %d/%d %+v", r.TotalCount, r.PageSize, r.Instances.KVStoreInstance)
			}
			return ""
		}},
		{kvIPs, kvIPsResp, func() string {
			g := kvIPsResp.SecurityIpGroups.SecurityIpGroup
			if len(g) != 1 || g[0].SecurityIpList != "0.0.0.0/0" {
				return fmt.Sprintf("groups %+v", g)
			}
			return ""
		}},
		{kvSSL, kvSSLResp, func() string {
			if kvSSLResp.SSLEnabled != "Enable" || kvSSLResp.InstanceId != "r-bp1acmecart0001" {
				return fmt.Sprintf("ssl %+v", kvSSLResp)
			}
			return ""
		}},
		{ddsList, ddsListResp, func() string {
			d := ddsListResp.DBInstances.DBInstance
			if ddsListResp.TotalCount != 1 || len(d) != 1 || d[0].DBInstanceId != "dds-bp1acmeprofile1" || d[0].VPCId == "" {
				return fmt.Sprintf("default (replicate) list %d %+v; want only the replica set", ddsListResp.TotalCount, d)
			}
			return ""
		}},
		{ddsShard, ddsShardResp, func() string {
			d := ddsShardResp.DBInstances.DBInstance
			if len(d) != 1 || d[0].DBInstanceId != "dds-bp1acmeevents01" || len(d[0].ShardList.ShardAttribute) != 1 {
				return fmt.Sprintf("sharding list %+v; want the sharded cluster", d)
			}
			return ""
		}},
		{ddsIPs, ddsIPsResp, func() string {
			if g := ddsIPsResp.SecurityIpGroups.SecurityIpGroup; len(g) != 1 || ddsIPsResp.SecurityIps != "10.10.2.0/24" {
				return fmt.Sprintf("groups %+v, SecurityIps %q", g, ddsIPsResp.SecurityIps)
			}
			return ""
		}},
		{ddsSSL, ddsSSLResp, func() string {
			if ddsSSLResp.SSLStatus != "Open" {
				return "SSLStatus " + ddsSSLResp.SSLStatus
			}
			return ""
		}},
		{ddsTDE, ddsTDEResp, func() string {
			if ddsTDEResp.TDEStatus != "disabled" {
				return "TDEStatus " + ddsTDEResp.TDEStatus + "; want disabled"
			}
			return ""
		}},
		{pcList, pcListResp, func() string {
			r := pcListResp
			if r.TotalRecordCount != 2 || r.PageRecordCount != 2 || len(r.Items.DBCluster) != 2 || r.Items.DBCluster[0].DBType != "MySQL" {
				return fmt.Sprintf("list %d %+v", r.TotalRecordCount, r.Items.DBCluster)
			}
			return ""
		}},
		{pcWL, pcWLResp, func() string {
			r := pcWLResp
			if len(r.Items.DBClusterIPArray) != 1 || len(r.DBClusterSecurityGroups.DBClusterSecurityGroup) != 1 ||
				r.DBClusterSecurityGroups.DBClusterSecurityGroup[0].SecurityGroupId != "sg-bp1acmedb00001" {
				return fmt.Sprintf("whitelist %+v", r)
			}
			return ""
		}},
		{pcSSL, pcSSLResp, func() string {
			if len(pcSSLResp.Items) != 1 || pcSSLResp.Items[0].SSLEnabled != "Enabled" {
				return fmt.Sprintf("ssl %+v", pcSSLResp.Items)
			}
			return ""
		}},
		{pcTDE, pcTDEResp, func() string {
			if pcTDEResp.TDEStatus != "Enabled" || pcTDEResp.DBClusterId != "pc-bp1acmeledger01" {
				return fmt.Sprintf("tde %+v", pcTDEResp)
			}
			return ""
		}},
	}
	for _, tt := range tests {
		api := tt.req.GetProduct() + "." + tt.req.GetActionName()
		if err := cl.DoAction(tt.req, tt.resp); err != nil {
			t.Errorf("%s: %v", api, err)
			continue
		}
		if msg := tt.check(); msg != "" {
			t.Errorf("%s decoded into the SDK's struct wrong: %s", api, msg)
		}
	}
}

// manyRDS is an account with n RDS instances in cn-hangzhou.
func manyRDS(t *testing.T, n int) *cloudsim.Inventory {
	t.Helper()
	inv := &cloudsim.Inventory{AccountID: cloudsim.DefaultAccountID}
	for i := 0; i < n; i++ {
		if err := inv.Add("cn-hangzhou", "rds", "DBInstances", map[string]any{
			"DBInstanceId": fmt.Sprintf("rm-bp1many%05d", i), "Engine": "MySQL", "RegionId": "cn-hangzhou"}); err != nil {
			t.Fatal(err)
		}
	}
	return inv
}

func TestRDSPaging(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: manyRDS(t, 150)})
	c := defaultClient(t, srv)
	tests := []struct {
		params         map[string]string
		items, total   int
		first, errCode string
	}{
		{nil, 30, 150, "rm-bp1many00000", ""}, // PageSize defaults to 30
		{map[string]string{"PageSize": "100"}, 100, 150, "rm-bp1many00000", ""},
		{map[string]string{"PageSize": "100", "PageNumber": "2"}, 50, 150, "rm-bp1many00100", ""},
		{map[string]string{"PageSize": "100", "PageNumber": "3"}, 0, 150, "", ""},
		{map[string]string{"PageSize": "101"}, 0, 0, "", "InvalidParameter"},
		{map[string]string{"DBInstanceId": "rm-bp1many00007,rm-bp1many00008"}, 2, 2, "rm-bp1many00007", ""},
		{map[string]string{"SearchKey": "many0014"}, 10, 10, "rm-bp1many00140", ""},
	}
	for _, tt := range tests {
		resp, err := call(t, c, "Rds", "DescribeDBInstances", "cn-hangzhou", tt.params)
		if tt.errCode != "" {
			if se := serverError(t, err); se.ErrorCode() != tt.errCode {
				t.Errorf("DescribeDBInstances(%v) = %s; want %s", tt.params, se.ErrorCode(), tt.errCode)
			}
			continue
		}
		if err != nil {
			t.Fatalf("DescribeDBInstances(%v): %v", tt.params, err)
		}
		got := items(resp, "Items", "DBInstance")
		if len(got) != tt.items || num(resp["TotalRecordCount"]) != tt.total || num(resp["PageRecordCount"]) != tt.items {
			t.Errorf("DescribeDBInstances(%v): %d items, TotalRecordCount %v, PageRecordCount %v; want %d, %d, %d",
				tt.params, len(got), resp["TotalRecordCount"], resp["PageRecordCount"], tt.items, tt.total, tt.items)
		}
		if tt.first != "" && len(got) > 0 && got[0]["DBInstanceId"] != tt.first {
			t.Errorf("DescribeDBInstances(%v) starts at %v; want %s", tt.params, got[0]["DBInstanceId"], tt.first)
		}
	}
	// NextToken paging: 100 + 50, then no token.
	resp := mustCall(t, c, "Rds", "DescribeDBInstances", "cn-hangzhou", map[string]string{"MaxResults": "100"})
	tok, _ := resp["NextToken"].(string)
	if n := len(items(resp, "Items", "DBInstance")); n != 100 || tok == "" {
		t.Fatalf("MaxResults 100: %d items, NextToken %q; want 100 and a token", n, tok)
	}
	resp = mustCall(t, c, "Rds", "DescribeDBInstances", "cn-hangzhou", map[string]string{"MaxResults": "100", "NextToken": tok})
	if n := len(items(resp, "Items", "DBInstance")); n != 50 || resp["NextToken"] != "" {
		t.Errorf("second token page: %d items, NextToken %v; want 50 and none", n, resp["NextToken"])
	}
}

// TestDatabaseErrors covers unknown resources, unknown actions, bad
// parameters and permission refusals for the four products.
func TestDatabaseErrors(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t),
		Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Dds": true, "polardb.DescribeDBClusterTDE": true}}})
	c := defaultClient(t, srv)
	tests := []struct {
		name, product, action string
		params                map[string]string
		status                int
		code                  string
	}{
		{"unknown RDS instance", "Rds", "DescribeDBInstanceSSL", map[string]string{"DBInstanceId": "rm-nope"}, 404, "InvalidDBInstanceId.NotFound"},
		{"RDS instance not named", "Rds", "DescribeDBInstanceTDE", nil, 400, "MissingParameter"},
		{"unknown RDS action", "Rds", "DescribeDBInstancesAsCsv", nil, 404, "InvalidAction.NotFound"},
		{"malformed whitelist entry", "Rds", "ModifySecurityIps", map[string]string{"DBInstanceId": "rm-bp1acmeorders01", "SecurityIps": "10.1.1.1/40"}, 400, "InvalidSecurityIPList.Malformed"},
		{"bad ModifyMode", "Rds", "ModifySecurityIps", map[string]string{"DBInstanceId": "rm-bp1acmeorders01", "SecurityIps": "10.1.1.1", "ModifyMode": "Replace"}, 400, "InvalidParameter"},
		{"delete from a missing group", "Rds", "ModifySecurityIps", map[string]string{"DBInstanceId": "rm-bp1acmeorders01", "SecurityIps": "10.1.1.1", "ModifyMode": "Delete", "DBInstanceIPArrayName": "nope"}, 404, "InvalidSecurityIPArrayName.NotFound"},
		{"bad SSLEnabled", "Rds", "ModifyDBInstanceSSL", map[string]string{"DBInstanceId": "rm-bp1acmecatalog1", "SSLEnabled": "yes"}, 400, "InvalidParameter"},
		{"bad audit period", "Rds", "ModifySQLCollectorPolicy", map[string]string{"DBInstanceId": "rm-bp1acmereport01", "SQLCollectorStatus": "Enable", "StoragePeriod": "90"}, 400, "InvalidParameter"},
		{"unknown Redis instance", "R-kvstore", "DescribeSecurityIps", map[string]string{"InstanceId": "r-nope"}, 404, "InvalidInstanceId.NotFound"},
		{"Redis page too large", "R-kvstore", "DescribeInstances", map[string]string{"PageSize": "500"}, 400, "InvalidParameter"},
		{"MongoDB denied", "Dds", "DescribeDBInstances", nil, 403, "Forbidden.RAM"},
		{"MongoDB write denied", "Dds", "ModifySecurityIps", map[string]string{"DBInstanceId": "dds-bp1acmeprofile1", "SecurityIps": "x"}, 403, "Forbidden.RAM"},
		{"one PolarDB API denied", "polardb", "DescribeDBClusterTDE", map[string]string{"DBClusterId": "pc-bp1acmeledger01"}, 403, "Forbidden.RAM"},
		{"unknown PolarDB cluster", "polardb", "DescribeDBClusterSSL", map[string]string{"DBClusterId": "pc-nope"}, 404, "InvalidDBClusterId.NotFound"},
		{"unknown security group for PolarDB", "polardb", "ModifyDBClusterAccessWhitelist", map[string]string{"DBClusterId": "pc-bp1acmeledger01",
			"WhiteListType": "SecurityGroup", "SecurityGroupIds": "sg-nope"}, 404, "InvalidSecurityGroupId.NotFound"},
	}
	for _, tt := range tests {
		_, err := call(t, c, tt.product, tt.action, "cn-hangzhou", tt.params)
		if err == nil {
			t.Errorf("%s: %s.%s succeeded; want %d %s", tt.name, tt.product, tt.action, tt.status, tt.code)
			continue
		}
		if se := serverError(t, err); se.HttpStatus() != tt.status || se.ErrorCode() != tt.code {
			t.Errorf("%s: %s.%s = %d %s; want %d %s", tt.name, tt.product, tt.action, se.HttpStatus(), se.ErrorCode(), tt.status, tt.code)
		}
	}
	// A denied API leaves the product's others working.
	if _, err := call(t, c, "polardb", "DescribeDBClusterSSL", "cn-hangzhou", map[string]string{"DBClusterId": "pc-bp1acmeledger01"}); err != nil {
		t.Errorf("polardb.DescribeDBClusterSSL with only DescribeDBClusterTDE denied: %v", err)
	}
	if calls := srv.Calls(); calls["Rds.DescribeDBInstancesAsCsv"] != 1 || calls["Dds.DescribeDBInstances"] != 1 {
		t.Errorf("calls to unknown or denied actions not counted: %v", calls)
	}
}

// whitelist returns group → entries of a database's whitelist.
func whitelist(t *testing.T, srv *cloudsim.Server, product, action, idParam, id, wrapper, item, nameField, listField string) map[string]string {
	t.Helper()
	resp := mustCall(t, defaultClient(t, srv), product, action, "cn-hangzhou", map[string]string{idParam: id})
	out := map[string]string{}
	for _, g := range items(resp, wrapper, item) {
		out[g[nameField].(string)] = g[listField].(string)
	}
	return out
}

// TestDatabaseWrites applies each fix a check will propose and reads the
// result back through the Describe API that reported the problem.
func TestDatabaseWrites(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	rdsWL := func() map[string]string {
		return whitelist(t, srv, "Rds", "DescribeDBInstanceIPArrayList", "DBInstanceId", "rm-bp1acmeorders01",
			"Items", "DBInstanceIPArray", "DBInstanceIPArrayName", "SecurityIPList")
	}
	steps := []struct {
		what   string
		action string
		params map[string]string
		want   map[string]string
	}{
		{"cover the open group", "ModifySecurityIps", map[string]string{"DBInstanceIPArrayName": "bi_vendor", "SecurityIps": "203.0.113.7"},
			map[string]string{"default": "10.10.2.0/24", "bi_vendor": "203.0.113.7", "ali_dms_group": "100.104.5.0/24"}},
		{"append to the default group (group names compare case-insensitively)", "ModifySecurityIps",
			map[string]string{"DBInstanceIPArrayName": "Default", "SecurityIps": "10.10.3.0/24,10.10.2.0/24", "ModifyMode": "Append"},
			map[string]string{"default": "10.10.2.0/24,10.10.3.0/24", "bi_vendor": "203.0.113.7", "ali_dms_group": "100.104.5.0/24"}},
		{"delete from a group", "ModifySecurityIps", map[string]string{"DBInstanceIPArrayName": "default", "SecurityIps": "10.10.2.0/24", "ModifyMode": "Delete"},
			map[string]string{"default": "10.10.3.0/24", "bi_vendor": "203.0.113.7", "ali_dms_group": "100.104.5.0/24"}},
		{"create a group", "ModifySecurityIps", map[string]string{"DBInstanceIPArrayName": "ops", "SecurityIps": "192.0.2.0/28"},
			map[string]string{"default": "10.10.3.0/24", "bi_vendor": "203.0.113.7", "ali_dms_group": "100.104.5.0/24", "ops": "192.0.2.0/28"}},
	}
	for _, s := range steps {
		s.params["DBInstanceId"] = "rm-bp1acmeorders01"
		resp := mustCall(t, c, "Rds", s.action, "cn-hangzhou", s.params)
		if resp["TaskId"] == nil {
			t.Errorf("%s: ModifySecurityIps answered no TaskId: %v", s.what, resp)
		}
		if got := rdsWL(); fmt.Sprint(got) != fmt.Sprint(s.want) {
			t.Errorf("%s: whitelist = %v; want %v", s.what, got, s.want)
		}
	}
	attr := mustCall(t, c, "Rds", "DescribeDBInstanceAttribute", "cn-hangzhou", map[string]string{"DBInstanceId": "rm-bp1acmeorders01"})
	if a := items(attr, "Items", "DBInstanceAttribute"); len(a) != 1 || strings.Contains(a[0]["SecurityIPList"].(string), "0.0.0.0/0") {
		t.Errorf("DescribeDBInstanceAttribute's SecurityIPList after the fix: %v", a)
	}

	// SSL on, for MySQL ("Yes") and PostgreSQL ("on"); off again.
	for _, tt := range []struct{ id, mode, want string }{
		{"rm-bp1acmecatalog1", "1", "Yes"}, {"pgm-bp1acmeanalyt1", "0", "off"}, {"pgm-bp1acmeanalyt1", "1", "on"},
	} {
		mustCall(t, c, "Rds", "ModifyDBInstanceSSL", "cn-hangzhou", map[string]string{"DBInstanceId": tt.id, "SSLEnabled": tt.mode,
			"ConnectionString": tt.id + ".rds.aliyuncs.com"})
		ssl := mustCall(t, c, "Rds", "DescribeDBInstanceSSL", "cn-hangzhou", map[string]string{"DBInstanceId": tt.id})
		if ssl["SSLEnabled"] != tt.want || (tt.mode == "1" && (ssl["SSLExpireTime"] == "" || ssl["ConnectionString"] != tt.id+".rds.aliyuncs.com")) {
			t.Errorf("after ModifyDBInstanceSSL(%s, %s): %v; want SSLEnabled %s", tt.id, tt.mode, ssl, tt.want)
		}
	}

	// SQL audit on with 365 days; retention alone.
	mustCall(t, c, "Rds", "ModifySQLCollectorPolicy", "cn-hangzhou", map[string]string{"DBInstanceId": "rm-bp1acmereport01",
		"SQLCollectorStatus": "Enable", "StoragePeriod": "365"})
	pol := mustCall(t, c, "Rds", "DescribeSQLCollectorPolicy", "cn-hangzhou", map[string]string{"DBInstanceId": "rm-bp1acmereport01"})
	ret := mustCall(t, c, "Rds", "DescribeSQLCollectorRetention", "cn-hangzhou", map[string]string{"DBInstanceId": "rm-bp1acmereport01"})
	if pol["SQLCollectorStatus"] != "Enable" || num(pol["StoragePeriod"]) != 365 || ret["ConfigValue"] != "365" {
		t.Errorf("after ModifySQLCollectorPolicy: policy %v, retention %v; want Enable, 365", pol, ret)
	}
	mustCall(t, c, "Rds", "ModifySQLCollectorRetention", "cn-hangzhou", map[string]string{"DBInstanceId": "rm-bp1acmereport01", "ConfigValue": "1825"})
	if ret := mustCall(t, c, "Rds", "DescribeSQLCollectorRetention", "cn-hangzhou", map[string]string{"DBInstanceId": "rm-bp1acmereport01"}); ret["ConfigValue"] != "1825" {
		t.Errorf("after ModifySQLCollectorRetention(1825): %v", ret)
	}

	// Redis and MongoDB whitelists.
	for _, tt := range []struct{ product, idParam, id string }{
		{"R-kvstore", "InstanceId", "r-bp1acmesession01"}, {"Dds", "DBInstanceId", "dds-bp1acmeprofile1"},
	} {
		mustCall(t, c, tt.product, "ModifySecurityIps", "cn-hangzhou", map[string]string{tt.idParam: tt.id, "SecurityIps": "10.10.2.0/24"})
		mustCall(t, c, tt.product, "ModifySecurityIps", "cn-hangzhou", map[string]string{tt.idParam: tt.id, "SecurityIps": "10.10.4.0/24",
			"SecurityIpGroupName": "batch", "ModifyMode": "Append"})
		got := whitelist(t, srv, tt.product, "DescribeSecurityIps", tt.idParam, tt.id, "SecurityIpGroups", "SecurityIpGroup", "SecurityIpGroupName", "SecurityIpList")
		if want := map[string]string{"default": "10.10.2.0/24", "batch": "10.10.4.0/24"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s whitelist after the fix = %v; want %v", tt.product, got, want)
		}
	}

	// PolarDB: the IP whitelist and the security groups.
	mustCall(t, c, "polardb", "ModifyDBClusterAccessWhitelist", "cn-hangzhou", map[string]string{"DBClusterId": "pc-bp1acmeledger01",
		"SecurityIps": "0.0.0.0/0", "ModifyMode": "Delete"})
	mustCall(t, c, "polardb", "ModifyDBClusterAccessWhitelist", "cn-hangzhou", map[string]string{"DBClusterId": "pc-bp1acmeledger01",
		"WhiteListType": "SecurityGroup", "SecurityGroupIds": "sg-bp1acmeapp0001", "ModifyMode": "Append"})
	wl := mustCall(t, c, "polardb", "DescribeDBClusterAccessWhitelist", "cn-hangzhou", map[string]string{"DBClusterId": "pc-bp1acmeledger01"})
	ips := items(wl, "Items", "DBClusterIPArray")
	sgs := items(wl, "DBClusterSecurityGroups", "DBClusterSecurityGroup")
	if len(ips) != 1 || ips[0]["SecurityIps"] != "10.10.2.0/24" || len(sgs) != 1 || sgs[0]["SecurityGroupName"] != "acme-app" {
		t.Errorf("PolarDB whitelist after the fix: IPs %v, groups %v; want 10.10.2.0/24 and acme-app", ips, sgs)
	}
	if n := srv.Calls()["Rds.ModifySecurityIps"]; n != 4 {
		t.Errorf("Calls()[Rds.ModifySecurityIps] = %d; want 4", n)
	}
}

// TestSampleAccountDatabases pins the database misconfigurations
// sample-account.md lists (M16–M22) and their passing counterparts.
func TestSampleAccountDatabases(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	get := func(product, action, region string, params map[string]string) map[string]any {
		return mustCall(t, c, product, action, region, params)
	}
	rdsField := func(action, id, field string) any {
		region := "cn-hangzhou"
		if strings.Contains(id, "uf6") {
			region = "cn-shanghai"
		}
		return get("Rds", action, region, map[string]string{"DBInstanceId": id})[field]
	}
	param := func(region, id, name string) string {
		resp := get("Rds", "DescribeParameters", region, map[string]string{"DBInstanceId": id})
		for _, p := range items(resp, "RunningParameters", "DBInstanceParameter") {
			if p["ParameterName"] == name {
				return p["ParameterValue"].(string)
			}
		}
		return ""
	}
	open := func(product, action, idParam, id, wrapper, item, listField string) bool {
		resp := get(product, action, "cn-hangzhou", map[string]string{idParam: id})
		for _, g := range items(resp, wrapper, item) {
			for _, e := range strings.Split(g[listField].(string), ",") {
				if e == "0.0.0.0/0" {
					return true
				}
			}
		}
		return false
	}
	checks := []struct {
		id string
		ok bool
	}{
		{"M16 rm-bp1acmeorders01 open to 0.0.0.0/0", open("Rds", "DescribeDBInstanceIPArrayList", "DBInstanceId", "rm-bp1acmeorders01", "Items", "DBInstanceIPArray", "SecurityIPList")},
		{"M17 rm-bp1acmecatalog1 without SSL", rdsField("DescribeDBInstanceSSL", "rm-bp1acmecatalog1", "SSLEnabled") == "No"},
		{"M18 rm-bp1acmereport01 without SQL audit", rdsField("DescribeSQLCollectorPolicy", "rm-bp1acmereport01", "SQLCollectorStatus") == "Disabled"},
		{"M19 pgm-bp1acmeanalyt1 log_connections off", param("cn-hangzhou", "pgm-bp1acmeanalyt1", "log_connections") == "off"},
		{"M20 r-bp1acmesession01 open to 0.0.0.0/0", open("R-kvstore", "DescribeSecurityIps", "InstanceId", "r-bp1acmesession01", "SecurityIpGroups", "SecurityIpGroup", "SecurityIpList")},
		{"M21 dds-bp1acmeprofile1 without TDE", get("Dds", "DescribeDBInstanceTDEInfo", "cn-hangzhou", map[string]string{"DBInstanceId": "dds-bp1acmeprofile1"})["TDEStatus"] == "disabled"},
		{"M22 pc-bp1acmeledger01 open to 0.0.0.0/0", open("polardb", "DescribeDBClusterAccessWhitelist", "DBClusterId", "pc-bp1acmeledger01", "Items", "DBClusterIPArray", "SecurityIps")},
		// Passing counterparts.
		{"rm-bp1acmecatalog1 not open", !open("Rds", "DescribeDBInstanceIPArrayList", "DBInstanceId", "rm-bp1acmecatalog1", "Items", "DBInstanceIPArray", "SecurityIPList")},
		{"rm-bp1acmeorders01 with SSL", rdsField("DescribeDBInstanceSSL", "rm-bp1acmeorders01", "SSLEnabled") == "Yes"},
		{"pgm-bp1acmeanalyt1 with SSL", rdsField("DescribeDBInstanceSSL", "pgm-bp1acmeanalyt1", "SSLEnabled") == "on"},
		{"rm-bp1acmeorders01 audited", rdsField("DescribeSQLCollectorPolicy", "rm-bp1acmeorders01", "SQLCollectorStatus") == "Enable"},
		{"pgm-uf6acmedr00001 log_connections on", param("cn-shanghai", "pgm-uf6acmedr00001", "log_connections") == "on"},
		{"pgm-bp1acmeanalyt1 log_disconnections and log_duration on", param("cn-hangzhou", "pgm-bp1acmeanalyt1", "log_disconnections") == "on" &&
			param("cn-hangzhou", "pgm-bp1acmeanalyt1", "log_duration") == "on"},
		{"r-bp1acmecart0001 not open", !open("R-kvstore", "DescribeSecurityIps", "InstanceId", "r-bp1acmecart0001", "SecurityIpGroups", "SecurityIpGroup", "SecurityIpList")},
		{"dds-bp1acmeevents01 with TDE", get("Dds", "DescribeDBInstanceTDEInfo", "cn-hangzhou", map[string]string{"DBInstanceId": "dds-bp1acmeevents01"})["TDEStatus"] == "enabled"},
		{"pc-bp1acmewarehs01 not open", !open("polardb", "DescribeDBClusterAccessWhitelist", "DBClusterId", "pc-bp1acmewarehs01", "Items", "DBClusterIPArray", "SecurityIps")},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("sample account lost %s", ch.id)
		}
	}
	for _, id := range []string{"rm-bp1acmeorders01", "rm-bp1acmecatalog1", "rm-bp1acmereport01", "pgm-bp1acmeanalyt1", "pgm-uf6acmedr00001"} {
		if rdsField("DescribeDBInstanceTDE", id, "TDEStatus") != "Enabled" {
			t.Errorf("%s: TDE must stay enabled (no TDE misconfiguration is listed for RDS)", id)
		}
	}
}

// TestDatabaseInventoryRejects checks the validation of the embedded
// settings.
func TestDatabaseInventoryRejects(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"RDS without engine", `{"account_id":"1357924680135792","regions":{"cn-hangzhou":{"rds":{"DBInstances":[{"DBInstanceId":"rm-1"}]}}}}`,
			"regions.cn-hangzhou.rds.DBInstances[0].Engine: missing"},
		{"bad RDS whitelist entry", `{"account_id":"1357924680135792","regions":{"cn-hangzhou":{"rds":{"DBInstances":[{"DBInstanceId":"rm-1","Engine":"MySQL",
			"DBInstanceIPArray":[{"DBInstanceIPArrayName":"default","SecurityIPList":"10.0.0.0/33"}]}]}}}}`,
			"regions.cn-hangzhou.rds.DBInstances[0].DBInstanceIPArray[0].SecurityIPList"},
		{"Redis groups not wrapped", `{"account_id":"1357924680135792","regions":{"cn-hangzhou":{"kvstore":{"Instances":[{"InstanceId":"r-1","SecurityIpGroups":[]}]}}}}`,
			"regions.cn-hangzhou.kvstore.Instances[0].SecurityIpGroups"},
		{"MongoDB type", `{"account_id":"1357924680135792","regions":{"cn-hangzhou":{"dds":{"DBInstances":[{"DBInstanceId":"dds-1","DBInstanceType":"cluster"}]}}}}`,
			"regions.cn-hangzhou.dds.DBInstances[0].DBInstanceType"},
		{"PolarDB SSL not an object", `{"account_id":"1357924680135792","regions":{"cn-hangzhou":{"polardb":{"DBClusters":[{"DBClusterId":"pc-1","DBType":"MySQL","SSL":"on"}]}}}}`,
			"regions.cn-hangzhou.polardb.DBClusters[0].SSL"},
	}
	for _, tt := range tests {
		_, err := cloudsim.ParseInventory([]byte(tt.json))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseInventory = %v; want a problem at %s", tt.name, err, tt.want)
		}
	}
}
