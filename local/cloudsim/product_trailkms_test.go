package cloudsim_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/actiontrail"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/kms"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

// trailNames lists DescribeTrails' answer as "name(shadow)".
func trailNames(t *testing.T, srv *cloudsim.Server, region string, params map[string]string) []string {
	t.Helper()
	resp := mustCall(t, defaultClient(t, srv), "Actiontrail", "DescribeTrails", region, params)
	var out []string
	for _, tr := range flat(resp, "TrailList") {
		name := tr["Name"].(string)
		if num(tr["IsShadowTrail"]) == 1 {
			name += "(shadow)"
		}
		if tr["LatestDeliveryTime"] != nil {
			t.Errorf("DescribeTrails leaks GetTrailStatus field LatestDeliveryTime on %s", name)
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestActionTrail(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Now: func() time.Time { return time.Date(2024, 10, 2, 3, 4, 5, 0, time.UTC) }})
	c := defaultClient(t, srv)
	for _, tt := range []struct {
		region string
		params map[string]string
		want   string
	}{
		{"cn-hangzhou", nil, "acme-audit-all acme-ops-hz"},
		{"cn-hangzhou", map[string]string{"IncludeShadowTrails": "true"}, "acme-audit-all acme-dr-audit(shadow) acme-ops-hz"},
		{"cn-shanghai", map[string]string{"IncludeShadowTrails": "true"}, "acme-audit-all(shadow) acme-dr-audit"},
		{"cn-hangzhou", map[string]string{"IncludeShadowTrails": "true", "NameList": "acme-ops-hz,acme-dr-audit"}, "acme-dr-audit(shadow) acme-ops-hz"},
	} {
		if got := strings.Join(trailNames(t, srv, tt.region, tt.params), " "); got != tt.want {
			t.Errorf("DescribeTrails in %s %v = %q; want %q", tt.region, tt.params, got, tt.want)
		}
	}

	typed := actiontrail.CreateDescribeTrailsResponse()
	req := actiontrail.CreateDescribeTrailsRequest()
	req.IncludeShadowTrails = requests.NewBoolean(true)
	sdkc, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	if err := sdkc.DoAction(req, typed); err != nil {
		t.Fatalf("typed DescribeTrails: %v", err)
	}
	if len(typed.TrailList) != 3 || typed.TrailList[0].TrailRegion != "All" || typed.TrailList[0].OssBucketName != "acme-retail-logs" {
		t.Errorf("typed DescribeTrails = %+v", typed.TrailList)
	}

	status := func(name, region string) map[string]any {
		return mustCall(t, c, "Actiontrail", "GetTrailStatus", region, map[string]string{"Name": name})
	}
	if s := status("acme-audit-all", "cn-hangzhou"); s["IsLogging"] != true || s["LatestDeliveryTime"] != "2024-10-01T00:05:12Z" || s["OssBucketStatus"] != true {
		t.Errorf("GetTrailStatus(acme-audit-all) = %v; want logging, delivered 2024-10-01T00:05:12Z", s)
	}
	if s := status("acme-dr-audit", "cn-hangzhou"); s["IsLogging"] != false || s["StopLoggingTime"] != "2024-06-18T09:00:00Z" || s["SlsLogStoreStatus"] != true {
		t.Errorf("GetTrailStatus(acme-dr-audit) from a shadow region = %v; want stopped since 2024-06-18", s)
	}
	// The fix: start logging; the next status and describe see it.
	mustCall(t, c, "Actiontrail", "StartLogging", "cn-shanghai", map[string]string{"Name": "acme-dr-audit"})
	if s := status("acme-dr-audit", "cn-shanghai"); s["IsLogging"] != true || s["StartLoggingTime"] != "2024-10-02T03:04:05Z" {
		t.Errorf("after StartLogging, GetTrailStatus = %v; want logging since 2024-10-02T03:04:05Z", s)
	}
	mustCall(t, c, "Actiontrail", "UpdateTrail", "cn-hangzhou", map[string]string{"Name": "acme-ops-hz", "TrailRegion": "All", "EventRW": "All"})
	if got := strings.Join(trailNames(t, srv, "cn-shanghai", map[string]string{"IncludeShadowTrails": "true"}), " "); got != "acme-audit-all(shadow) acme-dr-audit acme-ops-hz(shadow)" {
		t.Errorf("after UpdateTrail TrailRegion All, cn-shanghai sees %q; want acme-ops-hz as a shadow too", got)
	}

	for _, tt := range []struct {
		action, region string
		params         map[string]string
		status         int
		code           string
	}{
		{"GetTrailStatus", "cn-hangzhou", map[string]string{"Name": "nope"}, 404, "TrailNotFoundException"},
		{"GetTrailStatus", "cn-hangzhou", nil, 400, "MissingParameter"},
		{"UpdateTrail", "cn-hangzhou", map[string]string{"Name": "acme-ops-hz", "EventRW": "Sometimes"}, 400, "InvalidParameter"},
		{"DescribeUnicorns", "cn-hangzhou", nil, 404, "InvalidAction.NotFound"},
	} {
		_, err := call(t, c, "Actiontrail", tt.action, tt.region, tt.params)
		if err == nil {
			t.Errorf("Actiontrail.%s(%v) succeeded; want %s", tt.action, tt.params, tt.code)
			continue
		}
		if se := serverError(t, err); se.HttpStatus() != tt.status || se.ErrorCode() != tt.code {
			t.Errorf("Actiontrail.%s(%v) = %d %s; want %d %s", tt.action, tt.params, se.HttpStatus(), se.ErrorCode(), tt.status, tt.code)
		}
	}
	// A single-region trail is not visible from elsewhere.
	srv2 := start(t, cloudsim.Options{Inventory: sample(t)})
	if _, err := call(t, defaultClient(t, srv2), "Actiontrail", "GetTrailStatus", "cn-shanghai", map[string]string{"Name": "acme-ops-hz"}); err == nil ||
		serverError(t, err).ErrorCode() != "TrailNotFoundException" {
		t.Errorf("GetTrailStatus of the cn-hangzhou-only trail from cn-shanghai = %v; want TrailNotFoundException", err)
	}
	srv2.SetFaults(cloudsim.Faults{PermissionDenied: map[string]bool{"Actiontrail": true}})
	if _, err := call(t, defaultClient(t, srv2), "Actiontrail", "DescribeTrails", "cn-hangzhou", nil); err == nil ||
		serverError(t, err).ErrorCode() != "NoPermission" {
		t.Errorf("DescribeTrails denied = %v; want NoPermission", err)
	}
}

func TestKMS(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Now: func() time.Time { return time.Date(2024, 10, 2, 0, 0, 0, 0, time.UTC) }})
	c := defaultClient(t, srv)
	sdkc, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	// Paging, typed.
	seen := map[string]bool{}
	for page := 1; page <= 3; page++ {
		req := kms.CreateListKeysRequest()
		req.PageSize = requests.NewInteger(2)
		req.PageNumber = requests.NewInteger(page)
		resp := kms.CreateListKeysResponse()
		if err := sdkc.DoAction(req, resp); err != nil {
			t.Fatalf("ListKeys page %d: %v", page, err)
		}
		if resp.TotalCount != 5 || resp.PageNumber != page {
			t.Errorf("ListKeys page %d: TotalCount %d, PageNumber %d; want 5, %d", page, resp.TotalCount, resp.PageNumber, page)
		}
		for _, k := range resp.Keys.Key {
			if !strings.HasSuffix(k.KeyArn, ":key/"+k.KeyId) {
				t.Errorf("ListKeys KeyArn %q does not name key %s", k.KeyArn, k.KeyId)
			}
			seen[k.KeyId] = true
		}
	}
	if len(seen) != 5 {
		t.Errorf("ListKeys over 3 pages of 2 gave %d keys; want 5", len(seen))
	}
	desc := kms.CreateDescribeKeyResponse()
	dreq := kms.CreateDescribeKeyRequest()
	dreq.KeyId = "acs:kms:cn-hangzhou:1357924680135792:key/3f0d2c1e-8a4b-4c5d-9e6f-acme00000001"
	if err := sdkc.DoAction(dreq, desc); err != nil {
		t.Fatalf("DescribeKey by ARN: %v", err)
	}
	if m := desc.KeyMetadata; m.AutomaticRotation != "Disabled" || m.KeySpec != "Aliyun_AES_256" || m.Origin != "Aliyun_KMS" || m.ProtectionLevel != "SOFTWARE" {
		t.Errorf("DescribeKey(acme-rds-tde) = %+v; want rotation Disabled", m)
	}
	filtered := mustCall(t, c, "Kms", "ListKeys", "cn-hangzhou", map[string]string{"Filters": `[{"Key":"KeySpec","Values":["RSA_2048"]}]`})
	if k := items(filtered, "Keys", "Key"); len(k) != 1 || k[0]["KeyId"] != "3f0d2c1e-8a4b-4c5d-9e6f-acme00000003" {
		t.Errorf("ListKeys filtered on RSA_2048 = %v; want the signing key", k)
	}
	if s := items(mustCall(t, c, "Kms", "ListSecrets", "cn-hangzhou", nil), "SecretList", "Secret"); len(s) != 2 {
		t.Errorf("ListSecrets = %v; want 2 secrets", s)
	}

	// The fix: rotate yearly.
	mustCall(t, c, "Kms", "UpdateRotationPolicy", "cn-hangzhou", map[string]string{
		"KeyId": "3f0d2c1e-8a4b-4c5d-9e6f-acme00000001", "EnableAutomaticRotation": "true", "RotationInterval": "365d"})
	meta := mustCall(t, c, "Kms", "DescribeKey", "cn-hangzhou", map[string]string{"KeyId": "3f0d2c1e-8a4b-4c5d-9e6f-acme00000001"})["KeyMetadata"].(map[string]any)
	if meta["AutomaticRotation"] != "Enabled" || meta["RotationInterval"] != "31536000s" || meta["NextRotationDate"] != "2025-10-02T00:00:00Z" {
		t.Errorf("after UpdateRotationPolicy 365d, KeyMetadata = %v; want Enabled, 31536000s, next 2025-10-02", meta)
	}
	mustCall(t, c, "Kms", "UpdateRotationPolicy", "cn-hangzhou", map[string]string{
		"KeyId": "3f0d2c1e-8a4b-4c5d-9e6f-acme00000002", "EnableAutomaticRotation": "false"})
	meta = mustCall(t, c, "Kms", "DescribeKey", "cn-hangzhou", map[string]string{"KeyId": "3f0d2c1e-8a4b-4c5d-9e6f-acme00000002"})["KeyMetadata"].(map[string]any)
	if meta["AutomaticRotation"] != "Disabled" || meta["NextRotationDate"] != nil {
		t.Errorf("after disabling rotation, KeyMetadata = %v; want Disabled without NextRotationDate", meta)
	}

	for _, tt := range []struct {
		action string
		params map[string]string
		status int
		code   string
	}{
		{"UpdateRotationPolicy", map[string]string{"KeyId": "3f0d2c1e-8a4b-4c5d-9e6f-acme00000003", "EnableAutomaticRotation": "true", "RotationInterval": "365d"}, 400, "UnsupportedOperation"},
		{"UpdateRotationPolicy", map[string]string{"KeyId": "3f0d2c1e-8a4b-4c5d-9e6f-acme00000001", "EnableAutomaticRotation": "true", "RotationInterval": "1d"}, 400, "InvalidParameter"},
		{"UpdateRotationPolicy", map[string]string{"KeyId": "3f0d2c1e-8a4b-4c5d-9e6f-acme00000001", "EnableAutomaticRotation": "true"}, 400, "MissingParameter"},
		{"DescribeKey", map[string]string{"KeyId": "nope"}, 404, "Forbidden.KeyNotFound"},
		{"ListKeys", map[string]string{"PageSize": "101"}, 400, "InvalidParameter"},
		{"ListKeys", map[string]string{"Filters": `[{"Key":"Color","Values":["blue"]}]`}, 400, "InvalidParameter"},
		{"DescribeUnicorns", nil, 404, "InvalidAction.NotFound"},
	} {
		_, err := call(t, c, "Kms", tt.action, "cn-hangzhou", tt.params)
		if err == nil {
			t.Errorf("Kms.%s(%v) succeeded; want %s", tt.action, tt.params, tt.code)
			continue
		}
		if se := serverError(t, err); se.HttpStatus() != tt.status || se.ErrorCode() != tt.code {
			t.Errorf("Kms.%s(%v) = %d %s; want %d %s", tt.action, tt.params, se.HttpStatus(), se.ErrorCode(), tt.status, tt.code)
		}
	}
	srv.SetFaults(cloudsim.Faults{PermissionDenied: map[string]bool{"Kms.DescribeKey": true}})
	if _, err := call(t, c, "Kms", "DescribeKey", "cn-hangzhou", map[string]string{"KeyId": "3f0d2c1e-8a4b-4c5d-9e6f-acme00000001"}); err == nil ||
		serverError(t, err).ErrorCode() != "Forbidden.RAM" {
		t.Errorf("DescribeKey denied = %v; want Forbidden.RAM", err)
	}
}

