package cloudsim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscred "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/retry"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

// ossClient is an OSS SDK client with the given keys (token optional) and
// signature version for region.
func ossClient(srv *cloudsim.Server, region, ak, sk, token string, v1 bool) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(osscred.NewStaticCredentialsProvider(ak, sk, token)).
		WithRegion(region).WithEndpoint(srv.Addr()).WithDisableSSL(true).WithUsePathStyle(true).
		WithRetryer(retry.NopRetryer{}).WithHttpClient(&http.Client{Timeout: 10 * time.Second})
	if v1 {
		cfg = cfg.WithSignatureVersion(oss.SignatureVersionV1)
	}
	return oss.NewClient(cfg)
}

// ossErr extracts the OSS service error.
func ossErr(t *testing.T, err error) *oss.ServiceError {
	t.Helper()
	var se *oss.ServiceError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not an OSS service error", err, err)
	}
	return se
}

func TestOSSSignature(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Now: func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }})
	ctx := context.Background()

	// STS credentials issued by the server work for OSS too.
	ar := sts.CreateAssumeRoleRequest()
	ar.Scheme = "http"
	ar.RoleArn = "acs:ram::1357924680135792:role/cspmauditrole"
	ar.RoleSessionName = "oss-test"
	ar.ExternalId = "acme-retail-7f3c"
	assumed := sts.CreateAssumeRoleResponse()
	platform := start(t, cloudsim.Options{Inventory: sample(t), Principal: "acs:ram::1234567890123456:user/cspm-platform"})
	if err := client(t, platform, cloudsim.DefaultAccessKeyID, cloudsim.DefaultAccessKeySecret, "").DoAction(ar, assumed); err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	tok := assumed.Credentials

	tests := []struct {
		name       string
		srv        *cloudsim.Server
		ak, sk     string
		token      string
		v1         bool
		wantCode   string // "" = success
		wantStatus int
	}{
		{name: "right key", srv: srv, ak: cloudsim.DefaultAccessKeyID, sk: cloudsim.DefaultAccessKeySecret},
		{name: "wrong secret", srv: srv, ak: cloudsim.DefaultAccessKeyID, sk: "not-the-secret", wantCode: "SignatureDoesNotMatch", wantStatus: 403},
		{name: "unknown key", srv: srv, ak: "LTAI-someone-else", sk: cloudsim.DefaultAccessKeySecret, wantCode: "InvalidAccessKeyId", wantStatus: 403},
		{name: "V1 signature", srv: srv, ak: cloudsim.DefaultAccessKeyID, sk: cloudsim.DefaultAccessKeySecret, v1: true, wantCode: "InvalidArgument", wantStatus: 400},
		{name: "assumed role", srv: platform, ak: tok.AccessKeyId, sk: tok.AccessKeySecret, token: tok.SecurityToken},
		{name: "assumed role, wrong token", srv: platform, ak: tok.AccessKeyId, sk: tok.AccessKeySecret, token: "nope",
			wantCode: "InvalidSecurityToken", wantStatus: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ossClient(tt.srv, "cn-hangzhou", tt.ak, tt.sk, tt.token, tt.v1)
			// A GET with a sub-resource and a PUT with a signed x-oss-acl
			// header and a body cover the canonical request's parts.
			res, err := c.ListBuckets(ctx, &oss.ListBucketsRequest{Prefix: oss.Ptr("acme-"), MaxKeys: 10})
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("ListBuckets: %v", err)
				}
				if len(res.Buckets) != 5 {
					t.Errorf("ListBuckets = %d buckets; want the sample's 5", len(res.Buckets))
				}
				if _, err := c.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: oss.Ptr("acme-retail-logs"), Acl: oss.BucketACLPrivate}); err != nil {
					t.Errorf("PutBucketAcl: %v", err)
				}
				if _, err := c.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr("acme-retail-logs"),
					Body: strings.NewReader(`{"Version":"1","Statement":[{"Effect":"Deny","Action":["oss:*"],"Principal":["*"],"Resource":["acs:oss:*:*:acme-retail-logs/*"],"Condition":{"Bool":{"acs:SecureTransport":["false"]}}}]}`)}); err != nil {
					t.Errorf("PutBucketPolicy (a body): %v", err)
				}
				return
			}
			se := ossErr(t, err)
			if se.Code != tt.wantCode || se.StatusCode != tt.wantStatus || se.RequestID == "" {
				t.Errorf("ListBuckets signed %s/%s = %d %s (request ID %q); want %d %s with a request ID", tt.ak, tt.sk, se.StatusCode, se.Code, se.RequestID, tt.wantStatus, tt.wantCode)
			}
			if tt.wantCode == "SignatureDoesNotMatch" && !strings.Contains(string(se.Snapshot), "<StringToSign>OSS4-HMAC-SHA256") {
				t.Errorf("SignatureDoesNotMatch does not show the server's string to sign: %s", se.Snapshot)
			}
		})
	}
	// No Authorization at all is not an OSS request: it is an RPC call
	// without an Action.
	resp, err := http.Get(srv.URL() + "/acme-retail-static/?acl")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unsigned GET = %d; want 400 (MissingParameter Action)", resp.StatusCode)
	}
}

