package cloudsim_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/alb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/nlb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

func init() {
	apis["Slb"], apis["Alb"], apis["Nlb"] = "2014-05-15", "2020-06-16", "2022-04-30"
	apis["Actiontrail"], apis["Kms"] = "2020-07-06", "2016-01-20"
}

// flat digs out a flat array field (ALB/NLB/SLB listeners).
func flat(resp map[string]any, field string) []map[string]any {
	raw, _ := resp[field].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		m, _ := r.(map[string]any)
		out = append(out, m)
	}
	return out
}

// TestSLBTyped decodes the answers into the SDK's own response structs.
func TestSLBTyped(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	lbs := slb.CreateDescribeLoadBalancersResponse()
	req := slb.CreateDescribeLoadBalancersRequest()
	req.PageSize = requests.NewInteger(100)
	if err := c.DoAction(req, lbs); err != nil {
		t.Fatalf("DescribeLoadBalancers: %v", err)
	}
	if lbs.TotalCount != 2 || len(lbs.LoadBalancers.LoadBalancer) != 2 || lbs.PageSize != 100 ||
		lbs.LoadBalancers.LoadBalancer[0].AddressType != "internet" || lbs.LoadBalancers.LoadBalancer[0].Tags.Tag[1].TagValue != "web" {
		t.Errorf("typed DescribeLoadBalancers = %+v; want 2 internet load balancers, PageSize 100", lbs)
	}
	ls := slb.CreateDescribeLoadBalancerListenersResponse()
	lreq := slb.CreateDescribeLoadBalancerListenersRequest()
	lreq.LoadBalancerId = &[]string{"lb-bp1acmeadm00001"}
	if err := c.DoAction(lreq, ls); err != nil {
		t.Fatalf("DescribeLoadBalancerListeners: %v", err)
	}
	if ls.TotalCount != 2 || len(ls.Listeners) != 2 || ls.MaxResults != 20 || ls.Listeners[1].ListenerPort != 8080 ||
		ls.Listeners[1].AclStatus != "off" || ls.Listeners[0].HTTPSListenerConfig.ServerCertificateId == "" {
		t.Errorf("typed DescribeLoadBalancerListeners(admin) = %+v; want 8443 (certificate) and 8080 with AclStatus off", ls)
	}
	attr := slb.CreateDescribeLoadBalancerAttributeResponse()
	areq := slb.CreateDescribeLoadBalancerAttributeRequest()
	areq.LoadBalancerId = "lb-bp1acmeweb00001"
	if err := c.DoAction(areq, attr); err != nil {
		t.Fatalf("DescribeLoadBalancerAttribute: %v", err)
	}
	if len(attr.BackendServers.BackendServer) != 2 || attr.BackendServers.BackendServer[1].ServerId != "i-bp1acmeweb02" ||
		len(attr.ListenerPorts.ListenerPort) != 2 || attr.ListenerPortsAndProtocol.ListenerPortAndProtocol[0].ListenerProtocol != "https" {
		t.Errorf("typed DescribeLoadBalancerAttribute = %+v; want 2 backends and listeners 443/https, 80/http", attr)
	}
	acl := slb.CreateDescribeAccessControlListAttributeResponse()
	aclReq := slb.CreateDescribeAccessControlListAttributeRequest()
	aclReq.AclId = "acl-bp1acmeoffice1"
	aclReq.PageSize = requests.NewInteger(50)
	if err := c.DoAction(aclReq, acl); err != nil {
		t.Fatalf("DescribeAccessControlListAttribute: %v", err)
	}
	if acl.TotalAclEntry != 2 || len(acl.AclEntrys.AclEntry) != 2 || len(acl.RelatedListeners.RelatedListener) != 2 ||
		acl.RelatedListeners.RelatedListener[0].AclType != "white" {
		t.Errorf("typed DescribeAccessControlListAttribute = %+v; want 2 entries and 2 related listeners", acl)
	}
}

