package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/dds"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/polardb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/r_kvstore"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/rds"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// dbProducts are the database products' Collect names.
var dbProducts = []string{"rds", "redis", "mongodb", "polardb"}

// addDatabaseCalls adds the fewest calls that collect inv's RDS, Redis,
// MongoDB and PolarDB in regions to out: each list at 100 a page (MongoDB
// lists replica sets and sharded clusters separately) and one call per
// resource for each of its detail APIs.
func addDatabaseCalls(out map[string]int, inv *cloudsim.Inventory, regions ...string) {
	pages := func(n, size int) int { return max(1, (n+size-1)/size) }
	perItem := func(n int, apis ...string) {
		if n == 0 {
			return
		}
		for _, api := range apis {
			out[api] += n
		}
	}
	for _, r := range regions {
		n := len(inv.Objects(r, "rds", "DBInstances"))
		out["Rds.DescribeDBInstances"] += pages(n, 100)
		perItem(n, "Rds.DescribeDBInstanceAttribute", "Rds.DescribeDBInstanceIPArrayList", "Rds.DescribeDBInstanceSSL",
			"Rds.DescribeDBInstanceTDE", "Rds.DescribeSQLCollectorPolicy", "Rds.DescribeSQLCollectorRetention", "Rds.DescribeParameters")
		n = len(inv.Objects(r, "kvstore", "Instances"))
		out["R-kvstore.DescribeInstances"] += pages(n, 100)
		perItem(n, "R-kvstore.DescribeSecurityIps", "R-kvstore.DescribeInstanceSSL", "R-kvstore.DescribeInstanceTDEStatus")
		shards := 0
		mongos := inv.Objects(r, "dds", "DBInstances")
		for _, o := range mongos {
			var s struct{ DBInstanceType string }
			_ = json.Unmarshal(o, &s)
			if s.DBInstanceType == "sharding" {
				shards++
			}
		}
		out["Dds.DescribeDBInstances"] += pages(len(mongos)-shards, 100) + pages(shards, 100)
		perItem(len(mongos), "Dds.DescribeSecurityIps", "Dds.DescribeDBInstanceSSL", "Dds.DescribeDBInstanceTDEInfo")
		n = len(inv.Objects(r, "polardb", "DBClusters"))
		out["polardb.DescribeDBClusters"] += pages(n, 100)
		perItem(n, "polardb.DescribeDBClusterAccessWhitelist", "polardb.DescribeDBClusterSSL", "polardb.DescribeDBClusterTDE")
	}
}

// manyDatabases is an account with the given numbers of RDS instances,
// Redis instances, MongoDB replica sets, MongoDB sharded clusters and
// PolarDB clusters in cn-hangzhou; every seventh is open to the internet.
func manyDatabases(t *testing.T, nRDS, nRedis, nReplica, nShard, nPolar int) *cloudsim.Inventory {
	t.Helper()
	inv := &cloudsim.Inventory{AccountID: cloudsim.DefaultAccountID}
	add := func(product, col string, obj map[string]any) {
		if err := inv.Add("cn-hangzhou", product, col, obj); err != nil {
			t.Fatal(err)
		}
	}
	ips := func(i int) string {
		if i%7 == 0 {
			return "10.0.0.0/8,0.0.0.0/0"
		}
		return fmt.Sprintf("10.1.%d.0/24", i%250)
	}
	for i := 0; i < nRDS; i++ {
		add("rds", "DBInstances", map[string]any{"DBInstanceId": fmt.Sprintf("rm-bp1gen%06d", i), "Engine": "MySQL", "RegionId": "cn-hangzhou",
			"DBInstanceIPArray": []any{map[string]any{"DBInstanceIPArrayName": "default", "SecurityIPList": ips(i)}},
			"SSL":               map[string]any{"SSLEnabled": []string{"Yes", "No"}[i%2]}})
	}
	for i := 0; i < nRedis; i++ {
		add("kvstore", "Instances", map[string]any{"InstanceId": fmt.Sprintf("r-bp1gen%06d", i), "InstanceType": "Redis",
			"SecurityIpGroups": map[string]any{"SecurityIpGroup": []any{map[string]any{"SecurityIpGroupName": "default", "SecurityIpList": ips(i)}}}})
	}
	for i := 0; i < nReplica+nShard; i++ {
		typ := "replicate"
		if i >= nReplica {
			typ = "sharding"
		}
		add("dds", "DBInstances", map[string]any{"DBInstanceId": fmt.Sprintf("dds-bp1gen%06d", i), "DBInstanceType": typ,
			"TDE": map[string]any{"TDEStatus": []string{"enabled", "disabled"}[i%2]}})
	}
	for i := 0; i < nPolar; i++ {
		add("polardb", "DBClusters", map[string]any{"DBClusterId": fmt.Sprintf("pc-bp1gen%06d", i), "DBType": "MySQL",
			"DBClusterIPArray": []any{map[string]any{"DBClusterIPArrayName": "default", "SecurityIps": ips(i)}}})
	}
	return inv
}

