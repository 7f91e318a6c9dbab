package cloudsim_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

func TestSignature(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	tests := []struct {
		name       string
		ak, sk     string
		wantCode   string // "" = success
		wantStatus int
		recommend  string
	}{
		{name: "right key", ak: cloudsim.DefaultAccessKeyID, sk: cloudsim.DefaultAccessKeySecret},
		{name: "wrong secret", ak: cloudsim.DefaultAccessKeyID, sk: "not-the-secret",
			wantCode: "SignatureDoesNotMatch", wantStatus: 400, recommend: "InvalidAccessKeySecret"},
		{name: "unknown key", ak: "LTAI-someone-else", sk: cloudsim.DefaultAccessKeySecret,
			wantCode: "InvalidAccessKeyId.NotFound", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(t, srv, tt.ak, tt.sk, "")
			req := ecs.CreateDescribeInstancesRequest()
			req.Scheme = "http"
			resp := ecs.CreateDescribeInstancesResponse()
			err := c.DoAction(req, resp)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("DescribeInstances signed with the right key: %v", err)
				}
				if resp.TotalCount != 4 || len(resp.Instances.Instance) != 4 {
					t.Errorf("typed DescribeInstancesResponse: TotalCount %d, %d instances; want 4, 4", resp.TotalCount, len(resp.Instances.Instance))
				}
				return
			}
			se := serverError(t, err)
			if se.ErrorCode() != tt.wantCode || se.HttpStatus() != tt.wantStatus {
				t.Errorf("DescribeInstances signed %s/%s = %d %s; want %d %s", tt.ak, tt.sk, se.HttpStatus(), se.ErrorCode(), tt.wantStatus, tt.wantCode)
			}
			if !strings.Contains(se.Recommend(), tt.recommend) {
				t.Errorf("Recommend = %q; want it to contain %q (the SDK compares string-to-sign)", se.Recommend(), tt.recommend)
			}
		})
	}
}

func TestUnknownAction(t *testing.T) {
	srv := start(t, cloudsim.Options{})
	c := defaultClient(t, srv)
	for _, product := range []string{"Ecs", "Vpc", "Sts"} {
		_, err := call(t, c, product, "DescribeUnicorns", "cn-hangzhou", nil)
		se := serverError(t, err)
		if se.HttpStatus() != http.StatusNotFound || se.ErrorCode() != "InvalidAction.NotFound" ||
			se.Message() != "Specified api is not found, please check your url and method." {
			t.Errorf("%s.DescribeUnicorns = %d %s %q; want 404 InvalidAction.NotFound", product, se.HttpStatus(), se.ErrorCode(), se.Message())
		}
		if se.RequestId() == "" {
			t.Errorf("%s.DescribeUnicorns: error answer has no RequestId", product)
		}
	}
	if got := srv.Calls()["Ecs.DescribeUnicorns"]; got != 1 {
		t.Errorf("Calls()[Ecs.DescribeUnicorns] = %d; want 1", got)
	}
}

func TestPaginationInstances(t *testing.T) {
	inv := cloudsim.Generate(cloudsim.GenOptions{Instances: 250, Seed: 7})
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := defaultClient(t, srv)

	t.Run("PageNumber", func(t *testing.T) {
		for page, want := range map[int]int{1: 100, 2: 100, 3: 50, 4: 0} {
			resp := mustCall(t, c, "Ecs", "DescribeInstances", "cn-hangzhou", map[string]string{"PageSize": "100", "PageNumber": strconv.Itoa(page)})
			if got := len(items(resp, "Instances", "Instance")); got != want || num(resp["TotalCount"]) != 250 ||
				num(resp["PageNumber"]) != page || num(resp["PageSize"]) != 100 {
				t.Errorf("page %d: %d items, TotalCount %v, PageNumber %v, PageSize %v; want %d, 250, %d, 100",
					page, got, resp["TotalCount"], resp["PageNumber"], resp["PageSize"], want, page)
			}
		}
	})
	t.Run("NextToken", func(t *testing.T) {
		srv.ResetCalls()
		seen := map[string]bool{}
		token := ""
		for {
			params := map[string]string{"MaxResults": "100"}
			if token != "" {
				params["NextToken"] = token
			}
			resp := mustCall(t, c, "Ecs", "DescribeInstances", "cn-hangzhou", params)
			for _, it := range items(resp, "Instances", "Instance") {
				seen[it["InstanceId"].(string)] = true
			}
			token, _ = resp["NextToken"].(string)
			if token == "" {
				break
			}
		}
		if len(seen) != 250 || srv.Calls()["Ecs.DescribeInstances"] != 3 {
			t.Errorf("NextToken walk: %d distinct instances in %d calls; want 250 in 3", len(seen), srv.Calls()["Ecs.DescribeInstances"])
		}
	})
	t.Run("limits", func(t *testing.T) {
		tests := []struct {
			action string
			params map[string]string
			code   string
		}{
			{"DescribeInstances", map[string]string{"PageSize": "101"}, "InvalidParameter"},
			{"DescribeInstances", map[string]string{"MaxResults": "101"}, "InvalidParameter"},
			{"DescribeInstances", map[string]string{"NextToken": "garbage"}, "InvalidNextToken.Malformed"},
			{"DescribeSecurityGroups", map[string]string{"PageSize": "51"}, "InvalidParameter"},
			{"DescribeDisks", map[string]string{"MaxResults": "501"}, "InvalidParameter"},
			{"DescribeCloudAssistantStatus", map[string]string{"MaxResults": "51"}, "InvalidParameter"},
			{"DescribeInstanceRamRole", map[string]string{"PageSize": "51"}, "InvalidParameter"},
		}
		for _, tt := range tests {
			_, err := call(t, c, "Ecs", tt.action, "cn-hangzhou", tt.params)
			if se := serverError(t, err); se.ErrorCode() != tt.code || se.HttpStatus() != 400 {
				t.Errorf("%s(%v) = %d %s; want 400 %s", tt.action, tt.params, se.HttpStatus(), se.ErrorCode(), tt.code)
			}
		}
		for _, size := range []string{"500"} {
			if _, err := call(t, c, "Ecs", "DescribeDisks", "cn-hangzhou", map[string]string{"MaxResults": size}); err != nil {
				t.Errorf("DescribeDisks MaxResults=%s (the documented maximum): %v", size, err)
			}
		}
	})
	t.Run("VPC", func(t *testing.T) {
		resp := mustCall(t, c, "Vpc", "DescribeFlowLogs", "cn-hangzhou", map[string]string{"PageSize": "50"})
		if _, ok := resp["TotalCount"].(string); !ok {
			t.Errorf("DescribeFlowLogs TotalCount = %#v; want a string, as the API spells it", resp["TotalCount"])
		}
		if _, err := call(t, c, "Vpc", "DescribeVpcs", "cn-hangzhou", map[string]string{"PageSize": "51"}); err == nil {
			t.Errorf("DescribeVpcs PageSize=51 succeeded; want InvalidParameter (maximum 50)")
		}
	})
}

