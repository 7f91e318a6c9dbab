package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/actiontrail"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/alb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/kms"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// lbTrailKMSProducts are the products this file tests.
var lbTrailKMSProducts = []string{"slb", "alb", "nlb", "actiontrail", "kms"}

// addLBTrailKMSCalls adds the fewest calls that collect inv's SLB, ALB,
// NLB and KMS in regions, and its ActionTrail once, at the documented page
// sizes.
func addLBTrailKMSCalls(out map[string]int, inv *cloudsim.Inventory, regions ...string) {
	pages := func(n, size int) int { return max(1, (n+size-1)/size) }
	add := func(api string, n int) {
		if n > 0 {
			out[api] += n
		}
	}
	for _, r := range regions {
		lbs := inv.Objects(r, "slb", "LoadBalancers")
		add("Slb.DescribeLoadBalancers", pages(len(lbs), 100))
		add("Slb.DescribeLoadBalancerAttribute", len(lbs))
		add("Slb.DescribeLoadBalancerListeners", pages(len(inv.Objects(r, "slb", "Listeners")), 100))
		acls := inv.Objects(r, "slb", "Acls")
		add("Slb.DescribeAccessControlLists", pages(len(acls), 50))
		for _, a := range acls {
			var s struct {
				AclEntrys struct{ AclEntry []json.RawMessage }
			}
			_ = json.Unmarshal(a, &s)
			add("Slb.DescribeAccessControlListAttribute", pages(len(s.AclEntrys.AclEntry), 50))
		}
		add("Alb.ListLoadBalancers", pages(len(inv.Objects(r, "alb", "LoadBalancers")), 100))
		listeners := inv.Objects(r, "alb", "Listeners")
		add("Alb.ListListeners", pages(len(listeners), 100))
		add("Alb.GetListenerAttribute", len(listeners))
		albACLs := inv.Objects(r, "alb", "Acls")
		add("Alb.ListAcls", pages(len(albACLs), 100))
		for _, a := range albACLs {
			var s struct{ AclEntries []json.RawMessage }
			_ = json.Unmarshal(a, &s)
			add("Alb.ListAclEntries", pages(len(s.AclEntries), 100))
		}
		add("Nlb.ListLoadBalancers", pages(len(inv.Objects(r, "nlb", "LoadBalancers")), 100))
		add("Nlb.ListListeners", pages(len(inv.Objects(r, "nlb", "Listeners")), 100))
		keys := inv.Objects(r, "kms", "Keys")
		add("Kms.ListKeys", pages(len(keys), 100))
		add("Kms.DescribeKey", len(keys))
		add("Kms.ListSecrets", pages(len(inv.Objects(r, "kms", "SecretList")), 100))
	}
	if len(regions) > 0 {
		add("Actiontrail.DescribeTrails", 1)
		// Every trail seen from cn-hangzhou with shadows: its own and the
		// multi-region trails of other regions.
		for _, t := range inv.Objects("", "actiontrail", "TrailList") {
			var s struct{ HomeRegion, TrailRegion string }
			_ = json.Unmarshal(t, &s)
			if s.HomeRegion == "cn-hangzhou" || s.TrailRegion == "All" || s.TrailRegion == "" {
				add("Actiontrail.GetTrailStatus", 1)
			}
		}
	}
}

// lbWords joins values with spaces.
func lbWords(v ...any) string { return strings.TrimSpace(fmt.Sprintln(v...)) }

