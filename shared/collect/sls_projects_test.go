package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// addSLSProjectCalls adds the fewest calls that read every region's SLS
// projects, logstores and alert rules: DescribeRegions once, then per
// region ListProject pages, per project ListLogStores and ListAlerts pages
// and one GetLogStore per logstore.
func addSLSProjectCalls(out map[string]int, inv *cloudsim.Inventory) {
	pages := func(n, size int) int { return max(1, (n+size-1)/size) }
	out["Ecs.DescribeRegions"] = 1
	inProject := func(objs []json.RawMessage, project string) int {
		n := 0
		for _, o := range objs {
			var s struct {
				Project string `json:"project"`
			}
			_ = json.Unmarshal(o, &s)
			if s.Project == project {
				n++
			}
		}
		return n
	}
	for _, r := range inv.RegionIDs() {
		projects := inv.Objects(r, "log", "Projects")
		out["Sls.ListProject"] += pages(len(projects), 500)
		for _, p := range projects {
			var s struct {
				Name string `json:"projectName"`
			}
			_ = json.Unmarshal(p, &s)
			stores := inProject(inv.Objects(r, "log", "Logstores"), s.Name)
			out["Sls.ListLogStores"] += pages(stores, 500)
			out["Sls.GetLogStore"] += stores
			alerts := inProject(inv.Objects(r, "log", "Alerts"), s.Name) + inProject(inv.Objects("", "sls", "Alerts"), s.Name)
			out["Sls.ListAlerts"] += pages(alerts, 200)
		}
	}
}

func TestCollectSLSProjects(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
	c := collector(t, srv, nil)
	got, err := c.SLS(context.Background(), inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	stores := map[string]collect.SLSLogstore{}
	for _, ls := range got.Logstores() {
		stores[ls.Project+"/"+ls.Name] = ls
	}
	alerts := map[string]collect.SLSAlert{}
	regions := map[string]string{}
	for _, p := range got.Projects {
		regions[p.Name] = p.Region
		for _, a := range p.Alerts {
			alerts[p.Name+"/"+a.Name] = a
		}
	}
	nginx := stores["acme-app-logs/nginx-access"]
	tests := []struct {
		name      string
		got, want any
	}{
		{"projects", len(got.Projects), 4},
		{"logstores", len(stores), 7},
		{"audit project's region", regions[auditProj], "cn-hangzhou"},
		{"DR project's region", regions["acme-dr-audit"], "cn-shanghai"},
		{"nginx-access ttl", nginx.TTLDays, 7},
		{"nginx-access hot_ttl", nginx.HotTTLDays, 3},
		{"nginx-access region", nginx.Region, "cn-hangzhou"},
		{"audit ActionTrail logstore ttl", stores[auditProj+"/actiontrail_log"].TTLDays, 30},
		{"DR logstore ttl", stores["acme-dr-audit/actiontrail_acme-dr-audit"].TTLDays, 3650},
		{"custom alert enabled", alerts["acme-audit-logs/acme-oss-bucket-policy"].Enabled, true},
		{"custom alert query", strings.Contains(strings.Join(alerts["acme-audit-logs/acme-oss-bucket-policy"].Queries, ""), "PutBucketPolicy"), true},
		{"audit project's rules listed too", alerts[auditProj+"/cis_at_securitygroup_change"].Enabled, true},
		{"alerts", len(alerts), len(inv.Objects("", "sls", "Alerts")) + 2},
		{"watching OSS bucket policy (2.21)", len(got.Watching("2.21")) > 0 && got.Watching("2.21")[0].Enabled, true},
		{"watching KMS keys (2.20)", len(got.Watching("2.20")), 0},
		{"logstore evidence", bytes.Contains(nginx.Raw, []byte(`"logstoreName":"nginx-access"`)), true},
		{"project evidence", bytes.Contains(got.Projects[0].Raw, []byte(`"projectName"`)), true},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %v; want %v", tt.name, tt.got, tt.want)
		}
	}
	want := map[string]int{}
	addSLSProjectCalls(want, inv)
	calls := c.Calls()
	for api, n := range want {
		if calls[api] != n {
			t.Errorf("calls to %s = %d; want the minimum %d", api, calls[api], n)
		}
	}
}

// TestSLSProjectsNotEvaluated: SLS's data plane refusing the identity
// (401 Unauthorized, "denied by sts or ram") leaves Log Service not
// evaluated with that error, and every other product complete.
func TestSLSProjectsNotEvaluated(t *testing.T) {
	inv := sample(t)
	ctx := context.Background()
	clean, err := collector(t, start(t, cloudsim.Options{Inventory: inv.Clone()}), nil).Collect(ctx, inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	for _, api := range []string{"Sls.ListProject", "Sls.GetLogStore", "Sls.ListAlerts"} {
		t.Run(api, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{api: true}}})
			got, err := collector(t, srv, nil).Collect(ctx, inv.AccountID, "cn-hangzhou")
			if err != nil {
				t.Fatalf("Collect returned an error for a permission gap: %v", err)
			}
			ne := got.NotEvaluatedFor("sls")
			if ne == nil || len(got.NotEvaluated) != 1 || got.SLS != nil {
				t.Fatalf("NotEvaluated = %v, SLS = %v; want exactly sls, and no SLS inventory", got.NotEvaluated, got.SLS)
			}
			if ne.Reason != collect.PermissionDenied || !errors.Is(ne, collect.ErrPermission) || ne.Code != "Unauthorized" ||
				ne.API != api || !strings.Contains(ne.Message, "denied by sts or ram") {
				t.Errorf("NotEvaluated[sls] = %+v; want PermissionDenied Unauthorized from %s", ne, api)
			}
			got.NotEvaluated, clean.NotEvaluated = nil, nil
			got.SLS = clean.SLS
			if !reflect.DeepEqual(got, clean) {
				t.Errorf("with %s denied, the other products differ from a clean collect", api)
			}
		})
	}
}