// dbCalls keeps the database APIs of a call count.
func dbCalls(calls map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range calls {
		for _, p := range []string{"Rds.", "R-kvstore.", "Dds.", "polardb."} {
			if strings.HasPrefix(k, p) {
				out[k] = v
			}
		}
	}
	return out
}

func TestDatabaseMinimumCalls(t *testing.T) {
	tests := []struct{ rds, redis, replica, shard, polar int }{
		{0, 0, 0, 0, 0},
		{1, 1, 1, 1, 1},
		{101, 101, 101, 2, 101}, // two list pages each (MongoDB: two of replica sets, one of clusters)
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt), func(t *testing.T) {
			inv := manyDatabases(t, tt.rds, tt.redis, tt.replica, tt.shard, tt.polar)
			want := map[string]int{}
			addDatabaseCalls(want, inv, "cn-hangzhou")
			srv := start(t, cloudsim.Options{Inventory: inv})
			got, err := collector(t, srv, nil).Collect(context.Background(), inv.AccountID, "cn-hangzhou", dbProducts...)
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if len(got.NotEvaluated) > 0 {
				t.Fatalf("Collect left products out: %v", got.NotEvaluated)
			}
			counts := map[string][2]int{
				"RDS instances":     {len(got.RDS.Instances), tt.rds},
				"Redis instances":   {len(got.Redis.Instances), tt.redis},
				"MongoDB instances": {len(got.MongoDB.Instances), tt.replica + tt.shard},
				"PolarDB clusters":  {len(got.PolarDB.Clusters), tt.polar},
			}
			open := 0
			for _, i := range got.RDS.Instances {
				if i.OpenToInternet() {
					open++
				}
				if len(i.Whitelists) == 0 || i.AttributeRaw == nil || i.SSL.Raw == nil || i.TDE.Raw == nil || i.Audit.RetentionRaw == nil || i.ParametersRaw == nil {
					t.Fatalf("RDS instance %s collected without its details: %+v", i.ID, i)
				}
			}
			counts["open RDS instances"] = [2]int{open, (tt.rds + 6) / 7}
			shards := 0
			for _, i := range got.MongoDB.Instances {
				if i.Type == "sharding" {
					shards++
				}
			}
			counts["MongoDB sharded clusters"] = [2]int{shards, tt.shard}
			for what, c := range counts {
				if c[0] != c[1] {
					t.Errorf("collected %d %s; the account has %d", c[0], what, c[1])
				}
			}
			if calls := dbCalls(srv.Calls()); !reflect.DeepEqual(calls, want) {
				t.Errorf("calls made differ from the minimum:\n got %v\nwant %v", calls, want)
			}
		})
	}
}