func TestOSSListBucketsPaging(t *testing.T) {
	inv := &cloudsim.Inventory{AccountID: cloudsim.DefaultAccountID, Regions: map[string]cloudsim.Products{}}
	for i := 0; i < 2500; i++ {
		region := []string{"cn-hangzhou", "cn-shanghai"}[i%2]
		if err := inv.Add(region, "oss", "Buckets", map[string]any{"Name": fmt.Sprintf("bucket-%05d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := srv.OSSClient("cn-beijing") // ListBuckets answers at any endpoint
	ctx := context.Background()

	seen := map[string]string{}
	marker := ""
	for {
		req := &oss.ListBucketsRequest{MaxKeys: 1000}
		if marker != "" {
			req.Marker = oss.Ptr(marker)
		}
		res, err := c.ListBuckets(ctx, req)
		if err != nil {
			t.Fatalf("ListBuckets(marker %q): %v", marker, err)
		}
		for _, b := range res.Buckets {
			seen[oss.ToString(b.Name)] = oss.ToString(b.Region)
			if oss.ToString(b.Location) != "oss-"+oss.ToString(b.Region) || b.CreationDate == nil {
				t.Fatalf("bucket %s: Location %q, Region %q, CreationDate %v; want oss-<region>, a date", oss.ToString(b.Name),
					oss.ToString(b.Location), oss.ToString(b.Region), b.CreationDate)
			}
		}
		if !res.IsTruncated {
			break
		}
		marker = oss.ToString(res.NextMarker)
	}
	if len(seen) != 2500 || seen["bucket-00001"] != "cn-shanghai" || srv.Calls()["Oss.ListBuckets"] != 3 {
		t.Errorf("marker walk: %d distinct buckets (bucket-00001 in %q) in %d calls; want 2500 (cn-shanghai) in 3",
			len(seen), seen["bucket-00001"], srv.Calls()["Oss.ListBuckets"])
	}

	res, err := c.ListBuckets(ctx, &oss.ListBucketsRequest{Prefix: oss.Ptr("bucket-0249"), Marker: oss.Ptr("bucket-02491")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Buckets) != 8 || res.IsTruncated || oss.ToString(res.Buckets[0].Name) != "bucket-02492" {
		t.Errorf("prefix bucket-0249 after bucket-02491: %d buckets, truncated %v; want 8 from bucket-02492", len(res.Buckets), res.IsTruncated)
	}
	res, err = c.ListBuckets(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Buckets) != 100 || !res.IsTruncated || oss.ToString(res.NextMarker) != "bucket-00099" || res.MaxKeys != 100 {
		t.Errorf("default page: %d buckets, truncated %v, NextMarker %q, MaxKeys %d; want 100, true, bucket-00099, 100",
			len(res.Buckets), res.IsTruncated, oss.ToString(res.NextMarker), res.MaxKeys)
	}
	_, err = c.ListBuckets(ctx, &oss.ListBucketsRequest{MaxKeys: 1001})
	if se := ossErr(t, err); se.Code != "InvalidArgument" || se.StatusCode != 400 {
		t.Errorf("max-keys 1001 = %d %s; want 400 InvalidArgument (the documented maximum is 1000)", se.StatusCode, se.Code)
	}
}

func TestOSSReads(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	hz, sh := srv.OSSClient("cn-hangzhou"), srv.OSSClient("cn-shanghai")
	ctx := context.Background()
	b := oss.Ptr[string]

	info, err := hz.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: b("acme-retail-orders")})
	if err != nil {
		t.Fatal(err)
	}
	bi := info.BucketInfo
	got := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%v|%s|%s", oss.ToString(bi.Name), oss.ToString(bi.Location), oss.ToString(bi.ACL),
		oss.ToString(bi.SseRule.SSEAlgorithm), oss.ToString(bi.SseRule.KMSMasterKeyID), oss.ToString(bi.BucketPolicy.LogBucket),
		oss.ToString(bi.Versioning), oss.ToBool(bi.BlockPublicAccess), oss.ToString(bi.Owner.ID), oss.ToString(bi.DataRedundancyType))
	if want := "acme-retail-orders|oss-cn-hangzhou|private|KMS|key-hzz67acmeorders0001|acme-retail-logs|Enabled|true|1357924680135792|ZRS"; got != want {
		t.Errorf("GetBucketInfo(acme-retail-orders) = %s; want %s", got, want)
	}
	// Defaults for what the inventory leaves out; "None" for no encryption.
	info, err = sh.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: b("acme-retail-dr-backup")})
	if err != nil {
		t.Fatal(err)
	}
	if a := info.BucketInfo.SseRule.SSEAlgorithm; a == nil || *a != "" || oss.ToString(info.BucketInfo.ExtranetEndpoint) != "oss-cn-shanghai.aliyuncs.com" {
		t.Errorf("GetBucketInfo(acme-retail-dr-backup): SSEAlgorithm %v (the SDK turns None into \"\"), endpoint %q", a, oss.ToString(info.BucketInfo.ExtranetEndpoint))
	}
	// GetBucketInfo answers at any endpoint; the other operations only at
	// the bucket's.
	if _, err := hz.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: b("acme-retail-dr-backup")}); err != nil {
		t.Errorf("GetBucketInfo of a cn-shanghai bucket at the cn-hangzhou endpoint: %v", err)
	}
	_, err = hz.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: b("acme-retail-dr-backup")})
	if se := ossErr(t, err); se.Code != "AccessDenied" || !strings.Contains(string(se.Snapshot), "<Endpoint>oss-cn-shanghai.aliyuncs.com</Endpoint>") {
		t.Errorf("GetBucketAcl at the wrong endpoint = %s %s; want AccessDenied naming oss-cn-shanghai.aliyuncs.com", se.Code, se.Snapshot)
	}

	acl, err := hz.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: b("acme-retail-static")})
	if err != nil || oss.ToString(acl.ACL) != "public-read" || oss.ToString(acl.Owner.ID) != "1357924680135792" {
		t.Errorf("GetBucketAcl(acme-retail-static) = %+v, %v; want public-read, owned by the account", acl, err)
	}
	pol, err := hz.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: b("acme-retail-reports")})
	if err != nil || !json.Valid([]byte(pol.Body)) || !strings.Contains(pol.Body, `"Principal":["*"]`) {
		t.Errorf("GetBucketPolicy(acme-retail-reports) = %v, %v; want the JSON document granting *", pol, err)
	}
	pab, err := hz.GetBucketPublicAccessBlock(ctx, &oss.GetBucketPublicAccessBlockRequest{Bucket: b("acme-retail-logs")})
	if err != nil || !oss.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicAccess) {
		t.Errorf("GetBucketPublicAccessBlock(acme-retail-logs) = %+v, %v; want true", pab, err)
	}
	apab, err := sh.GetPublicAccessBlock(ctx, &oss.GetPublicAccessBlockRequest{})
	if err != nil || apab.PublicAccessBlockConfiguration == nil || oss.ToBool(apab.PublicAccessBlockConfiguration.BlockPublicAccess) {
		t.Errorf("GetPublicAccessBlock = %+v, %v; want the account's false", apab, err)
	}
	lg, err := hz.GetBucketLogging(ctx, &oss.GetBucketLoggingRequest{Bucket: b("acme-retail-static")})
	if err != nil || lg.BucketLoggingStatus.LoggingEnabled == nil || oss.ToString(lg.BucketLoggingStatus.LoggingEnabled.TargetPrefix) != "static/" {
		t.Errorf("GetBucketLogging(acme-retail-static) = %+v, %v; want into acme-retail-logs/static/", lg, err)
	}
	lg, err = hz.GetBucketLogging(ctx, &oss.GetBucketLoggingRequest{Bucket: b("acme-retail-logs")})
	if err != nil || lg.BucketLoggingStatus == nil || lg.BucketLoggingStatus.LoggingEnabled != nil {
		t.Errorf("GetBucketLogging(acme-retail-logs) = %+v, %v; want an empty BucketLoggingStatus", lg, err)
	}
	enc, err := hz.GetBucketEncryption(ctx, &oss.GetBucketEncryptionRequest{Bucket: b("acme-retail-reports")})
	if err != nil || oss.ToString(enc.ServerSideEncryptionRule.ApplyServerSideEncryptionByDefault.SSEAlgorithm) != "KMS" {
		t.Errorf("GetBucketEncryption(acme-retail-reports) = %+v, %v; want KMS", enc, err)
	}
	ver, err := sh.GetBucketVersioning(ctx, &oss.GetBucketVersioningRequest{Bucket: b("acme-retail-dr-backup")})
	if err != nil || oss.ToString(ver.VersionStatus) != "Suspended" {
		t.Errorf("GetBucketVersioning(acme-retail-dr-backup) = %+v, %v; want Suspended", ver, err)
	}
	ver, err = hz.GetBucketVersioning(ctx, &oss.GetBucketVersioningRequest{Bucket: b("acme-retail-static")})
	if err != nil || ver.VersionStatus != nil {
		t.Errorf("GetBucketVersioning(acme-retail-static) = %+v, %v; want no Status (never enabled)", ver, err)
	}

	errs := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"no policy", func() error {
			_, err := hz.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: b("acme-retail-static")})
			return err
		}, "NoSuchBucketPolicy", 404},
		{"no encryption", func() error {
			_, err := sh.GetBucketEncryption(ctx, &oss.GetBucketEncryptionRequest{Bucket: b("acme-retail-dr-backup")})
			return err
		}, "NoSuchServerSideEncryptionRule", 404},
		{"no bucket", func() error {
			_, err := hz.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: b("acme-retail-nope")})
			return err
		}, "NoSuchBucket", 404},
		{"unknown operation", func() error {
			_, err := hz.GetBucketCors(ctx, &oss.GetBucketCorsRequest{Bucket: b("acme-retail-static")})
			return err
		}, "InvalidAction.NotFound", 404},
		{"object operation", func() error {
			_, err := hz.GetObject(ctx, &oss.GetObjectRequest{Bucket: b("acme-retail-static"), Key: b("index.html")})
			return err
		}, "InvalidAction.NotFound", 404},
	}
	for _, tt := range errs {
		se := ossErr(t, tt.call())
		if se.Code != tt.code || se.StatusCode != tt.status {
			t.Errorf("%s: %d %s; want %d %s", tt.name, se.StatusCode, se.Code, tt.status, tt.code)
		}
	}
	if got := srv.Calls()["Oss.GET bucket?cors"]; got != 1 {
		t.Errorf(`Calls()["Oss.GET bucket?cors"] = %d; want 1 (unknown operations are counted too)`, got)
	}
}