func TestDescribeSecurityGroupAttribute(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	tests := []struct {
		direction string
		want      int
	}{{"", 4}, {"all", 4}, {"ingress", 3}, {"egress", 1}}
	for _, tt := range tests {
		resp := mustCall(t, c, "Ecs", "DescribeSecurityGroupAttribute", "cn-hangzhou",
			map[string]string{"SecurityGroupId": "sg-bp1acmeweb0001", "Direction": tt.direction})
		if got := len(items(resp, "Permissions", "Permission")); got != tt.want {
			t.Errorf("Direction=%q: %d rules; want %d", tt.direction, got, tt.want)
		}
		if resp["VpcId"] != "vpc-bp1acmeprod0001" || resp["InnerAccessPolicy"] != "Accept" {
			t.Errorf("Direction=%q: VpcId %v, InnerAccessPolicy %v; want vpc-bp1acmeprod0001, Accept", tt.direction, resp["VpcId"], resp["InnerAccessPolicy"])
		}
	}
	// The list API leaves rules out.
	resp := mustCall(t, c, "Ecs", "DescribeSecurityGroups", "cn-hangzhou", nil)
	for _, g := range items(resp, "SecurityGroups", "SecurityGroup") {
		if _, ok := g["Permissions"]; ok {
			t.Errorf("DescribeSecurityGroups item %v carries Permissions; the real API does not", g["SecurityGroupId"])
		}
	}
	_, err := call(t, c, "Ecs", "DescribeSecurityGroupAttribute", "cn-hangzhou", map[string]string{"SecurityGroupId": "sg-nope"})
	if se := serverError(t, err); se.ErrorCode() != "InvalidSecurityGroupId.NotFound" || se.HttpStatus() != 404 {
		t.Errorf("unknown group: %d %s; want 404 InvalidSecurityGroupId.NotFound", se.HttpStatus(), se.ErrorCode())
	}
}