// TestSampleAccountLBTrailKMS pins the misconfigurations M28–M31 that
// sample-account.md lists for load balancers, trails and keys, and their
// passing counterparts.
func TestSampleAccountLBTrailKMS(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	lbs := map[string]map[string]any{}
	for _, lb := range items(mustCall(t, c, "Slb", "DescribeLoadBalancers", "cn-hangzhou", nil), "LoadBalancers", "LoadBalancer") {
		lbs[lb["LoadBalancerId"].(string)] = lb
	}
	open := []string{}
	for _, l := range flat(mustCall(t, c, "Slb", "DescribeLoadBalancerListeners", "cn-hangzhou", map[string]string{"MaxResults": "100"}), "Listeners") {
		if lbs[l["LoadBalancerId"].(string)]["AddressType"] == "internet" && l["AclStatus"] != "on" {
			open = append(open, l["LoadBalancerId"].(string)+":"+strconv.Itoa(num(l["ListenerPort"])))
		}
	}
	albL := mustCall(t, c, "Alb", "GetListenerAttribute", "cn-hangzhou", map[string]string{"ListenerId": "lsn-acmeapi0443001"})
	trails := map[string]map[string]any{}
	for _, tr := range flat(mustCall(t, c, "Actiontrail", "DescribeTrails", "cn-hangzhou", map[string]string{"IncludeShadowTrails": "true"}), "TrailList") {
		trails[tr["Name"].(string)] = tr
	}
	logging := func(name, region string) bool {
		return mustCall(t, c, "Actiontrail", "GetTrailStatus", region, map[string]string{"Name": name})["IsLogging"] == true
	}
	notRotating := []string{}
	for _, k := range items(mustCall(t, c, "Kms", "ListKeys", "cn-hangzhou", map[string]string{"PageSize": "100"}), "Keys", "Key") {
		m := mustCall(t, c, "Kms", "DescribeKey", "cn-hangzhou", map[string]string{"KeyId": k["KeyId"].(string)})["KeyMetadata"].(map[string]any)
		if m["AutomaticRotation"] != "Enabled" && m["KeySpec"] == "Aliyun_AES_256" && m["Origin"] == "Aliyun_KMS" {
			notRotating = append(notRotating, m["KeyId"].(string))
		}
	}
	checks := []struct {
		id string
		ok bool
	}{
		{"M28 only the admin 8080 CLB listener is open to the internet", strings.Join(open, ",") == "lb-bp1acmeadm00001:8080"},
		{"passing: the ALB listener has a White ACL", albL["AclConfig"].(map[string]any)["AclType"] == "White"},
		{"M29 acme-dr-audit stopped", !logging("acme-dr-audit", "cn-shanghai") && trails["acme-dr-audit"]["Status"] == "Disable"},
		{"M30 acme-ops-hz single-region, write-only", trails["acme-ops-hz"]["TrailRegion"] == "cn-hangzhou" && trails["acme-ops-hz"]["EventRW"] == "Write"},
		{"passing: acme-audit-all multi-region, all events, logging", trails["acme-audit-all"]["TrailRegion"] == "All" &&
			trails["acme-audit-all"]["EventRW"] == "All" && logging("acme-audit-all", "cn-hangzhou")},
		{"M31 only acme-rds-tde is a rotatable key without rotation", strings.Join(notRotating, ",") == "3f0d2c1e-8a4b-4c5d-9e6f-acme00000001"},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("sample account lost %s", ch.id)
		}
	}
}