// bucketInfo reads a bucket's stored state.
func bucketInfo(t *testing.T, srv *cloudsim.Server, region, name string) map[string]any {
	t.Helper()
	for _, raw := range srv.Inventory().Objects(region, "oss", "Buckets") {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		if m["Name"] == name {
			return m
		}
	}
	t.Fatalf("bucket %s not in %s", name, region)
	return nil
}

func TestOSSWrites(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	hz, sh := srv.OSSClient("cn-hangzhou"), srv.OSSClient("cn-shanghai")
	ctx := context.Background()
	b := oss.Ptr[string]

	fixes := []struct {
		name  string
		apply func() error
		check func() string // "" when the fix shows in the next read
	}{
		{"PutBucketAcl private", func() error {
			_, err := hz.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: b("acme-retail-static"), Acl: oss.BucketACLPrivate})
			return err
		}, func() string {
			r, err := hz.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: b("acme-retail-static")})
			if err != nil || oss.ToString(r.ACL) != "private" {
				return fmt.Sprintf("GetBucketAcl = %v, %v", r, err)
			}
			return ""
		}},
		{"PutBucketPolicy", func() error {
			_, err := hz.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: b("acme-retail-reports"),
				Body: strings.NewReader(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["203456789012345678"],"Resource":["acs:oss:*:*:acme-retail-reports/*"]}]}`)})
			return err
		}, func() string {
			r, err := hz.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: b("acme-retail-reports")})
			if err != nil || strings.Contains(r.Body, `"*"]`) {
				return fmt.Sprintf("GetBucketPolicy = %v, %v", r, err)
			}
			return ""
		}},
		{"DeleteBucketPolicy", func() error {
			_, err := hz.DeleteBucketPolicy(ctx, &oss.DeleteBucketPolicyRequest{Bucket: b("acme-retail-reports")})
			return err
		}, func() string {
			_, err := hz.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: b("acme-retail-reports")})
			if se := ossErr(t, err); se.Code != "NoSuchBucketPolicy" {
				return "GetBucketPolicy = " + se.Code
			}
			return ""
		}},
		{"PutBucketLogging (into itself)", func() error {
			_, err := hz.PutBucketLogging(ctx, &oss.PutBucketLoggingRequest{Bucket: b("acme-retail-logs"), BucketLoggingStatus: &oss.BucketLoggingStatus{
				LoggingEnabled: &oss.LoggingEnabled{TargetBucket: b("acme-retail-logs"), TargetPrefix: b("self/")}}})
			return err
		}, func() string {
			r, err := hz.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: b("acme-retail-logs")})
			if err != nil || oss.ToString(r.BucketInfo.BucketPolicy.LogBucket) != "acme-retail-logs" || oss.ToString(r.BucketInfo.BucketPolicy.LogPrefix) != "self/" {
				return fmt.Sprintf("GetBucketInfo = %+v, %v", r, err)
			}
			return ""
		}},
		{"PutBucketEncryption KMS with a key", func() error {
			_, err := sh.PutBucketEncryption(ctx, &oss.PutBucketEncryptionRequest{Bucket: b("acme-retail-dr-backup"),
				ServerSideEncryptionRule: &oss.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &oss.ApplyServerSideEncryptionByDefault{
					SSEAlgorithm: b("KMS"), KMSMasterKeyID: b("key-shh01drbackup")}}})
			return err
		}, func() string {
			r, err := sh.GetBucketEncryption(ctx, &oss.GetBucketEncryptionRequest{Bucket: b("acme-retail-dr-backup")})
			if err != nil || oss.ToString(r.ServerSideEncryptionRule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != "key-shh01drbackup" {
				return fmt.Sprintf("GetBucketEncryption = %+v, %v", r, err)
			}
			return ""
		}},
		{"PutBucketPublicAccessBlock", func() error {
			_, err := hz.PutBucketPublicAccessBlock(ctx, &oss.PutBucketPublicAccessBlockRequest{Bucket: b("acme-retail-static"),
				PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)}})
			return err
		}, func() string {
			if m := bucketInfo(t, srv, "cn-hangzhou", "acme-retail-static"); m["BlockPublicAccess"] != true {
				return fmt.Sprintf("stored BlockPublicAccess = %v", m["BlockPublicAccess"])
			}
			return ""
		}},
		{"PutBucketVersioning", func() error {
			_, err := hz.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{Bucket: b("acme-retail-static"),
				VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionEnabled}})
			return err
		}, func() string {
			r, err := hz.GetBucketVersioning(ctx, &oss.GetBucketVersioningRequest{Bucket: b("acme-retail-static")})
			if err != nil || oss.ToString(r.VersionStatus) != "Enabled" {
				return fmt.Sprintf("GetBucketVersioning = %+v, %v", r, err)
			}
			return ""
		}},
		{"PutPublicAccessBlock (account)", func() error {
			_, err := hz.PutPublicAccessBlock(ctx, &oss.PutPublicAccessBlockRequest{
				PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)}})
			return err
		}, func() string {
			r, err := sh.GetPublicAccessBlock(ctx, &oss.GetPublicAccessBlockRequest{})
			if err != nil || !oss.ToBool(r.PublicAccessBlockConfiguration.BlockPublicAccess) {
				return fmt.Sprintf("GetPublicAccessBlock = %+v, %v", r, err)
			}
			return ""
		}},
	}
	for _, f := range fixes {
		if err := f.apply(); err != nil {
			t.Errorf("%s: %v", f.name, err)
			continue
		}
		if msg := f.check(); msg != "" {
			t.Errorf("after %s the next read still shows the old state: %s", f.name, msg)
		}
	}

	refused := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"public ACL under Block Public Access", func() error {
			_, err := hz.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: b("acme-retail-orders"), Acl: oss.BucketACLPublicRead})
			return err
		}, "AccessDenied", 403},
		{"public policy under the account's Block Public Access", func() error {
			_, err := hz.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: b("acme-retail-reports"),
				Body: strings.NewReader(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["*"]}]}`)})
			return err
		}, "AccessDenied", 403},
		{"not a policy", func() error {
			_, err := hz.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: b("acme-retail-reports"), Body: strings.NewReader(`{"Statement":`)})
			return err
		}, "InvalidPolicyDocument", 400},
		{"logging into another region", func() error {
			_, err := sh.PutBucketLogging(ctx, &oss.PutBucketLoggingRequest{Bucket: b("acme-retail-dr-backup"), BucketLoggingStatus: &oss.BucketLoggingStatus{
				LoggingEnabled: &oss.LoggingEnabled{TargetBucket: b("acme-retail-logs")}}})
			return err
		}, "InvalidTargetBucketForLogging", 400},
		{"unknown algorithm", func() error {
			_, err := hz.PutBucketEncryption(ctx, &oss.PutBucketEncryptionRequest{Bucket: b("acme-retail-logs"),
				ServerSideEncryptionRule: &oss.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &oss.ApplyServerSideEncryptionByDefault{SSEAlgorithm: b("DES")}}})
			return err
		}, "InvalidEncryptionAlgorithmError", 400},
		{"key without KMS", func() error {
			_, err := hz.PutBucketEncryption(ctx, &oss.PutBucketEncryptionRequest{Bucket: b("acme-retail-logs"),
				ServerSideEncryptionRule: &oss.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &oss.ApplyServerSideEncryptionByDefault{
					SSEAlgorithm: b("AES256"), KMSMasterKeyID: b("key-1")}}})
			return err
		}, "InvalidArgument", 400},
		{"no bucket", func() error {
			_, err := hz.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: b("acme-retail-nope"), Acl: oss.BucketACLPrivate})
			return err
		}, "NoSuchBucket", 404},
	}
	for _, tt := range refused {
		se := ossErr(t, tt.call())
		if se.Code != tt.code || se.StatusCode != tt.status {
			t.Errorf("%s: %d %s; want %d %s", tt.name, se.StatusCode, se.Code, tt.status, tt.code)
		}
	}
	// A bad x-oss-acl, sent around the SDK's own check.
	_, err := hz.InvokeOperation(ctx, &oss.OperationInput{OpName: "PutBucketAcl", Method: "PUT", Bucket: b("acme-retail-logs"),
		Headers: map[string]string{"x-oss-acl": "public"}, Parameters: map[string]string{"acl": ""}})
	if se := ossErr(t, err); se.Code != "InvalidArgument" {
		t.Errorf("PutBucketAcl x-oss-acl public = %s; want InvalidArgument", se.Code)
	}
	if m := bucketInfo(t, srv, "cn-hangzhou", "acme-retail-orders"); m["AccessControlList"].(map[string]any)["Grant"] != "private" {
		t.Errorf("a refused PutBucketAcl changed the bucket: %v", m["AccessControlList"])
	}
	if err := srv.Inventory().Validate(); err != nil {
		t.Errorf("the state after the writes does not validate: %v", err)
	}
}

