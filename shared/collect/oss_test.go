package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// addOSSCalls adds the fewest calls that collect inv's buckets in regions
// to out: ListBuckets (1,000 a page) and GetPublicAccessBlock once for the
// account, GetBucketInfo and GetBucketPolicy per bucket of the regions.
func addOSSCalls(out map[string]int, inv *cloudsim.Inventory, regions ...string) {
	if len(regions) == 0 {
		return
	}
	total := 0
	for _, r := range inv.RegionIDs() {
		total += len(inv.Objects(r, "oss", "Buckets"))
	}
	out["Oss.ListBuckets"] += max(1, (total+999)/1000)
	out["Oss.GetPublicAccessBlock"]++
	for _, r := range regions {
		if n := len(inv.Objects(r, "oss", "Buckets")); n > 0 {
			out["Oss.GetBucketInfo"] += n
			out["Oss.GetBucketPolicy"] += n
		}
	}
}

// ossAccount is an account with n buckets spread over two regions, every
// third with a policy.
func ossAccount(t *testing.T, n int) *cloudsim.Inventory {
	t.Helper()
	inv := &cloudsim.Inventory{AccountID: cloudsim.DefaultAccountID, Regions: map[string]cloudsim.Products{"cn-hangzhou": {}, "cn-shanghai": {}}}
	for i := 0; i < n; i++ {
		region := []string{"cn-hangzhou", "cn-shanghai"}[i%2]
		b := map[string]any{"Name": fmt.Sprintf("acme-bucket-%05d", i), "AccessControlList": map[string]string{"Grant": "private"}}
		if i%3 == 0 {
			b["Policy"] = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":"203456789012345678","Resource":"*"}]}`
		}
		if err := inv.Add(region, "oss", "Buckets", b); err != nil {
			t.Fatal(err)
		}
	}
	if err := inv.Validate(); err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestOSSMinimumCalls collects accounts of several sizes in both regions
// with one Collector: every bucket once, account-level calls once, 1,000
// buckets a ListBuckets page (1001 buckets take two).
func TestOSSMinimumCalls(t *testing.T) {
	for _, n := range []int{0, 1, 1001} {
		t.Run(fmt.Sprint(n, " buckets"), func(t *testing.T) {
			inv := ossAccount(t, n)
			srv := start(t, cloudsim.Options{Inventory: inv})
			c := collector(t, srv, nil)
			seen := map[string]string{}
			for _, r := range []string{"cn-hangzhou", "cn-shanghai"} {
				got, err := c.Collect(context.Background(), inv.AccountID, r, "oss")
				if err != nil || len(got.NotEvaluated) > 0 {
					t.Fatalf("Collect %s: %v %v", r, err, got.NotEvaluated)
				}
				if want := len(inv.Objects(r, "oss", "Buckets")); len(got.OSS.Buckets) != want {
					t.Errorf("%s: collected %d buckets; the region has %d", r, len(got.OSS.Buckets), want)
				}
				for _, b := range got.OSS.Buckets {
					if prev, dup := seen[b.Name]; dup {
						t.Errorf("bucket %s collected in %s and %s", b.Name, prev, r)
					}
					seen[b.Name] = r
					if b.Region != r || b.ACL != "private" || (b.Policy != nil) != policyIndex(b.Name) {
						t.Errorf("bucket %s: region %s, ACL %q, policy %v; want %s, private, a policy on every third", b.Name, b.Region, b.ACL, b.Policy != nil, r)
					}
				}
			}
			want := map[string]int{}
			addOSSCalls(want, inv, "cn-hangzhou", "cn-shanghai")
			if calls := srv.Calls(); !reflect.DeepEqual(calls, want) {
				t.Errorf("calls made differ from the minimum:\n got %v\nwant %v", calls, want)
			}
			if n == 1001 && srv.Calls()["Oss.ListBuckets"] != 2 {
				t.Errorf("1001 buckets took %d ListBuckets calls; want 2", srv.Calls()["Oss.ListBuckets"])
			}
		})
	}
}

// ossWords joins values with spaces, as fmt.Sprintln does.
func ossWords(a ...any) string { return strings.TrimSuffix(fmt.Sprintln(a...), "\n") }

// policyIndex reports whether ossAccount gave the bucket a policy.
func policyIndex(name string) bool {
	var i int
	_, _ = fmt.Sscanf(name, "acme-bucket-%d", &i)
	return i%3 == 0
}

// ossSample collects the sample account's buckets of both regions.
func ossSample(t *testing.T, srv *cloudsim.Server) map[string]collect.OSSBucket {
	t.Helper()
	c := collector(t, srv, nil)
	out := map[string]collect.OSSBucket{}
	for _, r := range []string{"cn-hangzhou", "cn-shanghai"} {
		got, err := c.OSS(context.Background(), srv.AccountID(), r)
		if err != nil {
			t.Fatalf("OSS %s: %v", r, err)
		}
		for _, b := range got.Buckets {
			out[b.Name] = b
		}
	}
	return out
}

func TestOSSCollectSample(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	b := ossSample(t, srv)
	if len(b) != 5 {
		t.Fatalf("collected %d buckets; want the sample's 5", len(b))
	}
	static, reports, logs, orders, dr := b["acme-retail-static"], b["acme-retail-reports"], b["acme-retail-logs"], b["acme-retail-orders"], b["acme-retail-dr-backup"]
	tests := []struct {
		what      string
		got, want any
	}{
		// The misconfigurations sample-account.md lists.
		{"M23 static public by ACL", ossWords(static.ACL, static.PublicACL(), static.Public()), "public-read true true"},
		{"M24 reports public by policy", ossWords(reports.ACL, reports.Policy.PublicAllow, reports.Policy.PublicActions, reports.Public()), "private true [oss:GetObject] true"},
		{"M25 logs without logging", logs.Logging, collect.OSSLogging{}},
		{"M26 dr-backup without encryption", ossWords(dr.Encryption.Enabled(), dr.Encryption), "false {  }"},
		{"M27 secure transport not required", []bool{static.SecureTransportRequired(), reports.SecureTransportRequired(), logs.SecureTransportRequired(), dr.SecureTransportRequired()},
			[]bool{false, false, false, false}},
		// What passes.
		{"orders secure transport", orders.SecureTransportRequired(), true},
		{"orders not public", ossWords(orders.Public(), orders.PublicAccessBlocked(), orders.Policy.PublicAllow), "false true false"},
		{"orders BYOK", ossWords(orders.Encryption.BYOK(), orders.Encryption.KMSKeyID), "true key-hzz67acmeorders0001"},
		{"reports KMS service key", ossWords(reports.Encryption.Algorithm, reports.Encryption.ServiceKey(), reports.Encryption.BYOK()), "KMS true false"},
		{"static OSS-managed key", ossWords(static.Encryption.Algorithm, static.Encryption.ServiceKey()), "AES256 true"},
		{"static logging", static.Logging, collect.OSSLogging{Enabled: true, TargetBucket: "acme-retail-logs", TargetPrefix: "static/"}},
		{"dr-backup logs into itself", dr.Logging.TargetBucket, "acme-retail-dr-backup"},
		{"versioning", []string{orders.Versioning, dr.Versioning, static.Versioning}, []string{"Enabled", "Suspended", ""}},
		{"logs blocked at the bucket", ossWords(logs.BlockPublicAccess, logs.AccountBlockPublicAccess), "true false"},
		{"regions", []string{orders.Region, orders.Location, dr.Region}, []string{"cn-hangzhou", "oss-cn-hangzhou", "cn-shanghai"}},
		{"details", ossWords(orders.StorageClass, orders.Redundancy, orders.CreationDate.Format("2006-01-02"), orders.ID), "Standard ZRS 2024-03-01 acme-retail-orders"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v; want %#v", tt.what, tt.got, tt.want)
		}
	}
	var ev map[string]string
	if err := json.Unmarshal(orders.Raw, &ev); err != nil {
		t.Fatalf("Raw is not a JSON object: %v", err)
	}
	if !strings.Contains(ev["GetBucketInfo"], "<Name>acme-retail-orders</Name>") || !strings.Contains(ev["GetBucketPolicy"], `"acs:SecureTransport"`) {
		t.Errorf("Raw %s does not keep the GetBucketInfo and GetBucketPolicy answers", orders.Raw)
	}
	if _, ok := ev["GetBucketAcl"]; ok {
		t.Errorf("Raw names GetBucketAcl, which was not called")
	}
	if calls := srv.Calls(); calls["Oss.ListBuckets"] != 1 || calls["Oss.GetPublicAccessBlock"] != 1 {
		t.Errorf("account-level calls over two regions: ListBuckets %d, GetPublicAccessBlock %d; want 1 each", calls["Oss.ListBuckets"], calls["Oss.GetPublicAccessBlock"])
	}

	// Assets list the buckets with their evidence; a full Collect files
	// OSS next to the other products.
	got, err := collector(t, srv, nil).Collect(context.Background(), inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range got.Assets() {
		if a.Product == "oss" && a.Type == "Buckets" && a.Region == "cn-hangzhou" && len(a.Raw) > 0 {
			n++
		}
	}
	if n != 4 {
		t.Errorf("Assets() lists %d cn-hangzhou buckets; want 4", n)
	}
}

func TestOSSAccountBlock(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	if _, err := srv.OSSClient("cn-hangzhou").PutPublicAccessBlock(context.Background(), &oss.PutPublicAccessBlockRequest{
		PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)}}); err != nil {
		t.Fatal(err)
	}
	b := ossSample(t, srv)
	for _, name := range []string{"acme-retail-static", "acme-retail-reports"} {
		if !b[name].AccountBlockPublicAccess || b[name].Public() {
			t.Errorf("%s with the account's Block Public Access on: blocked %v, public %v; want true, false", name, b[name].AccountBlockPublicAccess, b[name].Public())
		}
	}
}