func TestLBTrailKMSSample(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := collector(t, srv, nil)
	ctx := context.Background()
	hz, err := c.Collect(ctx, inv.AccountID, "cn-hangzhou", lbTrailKMSProducts...)
	if err != nil {
		t.Fatalf("Collect cn-hangzhou: %v", err)
	}
	if len(hz.NotEvaluated) > 0 {
		t.Fatalf("Collect left products out: %v", hz.NotEvaluated)
	}
	if want := func() map[string]int { m := map[string]int{}; addLBTrailKMSCalls(m, inv, "cn-hangzhou"); return m }(); !reflect.DeepEqual(srv.Calls(), want) {
		t.Errorf("calls differ from the minimum:\n got %v\nwant %v", srv.Calls(), want)
	}
	sh, err := c.Collect(ctx, inv.AccountID, "cn-shanghai", lbTrailKMSProducts...)
	if err != nil {
		t.Fatalf("Collect cn-shanghai: %v", err)
	}
	if sh.ActionTrail != hz.ActionTrail || srv.Calls()["Actiontrail.DescribeTrails"] != 1 {
		t.Errorf("ActionTrail is account-level: want one DescribeTrails and the same inventory in both regions, got %d calls",
			srv.Calls()["Actiontrail.DescribeTrails"])
	}
	if len(sh.SLB.LoadBalancers)+len(sh.ALB.Listeners)+len(sh.NLB.LoadBalancers)+len(sh.KMS.Keys) != 0 {
		t.Errorf("cn-shanghai has no load balancers or keys; collected %+v %+v %+v %+v", sh.SLB, sh.ALB, sh.NLB, sh.KMS)
	}

	listener := map[string]collect.SLBListener{}
	for _, l := range hz.SLB.Listeners {
		listener[l.ID] = l
	}
	admin := listener["lb-bp1acmeadm00001:http:8080"]
	trail := map[string]collect.Trail{}
	for _, tr := range hz.ActionTrail.Trails {
		trail[tr.Name] = tr
	}
	key := map[string]collect.KMSKey{}
	for _, k := range hz.KMS.Keys {
		key[k.ID] = k
	}
	const kmsPrefix = "3f0d2c1e-8a4b-4c5d-9e6f-acme0000000"
	albL := hz.ALB.Listeners[0]
	tests := []struct {
		what      string
		got, want any
	}{
		// M: the admin listener open to the internet without its ACL.
		{"admin 8080 listener on an internet load balancer", hz.SLB.LoadBalancer(admin.LoadBalancerID).Internet(), true},
		{"admin 8080 ACL on", admin.ACLOn, false},
		{"admin 8080 ACL bound", admin.ACLID + "/" + admin.ACLType, "acl-bp1acmeoffice1/white"},
		{"admin 8443 ACL on", listener["lb-bp1acmeadm00001:https:8443"].ACLOn, true},
		{"storefront 443 certificate", listener["lb-bp1acmeweb00001:https:443"].CertificateID, "1357924680135792_18f0acme0443_cn-hangzhou"},
		{"storefront 80 redirects", listener["lb-bp1acmeweb00001:http:80"].RedirectsToHTTPS, true},
		{"storefront backends", len(hz.SLB.LoadBalancer("lb-bp1acmeweb00001").Backends), 2},
		{"storefront listener ports", hz.SLB.LoadBalancer("lb-bp1acmeweb00001").ListenerPorts, []int{443, 80}},
		{"office ACL entries", len(hz.SLB.ACL("acl-bp1acmeoffice1").Entries), 2},
		{"blocklist entry", hz.SLB.ACL("acl-bp1acmeblock01").Entries[1].CIDR, "198.51.100.7/32"},
		// ALB: whitelisted (passing).
		{"ALB listener ACL", lbWords(albL.ACLType, albL.ACLIDs), "white [acl-acmepartner001]"},
		{"ALB internet", hz.ALB.LoadBalancers[0].Internet(), true},
		{"ALB ACL entries", len(hz.ALB.ACL("acl-acmepartner001").Entries), 2},
		{"NLB security groups", hz.NLB.LoadBalancers[0].SecurityGroupIDs, []string{"sg-bp1acmeapp0001"}},
		{"NLB listener", hz.NLB.Listeners[0].Protocol + fmt.Sprint(hz.NLB.Listeners[0].Port), "tcpssl5671"},
		// Trails.
		{"audit-all multi-region, all events, logging", lbWords(trail["acme-audit-all"].MultiRegion, trail["acme-audit-all"].EventRW, trail["acme-audit-all"].Logging), "true All true"},
		{"audit-all bucket", trail["acme-audit-all"].OSSBucket, "acme-retail-logs"},
		{"audit-all delivery", trail["acme-audit-all"].LatestDeliveryTime, "2024-10-01T00:05:12Z"},
		{"ops-hz single-region, write-only", lbWords(trail["acme-ops-hz"].MultiRegion, trail["acme-ops-hz"].TrailRegion, trail["acme-ops-hz"].EventRW), "false cn-hangzhou Write"},
		{"dr-audit stopped", lbWords(trail["acme-dr-audit"].Logging, trail["acme-dr-audit"].StopLoggingTime), "false 2024-06-18T09:00:00Z"},
		{"dr-audit is a shadow homed in cn-shanghai", lbWords(trail["acme-dr-audit"].Shadow, trail["acme-dr-audit"].Region), "true cn-shanghai"},
		// Keys.
		{"rds-tde key without rotation", lbWords(key[kmsPrefix+"1"].RotationEnabled, key[kmsPrefix+"1"].Rotatable()), "false true"},
		{"oss-sse key rotates yearly", lbWords(key[kmsPrefix+"2"].RotationEnabled, key[kmsPrefix+"2"].RotationInterval), "true 8760h0m0s"},
		{"signing key cannot rotate", key[kmsPrefix+"3"].Rotatable(), false},
		{"key metadata", key[kmsPrefix+"1"].Spec + " " + key[kmsPrefix+"1"].State + " " + key[kmsPrefix+"1"].ProtectionLevel, "Aliyun_AES_256 Enabled SOFTWARE"},
		{"secrets", len(hz.KMS.Secrets), 2},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v; want %#v", tt.what, tt.got, tt.want)
		}
	}
	for what, raw := range map[string]json.RawMessage{
		"SLB listener":      admin.Raw,
		"SLB attribute":     hz.SLB.LoadBalancers[0].AttributeRaw,
		"ALB attribute":     albL.AttributeRaw,
		"trail":             trail["acme-ops-hz"].Raw,
		"trail status":      trail["acme-audit-all"].StatusRaw,
		"key metadata":      key[kmsPrefix+"1"].Raw,
		"ACL entry":         hz.SLB.ACLs[0].Entries[0].Raw,
		"NLB load balancer": hz.NLB.LoadBalancers[0].Raw,
	} {
		if !json.Valid(raw) || len(raw) < 10 {
			t.Errorf("%s Raw %q does not hold the API's object", what, raw)
		}
	}
	if !bytes.Contains(admin.Raw, []byte(`"Description":"admin console (temporary, vendor access)"`)) {
		t.Errorf("listener Raw %s is not the API's object", admin.Raw)
	}
	// Assets include the new products.
	types := map[string]int{}
	for _, a := range hz.Assets() {
		types[a.Product+"."+a.Type]++
	}
	for typ, n := range map[string]int{"slb.LoadBalancers": 2, "slb.Listeners": 4, "slb.ACLs": 2, "alb.Listeners": 1, "nlb.LoadBalancers": 1,
		"actiontrail.Trails": 3, "kms.Keys": 5, "kms.Secrets": 2} {
		if types[typ] != n {
			t.Errorf("Assets: %d %s; want %d", types[typ], typ, n)
		}
	}
}