// TestDatabaseCollectSample finds the sample account's database
// misconfigurations (sample-account.md M16–M22) and their passing
// counterparts in the collected inventory.
func TestDatabaseCollectSample(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := collector(t, srv, nil)
	ctx := context.Background()
	hz, err := c.Collect(ctx, inv.AccountID, "cn-hangzhou", dbProducts...)
	if err != nil {
		t.Fatalf("Collect cn-hangzhou: %v", err)
	}
	sh, err := c.Collect(ctx, inv.AccountID, "cn-shanghai", dbProducts...)
	if err != nil {
		t.Fatalf("Collect cn-shanghai: %v", err)
	}
	rdsByID := map[string]collect.RDSInstance{}
	for _, i := range append(hz.RDS.Instances, sh.RDS.Instances...) {
		rdsByID[i.ID] = i
	}
	redis := map[string]collect.RedisInstance{}
	for _, i := range hz.Redis.Instances {
		redis[i.ID] = i
	}
	mongo := map[string]collect.MongoDBInstance{}
	for _, i := range hz.MongoDB.Instances {
		mongo[i.ID] = i
	}
	polar := map[string]collect.PolarDBCluster{}
	for _, cl := range hz.PolarDB.Clusters {
		polar[cl.ID] = cl
	}
	param := func(id, name string) string { v, _ := rdsByID[id].Parameter(name); return v }
	words := func(v ...any) string { return strings.TrimSpace(fmt.Sprintln(v...)) }
	orders := rdsByID["rm-bp1acmeorders01"]
	var openGroups []string
	for _, w := range orders.Whitelists {
		if w.OpenToInternet() {
			openGroups = append(openGroups, w.Name+"="+strings.Join(w.OpenEntries(), ","))
		}
	}
	tests := []struct {
		what      string
		got, want any
	}{
		{"M16 orders open to the internet", orders.OpenToInternet(), true},
		{"M16 evidence: the open group", openGroups, []string{"bi_vendor=0.0.0.0/0"}},
		{"M17 catalog SSL", rdsByID["rm-bp1acmecatalog1"].SSL.Enabled, false},
		{"M18 reporting SQL audit", rdsByID["rm-bp1acmereport01"].Audit.Enabled, false},
		{"M19 analytics log_connections", param("pgm-bp1acmeanalyt1", "log_connections"), "off"},
		{"M20 session cache open to the internet", redis["r-bp1acmesession01"].OpenToInternet(), true},
		{"M21 profiles TDE", mongo["dds-bp1acmeprofile1"].TDEEnabled, false},
		{"M22 ledger open to the internet", polar["pc-bp1acmeledger01"].OpenToInternet(), true},

		{"RDS instances per region", [2]int{len(hz.RDS.Instances), len(sh.RDS.Instances)}, [2]int{4, 1}},
		{"catalog not open", rdsByID["rm-bp1acmecatalog1"].OpenToInternet(), false},
		{"orders SSL (Yes), forced, TLS 1.2", words(orders.SSL.Enabled, orders.SSL.ForceEncryption, orders.SSL.TLSVersion), "true true TLSv1.2"},
		{"analytics SSL (on)", rdsByID["pgm-bp1acmeanalyt1"].SSL.Enabled, true},
		{"orders audit and retention", words(orders.Audit.Enabled, orders.Audit.RetentionDays), "true 365"},
		{"reporting retention", rdsByID["rm-bp1acmereport01"].Audit.RetentionDays, 30},
		{"orders TDE", words(orders.TDE.Enabled, orders.TDE.Mode), "true BYOK"},
		{"analytics log_disconnections, log_duration", param("pgm-bp1acmeanalyt1", "log_disconnections") + param("pgm-bp1acmeanalyt1", "log_duration"), "onon"},
		{"DR log_connections", param("pgm-uf6acmedr00001", "log_connections"), "on"},
		{"analytics is PostgreSQL, orders not", words(rdsByID["pgm-bp1acmeanalyt1"].IsPostgreSQL(), orders.IsPostgreSQL()), "true false"},
		{"orders attributes", words(orders.Port, orders.SecurityIPMode, orders.DeletionProtection, orders.VPCID), "3306 normal true vpc-bp1acmeprod0001"},
		{"hidden DMS group", orders.Whitelists[2].Attribute, "hidden"},
		{"cart not open, SSL and TDE on", words(redis["r-bp1acmecart0001"].OpenToInternet(), redis["r-bp1acmecart0001"].SSLEnabled,
			redis["r-bp1acmecart0001"].TDEEnabled), "false true true"},
		{"events (sharded) collected with TDE", words(mongo["dds-bp1acmeevents01"].Type, mongo["dds-bp1acmeevents01"].TDEEnabled,
			mongo["dds-bp1acmeevents01"].TDEKeyID != ""), "sharding true true"},
		{"profiles SSL", mongo["dds-bp1acmeprofile1"].SSLEnabled, true},
		{"warehouse not open, security group, SSL, TDE", words(polar["pc-bp1acmewarehs01"].OpenToInternet(), polar["pc-bp1acmewarehs01"].SecurityGroupIDs,
			polar["pc-bp1acmewarehs01"].SSLEnabled, polar["pc-bp1acmewarehs01"].TDEEnabled), "false [sg-bp1acmedb00001] true true"},
		{"ledger SSL endpoint", polar["pc-bp1acmeledger01"].SSL, []collect.PolarDBEndpointSSL{{EndpointID: "pe-bp1acmeledger01", Enabled: true,
			ConnectionString: "pc-bp1acmeledger01.rwlb.rds.aliyuncs.com", ExpireTime: "2099-05-10T06:00:00Z"}}},
		{"no Redis, MongoDB or PolarDB in cn-shanghai", len(sh.Redis.Instances) + len(sh.MongoDB.Instances) + len(sh.PolarDB.Clusters), 0},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v; want %#v", tt.what, tt.got, tt.want)
		}
	}
	if !bytes.Contains(orders.Raw, []byte(`"DBInstanceDescription":"acme-orders"`)) || bytes.Contains(orders.Raw, []byte("DBInstanceIPArray")) {
		t.Errorf("RDS Raw %s is not the DescribeDBInstances item", orders.Raw)
	}
	if bytes.Contains(orders.SSL.Raw, []byte("RequestId")) || !bytes.Contains(orders.SSL.Raw, []byte(`"SSLEnabled":"Yes"`)) {
		t.Errorf("RDS SSL evidence %s: want the answer without its RequestId", orders.SSL.Raw)
	}
	// The assets table sees every database resource.
	kinds := map[string]int{}
	for _, a := range hz.Assets() {
		kinds[a.Product+"/"+a.Type]++
	}
	if want := map[string]int{"rds/Instances": 4, "redis/Instances": 2, "mongodb/Instances": 2, "polardb/Clusters": 2}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("Assets() = %v; want %v", kinds, want)
	}
}