// TestOSSFixThenCollect applies the fixes for the sample's OSS
// misconfigurations through the OSS SDK and checks the next scan sees
// them.
func TestOSSFixThenCollect(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	ctx := context.Background()
	hz, sh := srv.OSSClient("cn-hangzhou"), srv.OSSClient("cn-shanghai")
	secure := func(bucket string) string {
		return `{"Version":"1","Statement":[{"Effect":"Deny","Action":["oss:*"],"Principal":["*"],` +
			`"Resource":["acs:oss:*:1357924680135792:` + bucket + `","acs:oss:*:1357924680135792:` + bucket + `/*"],` +
			`"Condition":{"Bool":{"acs:SecureTransport":["false"]}}}]}`
	}
	fixes := []struct {
		name string
		do   func() error
	}{
		{"M23 PutBucketAcl private", func() error {
			_, err := hz.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: oss.Ptr("acme-retail-static"), Acl: oss.BucketACLPrivate})
			return err
		}},
		{"M24+M27 PutBucketPolicy without * on reports, with secure transport", func() error {
			_, err := hz.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr("acme-retail-reports"), Body: strings.NewReader(secure("acme-retail-reports"))})
			return err
		}},
		{"M25 PutBucketLogging", func() error {
			_, err := hz.PutBucketLogging(ctx, &oss.PutBucketLoggingRequest{Bucket: oss.Ptr("acme-retail-logs"), BucketLoggingStatus: &oss.BucketLoggingStatus{
				LoggingEnabled: &oss.LoggingEnabled{TargetBucket: oss.Ptr("acme-retail-logs"), TargetPrefix: oss.Ptr("self/")}}})
			return err
		}},
		{"M26 PutBucketEncryption", func() error {
			_, err := sh.PutBucketEncryption(ctx, &oss.PutBucketEncryptionRequest{Bucket: oss.Ptr("acme-retail-dr-backup"),
				ServerSideEncryptionRule: &oss.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &oss.ApplyServerSideEncryptionByDefault{SSEAlgorithm: oss.Ptr("AES256")}}})
			return err
		}},
		{"M27 PutBucketPolicy secure transport on static", func() error {
			_, err := hz.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr("acme-retail-static"), Body: strings.NewReader(secure("acme-retail-static"))})
			return err
		}},
		{"PutBucketPublicAccessBlock on reports", func() error {
			_, err := hz.PutBucketPublicAccessBlock(ctx, &oss.PutBucketPublicAccessBlockRequest{Bucket: oss.Ptr("acme-retail-reports"),
				PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)}})
			return err
		}},
	}
	for _, f := range fixes {
		if err := f.do(); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
	}
	b := ossSample(t, srv) // a new scan
	checks := []struct {
		what string
		ok   bool
	}{
		{"M23 static no longer public", b["acme-retail-static"].ACL == "private" && !b["acme-retail-static"].Public()},
		{"M24 reports no longer public", !b["acme-retail-reports"].Policy.PublicAllow && !b["acme-retail-reports"].Public()},
		{"M25 logs now logged", b["acme-retail-logs"].Logging == collect.OSSLogging{Enabled: true, TargetBucket: "acme-retail-logs", TargetPrefix: "self/"}},
		{"M26 dr-backup now encrypted", b["acme-retail-dr-backup"].Encryption.Algorithm == "AES256"},
		{"M27 static and reports require secure transport", b["acme-retail-static"].SecureTransportRequired() && b["acme-retail-reports"].SecureTransportRequired()},
		{"reports blocked", b["acme-retail-reports"].BlockPublicAccess},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("after the fix the next collect does not show: %s", ch.what)
		}
	}
}