func TestOSSFaults(t *testing.T) {
	ctx := context.Background()
	t.Run("permission denied", func(t *testing.T) {
		srv := start(t, cloudsim.Options{Inventory: sample(t), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Oss.GetBucketPolicy": true}}})
		c := srv.OSSClient("cn-hangzhou")
		_, err := c.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: oss.Ptr("acme-retail-reports")})
		if se := ossErr(t, err); se.Code != "AccessDenied" || se.StatusCode != 403 {
			t.Errorf("denied GetBucketPolicy = %d %s; want 403 AccessDenied", se.StatusCode, se.Code)
		}
		if _, err := c.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: oss.Ptr("acme-retail-reports")}); err != nil {
			t.Errorf("GetBucketAcl with only GetBucketPolicy denied: %v", err)
		}
		if calls := srv.Calls(); calls["Oss.GetBucketPolicy"] != 1 || calls["Oss.GetBucketAcl"] != 1 {
			t.Errorf("Calls() = %v; want one of each", calls)
		}
	})
	t.Run("throttled", func(t *testing.T) {
		srv := start(t, cloudsim.Options{Inventory: sample(t), Faults: cloudsim.Faults{ThrottleRate: 1}})
		_, err := srv.OSSClient("cn-hangzhou").ListBuckets(ctx, nil)
		if se := ossErr(t, err); se.Code != "SlowDown" || se.StatusCode != 503 {
			t.Errorf("throttled ListBuckets = %d %s; want 503 SlowDown", se.StatusCode, se.Code)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		srv := start(t, cloudsim.Options{Inventory: sample(t), RateLimits: map[string]float64{"Oss.GetBucketInfo": 1}})
		c := srv.OSSClient("cn-hangzhou")
		var codes []string
		for i := 0; i < 2; i++ {
			_, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("acme-retail-logs")})
			code := ""
			if err != nil {
				code = ossErr(t, err).Code
			}
			codes = append(codes, code)
		}
		if codes[0] != "" || codes[1] != "SlowDown" {
			t.Errorf("two GetBucketInfo at 1/s = %q; want success then SlowDown", codes)
		}
	})
	t.Run("server errors are XML", func(t *testing.T) {
		srv := start(t, cloudsim.Options{Inventory: sample(t), Faults: cloudsim.Faults{ServerErrorRate: 1}})
		_, err := srv.OSSClient("cn-hangzhou").GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("acme-retail-logs")})
		se := ossErr(t, err)
		if (se.Code != "ServiceUnavailable" && se.Code != "InternalError") || se.StatusCode < 500 || se.RequestID == "" {
			t.Errorf("injected server error = %d %s (request ID %q); want a 5xx OSS error", se.StatusCode, se.Code, se.RequestID)
		}
	})
}

