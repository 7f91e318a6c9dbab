package cloudsim_test

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"testing"

	sls "github.com/aliyun/aliyun-log-go-sdk"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

const auditProject = "slsaudit-center-1357924680135792-cn-hangzhou"

// slsErr returns the SLS SDK's error answer, failing the test on anything else.
func slsErr(t *testing.T, err error) *sls.Error {
	t.Helper()
	var e *sls.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T); want an SLS error answer", err, err)
	}
	return e
}

// TestSLSThroughSDK drives the SLS data plane with aliyun-log-go-sdk as
// shipped: projects by region, logstores, alert rules, and a retention
// change the next read sees.
func TestSLSThroughSDK(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	hz, sh := srv.SLSClient("cn-hangzhou"), srv.SLSClient("cn-shanghai")

	projects, count, total, err := hz.ListProjectV2(0, 500)
	if err != nil || count != 3 || total != 3 {
		t.Fatalf("ListProject in cn-hangzhou = %d/%d, %v; want the region's 3 projects", count, total, err)
	}
	if projects[0].Name == "" || projects[0].Region != "cn-hangzhou" {
		t.Errorf("first project = %+v; want a name and region cn-hangzhou", projects[0])
	}
	if _, _, total, err := sh.ListProjectV2(0, 500); err != nil || total != 1 {
		t.Errorf("ListProject in cn-shanghai = %d, %v; want 1", total, err)
	}
	if _, count, total, err := hz.ListProjectV2(1, 1); err != nil || count != 1 || total != 3 {
		t.Errorf("ListProject offset 1 size 1 = %d/%d, %v; want 1 of 3", count, total, err)
	}
	names, err := hz.ListLogStoreV2(auditProject, 0, 500, "")
	if err != nil || strings.Join(names, ",") != "actiontrail_log,oss_log,flowlog_log" {
		t.Errorf("ListLogStores(audit) = %v, %v", names, err)
	}
	ls, err := hz.GetLogStore("acme-app-logs", "nginx-access")
	if err != nil || ls.TTL != 7 || ls.HotTTL != 3 || ls.ShardCount != 2 {
		t.Fatalf("GetLogStore(nginx-access) = %+v, %v; want ttl 7, hot_ttl 3, 2 shards", ls, err)
	}
	alerts, total, _, err := hz.ListAlert(auditProject, "", "", 0, 200)
	if err != nil || total != len(sample(t).Objects("", "sls", "Alerts")) {
		t.Errorf("ListAlert(audit project) = %d, %v; want the Log Audit Service's rules", total, err)
	}
	alerts, _, _, err = hz.ListAlert("acme-audit-logs", "", "", 0, 200)
	if err != nil || len(alerts) != 1 || alerts[0].Name != "acme-oss-bucket-policy" ||
		!strings.Contains(alerts[0].Configuration.QueryList[0].Query, "PutBucketPolicy") {
		t.Errorf("ListAlert(acme-audit-logs) = %+v, %v; want acme-oss-bucket-policy with its query", alerts, err)
	}
	if a, err := hz.GetAlert("acme-audit-logs", "acme-oss-bucket-policy"); err != nil || a.Status != "ENABLED" {
		t.Errorf("GetAlert = %+v, %v", a, err)
	}

	if err := hz.UpdateLogStore("acme-app-logs", "nginx-access", 365, 2); err != nil {
		t.Fatalf("UpdateLogStore: %v", err)
	}
	if ls, err := hz.GetLogStore("acme-app-logs", "nginx-access"); err != nil || ls.TTL != 365 {
		t.Errorf("after UpdateLogStore ttl 365: %+v, %v", ls, err)
	}

	errTests := []struct {
		name   string
		call   func() error
		status int32
		code   string
	}{
		{"project in another region", func() error { _, err := sh.GetLogStore("acme-app-logs", "nginx-access"); return err }, 404, "ProjectNotExist"},
		{"no such logstore", func() error { _, err := hz.GetLogStore("acme-app-logs", "ghost"); return err }, 404, "LogStoreNotExist"},
		{"no such alert", func() error { _, err := hz.GetAlert("acme-app-logs", "ghost"); return err }, 404, "JobNotExist"},
		{"page over the maximum", func() error { _, err := hz.ListLogStoreV2("acme-app-logs", 0, 501, ""); return err }, 400, "ParameterInvalid"},
	}
	for _, tt := range errTests {
		e := slsErr(t, tt.call())
		if e.HTTPCode != tt.status || e.Code != tt.code || e.RequestID == "" {
			t.Errorf("%s: %d %s (request %q); want %d %s with a request ID", tt.name, e.HTTPCode, e.Code, e.RequestID, tt.status, tt.code)
		}
	}
	calls := srv.Calls()
	for api, n := range map[string]int{"Sls.ListProject": 3, "Sls.ListLogStores": 2, "Sls.GetLogStore": 4, "Sls.ListAlerts": 2, "Sls.GetAlert": 2, "Sls.UpdateLogStore": 1} {
		if calls[api] != n {
			t.Errorf("Calls()[%s] = %d; want %d", api, calls[api], n)
		}
	}
}