// TestDatabaseNotEvaluated denies one product, or one of its APIs, and
// expects that product alone to be reported not evaluated.
func TestDatabaseNotEvaluated(t *testing.T) {
	inv := sample(t)
	ctx := context.Background()
	clean, err := collector(t, start(t, cloudsim.Options{Inventory: inv.Clone()}), nil).Collect(ctx, inv.AccountID, "cn-hangzhou", dbProducts...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		denied  string
		product string
		api     string
	}{
		{"Rds", "rds", "Rds.DescribeDBInstances"},
		{"Rds.DescribeSQLCollectorRetention", "rds", "Rds.DescribeSQLCollectorRetention"},
		{"Rds.DescribeParameters", "rds", "Rds.DescribeParameters"},
		{"R-kvstore", "redis", "R-kvstore.DescribeInstances"},
		{"R-kvstore.DescribeInstanceTDEStatus", "redis", "R-kvstore.DescribeInstanceTDEStatus"},
		{"Dds.DescribeDBInstanceTDEInfo", "mongodb", "Dds.DescribeDBInstanceTDEInfo"},
		{"polardb", "polardb", "polardb.DescribeDBClusters"},
		{"polardb.DescribeDBClusterAccessWhitelist", "polardb", "polardb.DescribeDBClusterAccessWhitelist"},
	}
	for _, tt := range tests {
		t.Run(tt.denied, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{tt.denied: true}}})
			got, err := collector(t, srv, nil).Collect(ctx, inv.AccountID, "cn-hangzhou", append(dbProducts, "ecs")...)
			if err != nil {
				t.Fatalf("Collect returned an error for a permission gap: %v", err)
			}
			ne := got.NotEvaluatedFor(tt.product)
			if ne == nil || len(got.NotEvaluated) != 1 {
				t.Fatalf("NotEvaluated = %v; want exactly %s", got.NotEvaluated, tt.product)
			}
			if ne.Reason != collect.PermissionDenied || !errors.Is(ne, collect.ErrPermission) || ne.Code != "Forbidden.RAM" ||
				ne.API != tt.api || ne.Region != "cn-hangzhou" {
				t.Errorf("NotEvaluated[%s] = %+v; want PermissionDenied, Forbidden.RAM, API %s", tt.product, ne, tt.api)
			}
			have := map[string]bool{"rds": got.RDS != nil, "redis": got.Redis != nil, "mongodb": got.MongoDB != nil,
				"polardb": got.PolarDB != nil, "ecs": got.ECS != nil}
			for p, ok := range have {
				if ok == (p == tt.product) {
					t.Errorf("with %s denied, %s collected = %v", tt.denied, p, ok)
				}
			}
			same := map[string][2]any{"rds": {got.RDS, clean.RDS}, "redis": {got.Redis, clean.Redis},
				"mongodb": {got.MongoDB, clean.MongoDB}, "polardb": {got.PolarDB, clean.PolarDB}}
			for p, pair := range same {
				if p != tt.product && !reflect.DeepEqual(pair[0], pair[1]) {
					t.Errorf("with %s denied, %s differs from a clean collect", tt.denied, p)
				}
			}
		})
	}
}