func TestOSSInventoryRejects(t *testing.T) {
	doc := func(buckets string) string {
		return `{"account_id":"1234567890123456","regions":{"cn-hangzhou":{"oss":{"Buckets":[` + buckets + `]}}}}`
	}
	tests := []struct {
		name, json, want string
	}{
		{"no name", doc(`{"Location":"oss-cn-hangzhou"}`), "regions.cn-hangzhou.oss.Buckets[0].Name: missing"},
		{"bad name", doc(`{"Name":"Acme_Bucket"}`), `regions.cn-hangzhou.oss.Buckets[0].Name: "Acme_Bucket" is not a bucket name`},
		{"wrong location", doc(`{"Name":"acme-a","Location":"oss-cn-shanghai"}`), `regions.cn-hangzhou.oss.Buckets[0].Location: "oss-cn-shanghai" does not match region cn-hangzhou`},
		{"bad ACL", doc(`{"Name":"acme-a","AccessControlList":{"Grant":"public"}}`), `Buckets[0].AccessControlList.Grant: "public" is not private`},
		{"unknown log bucket", doc(`{"Name":"acme-a","BucketPolicy":{"LogBucket":"acme-b","LogPrefix":""}}`), `Buckets[0].BucketPolicy.LogBucket: unknown bucket "acme-b"`},
		{"policy as an object", doc(`{"Name":"acme-a","Policy":{"Version":"1"}}`), "Buckets[0].Policy: want the policy document as a JSON string"},
		{"policy without statements", doc(`{"Name":"acme-a","Policy":"{\"Version\":\"1\",\"Statement\":[]}"}`), "Buckets[0].Policy: not a bucket policy: no Statement"},
		{"key without KMS", doc(`{"Name":"acme-a","ServerSideEncryptionRule":{"SSEAlgorithm":"AES256","KMSMasterKeyID":"key-1"}}`), "KMSMasterKeyID: set without SSEAlgorithm KMS"},
		{"block as a string", doc(`{"Name":"acme-a","BlockPublicAccess":"true"}`), "Buckets[0].BlockPublicAccess: want true or false"},
		{"account setting twice", `{"account_id":"1234567890123456","regions":{},"global":{"ossaccount":{"PublicAccessBlock":[{"BlockPublicAccess":true},{"BlockPublicAccess":false}]}}}`,
			"global.ossaccount.PublicAccessBlock: 2 objects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cloudsim.ParseInventory([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseInventory(%s) = %v; want an error containing %q", tt.json, err, tt.want)
			}
		})
	}
}