func TestFaults(t *testing.T) {
	t.Run("permission", func(t *testing.T) {
		srv := start(t, cloudsim.Options{Inventory: sample(t), Faults: cloudsim.Faults{
			PermissionDenied: map[string]bool{"ecs.DescribeDisks": true, "Sts": true}}})
		c := defaultClient(t, srv)
		_, err := call(t, c, "Ecs", "DescribeDisks", "cn-hangzhou", nil)
		if se := serverError(t, err); se.HttpStatus() != 403 || se.ErrorCode() != "Forbidden.RAM" {
			t.Errorf("denied Ecs.DescribeDisks = %d %s; want 403 Forbidden.RAM", se.HttpStatus(), se.ErrorCode())
		}
		if _, err := call(t, c, "Ecs", "DescribeInstances", "cn-hangzhou", nil); err != nil {
			t.Errorf("Ecs.DescribeInstances was not denied but failed: %v", err)
		}
		_, err = call(t, c, "Sts", "GetCallerIdentity", "", nil)
		se := serverError(t, err)
		if se.HttpStatus() != 403 || se.ErrorCode() != "NoPermission" || se.AccessDeniedDetail()["AuthAction"] != "sts:GetCallerIdentity" {
			t.Errorf("denied Sts.GetCallerIdentity = %d %s %v; want 403 NoPermission with AccessDeniedDetail.AuthAction sts:GetCallerIdentity",
				se.HttpStatus(), se.ErrorCode(), se.AccessDeniedDetail())
		}
	})
	t.Run("throttle and 5xx", func(t *testing.T) {
		tests := []struct {
			faults cloudsim.Faults
			codes  map[string]int // code → status
		}{
			{cloudsim.Faults{ThrottleRate: 1}, map[string]int{"Throttling.User": 400}},
			{cloudsim.Faults{ServerErrorRate: 1}, map[string]int{"ServiceUnavailable": 503, "InternalError": 500}},
		}
		for _, tt := range tests {
			srv := start(t, cloudsim.Options{Faults: tt.faults})
			c := defaultClient(t, srv)
			for i := 0; i < 8; i++ {
				_, err := call(t, c, "Ecs", "DescribeRegions", "", nil)
				se := serverError(t, err)
				if want, ok := tt.codes[se.ErrorCode()]; !ok || want != se.HttpStatus() {
					t.Errorf("faults %+v: %d %s; want one of %v", tt.faults, se.HttpStatus(), se.ErrorCode(), tt.codes)
				}
				if se.ErrorCode() == "Throttling.User" && se.Message() != "Request was denied due to user flow control." {
					t.Errorf("Throttling.User message %q", se.Message())
				}
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		outcomes := func(seed int64) string {
			srv := start(t, cloudsim.Options{Seed: seed, Faults: cloudsim.Faults{ThrottleRate: 0.3, ServerErrorRate: 0.2}})
			c := defaultClient(t, srv)
			var b strings.Builder
			for i := 0; i < 60; i++ {
				// Three distinct requests, each sent 20 times: the n-th send
				// of a request always meets the same fate.
				_, err := call(t, c, "Ecs", "DescribeRegions", "", map[string]string{"AcceptLanguage": []string{"en-US", "zh-CN", "ja"}[i%3]})
				if err != nil {
					b.WriteString(serverError(t, err).ErrorCode()[:1])
				} else {
					b.WriteString(".")
				}
			}
			return b.String()
		}
		a, b := outcomes(42), outcomes(42)
		if a != b {
			t.Errorf("same seed, different fates:\n%s\n%s", a, b)
		}
		fails := strings.Count(a, "T") + strings.Count(a, "S") + strings.Count(a, "I")
		if fails < 15 || fails > 45 {
			t.Errorf("%d of 60 calls failed at a 50%% fault rate: %s", fails, a)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		srv := start(t, cloudsim.Options{RateLimits: map[string]float64{"Ecs.DescribeRegions": 2}})
		c := defaultClient(t, srv)
		var codes []string
		for i := 0; i < 3; i++ {
			_, err := call(t, c, "Ecs", "DescribeRegions", "", nil)
			if err != nil {
				codes = append(codes, serverError(t, err).ErrorCode())
			} else {
				codes = append(codes, "ok")
			}
		}
		if strings.Join(codes, ",") != "ok,ok,Throttling.User" {
			t.Errorf("3 quick calls at 2/s: %v; want ok,ok,Throttling.User (a bucket of one second)", codes)
		}
		if _, err := call(t, c, "Ecs", "DescribeInstances", "cn-hangzhou", nil); err != nil {
			t.Errorf("another action shares the limit: %v", err)
		}
	})
}

// TestSignatureCoversFormAndGET signs parameters sent in a form body, and
// GET requests, the other two ways the SDK can send an RPC call.
func TestSignatureCoversFormAndGET(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	for _, method := range []string{"POST", "GET"} {
		for _, secret := range []string{cloudsim.DefaultAccessKeySecret, "wrong"} {
			c := client(t, srv, cloudsim.DefaultAccessKeyID, secret, "")
			req := requests.NewCommonRequest()
			req.Method = method
			req.Scheme = "http"
			req.Product, req.Version, req.ApiName = "Ecs", "2014-05-26", "DescribeRegions"
			if method == "POST" {
				req.FormParams["AcceptLanguage"] = "en-US"
			} else {
				req.QueryParams["AcceptLanguage"] = "en-US"
			}
			resp, err := c.ProcessCommonRequest(req)
			if secret == "wrong" {
				if se := serverError(t, err); se.ErrorCode() != "SignatureDoesNotMatch" {
					t.Errorf("%s with a wrong secret = %s; want SignatureDoesNotMatch", method, se.ErrorCode())
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s DescribeRegions: %v", method, err)
			}
			if !strings.Contains(resp.GetHttpContentString(), `"LocalName":"China (Hangzhou)"`) {
				t.Errorf("%s DescribeRegions ignored AcceptLanguage: %s", method, resp.GetHttpContentString())
			}
		}
	}
}

func TestLatency(t *testing.T) {
	srv := start(t, cloudsim.Options{Latency: 50 * time.Millisecond})
	c := defaultClient(t, srv)
	began := time.Now()
	mustCall(t, c, "Ecs", "DescribeRegions", "", nil)
	if d := time.Since(began); d < 50*time.Millisecond {
		t.Errorf("a call with 50ms latency took %v", d)
	}
}