// bigLBAccount adds enough load balancers, listeners, ACL entries, keys and
// secrets to cn-hangzhou that every list needs several pages.
func bigLBAccount(t *testing.T) *cloudsim.Inventory {
	t.Helper()
	inv := cloudsim.Generate(cloudsim.GenOptions{Instances: 3, Seed: 5})
	const r = "cn-hangzhou"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 150; i++ {
		lb := fmt.Sprintf("lb-bp1big%05d", i)
		must(inv.Add(r, "slb", "LoadBalancers", map[string]any{"LoadBalancerId": lb, "AddressType": "internet",
			"BackendServers": map[string]any{"BackendServer": []any{map[string]any{"ServerId": "i-x", "Weight": 100}}}}))
		for p := 0; p < 2; p++ {
			must(inv.Add(r, "slb", "Listeners", map[string]any{"LoadBalancerId": lb, "ListenerPort": 80 + p, "ListenerProtocol": "tcp", "AclStatus": "off"}))
		}
	}
	for i := 0; i < 60; i++ {
		var entries []any
		for j := 0; j < 1+(i%3)*60; j++ { // 1, 61 or 121 entries
			entries = append(entries, map[string]any{"AclEntryIP": fmt.Sprintf("10.%d.%d.0/24", i, j)})
		}
		must(inv.Add(r, "slb", "Acls", map[string]any{"AclId": fmt.Sprintf("acl-big%05d", i), "AclEntrys": map[string]any{"AclEntry": entries}}))
	}
	must(inv.Add(r, "alb", "LoadBalancers", map[string]any{"LoadBalancerId": "alb-big0001", "AddressType": "Internet"}))
	var albEntries []any
	for j := 0; j < 230; j++ {
		albEntries = append(albEntries, map[string]any{"Entry": fmt.Sprintf("10.0.%d.0/24", j), "Status": "Available"})
	}
	must(inv.Add(r, "alb", "Acls", map[string]any{"AclId": "acl-albbig01", "AclEntries": albEntries}))
	for i := 0; i < 130; i++ {
		must(inv.Add(r, "alb", "Listeners", map[string]any{"ListenerId": fmt.Sprintf("lsn-albbig%04d", i), "LoadBalancerId": "alb-big0001",
			"ListenerPort": 1000 + i, "ListenerProtocol": "HTTP",
			"AclConfig": map[string]any{"AclType": "White", "AclRelations": []any{map[string]any{"AclId": "acl-albbig01", "Status": "Associated"}}}}))
	}
	must(inv.Add(r, "nlb", "LoadBalancers", map[string]any{"LoadBalancerId": "nlb-big0001"}))
	for i := 0; i < 210; i++ {
		must(inv.Add(r, "nlb", "Listeners", map[string]any{"ListenerId": fmt.Sprintf("lsn-nlbbig%04d", i), "LoadBalancerId": "nlb-big0001", "ListenerPort": 2000 + i}))
	}
	for i := 0; i < 130; i++ {
		must(inv.Add(r, "kms", "Keys", map[string]any{"KeyId": fmt.Sprintf("key-big-%04d", i), "KeySpec": "Aliyun_AES_256", "AutomaticRotation": "Disabled"}))
	}
	for i := 0; i < 105; i++ {
		must(inv.Add(r, "kms", "SecretList", map[string]any{"SecretName": fmt.Sprintf("secret-%04d", i)}))
	}
	for i, home := range []string{"cn-hangzhou", "cn-hangzhou", "cn-shanghai"} {
		must(inv.Add("", "actiontrail", "TrailList", map[string]any{"Name": fmt.Sprintf("trail-%d", i), "HomeRegion": home, "TrailRegion": "All", "Status": "Enable"}))
	}
	must(inv.Validate())
	return inv
}