// TestSLSAuth: the LOG signature is recomputed as the SDK computes it; a
// wrong secret, an unknown key and a bad STS token are refused as SLS
// refuses them, and STS credentials with their token are accepted.
func TestSLSAuth(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Principal: platform})
	with := func(ak, sk, token string) *sls.Client {
		c := srv.SLSClient("cn-hangzhou")
		c.AccessKeyID, c.AccessKeySecret, c.SecurityToken = ak, sk, token
		return c
	}
	resp := mustCall(t, defaultClient(t, srv), "Sts", "AssumeRole", "", map[string]string{
		"RoleArn": auditRole, "ExternalId": "acme-retail-7f3c", "RoleSessionName": "cspm-scan"})
	cr := resp["Credentials"].(map[string]any)
	ak, sk, token := cr["AccessKeyId"].(string), cr["AccessKeySecret"].(string), cr["SecurityToken"].(string)

	tests := []struct {
		name     string
		client   *sls.Client
		status   int32
		code     string
		projects int
	}{
		{"assumed role with its token", with(ak, sk, token), 200, "", 3},
		{"wrong secret", with(cloudsim.DefaultAccessKeyID, "not-the-secret", ""), 401, "SignatureNotMatch", 0},
		{"unknown key", with("LTAI-nobody", "x", ""), 401, "Unauthorized", 0},
		{"token of another session", with(ak, sk, "forged-token"), 401, "Unauthorized", 0},
		{"session key without its token", with(ak, sk, ""), 401, "Unauthorized", 0},
		{"session signed with a wrong secret", with(ak, "wrong", token), 401, "SignatureNotMatch", 0},
		// The platform's own key sees no projects: they are the tenant's.
		{"platform's own key", srv.SLSClient("cn-hangzhou"), 200, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, total, err := tt.client.ListProjectV2(0, 100)
			if tt.code == "" {
				if err != nil || total != tt.projects {
					t.Errorf("ListProject = %d, %v; want %d projects", total, err, tt.projects)
				}
				return
			}
			e := slsErr(t, err)
			if e.HTTPCode != tt.status || e.Code != tt.code {
				t.Errorf("ListProject = %d %s %q; want %d %s", e.HTTPCode, e.Code, e.Message, tt.status, tt.code)
			}
		})
	}
}

