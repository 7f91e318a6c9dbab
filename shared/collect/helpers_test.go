package collect_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

const samplePath = "../../local/cloudsim/testdata/sample-account.json"

// fakeClock moves time forward on Sleep instead of waiting, so backoff and
// rate limiting cost nothing in tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.add(d)
	return ctx.Err()
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
}

func sample(t testing.TB) *cloudsim.Inventory {
	t.Helper()
	inv, err := cloudsim.LoadInventory(samplePath)
	if err != nil {
		t.Fatalf("LoadInventory: %v", err)
	}
	return inv
}

func start(t testing.TB, opts cloudsim.Options) *cloudsim.Server {
	t.Helper()
	srv, err := cloudsim.NewServer(opts)
	if err != nil {
		t.Fatalf("cloudsim.NewServer: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// collector points a Collector at srv with the default keys and a fake
// clock; mod adjusts the config.
func collector(t testing.TB, srv *cloudsim.Server, mod func(*collect.Config)) *collect.Collector {
	t.Helper()
	cfg := collect.Config{
		AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
		Endpoint: srv.Addr(), Clock: newFakeClock(),
	}
	if mod != nil {
		mod(&cfg)
	}
	c := collect.New(cfg)
	t.Cleanup(c.Close)
	return c
}

// minimumCalls is the fewest calls that can collect inv's ECS and VPC in
// the given regions with the documented page sizes.
func minimumCalls(inv *cloudsim.Inventory, regions ...string) map[string]int {
	pages := func(n, size int) int { return max(1, (n+size-1)/size) }
	out := map[string]int{}
	for _, r := range regions {
		insts := inv.Objects(r, "ecs", "Instances")
		out["Ecs.DescribeInstances"] += pages(len(insts), 100)
		roles := map[string]bool{}
		for _, o := range inv.Objects(r, "ecs", "InstanceRamRoleSets") {
			var s struct{ InstanceId string }
			_ = json.Unmarshal(o, &s)
			roles[s.InstanceId] = true
		}
		for i := 0; i < len(insts); i += 100 {
			n := 0
			for _, o := range insts[i:min(i+100, len(insts))] {
				var s struct{ InstanceId string }
				_ = json.Unmarshal(o, &s)
				if roles[s.InstanceId] {
					n++
				}
			}
			out["Ecs.DescribeInstanceRamRole"] += pages(n, 50)
		}
		groups := inv.Objects(r, "ecs", "SecurityGroups")
		out["Ecs.DescribeSecurityGroups"] += pages(len(groups), 100)
		for _, g := range groups {
			var s struct {
				Permissions struct{ Permission []json.RawMessage }
			}
			_ = json.Unmarshal(g, &s)
			out["Ecs.DescribeSecurityGroupAttribute"] += pages(len(s.Permissions.Permission), 1000)
		}
		out["Ecs.DescribeDisks"] += pages(len(inv.Objects(r, "ecs", "Disks")), 500)
		out["Ecs.DescribeCloudAssistantStatus"] += pages(len(insts), 50)
		for api, col := range map[string]string{"Vpc.DescribeVpcs": "Vpcs", "Vpc.DescribeVSwitches": "VSwitches",
			"Vpc.DescribeRouteTableList": "RouterTableList", "Vpc.DescribeFlowLogs": "FlowLogs", "Vpc.DescribeNatGateways": "NatGateways"} {
			out[api] += pages(len(inv.Objects(r, "vpc", col)), 50)
		}
		out["Vpc.DescribeEipAddresses"] += pages(len(inv.Objects(r, "vpc", "EipAddresses")), 100)
	}
	addACKSLSSASCalls(out, inv, regions...)  // ack_sls_sas_test.go
	addLBTrailKMSCalls(out, inv, regions...) // lb_trail_kms_test.go
	addOSSCalls(out, inv, regions...)        // oss_test.go
	addDatabaseCalls(out, inv, regions...)   // database_test.go
	addRAMCalls(out, inv)                    // ram_test.go
	return out
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// intercept serves cloudsim but lets fn replace the status and body of the
// answers to the requests match selects (match sees the request before
// cloudsim does).
func intercept(t *testing.T, srv *cloudsim.Server, match func(r *http.Request) bool,
	fn func(r *http.Request, status int, body []byte) (int, []byte)) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit := match(r)
		rec := httptest.NewRecorder()
		srv.HTTPHandler().ServeHTTP(rec, r)
		status, body := rec.Code, rec.Body.Bytes()
		if hit {
			status, body = fn(r, status, body)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String()
}

// mangleOK is intercept rewriting the bodies of successful answers only.
func mangleOK(t *testing.T, srv *cloudsim.Server, match func(r *http.Request) bool, fn func([]byte) []byte) string {
	t.Helper()
	return intercept(t, srv, match, func(_ *http.Request, status int, body []byte) (int, []byte) {
		if status == 200 {
			body = fn(body)
		}
		return status, body
	})
}

// isAPI matches the RPC requests for one action of one API version.
func isAPI(version, action string) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		q := r.URL.Query()
		return q.Get("Action") == action && q.Get("Version") == version
	}
}