// TestDatabaseFixThenCollect applies the fixes for M16–M18 and M20–M22
// through the SDK's typed write requests and checks that the next scan
// sees them.
func TestDatabaseFixThenCollect(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	ctx := context.Background()
	scan := func() *collect.Inventory {
		got, err := collector(t, srv, nil).Collect(ctx, inv.AccountID, "cn-hangzhou", dbProducts...) // a new scan
		if err != nil {
			t.Fatalf("Collect: %v", err)
		}
		return got
	}
	before := scan()
	client, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	open := rds.CreateModifySecurityIpsRequest()
	open.DBInstanceId, open.DBInstanceIPArrayName, open.SecurityIps = "rm-bp1acmeorders01", "bi_vendor", "203.0.113.7"
	ssl := rds.CreateModifyDBInstanceSSLRequest()
	ssl.DBInstanceId, ssl.SSLEnabled, ssl.ConnectionString = "rm-bp1acmecatalog1", requests.NewInteger(1), "rm-bp1acmecatalog1.mysql.rds.aliyuncs.com"
	audit := rds.CreateModifySQLCollectorPolicyRequest()
	audit.DBInstanceId, audit.SQLCollectorStatus, audit.StoragePeriod = "rm-bp1acmereport01", "Enable", requests.NewInteger(365)
	kv := r_kvstore.CreateModifySecurityIpsRequest()
	kv.InstanceId, kv.SecurityIps, kv.ModifyMode = "r-bp1acmesession01", "10.10.2.0/24", "Cover"
	mongo := dds.CreateModifySecurityIpsRequest()
	mongo.DBInstanceId, mongo.SecurityIps, mongo.ModifyMode = "dds-bp1acmeprofile1", "10.10.9.0/24", "Append"
	polar := polardb.CreateModifyDBClusterAccessWhitelistRequest()
	polar.DBClusterId, polar.SecurityIps, polar.ModifyMode = "pc-bp1acmeledger01", "0.0.0.0/0", "Delete"
	fixes := []struct {
		req  requests.AcsRequest
		resp responses.AcsResponse
	}{
		{open, rds.CreateModifySecurityIpsResponse()}, {ssl, rds.CreateModifyDBInstanceSSLResponse()},
		{audit, rds.CreateModifySQLCollectorPolicyResponse()}, {kv, r_kvstore.CreateModifySecurityIpsResponse()},
		{mongo, dds.CreateModifySecurityIpsResponse()}, {polar, polardb.CreateModifyDBClusterAccessWhitelistResponse()},
	}
	for _, f := range fixes {
		if err := client.DoAction(f.req, f.resp); err != nil {
			t.Fatalf("%s.%s: %v", f.req.GetProduct(), f.req.GetActionName(), err)
		}
	}
	after := scan()
	state := func(inv *collect.Inventory) []any {
		r := map[string]collect.RDSInstance{}
		for _, i := range inv.RDS.Instances {
			r[i.ID] = i
		}
		var mongoWL []string
		for _, i := range inv.MongoDB.Instances {
			if i.ID == "dds-bp1acmeprofile1" {
				mongoWL = i.Whitelists[0].Entries
			}
		}
		return []any{r["rm-bp1acmeorders01"].OpenToInternet(), r["rm-bp1acmecatalog1"].SSL.Enabled,
			r["rm-bp1acmereport01"].Audit.Enabled, r["rm-bp1acmereport01"].Audit.RetentionDays,
			inv.Redis.Instances[0].OpenToInternet(), mongoWL, inv.PolarDB.Clusters[0].OpenToInternet(), inv.PolarDB.Clusters[0].Whitelists[0].Entries}
	}
	names := []string{"M16 orders open", "M17 catalog SSL", "M18 reporting audit", "reporting retention", "M20 session cache open",
		"profiles whitelist", "M22 ledger open", "ledger whitelist"}
	wantBefore := []any{true, false, false, 30, true, []string{"10.10.2.0/24"}, true, []string{"10.10.2.0/24", "0.0.0.0/0"}}
	wantAfter := []any{false, true, true, 365, false, []string{"10.10.2.0/24", "10.10.9.0/24"}, false, []string{"10.10.2.0/24"}}
	for i, got := range state(before) {
		if !reflect.DeepEqual(got, wantBefore[i]) {
			t.Errorf("before the fixes, %s = %v; want %v", names[i], got, wantBefore[i])
		}
	}
	for i, got := range state(after) {
		if !reflect.DeepEqual(got, wantAfter[i]) {
			t.Errorf("after the fixes, the next collect reads %s = %v; want %v", names[i], got, wantAfter[i])
		}
	}
}