func TestOSSNotEvaluated(t *testing.T) {
	inv := sample(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		faults cloudsim.Faults
		api    string
		reason collect.Code
		code   string
	}{
		{"OSS denied", cloudsim.Faults{PermissionDenied: map[string]bool{"Oss": true}}, "", collect.PermissionDenied, "AccessDenied"},
		{"one bucket API denied", cloudsim.Faults{PermissionDenied: map[string]bool{"Oss.GetBucketPolicy": true}}, "Oss.GetBucketPolicy", collect.PermissionDenied, "AccessDenied"},
		{"ListBuckets denied", cloudsim.Faults{PermissionDenied: map[string]bool{"Oss.ListBuckets": true}}, "Oss.ListBuckets", collect.PermissionDenied, "AccessDenied"},
		{"throttled beyond retries", cloudsim.Faults{ThrottleRate: 1}, "", collect.Throttled, "SlowDown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: tt.faults})
			c := collector(t, srv, func(cfg *collect.Config) { cfg.Retry.MaxAttempts = 3 })
			names := []string{"oss", "ecs", "vpc"}
			if tt.faults.ThrottleRate > 0 {
				names = []string{"oss"}
			}
			got, err := c.Collect(ctx, inv.AccountID, "cn-hangzhou", names...)
			if err != nil {
				t.Fatalf("Collect returned an error for a gap: %v", err)
			}
			ne := got.NotEvaluatedFor("oss")
			if ne == nil || len(got.NotEvaluated) != 1 || got.OSS != nil {
				t.Fatalf("NotEvaluated = %v, OSS = %v; want exactly oss, and no OSS inventory", got.NotEvaluated, got.OSS)
			}
			if ne.Reason != tt.reason || ne.Code != tt.code || ne.Region != "cn-hangzhou" || (tt.api != "" && ne.API != tt.api) {
				t.Errorf("NotEvaluated[oss] = %+v; want reason %s, code %s, API %q", ne, tt.reason, tt.code, tt.api)
			}
			var se *oss.ServiceError
			if !errors.As(ne, &se) || se.RequestID == "" {
				t.Errorf("the OSS ServiceError is not reachable through %v", ne)
			}
			if tt.faults.ThrottleRate > 0 {
				if !errors.Is(ne, collect.ErrThrottled) || ne.Err.Attempts != 3 {
					t.Errorf("throttled: %+v; want ErrThrottled after 3 attempts", ne.Err)
				}
				return
			}
			if !errors.Is(ne, collect.ErrPermission) || got.ECS == nil || got.VPC == nil {
				t.Errorf("denied OSS: errors.Is(ErrPermission) %v, ECS %v, VPC %v; want true and both collected", errors.Is(ne, collect.ErrPermission), got.ECS != nil, got.VPC != nil)
			}
		})
	}
}

