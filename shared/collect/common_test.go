package collect_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// TestCommonRequestAPIs collects the facts only newer APIs expose, sent as
// the SDK's CommonRequest: ACK clusters' inspection configuration and
// Security Center's vulnerability scan settings.
func TestCommonRequestAPIs(t *testing.T) {
	inv := sample(t)
	ctx := context.Background()
	c := collector(t, start(t, cloudsim.Options{Inventory: inv.Clone()}), nil)
	ack, err := c.ACK(ctx, inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]collect.Cluster{}
	for _, cl := range ack.Clusters {
		byID[cl.ID] = cl
	}
	ops, shop := byID[opsCluster].Inspection, byID[shopCluster].Inspection
	if ops == nil || !ops.Enabled || ops.Frequency() != "DAILY" || !ops.AtLeastWeekly() || len(ops.Raw) == 0 {
		t.Errorf("ops cluster inspection = %+v; want enabled, daily, with evidence", ops)
	}
	if shop != nil {
		t.Errorf("shop cluster inspection = %+v; want nil (none configured)", shop)
	}
	sas, err := c.SAS(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if v := sas.VulConfig("sys"); v == nil || v.Config != "on" || v.OverAll != "off" {
		t.Errorf("VulConfig(sys) = %+v; want on, not for all servers", v)
	}
	if v := sas.VulConfig("cve"); v == nil || v.Config != "on" || v.OverAll != "on" {
		t.Errorf("VulConfig(cve) = %+v; want on for all servers", v)
	}
	calls := c.Calls()
	if calls["CS.GetClusterInspectConfig"] != len(ack.Clusters) || calls["Sas.DescribeVulConfig"] != 1 {
		t.Errorf("calls = %v; want one GetClusterInspectConfig per cluster and one DescribeVulConfig", calls)
	}

	tests := []struct {
		api, product, code string
	}{
		{"CS.GetClusterInspectConfig", "ack", "Forbidden.RAM"},
		{"Sas.DescribeVulConfig", "sas", "NoPermission"},
	}
	for _, tt := range tests {
		srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{tt.api: true}}})
		got, err := collector(t, srv, nil).Collect(ctx, inv.AccountID, "cn-hangzhou", "ack", "sas", "vpc")
		if err != nil {
			t.Fatalf("%s denied: Collect: %v", tt.api, err)
		}
		ne := got.NotEvaluatedFor(tt.product)
		if ne == nil || len(got.NotEvaluated) != 1 || ne.API != tt.api || ne.Code != tt.code || !errors.Is(ne, collect.ErrPermission) {
			t.Errorf("%s denied: NotEvaluated = %v; want %s not evaluated with %s", tt.api, got.NotEvaluated, tt.product, tt.code)
		}
		if got.VPC == nil {
			t.Errorf("%s denied: VPC was not collected", tt.api)
		}
	}
}

func TestClusterInspectionAtLeastWeekly(t *testing.T) {
	tests := []struct {
		in   *collect.ClusterInspection
		want bool
	}{
		{nil, false},
		{&collect.ClusterInspection{Enabled: true, Recurrence: "FREQ=DAILY;BYHOUR=10;BYMINUTE=15"}, true},
		{&collect.ClusterInspection{Enabled: true, Recurrence: "freq=weekly;byday=MO"}, true},
		{&collect.ClusterInspection{Enabled: true, Recurrence: "FREQ=MONTHLY"}, false},
		{&collect.ClusterInspection{Enabled: true, Recurrence: ""}, false},
		{&collect.ClusterInspection{Enabled: false, Recurrence: "FREQ=DAILY;BYHOUR=10;BYMINUTE=15"}, false},
	}
	for _, tt := range tests {
		if got := tt.in.AtLeastWeekly(); got != tt.want {
			t.Errorf("%+v.AtLeastWeekly() = %v; want %v", tt.in, got, tt.want)
		}
	}
}