func TestLBTrailKMSMinimumCalls(t *testing.T) {
	inv := bigLBAccount(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	got, err := collector(t, srv, nil).Collect(context.Background(), inv.AccountID, "cn-hangzhou", lbTrailKMSProducts...)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	want := map[string]int{}
	addLBTrailKMSCalls(want, inv, "cn-hangzhou")
	if calls := srv.Calls(); !reflect.DeepEqual(calls, want) {
		t.Errorf("calls differ from the minimum:\n got %v\nwant %v", calls, want)
	}
	entries := 0
	for _, a := range got.SLB.ACLs {
		entries += len(a.Entries)
	}
	withACL := 0
	for _, l := range got.ALB.Listeners {
		if l.ACLType == "white" && len(l.ACLIDs) == 1 {
			withACL++
		}
	}
	counts := map[string][2]int{
		"SLB load balancers":   {len(got.SLB.LoadBalancers), 150},
		"SLB backends":         {len(got.SLB.LoadBalancers[149].Backends), 1},
		"SLB listeners":        {len(got.SLB.Listeners), 300},
		"SLB ACLs":             {len(got.SLB.ACLs), 60},
		"SLB ACL entries":      {entries, 20*1 + 20*61 + 20*121},
		"ALB listeners":        {len(got.ALB.Listeners), 130},
		"ALB listeners w/ ACL": {withACL, 130},
		"ALB ACL entries":      {len(got.ALB.ACLs[0].Entries), 230},
		"NLB listeners":        {len(got.NLB.Listeners), 210},
		"KMS keys":             {len(got.KMS.Keys), 130},
		"KMS secrets":          {len(got.KMS.Secrets), 105},
		"trails":               {len(got.ActionTrail.Trails), 3},
	}
	for what, c := range counts {
		if c[0] != c[1] {
			t.Errorf("collected %d %s; want %d", c[0], what, c[1])
		}
	}
	if got.KMS.Keys[129].ID != "key-big-0129" || got.SLB.LoadBalancers[100].ID != "lb-bp1big00100" {
		t.Errorf("collected lists are out of API order")
	}
	if n := srv.Calls()["Slb.DescribeLoadBalancers"]; n != 2 {
		t.Errorf("150 load balancers took %d DescribeLoadBalancers calls; want 2", n)
	}
}

func TestLBTrailKMSNotEvaluated(t *testing.T) {
	inv := sample(t)
	ctx := context.Background()
	clean, err := collector(t, start(t, cloudsim.Options{Inventory: inv.Clone()}), nil).Collect(ctx, inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatalf("clean Collect: %v", err)
	}
	tests := []struct {
		denied  string
		product string
		region  string
		api     string
		code    string
	}{
		{"Slb", "slb", "cn-hangzhou", "", "Forbidden.RAM"},
		{"Slb.DescribeAccessControlListAttribute", "slb", "cn-hangzhou", "Slb.DescribeAccessControlListAttribute", "Forbidden.RAM"},
		{"Alb.GetListenerAttribute", "alb", "cn-hangzhou", "Alb.GetListenerAttribute", "NoPermission"},
		{"Nlb", "nlb", "cn-hangzhou", "", "NoPermission"},
		{"Actiontrail.GetTrailStatus", "actiontrail", "", "Actiontrail.GetTrailStatus", "NoPermission"},
		{"Kms.DescribeKey", "kms", "cn-hangzhou", "Kms.DescribeKey", "Forbidden.RAM"},
	}
	for _, tt := range tests {
		t.Run(tt.denied, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{tt.denied: true}}})
			got, err := collector(t, srv, nil).Collect(ctx, inv.AccountID, "cn-hangzhou")
			if err != nil {
				t.Fatalf("Collect returned an error for a permission gap: %v", err)
			}
			ne := got.NotEvaluatedFor(tt.product)
			if ne == nil || len(got.NotEvaluated) != 1 {
				t.Fatalf("NotEvaluated = %v; want exactly %s", got.NotEvaluated, tt.product)
			}
			if ne.Reason != collect.PermissionDenied || !errors.Is(ne, collect.ErrPermission) || ne.Code != tt.code || ne.Region != tt.region {
				t.Errorf("NotEvaluated[%s] = %+v; want PermissionDenied, code %s, region %q", tt.product, ne, tt.code, tt.region)
			}
			if tt.api != "" && ne.API != tt.api {
				t.Errorf("NotEvaluated[%s].API = %s; want %s", tt.product, ne.API, tt.api)
			}
			var se *sdkerrors.ServerError
			if !errors.As(ne, &se) || se.HttpStatus() != 403 {
				t.Errorf("the SDK's 403 ServerError is not reachable through %v", ne)
			}
			// Only that product is missing; the rest equals a clean collect.
			want := *clean
			want.NotEvaluated = got.NotEvaluated
			switch tt.product {
			case "slb":
				want.SLB = nil
			case "alb":
				want.ALB = nil
			case "nlb":
				want.NLB = nil
			case "actiontrail":
				want.ActionTrail = nil
			case "kms":
				want.KMS = nil
			}
			if !reflect.DeepEqual(*got, want) {
				gv, wv := reflect.ValueOf(*got), reflect.ValueOf(want)
				for i := 0; i < gv.NumField(); i++ {
					if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
						t.Errorf("with %s denied, %s differs from a clean collect", tt.denied, gv.Type().Field(i).Name)
					}
				}
			}
		})
	}
}

