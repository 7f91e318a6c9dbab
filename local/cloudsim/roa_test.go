package cloudsim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cs"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

// send runs a typed SDK request (RPC or ROA) over plain HTTP and returns
// the answer's body.
func send(t *testing.T, c *sdk.Client, req requests.AcsRequest) ([]byte, error) {
	t.Helper()
	req.SetScheme("http")
	cloudsim.PointAt(req, c.Domain)
	resp := &responses.BaseResponse{}
	if err := c.DoAction(req, resp); err != nil {
		return nil, err
	}
	return resp.GetHttpContentBytes(), nil
}

// mustSend is send that fails the test on error and decodes the answer.
func mustSend(t *testing.T, c *sdk.Client, req requests.AcsRequest) map[string]any {
	t.Helper()
	body, err := send(t, c, req)
	if err != nil {
		t.Fatalf("%s.%s: %v", req.GetProduct(), req.GetActionName(), err)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%s.%s: answer is not a JSON object: %v: %s", req.GetProduct(), req.GetActionName(), err, body)
	}
	return out
}

// stsClient assumes the sample account's audit role as the platform and
// returns an SDK client signed with the session.
func stsClient(t *testing.T, srv *cloudsim.Server) *sdk.Client {
	t.Helper()
	resp := mustCall(t, defaultClient(t, srv), "Sts", "AssumeRole", "", map[string]string{
		"RoleArn": auditRole, "RoleSessionName": "cspm-scan", "ExternalId": "acme-retail-7f3c"})
	cred, _ := resp["Credentials"].(map[string]any)
	ak, _ := cred["AccessKeyId"].(string)
	sk, _ := cred["AccessKeySecret"].(string)
	token, _ := cred["SecurityToken"].(string)
	if ak == "" || token == "" {
		t.Fatalf("AssumeRole answered no credentials: %v", resp)
	}
	return client(t, srv, ak, sk, token)
}

// TestROASignature checks the "Authorization: acs" signature of ROA calls
// exactly as the SDK computes it, with long-term keys and STS sessions.
func TestROASignature(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Principal: platform})
	tests := []struct {
		name       string
		client     func() *sdk.Client
		query      map[string]string // extra query parameters (signed unencoded)
		wantCode   string            // "" = success
		wantStatus int
		recommend  string
	}{
		{name: "STS session of the audit role", client: func() *sdk.Client { return stsClient(t, srv) }},
		{name: "query needing escapes", client: func() *sdk.Client { return stsClient(t, srv) },
			query: map[string]string{"name": "acme shop/k8s*&=", "cluster_type": "ManagedKubernetes"}},
		{name: "wrong secret", client: func() *sdk.Client { return client(t, srv, cloudsim.DefaultAccessKeyID, "wrong", "") },
			wantCode: "SignatureDoesNotMatch", wantStatus: 400, recommend: "InvalidAccessKeySecret"},
		{name: "unknown key", client: func() *sdk.Client { return client(t, srv, "LTAI-nobody", "x", "") },
			wantCode: "InvalidAccessKeyId.NotFound", wantStatus: 404},
		{name: "session token of another session", client: func() *sdk.Client {
			resp := mustCall(t, defaultClient(t, srv), "Sts", "AssumeRole", "", map[string]string{
				"RoleArn": auditRole, "RoleSessionName": "other", "ExternalId": "acme-retail-7f3c"})
			cred := resp["Credentials"].(map[string]any)
			return client(t, srv, cred["AccessKeyId"].(string), cred["AccessKeySecret"].(string), "not-the-token")
		}, wantCode: "InvalidSecurityToken.MismatchWithAccessKey", wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := cs.CreateDescribeClustersV1Request()
			for k, v := range tt.query {
				req.QueryParams[k] = v
			}
			body, err := send(t, tt.client(), req)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("DescribeClustersV1 signed correctly: %v", err)
				}
				var got struct {
					Clusters []map[string]any `json:"clusters"`
				}
				_ = json.Unmarshal(body, &got)
				if tt.query == nil && len(got.Clusters) != 2 {
					t.Errorf("the audit role sees %d clusters; want the sample account's 2", len(got.Clusters))
				}
				return
			}
			se := serverError(t, err)
			if se.ErrorCode() != tt.wantCode || se.HttpStatus() != tt.wantStatus {
				t.Errorf("DescribeClustersV1 = %d %s; want %d %s", se.HttpStatus(), se.ErrorCode(), tt.wantStatus, tt.wantCode)
			}
			if !strings.Contains(se.Recommend(), tt.recommend) {
				t.Errorf("Recommend = %q; want %q (the server's string to sign must equal the SDK's)", se.Recommend(), tt.recommend)
			}
		})
	}
}

