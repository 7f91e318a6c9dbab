package cloudsim_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

const samplePath = "testdata/sample-account.json"

// start runs a server for the test.
func start(t *testing.T, opts cloudsim.Options) *cloudsim.Server {
	t.Helper()
	srv, err := cloudsim.NewServer(opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// sample loads the hand-written account.
func sample(t *testing.T) *cloudsim.Inventory {
	t.Helper()
	inv, err := cloudsim.LoadInventory(samplePath)
	if err != nil {
		t.Fatalf("LoadInventory(%s): %v", samplePath, err)
	}
	return inv
}

// client is a real SDK client signed with the given keys (token optional).
func client(t *testing.T, srv *cloudsim.Server, ak, sk, token string) *sdk.Client {
	t.Helper()
	cfg := sdk.NewConfig().WithScheme("HTTP").WithTimeout(10 * time.Second)
	var cred auth.Credential = credentials.NewAccessKeyCredential(ak, sk)
	if token != "" {
		cred = credentials.NewStsTokenCredential(ak, sk, token)
	}
	c, err := sdk.NewClientWithOptions("cn-hangzhou", cfg, cred)
	if err != nil {
		t.Fatalf("sdk client: %v", err)
	}
	c.Domain = srv.Addr()
	return c
}

// defaultClient signs with the server's default keys.
func defaultClient(t *testing.T, srv *cloudsim.Server) *sdk.Client {
	return client(t, srv, cloudsim.DefaultAccessKeyID, cloudsim.DefaultAccessKeySecret, "")
}

// apis maps a product to its version.
var apis = map[string]string{
	"Ecs": "2014-05-26", "Vpc": "2016-04-28", "Sts": "2015-04-01", "ResourceManager": "2020-03-31", "Ram": "2015-05-01",
}

// call sends product.action with params through the SDK's CommonRequest and
// decodes the JSON answer.
func call(t *testing.T, c *sdk.Client, product, action, region string, params map[string]string) (map[string]any, error) {
	t.Helper()
	req := requests.NewCommonRequest()
	req.Method = "POST"
	req.Scheme = "http"
	req.Product = product
	req.Version = apis[product]
	req.ApiName = action
	if region != "" {
		req.QueryParams["RegionId"] = region
	}
	for k, v := range params {
		req.QueryParams[k] = v
	}
	resp, err := c.ProcessCommonRequest(req)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(resp.GetHttpContentBytes(), &out); err != nil {
		t.Fatalf("%s.%s: answer is not JSON: %v: %s", product, action, err, resp.GetHttpContentString())
	}
	return out, nil
}

// mustCall is call that fails the test on error.
func mustCall(t *testing.T, c *sdk.Client, product, action, region string, params map[string]string) map[string]any {
	t.Helper()
	out, err := call(t, c, product, action, region, params)
	if err != nil {
		t.Fatalf("%s.%s(%v): %v", product, action, params, err)
	}
	return out
}

// serverError extracts the SDK's server error.
func serverError(t *testing.T, err error) *sdkerrors.ServerError {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not an SDK server error", err, err)
	}
	return se
}

// items digs out Wrapper.Item from an answer.
func items(resp map[string]any, wrapper, item string) []map[string]any {
	w, _ := resp[wrapper].(map[string]any)
	raw, _ := w[item].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		m, _ := r.(map[string]any)
		out = append(out, m)
	}
	return out
}

// num reads a JSON number or numeric string field.
func num(v any) int {
	switch x := v.(type) {
	case float64:
		return int(x)
	case string:
		var n int
		_ = json.Unmarshal([]byte(x), &n)
		return n
	}
	return -1
}