// mangleLBAPI serves cloudsim but rewrites the answers to one product's
// action (matched by API version and action).
func mangleLBAPI(t *testing.T, srv *cloudsim.Server, version, action string, fn func([]byte) []byte) string {
	t.Helper()
	return mangleOK(t, srv, isAPI(version, action), fn)
}

func TestLBTrailKMSMalformed(t *testing.T) {
	inv := sample(t)
	replace := func(old, new string) func([]byte) []byte {
		return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
	}
	tests := []struct {
		name, version, action, product string
		fn                             func([]byte) []byte
	}{
		{"truncated listeners", "2014-05-15", "DescribeLoadBalancerListeners", "slb", func(b []byte) []byte { return b[:len(b)/2] }},
		{"ACL entries missing", "2014-05-15", "DescribeAccessControlListAttribute", "slb", replace(`"AclEntrys"`, `"AclEntries"`)},
		{"load balancer without ID", "2014-05-15", "DescribeLoadBalancers", "slb", replace(`"LoadBalancerId"`, `"LoadBalancerIdd"`)},
		{"ALB ACL list not a list", "2020-06-16", "ListAcls", "alb", replace(`"Acls":[`, `"Acls":{"x":[`)},
		{"ALB listener attribute without ID", "2020-06-16", "GetListenerAttribute", "alb", replace(`"ListenerId"`, `"Id"`)},
		{"NLB listeners missing", "2022-04-30", "ListListeners", "nlb", replace(`"Listeners"`, `"Listenerz"`)},
		{"trail without name", "2020-07-06", "DescribeTrails", "actiontrail", replace(`"Name"`, `"TrailName"`)},
		{"trail status without IsLogging", "2020-07-06", "GetTrailStatus", "actiontrail", replace(`"IsLogging"`, `"Logging"`)},
		{"key metadata missing", "2016-01-20", "DescribeKey", "kms", replace(`"KeyMetadata"`, `"Metadata"`)},
		{"key count not a number", "2016-01-20", "ListKeys", "kms", replace(`"TotalCount":5`, `"TotalCount":"five"`)},
		{"not JSON", "2016-01-20", "ListSecrets", "kms", func([]byte) []byte { return []byte("<html>502</html>") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
			addr := mangleLBAPI(t, srv, tt.version, tt.action, tt.fn)
			c := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr })
			got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou", append([]string{"ecs"}, lbTrailKMSProducts...)...)
			if err == nil {
				t.Fatalf("Collect with a mangled %s succeeded", tt.action)
			}
			if !errors.Is(err, collect.ErrMalformed) || !strings.Contains(err.Error(), tt.action) {
				t.Errorf("Collect error = %v; want a malformed-response error naming %s", err, tt.action)
			}
			if len(got.NotEvaluated) != 0 {
				t.Errorf("a malformed answer was reported as a gap: %v", got.NotEvaluated)
			}
			present := map[string]bool{"ecs": got.ECS != nil, "slb": got.SLB != nil, "alb": got.ALB != nil, "nlb": got.NLB != nil,
				"actiontrail": got.ActionTrail != nil, "kms": got.KMS != nil}
			for p, ok := range present {
				if ok == (p == tt.product) {
					t.Errorf("with a mangled %s, %s collected = %v; want only %s missing", tt.action, p, ok, tt.product)
				}
			}
		})
	}
}