func TestLoadBalancerReads(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	const hz = "cn-hangzhou"
	tests := []struct {
		name    string
		product string
		action  string
		params  map[string]string
		check   func(resp map[string]any) string // "" when right
	}{
		{"SLB list strips backends", "Slb", "DescribeLoadBalancers", nil, func(r map[string]any) string {
			lbs := items(r, "LoadBalancers", "LoadBalancer")
			if len(lbs) != 2 || num(r["TotalCount"]) != 2 || num(r["PageSize"]) != 10 || lbs[0]["BackendServers"] != nil {
				return "want 2 load balancers without BackendServers, PageSize 10"
			}
			return ""
		}},
		{"SLB filter by backend", "Slb", "DescribeLoadBalancers", map[string]string{"ServerId": "i-bp1acmeapp01"}, func(r map[string]any) string {
			if lbs := items(r, "LoadBalancers", "LoadBalancer"); len(lbs) != 1 || lbs[0]["LoadBalancerId"] != "lb-bp1acmeadm00001" {
				return "want only the admin load balancer"
			}
			return ""
		}},
		{"SLB listeners token pages", "Slb", "DescribeLoadBalancerListeners", map[string]string{"MaxResults": "3"}, func(r map[string]any) string {
			if len(flat(r, "Listeners")) != 3 || num(r["TotalCount"]) != 4 || r["NextToken"] == "" {
				return "want 3 of 4 listeners and a NextToken"
			}
			return ""
		}},
		{"SLB listeners by protocol", "Slb", "DescribeLoadBalancerListeners", map[string]string{"ListenerProtocol": "HTTP"}, func(r map[string]any) string {
			if len(flat(r, "Listeners")) != 2 || r["NextToken"] != "" {
				return "want the 2 HTTP listeners, no NextToken"
			}
			return ""
		}},
		{"SLB ACL list strips entries", "Slb", "DescribeAccessControlLists", map[string]string{"PageSize": "50"}, func(r map[string]any) string {
			acls := items(r, "Acls", "Acl")
			if len(acls) != 2 || acls[0]["AclEntrys"] != nil || num(r["Count"]) != 2 || num(r["PageSize"]) != 50 {
				return "want 2 ACLs without entries"
			}
			return ""
		}},
		{"SLB ACL entries page", "Slb", "DescribeAccessControlListAttribute", map[string]string{"AclId": "acl-bp1acmeblock01", "PageSize": "1", "Page": "2"},
			func(r map[string]any) string {
				e := items(r, "AclEntrys", "AclEntry")
				if len(e) != 1 || e[0]["AclEntryIP"] != "198.51.100.7/32" || num(r["TotalAclEntry"]) != 2 {
					return "want the second of 2 entries"
				}
				return ""
			}},
		{"ALB listeners without AclConfig", "Alb", "ListListeners", map[string]string{"LoadBalancerIds.1": "alb-acmeapi0000001"}, func(r map[string]any) string {
			ls := flat(r, "Listeners")
			if len(ls) != 1 || ls[0]["AclConfig"] != nil || num(r["MaxResults"]) != 20 || num(r["TotalCount"]) != 1 {
				return "want 1 listener, AclConfig stripped"
			}
			return ""
		}},
		{"ALB listener attribute", "Alb", "GetListenerAttribute", map[string]string{"ListenerId": "lsn-acmeapi0443001"}, func(r map[string]any) string {
			cfg, _ := r["AclConfig"].(map[string]any)
			if cfg["AclType"] != "White" || len(cfg["AclRelations"].([]any)) != 1 {
				return "want a White ACL relation"
			}
			return ""
		}},
		{"ALB ACLs strip entries", "Alb", "ListAcls", nil, func(r map[string]any) string {
			if a := flat(r, "Acls"); len(a) != 1 || a[0]["AclEntries"] != nil {
				return "want 1 ACL without entries"
			}
			return ""
		}},
		{"ALB ACL entries", "Alb", "ListAclEntries", map[string]string{"AclId": "acl-acmepartner001", "MaxResults": "100"}, func(r map[string]any) string {
			if e := flat(r, "AclEntries"); len(e) != 2 || e[0]["Entry"] != "121.40.128.0/20" {
				return "want 2 entries"
			}
			return ""
		}},
		{"ALB ACL relations", "Alb", "ListAclRelations", map[string]string{"AclIds.1": "acl-acmepartner001"}, func(r map[string]any) string {
			rel := flat(r, "AclRelations")
			if len(rel) != 1 {
				return "want 1 relation"
			}
			ls, _ := rel[0]["RelatedListeners"].([]any)
			if len(ls) != 1 || ls[0].(map[string]any)["ListenerId"] != "lsn-acmeapi0443001" {
				return "want the 443 listener related"
			}
			return ""
		}},
		{"NLB load balancers", "Nlb", "ListLoadBalancers", map[string]string{"MaxResults": "100"}, func(r map[string]any) string {
			lbs := flat(r, "LoadBalancers")
			if len(lbs) != 1 || r["Success"] != true || len(lbs[0]["SecurityGroupIds"].([]any)) != 1 {
				return "want 1 load balancer with its security group"
			}
			return ""
		}},
		{"NLB listeners", "Nlb", "ListListeners", nil, func(r map[string]any) string {
			if ls := flat(r, "Listeners"); len(ls) != 1 || ls[0]["ListenerProtocol"] != "TCPSSL" {
				return "want the TCPSSL listener"
			}
			return ""
		}},
		{"empty region", "Slb", "DescribeLoadBalancers", map[string]string{"RegionId": "cn-shanghai"}, func(r map[string]any) string {
			if num(r["TotalCount"]) != 0 || items(r, "LoadBalancers", "LoadBalancer") == nil {
				return "want an empty LoadBalancers.LoadBalancer list"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			region := hz
			if r := tt.params["RegionId"]; r != "" {
				region = r
			}
			resp := mustCall(t, c, tt.product, tt.action, region, tt.params)
			if msg := tt.check(resp); msg != "" {
				t.Errorf("%s.%s(%v): %s; got %v", tt.product, tt.action, tt.params, msg, resp)
			}
		})
	}
}

func TestLoadBalancerErrors(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	tests := []struct {
		product, action string
		params          map[string]string
		status          int
		code            string
	}{
		{"Slb", "DescribeLoadBalancers", map[string]string{"PageSize": "101"}, 400, "InvalidParameter"},
		{"Slb", "DescribeLoadBalancerListeners", map[string]string{"MaxResults": "101"}, 400, "InvalidParameter"},
		{"Slb", "DescribeAccessControlLists", map[string]string{"PageSize": "51"}, 400, "InvalidParameter"},
		{"Slb", "DescribeAccessControlListAttribute", map[string]string{"AclId": "acl-bp1acmeblock01", "PageSize": "51"}, 400, "InvalidParameter"},
		{"Slb", "DescribeAccessControlListAttribute", map[string]string{"AclId": "acl-nope"}, 400, "AclNotExist"},
		{"Slb", "DescribeLoadBalancerAttribute", map[string]string{"LoadBalancerId": "lb-nope"}, 400, "InvalidLoadBalancerId.NotFound"},
		{"Slb", "DescribeLoadBalancerAttribute", nil, 400, "MissingParameter"},
		{"Alb", "ListListeners", map[string]string{"MaxResults": "101"}, 400, "InvalidParameter"},
		{"Alb", "ListAclRelations", map[string]string{"AclIds.1": "a", "AclIds.2": "b", "AclIds.3": "c", "AclIds.4": "d", "AclIds.5": "e", "AclIds.6": "f"}, 400, "InvalidParameter"},
		{"Alb", "GetListenerAttribute", map[string]string{"ListenerId": "lsn-nope"}, 404, "ResourceNotFound.Listener"},
		{"Nlb", "ListLoadBalancers", map[string]string{"NextToken": "garbage"}, 400, "InvalidNextToken.Malformed"},
		{"Slb", "DescribeUnicorns", nil, 404, "InvalidAction.NotFound"},
		{"Alb", "DescribeUnicorns", nil, 404, "InvalidAction.NotFound"},
		{"Nlb", "DescribeUnicorns", nil, 404, "InvalidAction.NotFound"},
	}
	for _, tt := range tests {
		_, err := call(t, c, tt.product, tt.action, "cn-hangzhou", tt.params)
		if err == nil {
			t.Errorf("%s.%s(%v) succeeded; want %d %s", tt.product, tt.action, tt.params, tt.status, tt.code)
			continue
		}
		if se := serverError(t, err); se.HttpStatus() != tt.status || se.ErrorCode() != tt.code {
			t.Errorf("%s.%s(%v) = %d %s; want %d %s", tt.product, tt.action, tt.params, se.HttpStatus(), se.ErrorCode(), tt.status, tt.code)
		}
	}
	// Permission refusals: SLB as ECS does, ALB and NLB as RAM-native products.
	srv.SetFaults(cloudsim.Faults{PermissionDenied: map[string]bool{"Slb": true, "Alb.ListListeners": true, "Nlb": true}})
	for product, want := range map[string][2]string{
		"Slb": {"DescribeLoadBalancers", "Forbidden.RAM"}, "Alb": {"ListListeners", "NoPermission"}, "Nlb": {"ListListeners", "NoPermission"},
	} {
		_, err := call(t, c, product, want[0], "cn-hangzhou", nil)
		if err == nil {
			t.Errorf("%s.%s with the product denied succeeded", product, want[0])
			continue
		}
		if se := serverError(t, err); se.HttpStatus() != 403 || se.ErrorCode() != want[1] {
			t.Errorf("%s.%s denied = %d %s; want 403 %s", product, want[0], se.HttpStatus(), se.ErrorCode(), want[1])
		}
	}
	if _, err := call(t, c, "Alb", "ListLoadBalancers", "cn-hangzhou", nil); err != nil {
		t.Errorf("Alb.ListLoadBalancers with only Alb.ListListeners denied: %v", err)
	}
}

// slbListener returns one listener of the sample's admin or storefront load balancer.
func slbListener(t *testing.T, srv *cloudsim.Server, lb string, port int) map[string]any {
	t.Helper()
	resp := mustCall(t, defaultClient(t, srv), "Slb", "DescribeLoadBalancerListeners", "cn-hangzhou",
		map[string]string{"LoadBalancerId.1": lb, "ListenerPort": strconv.Itoa(port)})
	ls := flat(resp, "Listeners")
	if len(ls) != 1 {
		t.Fatalf("listener %s:%d: %d found", lb, port, len(ls))
	}
	return ls[0]
}

func TestLoadBalancerWrites(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	const admin = "lb-bp1acmeadm00001"

	// The fix for the admin listener open to the internet: turn its ACL on.
	mustCall(t, c, "Slb", "SetListenerAccessControlStatus", "cn-hangzhou", map[string]string{
		"LoadBalancerId": admin, "ListenerPort": "8080", "ListenerProtocol": "http", "AccessControlStatus": "open_white_list"})
	if l := slbListener(t, srv, admin, 8080); l["AclStatus"] != "on" || l["AclType"] != "white" || l["AclId"] != "acl-bp1acmeoffice1" {
		t.Errorf("after SetListenerAccessControlStatus open_white_list, listener 8080 = %v; want AclStatus on, white, acme-office", l)
	}
	// And off again through the listener attribute API, then back on with a type.
	mustCall(t, c, "Slb", "SetLoadBalancerHTTPListenerAttribute", "cn-hangzhou", map[string]string{
		"LoadBalancerId": admin, "ListenerPort": "8080", "AclStatus": "off"})
	if l := slbListener(t, srv, admin, 8080); l["AclStatus"] != "off" {
		t.Errorf("after SetLoadBalancerHTTPListenerAttribute AclStatus off, listener 8080 = %v", l)
	}
	mustCall(t, c, "Slb", "SetLoadBalancerHTTPListenerAttribute", "cn-hangzhou", map[string]string{
		"LoadBalancerId": admin, "ListenerPort": "8080", "AclStatus": "on", "AclType": "black", "AclId": "acl-bp1acmeblock01"})
	if l := slbListener(t, srv, admin, 8080); l["AclStatus"] != "on" || l["AclType"] != "black" || l["AclId"] != "acl-bp1acmeblock01" {
		t.Errorf("after binding the blocklist, listener 8080 = %v", l)
	}

	// ACL entries.
	entries := func() map[string]bool {
		resp := mustCall(t, c, "Slb", "DescribeAccessControlListAttribute", "cn-hangzhou", map[string]string{"AclId": "acl-bp1acmeoffice1", "PageSize": "50"})
		out := map[string]bool{}
		for _, e := range items(resp, "AclEntrys", "AclEntry") {
			out[e["AclEntryIP"].(string)] = true
		}
		return out
	}
	mustCall(t, c, "Slb", "AddAccessControlListEntry", "cn-hangzhou", map[string]string{
		"AclId": "acl-bp1acmeoffice1", "AclEntrys": `[{"entry":"47.96.0.10/32","comment":"vpn"}]`})
	if got := entries(); !got["47.96.0.10/32"] || len(got) != 3 {
		t.Errorf("after AddAccessControlListEntry, entries = %v; want the VPN address added", got)
	}
	mustCall(t, c, "Slb", "RemoveAccessControlListEntry", "cn-hangzhou", map[string]string{
		"AclId": "acl-bp1acmeoffice1", "AclEntrys": `[{"entry":"10.10.0.0/16"}]`})
	if got := entries(); got["10.10.0.0/16"] || len(got) != 2 {
		t.Errorf("after RemoveAccessControlListEntry, entries = %v; want 10.10.0.0/16 gone", got)
	}

	// ALB: bind a second ACL, add an entry.
	mustCall(t, c, "Alb", "AddEntriesToAcl", "cn-hangzhou", map[string]string{
		"AclId": "acl-acmepartner001", "AclEntries.1.Entry": "47.110.1.0/24", "AclEntries.1.Description": "new partner"})
	if e := flat(mustCall(t, c, "Alb", "ListAclEntries", "cn-hangzhou", map[string]string{"AclId": "acl-acmepartner001"}), "AclEntries"); len(e) != 3 {
		t.Errorf("after AddEntriesToAcl, %d entries; want 3", len(e))
	}
	mustCall(t, c, "Alb", "DissociateAclsFromListener", "cn-hangzhou", map[string]string{"ListenerId": "lsn-acmeapi0443001", "AclIds.1": "acl-acmepartner001"})
	attr := mustCall(t, c, "Alb", "GetListenerAttribute", "cn-hangzhou", map[string]string{"ListenerId": "lsn-acmeapi0443001"})
	if rel := attr["AclConfig"].(map[string]any)["AclRelations"].([]any); len(rel) != 0 {
		t.Errorf("after DissociateAclsFromListener, AclRelations = %v; want none", rel)
	}
	resp := mustCall(t, c, "Alb", "AssociateAclsWithListener", "cn-hangzhou", map[string]string{
		"ListenerId": "lsn-acmeapi0443001", "AclIds.1": "acl-acmepartner001", "AclType": "White"})
	if !strings.HasPrefix(resp["JobId"].(string), "job-") {
		t.Errorf("AssociateAclsWithListener answered %v; want a JobId", resp)
	}
	rel := mustCall(t, c, "Alb", "ListAclRelations", "cn-hangzhou", map[string]string{"AclIds.1": "acl-acmepartner001"})
	if ls := flat(rel, "AclRelations")[0]["RelatedListeners"].([]any); len(ls) != 1 {
		t.Errorf("after AssociateAclsWithListener, related listeners = %v; want the 443 listener", ls)
	}

	tests := []struct {
		product, action string
		params          map[string]string
		code            string
	}{
		{"Slb", "SetListenerAccessControlStatus", map[string]string{"LoadBalancerId": admin, "ListenerPort": "9999", "AccessControlStatus": "close"}, "ListenerNotExist"},
		{"Slb", "SetListenerAccessControlStatus", map[string]string{"LoadBalancerId": admin, "ListenerPort": "8080", "AccessControlStatus": "maybe"}, "InvalidParameter"},
		{"Slb", "SetLoadBalancerHTTPSListenerAttribute", map[string]string{"LoadBalancerId": admin, "ListenerPort": "8080", "AclStatus": "on"}, "ListenerNotExist"},
		{"Slb", "SetLoadBalancerHTTPSListenerAttribute", map[string]string{"LoadBalancerId": admin, "ListenerPort": "8443", "AclId": "acl-nope"}, "AclNotExist"},
		{"Slb", "AddAccessControlListEntry", map[string]string{"AclId": "acl-bp1acmeblock01", "AclEntrys": `[{"entry":"203.0.113.0/24"}]`}, "AclEntryExist"},
		{"Slb", "AddAccessControlListEntry", map[string]string{"AclId": "acl-bp1acmeblock01", "AclEntrys": `[{"entry":"not-an-ip"}]`}, "InvalidParameter"},
		{"Slb", "RemoveAccessControlListEntry", map[string]string{"AclId": "acl-bp1acmeblock01", "AclEntrys": `[{"entry":"1.2.3.4/32"}]`}, "AclEntryNotExist"},
		{"Alb", "AssociateAclsWithListener", map[string]string{"ListenerId": "lsn-acmeapi0443001", "AclIds.1": "acl-acmepartner001", "AclType": "Black"}, "Conflict.AclType"},
		{"Alb", "AddEntriesToAcl", map[string]string{"AclId": "acl-acmepartner001", "AclEntries.1.Entry": "121.40.128.0/20"}, "Conflict.AclEntry"},
	}
	for _, tt := range tests {
		_, err := call(t, c, tt.product, tt.action, "cn-hangzhou", tt.params)
		if err == nil {
			t.Errorf("%s.%s(%v) succeeded; want %s", tt.product, tt.action, tt.params, tt.code)
			continue
		}
		if se := serverError(t, err); se.ErrorCode() != tt.code {
			t.Errorf("%s.%s(%v) = %s; want %s", tt.product, tt.action, tt.params, se.ErrorCode(), tt.code)
		}
	}
	if got := srv.Calls()["Slb.SetListenerAccessControlStatus"]; got != 3 {
		t.Errorf("Calls()[Slb.SetListenerAccessControlStatus] = %d; want 3", got)
	}
}

// TestALBNLBTyped decodes ALB and NLB answers into the SDK's structs.
func TestALBNLBTyped(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	al := alb.CreateListListenersResponse()
	if err := c.DoAction(alb.CreateListListenersRequest(), al); err != nil {
		t.Fatalf("alb ListListeners: %v", err)
	}
	if al.TotalCount != 1 || len(al.Listeners) != 1 || al.Listeners[0].ListenerPort != 443 || al.Listeners[0].ListenerProtocol != "HTTPS" {
		t.Errorf("typed alb ListListeners = %+v", al)
	}
	nl := nlb.CreateListLoadBalancersResponse()
	if err := c.DoAction(nlb.CreateListLoadBalancersRequest(), nl); err != nil {
		t.Fatalf("nlb ListLoadBalancers: %v", err)
	}
	if !nl.Success || len(nl.LoadBalancers) != 1 || nl.LoadBalancers[0].ZoneMappings[0].LoadBalancerAddresses[0].PrivateIPv4Address != "10.10.2.50" {
		t.Errorf("typed nlb ListLoadBalancers = %+v", nl)
	}
}
