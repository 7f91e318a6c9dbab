package checks

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// TestVerify re-checks one finding, collecting only the item's product in
// the finding's region.
func TestVerify(t *testing.T) {
	sample, err := cloudsim.SampleInventory()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: sample})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	newCollector := func() *collect.Collector {
		return collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
			Endpoint: srv.Addr(), Rates: collect.Rates{Default: 10000, Burst: 100}})
	}
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

	srv.ResetCalls()
	fs, err := Verify(ctx, newCollector(), srv.AccountID(), VerifyRequest{ItemID: "ecs_sg_ssh_internet", InstanceID: "sg-bp1acmeweb0001", Region: "cn-hangzhou"}, now)
	if err != nil || len(fs) != 1 || fs[0].Status != NotPass || fs[0].InstanceID != "sg-bp1acmeweb0001" {
		t.Fatalf("Verify = %v, %v; want the one NOT_PASS finding", fs, err)
	}
	for call := range srv.Calls() {
		if !strings.HasPrefix(call, "Ecs.") || call == "Ecs.DescribeRegions" {
			t.Errorf("verify called %s: it should read only ECS in cn-hangzhou", call)
		}
	}

	fs, err = Verify(ctx, newCollector(), srv.AccountID(), VerifyRequest{ItemID: "ram_password_login_attempts"}, now)
	if err != nil || len(fs) != 1 || fs[0].Status != Pass {
		t.Errorf("Verify of an account-level item = %v, %v; want one PASS", fs, err)
	}
	if _, err := Verify(ctx, newCollector(), srv.AccountID(), VerifyRequest{ItemID: "ecs_no_such_item"}, now); err == nil || !strings.Contains(err.Error(), `unknown item id "ecs_no_such_item"`) {
		t.Errorf("Verify of an unknown item = %v; want a clear error", err)
	}
	if _, err := Verify(ctx, newCollector(), srv.AccountID(), VerifyRequest{ItemID: "ecs_sg_ssh_internet", InstanceID: "sg-gone", Region: "cn-hangzhou"}, now); err == nil || !strings.Contains(err.Error(), `instance "sg-gone" not found in cn-hangzhou`) {
		t.Errorf("Verify of a released instance = %v; want a not-found error", err)
	}
}