// TestLBTrailKMSFixThenCollect applies the fixes for the sample's
// misconfigurations through the SDK and checks that the next scan sees
// them.
func TestLBTrailKMSFixThenCollect(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv, Now: func() time.Time { return time.Date(2024, 10, 2, 0, 0, 0, 0, time.UTC) }})
	ctx := context.Background()
	scan := func() *collect.Inventory {
		got, err := collector(t, srv, nil).Collect(ctx, inv.AccountID, "cn-hangzhou", lbTrailKMSProducts...)
		if err != nil {
			t.Fatalf("Collect: %v", err)
		}
		return got
	}
	state := func(inv *collect.Inventory) string {
		var b strings.Builder
		for _, l := range inv.SLB.Listeners {
			if l.ID == "lb-bp1acmeadm00001:http:8080" {
				fmt.Fprintf(&b, "acl=%v ", l.ACLOn)
			}
		}
		for _, tr := range inv.ActionTrail.Trails {
			fmt.Fprintf(&b, "%s=%v/%s/%s ", tr.Name, tr.Logging, tr.TrailRegion, tr.EventRW)
		}
		for _, k := range inv.KMS.Keys {
			if k.ID == "3f0d2c1e-8a4b-4c5d-9e6f-acme00000001" {
				fmt.Fprintf(&b, "rotation=%v/%s ", k.RotationEnabled, k.RotationInterval)
			}
		}
		fmt.Fprintf(&b, "alb-entries=%d", len(inv.ALB.ACLs[0].Entries))
		return b.String()
	}
	before := state(scan())
	if want := "acl=false acme-audit-all=true/All/All acme-ops-hz=true/cn-hangzhou/Write acme-dr-audit=false/All/All rotation=false/0s alb-entries=2"; before != want {
		t.Fatalf("sample before the fixes: %s; want %s", before, want)
	}

	hz, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	sh, err := srv.Client("cn-shanghai")
	if err != nil {
		t.Fatal(err)
	}
	acl := slb.CreateSetListenerAccessControlStatusRequest()
	acl.LoadBalancerId, acl.ListenerPort, acl.ListenerProtocol, acl.AccessControlStatus = "lb-bp1acmeadm00001", requests.NewInteger(8080), "http", "open_white_list"
	start := actiontrail.CreateStartLoggingRequest()
	start.Name = "acme-dr-audit"
	upd := actiontrail.CreateUpdateTrailRequest()
	upd.Name, upd.TrailRegion, upd.EventRW = "acme-ops-hz", "All", "All"
	rot := kms.CreateUpdateRotationPolicyRequest()
	rot.KeyId, rot.EnableAutomaticRotation, rot.RotationInterval = "3f0d2c1e-8a4b-4c5d-9e6f-acme00000001", requests.NewBoolean(true), "365d"
	entries := alb.CreateAddEntriesToAclRequest()
	entries.AclId = "acl-acmepartner001"
	entries.AclEntries = &[]alb.AddEntriesToAclAclEntries{{Entry: "47.110.1.0/24", Description: "new partner"}}
	for name, do := range map[string]func() error{
		"SetListenerAccessControlStatus": func() error { return hz.DoAction(acl, slb.CreateSetListenerAccessControlStatusResponse()) },
		"StartLogging":                   func() error { return sh.DoAction(start, actiontrail.CreateStartLoggingResponse()) },
		"UpdateTrail":                    func() error { return hz.DoAction(upd, actiontrail.CreateUpdateTrailResponse()) },
		"UpdateRotationPolicy":           func() error { return hz.DoAction(rot, kms.CreateUpdateRotationPolicyResponse()) },
		"AddEntriesToAcl":                func() error { return hz.DoAction(entries, alb.CreateAddEntriesToAclResponse()) },
	} {
		if err := do(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	after := state(scan())
	if want := "acl=true acme-audit-all=true/All/All acme-ops-hz=true/All/All acme-dr-audit=true/All/All rotation=true/8760h0m0s alb-entries=3"; after != want {
		t.Errorf("after the fixes the next scan sees %s; want %s", after, want)
	}
}

// TestLBTrailKMSThrottling collects the big account with 15% throttling and
// 5% server errors and compares with a fault-free collect.
func TestLBTrailKMSThrottling(t *testing.T) {
	inv := bigLBAccount(t)
	collectOnce := func(f cloudsim.Faults) (*collect.Inventory, int) {
		srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: f, Seed: 3})
		got, err := collector(t, srv, func(cfg *collect.Config) { cfg.Retry.MaxAttempts = 10 }).
			Collect(context.Background(), inv.AccountID, "cn-hangzhou", lbTrailKMSProducts...)
		if err != nil || len(got.NotEvaluated) > 0 {
			t.Fatalf("Collect with faults %+v: %v, not evaluated %v", f, err, got.NotEvaluated)
		}
		return got, sum(srv.Calls())
	}
	clean, cleanCalls := collectOnce(cloudsim.Faults{})
	faulty, faultyCalls := collectOnce(cloudsim.Faults{ThrottleRate: 0.15, ServerErrorRate: 0.05})
	if !reflect.DeepEqual(clean, faulty) {
		t.Errorf("with throttling and server errors the inventory differs from a fault-free collect")
	}
	if faultyCalls <= cleanCalls {
		t.Errorf("faulty run made %d calls, clean %d: the faults were not injected", faultyCalls, cleanCalls)
	}
}