// dbIntercept serves cloudsim but lets fn replace the answer to one API
// (product version + action); fn gets the request and cloudsim's status
// and body and returns what to send.
func dbIntercept(t *testing.T, srv *cloudsim.Server, version, action string, fn func(r *http.Request, status int, body []byte) (int, []byte)) string {
	t.Helper()
	return intercept(t, srv, isAPI(version, action), fn)
}

func TestDatabaseMalformedResponses(t *testing.T) {
	inv := sample(t)
	replace := func(old, new string) func(*http.Request, int, []byte) (int, []byte) {
		return func(_ *http.Request, status int, b []byte) (int, []byte) {
			return status, bytes.Replace(b, []byte(old), []byte(new), 1)
		}
	}
	tests := []struct {
		name, version, action, product string
		fn                             func(*http.Request, int, []byte) (int, []byte)
	}{
		{"truncated list", "2014-08-15", "DescribeDBInstances", "rds", func(_ *http.Request, s int, b []byte) (int, []byte) { return s, b[:len(b)/2] }},
		{"list without its count", "2014-08-15", "DescribeDBInstances", "rds", replace(`"TotalRecordCount"`, `"Total"`)},
		{"SSL answer without SSLEnabled", "2014-08-15", "DescribeDBInstanceSSL", "rds", replace(`"SSLEnabled"`, `"SSLEnable"`)},
		{"audit retention not a number", "2014-08-15", "DescribeSQLCollectorRetention", "rds", replace(`"ConfigValue":"365"`, `"ConfigValue":"a year"`)},
		{"parameters without a name", "2014-08-15", "DescribeParameters", "rds", replace(`"ParameterName"`, `"Name"`)},
		{"Redis whitelist missing", "2015-01-01", "DescribeSecurityIps", "redis", replace(`"SecurityIpGroups"`, `"SecurityIPGroups"`)},
		{"Redis item without an ID", "2015-01-01", "DescribeInstances", "redis", replace(`"InstanceId":"r-`, `"Instance":"r-`)},
		{"MongoDB TDE status a number", "2015-12-01", "DescribeDBInstanceTDEInfo", "mongodb", replace(`"TDEStatus":"disabled"`, `"TDEStatus":0`)},
		{"PolarDB count a word", "2017-08-01", "DescribeDBClusters", "polardb", replace(`"TotalRecordCount":2`, `"TotalRecordCount":"two"`)},
		{"PolarDB SSL items not a list", "2017-08-01", "DescribeDBClusterSSL", "polardb", replace(`"Items":[`, `"Items":{"x":[`)},
		{"not JSON at all", "2017-08-01", "DescribeDBClusterTDE", "polardb", func(*http.Request, int, []byte) (int, []byte) {
			return 200, []byte("<html>bad gateway</html>")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
			addr := dbIntercept(t, srv, tt.version, tt.action, tt.fn)
			c := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr })
			got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou", dbProducts...)
			if err == nil {
				t.Fatalf("Collect with a mangled %s succeeded", tt.action)
			}
			if !errors.Is(err, collect.ErrMalformed) || !strings.Contains(err.Error(), tt.action) {
				t.Errorf("Collect error = %v; want a malformed-response error naming %s", err, tt.action)
			}
			if len(got.NotEvaluated) != 0 {
				t.Errorf("a malformed answer was reported as a gap: %v", got.NotEvaluated)
			}
			have := map[string]bool{"rds": got.RDS != nil, "redis": got.Redis != nil, "mongodb": got.MongoDB != nil, "polardb": got.PolarDB != nil}
			for p, ok := range have {
				if ok == (p == tt.product) {
					t.Errorf("a malformed %s answer: %s collected = %v; want only %s lost", tt.action, p, ok, tt.product)
				}
			}
		})
	}
}

// TestDatabaseDeletedDuringCollect: an instance that answers NotFound to a
// detail call was deleted after the list; it is left out, not an error.
func TestDatabaseDeletedDuringCollect(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	gone := func(r *http.Request, status int, body []byte) (int, []byte) {
		if r.URL.Query().Get("DBInstanceId") != "rm-bp1acmereport01" {
			return status, body
		}
		return 404, []byte(`{"RequestId":"x","Code":"InvalidDBInstanceId.NotFound","Message":"The specified instance is not found."}`)
	}
	addr := dbIntercept(t, srv, "2014-08-15", "DescribeDBInstanceTDE", gone)
	got, err := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr }).RDS(context.Background(), inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatalf("RDS with an instance deleted mid-scan: %v", err)
	}
	var ids []string
	for _, i := range got.Instances {
		ids = append(ids, i.ID)
	}
	if want := []string{"rm-bp1acmeorders01", "rm-bp1acmecatalog1", "pgm-bp1acmeanalyt1"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("instances = %v; want %v (the deleted one left out, order kept)", ids, want)
	}
}