// TestSampleAccountOSS pins the OSS misconfigurations sample-account.md
// lists, as the SDK reads them.
func TestSampleAccountOSS(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	ctx := context.Background()
	type bucket struct {
		acl, sse, logBucket, policy string
		block                       bool
	}
	read := map[string]bucket{}
	for _, region := range []string{"cn-hangzhou", "cn-shanghai"} {
		c := srv.OSSClient(region)
		res, err := c.ListBuckets(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, lb := range res.Buckets {
			if oss.ToString(lb.Region) != region {
				continue
			}
			name := oss.Ptr(oss.ToString(lb.Name))
			info, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: name})
			if err != nil {
				t.Fatal(err)
			}
			bi := info.BucketInfo
			b := bucket{acl: oss.ToString(bi.ACL), sse: oss.ToString(bi.SseRule.SSEAlgorithm), logBucket: oss.ToString(bi.BucketPolicy.LogBucket),
				block: oss.ToBool(bi.BlockPublicAccess)}
			if p, err := c.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: name}); err == nil {
				b.policy = p.Body
			}
			read[*name] = b
		}
	}
	secure := func(p string) bool { return strings.Contains(p, `"acs:SecureTransport":["false"]`) }
	checks := []struct {
		id string
		ok bool
	}{
		{"M23 acme-retail-static public-read", read["acme-retail-static"].acl == "public-read" && !read["acme-retail-static"].block},
		{"M24 acme-retail-reports policy grants * read", strings.Contains(read["acme-retail-reports"].policy, `"Principal":["*"]`) && !read["acme-retail-reports"].block},
		{"M25 acme-retail-logs without logging", read["acme-retail-logs"].logBucket == ""},
		{"M26 acme-retail-dr-backup without encryption", read["acme-retail-dr-backup"].sse == ""},
		{"M27 secure transport not required", !secure(read["acme-retail-static"].policy) && !secure(read["acme-retail-reports"].policy) &&
			!secure(read["acme-retail-logs"].policy) && !secure(read["acme-retail-dr-backup"].policy)},
		{"passing: acme-retail-orders requires secure transport", secure(read["acme-retail-orders"].policy)},
	}
	if len(read) != 5 {
		t.Errorf("read %d buckets; want the sample's 5", len(read))
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("sample account lost %s (read %+v)", ch.id, read)
		}
	}
}