// TestROAUnsigned sends ROA requests by hand: no Authorization, a broken
// one, and an unknown path.
func TestROAUnsigned(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	tests := []struct {
		name, method, path, auth string
		status                   int
		code                     string
	}{
		{"no signature", "GET", "/api/v1/clusters", "", 400, "IncompleteSignature"},
		{"garbled signature", "GET", "/api/v1/clusters", "acs nocolon", 400, "IncompleteSignature"},
		{"unknown path", "GET", "/clusters/c1/unicorns", "acs a:b", 404, "InvalidAction.NotFound"},
		{"wrong method", "DELETE", "/api/v1/clusters", "acs a:b", 404, "InvalidAction.NotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL()+tt.path, nil)
			req.Header.Set("x-acs-version", "2015-12-15")
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct{ Code, Message, RequestId string }
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tt.status || body.Code != tt.code || body.RequestId == "" {
				t.Errorf("%s %s = %d %s (request ID %q); want %d %s", tt.method, tt.path, resp.StatusCode, body.Code,
					body.RequestId, tt.status, tt.code)
			}
		})
	}
	if got := srv.Calls()["CS.GET /clusters/c1/unicorns"]; got != 1 {
		t.Errorf("the unknown path was counted %d times; want 1 (calls %v)", got, srv.Calls())
	}
}

// TestROAFaults checks that fault injection, denial and rate limits apply
// to ROA calls too.
func TestROAFaults(t *testing.T) {
	tests := []struct {
		name   string
		opts   cloudsim.Options
		status int
		code   string
	}{
		{"throttled", cloudsim.Options{Faults: cloudsim.Faults{ThrottleRate: 1}}, 400, "Throttling.User"},
		{"server errors", cloudsim.Options{Faults: cloudsim.Faults{ServerErrorRate: 1}}, 0, ""},
		{"product denied", cloudsim.Options{Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"CS": true}}}, 403, "Forbidden.RAM"},
		{"action denied", cloudsim.Options{Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"cs.describeclustersv1": true}}}, 403, "Forbidden.RAM"},
		{"rate limited", cloudsim.Options{RateLimits: map[string]float64{"CS.DescribeClustersV1": 0.001}}, 400, "Throttling.User"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Inventory = sample(t)
			srv := start(t, tt.opts)
			c := defaultClient(t, srv)
			var err error
			for i := 0; i < 2; i++ { // the rate limit's bucket holds one call
				_, err = send(t, c, cs.CreateDescribeClustersV1Request())
			}
			se := serverError(t, err)
			if tt.code == "" {
				if se.HttpStatus() < 500 {
					t.Errorf("with every call failing, DescribeClustersV1 = %d %s; want a 5xx", se.HttpStatus(), se.ErrorCode())
				}
				return
			}
			if se.HttpStatus() != tt.status || se.ErrorCode() != tt.code {
				t.Errorf("DescribeClustersV1 = %d %s; want %d %s", se.HttpStatus(), se.ErrorCode(), tt.status, tt.code)
			}
			if got := srv.Calls()["CS.DescribeClustersV1"]; got != 2 {
				t.Errorf("Calls()[CS.DescribeClustersV1] = %d; want 2", got)
			}
		})
	}
}

// TestROAForeignAccount: a principal of another account sees no clusters
// until it assumes a role of the account.
func TestROAForeignAccount(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Principal: platform})
	body, err := send(t, defaultClient(t, srv), cs.CreateDescribeClustersV1Request())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"clusters":[]`) || !strings.Contains(string(body), `"total_count":0`) {
		t.Errorf("the platform's own account lists %s; want no clusters", body)
	}
	r := cs.CreateDescribeClusterDetailRequest()
	r.ClusterId = shopCluster
	_, err = send(t, defaultClient(t, srv), r)
	if se := serverError(t, err); se.HttpStatus() != 404 || se.ErrorCode() != "ErrorClusterNotFound" {
		t.Errorf("another account's cluster = %d %s; want 404 ErrorClusterNotFound", se.HttpStatus(), se.ErrorCode())
	}
	d := mustSend(t, stsClient(t, srv), r)
	if d["name"] != "acme-shop-k8s" {
		t.Errorf("DescribeClusterDetail as the audit role = %v; want acme-shop-k8s", d["name"])
	}
}