// TestSLSProjectsThrottled: with throttling (403 ReadQuotaExceed) and
// server errors (503 ServerBusy, 500 InternalServerError) injected, every
// project, logstore and alert is still read.
func TestSLSProjectsThrottled(t *testing.T) {
	inv := sample(t)
	ctx := context.Background()
	clean, err := collector(t, start(t, cloudsim.Options{Inventory: inv.Clone()}), nil).SLS(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Seed: 7,
		Faults: cloudsim.Faults{ThrottleRate: 0.3, ServerErrorRate: 0.1}})
	c := collector(t, srv, func(cfg *collect.Config) { cfg.Retry.MaxAttempts = 12 })
	got, err := c.SLS(ctx, inv.AccountID)
	if err != nil {
		t.Fatalf("SLS with faults: %v", err)
	}
	if !reflect.DeepEqual(got.Projects, clean.Projects) {
		t.Errorf("SLS projects with faults differ from a clean collect")
	}
	calls, min := c.Calls(), map[string]int{}
	addSLSProjectCalls(min, inv)
	if calls["Sls.GetLogStore"] <= min["Sls.GetLogStore"] && calls["Sls.ListProject"] <= min["Sls.ListProject"] {
		t.Errorf("no SLS call was retried (calls %v): the faults did not reach the data plane", calls)
	}
}

func TestSLSProjectsMalformed(t *testing.T) {
	inv := sample(t)
	tests := []struct {
		name, path, api string
		fn              func([]byte) []byte
	}{
		{"truncated project list", "/", "Sls.ListProject", func(b []byte) []byte { return b[:len(b)/2] }},
		{"project without a name", "/", "Sls.ListProject", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"projectName"`), []byte(`"projectNam3"`), 1)
		}},
		{"logstore without ttl", "/logstores/nginx-access", "Sls.GetLogStore", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"ttl"`), []byte(`"tt1"`), 1)
		}},
		{"alert list not JSON", "/jobs", "Sls.ListAlerts", func([]byte) []byte { return []byte("<html>bad gateway</html>") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
			addr := mangleOK(t, srv, func(r *http.Request) bool {
				return r.Header.Get("x-log-apiversion") != "" && r.URL.Path == tt.path
			}, tt.fn)
			c := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr })
			got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou", "sls", "vpc")
			if !errors.Is(err, collect.ErrMalformed) || !strings.Contains(err.Error(), tt.api) {
				t.Errorf("Collect error = %v; want a malformed-response error naming %s", err, tt.api)
			}
			if got.SLS != nil || got.VPC == nil || len(got.NotEvaluated) != 0 {
				t.Errorf("SLS = %v, VPC = %v, NotEvaluated = %v; want SLS failed, VPC collected, no gap", got.SLS, got.VPC, got.NotEvaluated)
			}
		})
	}
}

func TestSLSAlertWatches(t *testing.T) {
	watch := func(cis string) collect.SLSAlertWatch {
		for _, w := range collect.SLSAlertWatches {
			if w.CIS == cis {
				return w
			}
		}
		t.Fatalf("no watch for CIS %s", cis)
		return collect.SLSAlertWatch{}
	}
	tests := []struct {
		cis, query string
		want       bool
	}{
		{"2.20", "event.serviceName: Kms and (event.eventName: DisableKey or ScheduleKeyDeletion)", true},
		{"2.20", "event.serviceName: kms and event.eventName: ScheduleKeyDeletion | select count(*) as c", true},
		{"2.20", "event.serviceName: Kms and event.eventName: CreateKey", false},
		{"2.20", "event.eventName: DisableKey", false}, // no service: could be any product's key
		{"2.21", "event.serviceName: Oss and event.eventName: PutBucketPolicy", true},
		{"2.21", "event.serviceName: Oss and event.eventName: PutBucketAcl", false},
		{"2.18", "event.eventName: ConsoleSignin and event.userIdentity.type: root-account", true},
		{"2.16", "event.errorCode: NoPermission", true},
		{"2.16", "status: Forbidden", false}, // an access log, not ActionTrail
	}
	for _, tt := range tests {
		a := collect.SLSAlert{Queries: []string{"status >= 500", tt.query}}
		if got := a.Watches(watch(tt.cis)); got != tt.want {
			t.Errorf("Watches(CIS %s) over %q = %v; want %v", tt.cis, tt.query, got, tt.want)
		}
	}
}