// TestSLSUnknownPath: a path SLS does not serve answers 400 InvalidMethod
// "invalid request method : <path>", in SLS's error shape, and is counted.
func TestSLSUnknownPath(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	// A project-less LogProject aimed at the listener: Host 127.0.0.1:PORT.
	p, err := sls.NewLogProject("", srv.URL(), cloudsim.DefaultAccessKeyID, cloudsim.DefaultAccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := p.RawRequest("GET", "/nosuchapi?x=1", map[string]string{"x-log-bodyrawsize": "0"}, nil)
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("GET /nosuchapi answered %d %s; want an error", resp.StatusCode, body)
	}
	e := slsErr(t, err)
	if e.HTTPCode != http.StatusBadRequest || e.Code != "InvalidMethod" || e.Message != "invalid request method : /nosuchapi" {
		t.Errorf("GET /nosuchapi = %d %s %q; want 400 InvalidMethod", e.HTTPCode, e.Code, e.Message)
	}
	if n := srv.Calls()["Sls.GET /nosuchapi"]; n != 1 {
		t.Errorf("Calls()[Sls.GET /nosuchapi] = %d; want 1", n)
	}
	// Without a region in the host, ListProject lists every region's projects.
	if resp, err := p.RawRequest("GET", "/?offset=0&size=100", map[string]string{"x-log-bodyrawsize": "0"}, nil); err != nil {
		t.Errorf("ListProject on the bare listener: %v", err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"total":4`) {
			t.Errorf("ListProject on the bare listener = %s; want all 4 projects", body)
		}
	}
}

// TestSLSFaults: injected throttling, server errors, denied permissions
// and rate limits reach SLS in its own codes, and every call is counted.
func TestSLSFaults(t *testing.T) {
	sls.RetryOnServerErrorEnabled = false // see every injected 5xx
	t.Cleanup(func() { sls.RetryOnServerErrorEnabled = true })
	tests := []struct {
		name   string
		opts   cloudsim.Options
		status int32
		code   string
		msg    string
	}{
		{"throttled", cloudsim.Options{Faults: cloudsim.Faults{ThrottleRate: 1}}, 403, "ReadQuotaExceed", "Read quota exceed"},
		{"server busy or internal error", cloudsim.Options{Faults: cloudsim.Faults{ServerErrorRate: 1}}, 0, "", ""},
		{"Log Service denied", cloudsim.Options{Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Sls": true}}}, 401, "Unauthorized", "denied by sts or ram, action: log:GetLogStore"},
		{"one API denied", cloudsim.Options{Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Sls.GetLogStore": true}}}, 401, "Unauthorized", "resource: acs:log:cn-hangzhou:*:project/acme-app-logs"},
		{"rate limited", cloudsim.Options{RateLimits: map[string]float64{"Sls.GetLogStore": 0.001}}, 403, "ReadQuotaExceed", "Read quota exceed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Inventory = sample(t)
			srv := start(t, tt.opts)
			var err error
			for i := 0; i < 2; i++ { // the rate limit's bucket holds one call
				_, err = srv.SLSClient("cn-hangzhou").GetLogStore("acme-app-logs", "nginx-access")
			}
			if n := srv.Calls()["Sls.GetLogStore"]; n != 2 {
				t.Errorf("Calls()[Sls.GetLogStore] = %d; want 2", n)
			}
			e := slsErr(t, err)
			if tt.code == "" {
				if !(e.HTTPCode == 503 && e.Code == "ServerBusy") && !(e.HTTPCode == 500 && e.Code == "InternalServerError") {
					t.Errorf("GetLogStore = %d %s; want 503 ServerBusy or 500 InternalServerError", e.HTTPCode, e.Code)
				}
				return
			}
			if e.HTTPCode != tt.status || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("GetLogStore = %d %s %q; want %d %s containing %q", e.HTTPCode, e.Code, e.Message, tt.status, tt.code, tt.msg)
			}
		})
	}
}

// The real SLS client reads a logstore's retention from the sample account.
func ExampleServer_SLSClient() {
	inv, err := cloudsim.SampleInventory()
	if err != nil {
		log.Fatal(err)
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ls, err := srv.SLSClient("cn-hangzhou").GetLogStore("acme-app-logs", "nginx-access")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ls.Name, "keeps logs", ls.TTL, "days")
	fmt.Println(srv.Calls())
	// Output:
	// nginx-access keeps logs 7 days
	// map[Sls.GetLogStore:1]
}