// TestOSSFaultsLoseNothing injects throttling and server errors into
// every OSS call and compares with a fault-free collect.
func TestOSSFaultsLoseNothing(t *testing.T) {
	inv := ossAccount(t, 120)
	collectAll := func(f cloudsim.Faults) ([]*collect.OSSInventory, int) {
		srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: f, Seed: 5})
		c := collector(t, srv, func(cfg *collect.Config) { cfg.Retry.MaxAttempts = 10 })
		var out []*collect.OSSInventory
		for _, r := range []string{"cn-hangzhou", "cn-shanghai"} {
			got, err := c.OSS(context.Background(), inv.AccountID, r)
			if err != nil {
				t.Fatalf("OSS %s with faults %+v: %v", r, f, err)
			}
			out = append(out, got)
		}
		return out, sum(srv.Calls())
	}
	clean, cleanCalls := collectAll(cloudsim.Faults{})
	faulty, faultyCalls := collectAll(cloudsim.Faults{ThrottleRate: 0.15, ServerErrorRate: 0.1})
	if !reflect.DeepEqual(clean, faulty) {
		t.Errorf("with 15%% throttling and 10%% server errors the OSS inventory differs from a fault-free collect")
	}
	if faultyCalls <= cleanCalls {
		t.Errorf("faulty run made %d calls, clean %d: the faults were not injected", faultyCalls, cleanCalls)
	}
}

// ossMangle serves cloudsim but rewrites the successful answers to the
// OSS requests match selects.
func ossMangle(t *testing.T, srv *cloudsim.Server, match func(r *http.Request) bool, fn func([]byte) []byte) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.HTTPHandler().ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if match(r) && rec.Code == 200 {
			body = fn(body)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String()
}

// ossOp matches an OSS request by method and sub-resource ("" for
// ListBuckets).
func ossOp(method, sub string) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "OSS4-HMAC-SHA256") || r.Method != method {
			return false
		}
		if sub == "" {
			return r.URL.Path == "/" && !r.URL.Query().Has("publicAccessBlock")
		}
		return r.URL.Query().Has(sub)
	}
}

func TestOSSMalformedResponses(t *testing.T) {
	inv := sample(t)
	tests := []struct {
		name  string
		match func(r *http.Request) bool
		api   string
		fn    func([]byte) []byte
	}{
		{"truncated XML", ossOp("GET", "bucketInfo"), "GetBucketInfo", func(b []byte) []byte { return b[:len(b)/2] }},
		{"not XML at all", ossOp("GET", ""), "ListBuckets", func([]byte) []byte { return []byte("<html>gateway timeout</html>") }},
		{"bucket without a name", ossOp("GET", ""), "ListBuckets", func(b []byte) []byte {
			return regexp.MustCompile(`<Name>[^<]*</Name>`).ReplaceAll(b, nil)
		}},
		{"wrong bucket answered", ossOp("GET", "bucketInfo"), "GetBucketInfo", func(b []byte) []byte {
			return regexp.MustCompile(`<Name>[^<]*</Name>`).ReplaceAll(b, []byte("<Name>someone-else</Name>"))
		}},
		{"policy not JSON", ossOp("GET", "policy"), "GetBucketPolicy", func(b []byte) []byte { return b[:len(b)-3] }},
		{"account setting missing", ossOp("GET", "publicAccessBlock"), "GetPublicAccessBlock", func([]byte) []byte {
			return []byte(`<?xml version="1.0"?><PublicAccessBlockConfiguration></PublicAccessBlockConfiguration>`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
			addr := ossMangle(t, srv, tt.match, tt.fn)
			c := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr })
			got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou", "oss", "ecs")
			if err == nil {
				t.Fatalf("Collect with a mangled %s succeeded", tt.api)
			}
			if !errors.Is(err, collect.ErrMalformed) || !strings.Contains(err.Error(), "Oss."+tt.api) {
				t.Errorf("Collect error = %v; want a malformed-response error naming Oss.%s", err, tt.api)
			}
			if len(got.NotEvaluated) != 0 || got.OSS != nil || got.ECS == nil {
				t.Errorf("NotEvaluated %v, OSS %v, ECS %v; want no gap, no OSS, ECS collected", got.NotEvaluated, got.OSS != nil, got.ECS != nil)
			}
		})
	}
}

// TestOSSOlderBucketInfo strips the sub-resources from GetBucketInfo's
// answers: the collector reads them with their own APIs and ends with the
// same inventory.
func TestOSSOlderBucketInfo(t *testing.T) {
	inv := sample(t)
	clean := ossSample(t, start(t, cloudsim.Options{Inventory: inv.Clone()}))
	srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
	strip := regexp.MustCompile(`<(AccessControlList|BlockPublicAccess|BucketPolicy|ServerSideEncryptionRule)>.*?</(AccessControlList|BlockPublicAccess|BucketPolicy|ServerSideEncryptionRule)>`)
	addr := ossMangle(t, srv, ossOp("GET", "bucketInfo"), func(b []byte) []byte { return strip.ReplaceAll(b, nil) })
	c := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr })
	got := map[string]collect.OSSBucket{}
	for _, r := range []string{"cn-hangzhou", "cn-shanghai"} {
		o, err := c.OSS(context.Background(), inv.AccountID, r)
		if err != nil {
			t.Fatalf("OSS %s: %v", r, err)
		}
		for _, b := range o.Buckets {
			if bytes.Contains(b.Raw, []byte("AccessControlList>")) && !bytes.Contains(b.Raw, []byte(`"GetBucketAcl"`)) {
				t.Errorf("%s: mangling failed", b.Name)
			}
			got[b.Name] = b
		}
	}
	for name, want := range clean {
		g := got[name]
		g.Raw, want.Raw = nil, nil
		if !reflect.DeepEqual(g, want) {
			t.Errorf("%s from the separate APIs:\n got %+v\nwant %+v", name, g, want)
		}
	}
	calls := srv.Calls()
	for _, api := range []string{"GetBucketAcl", "GetBucketPublicAccessBlock", "GetBucketLogging", "GetBucketEncryption"} {
		if calls["Oss."+api] != 5 {
			t.Errorf("Calls()[Oss.%s] = %d; want 5 (one per bucket)", api, calls["Oss."+api])
		}
	}
}
