package collect_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// TestHosts: the running Linux instances of a region with their Cloud Assistant
// status, read with DescribeInstances and one DescribeCloudAssistantStatus call, once
// per collector; a role without DescribeCloudAssistantStatus gets "not evaluated".
func TestHosts(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := collector(t, srv, nil)
	ctx := context.Background()
	hosts, err := c.Hosts(ctx, inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	online := map[string]bool{}
	var ids []string
	for _, h := range hosts {
		ids = append(ids, h.ID)
		online[h.ID] = h.CloudAssistant != nil && h.CloudAssistant.Installed
	}
	slices.Sort(ids)
	// i-bp1acmeapp01 is Windows; i-bp1acmedb01 has no Cloud Assistant record.
	if want := []string{"i-bp1acmedb01", "i-bp1acmeweb01", "i-bp1acmeweb02"}; !slices.Equal(ids, want) {
		t.Fatalf("Hosts = %v; want the running Linux instances %v", ids, want)
	}
	if !online["i-bp1acmeweb01"] || !online["i-bp1acmeweb02"] || online["i-bp1acmedb01"] {
		t.Errorf("Cloud Assistant online = %v; want web01 and web02 only", online)
	}
	// cn-shanghai's only instance is stopped.
	if hosts, err := c.Hosts(ctx, inv.AccountID, "cn-shanghai"); err != nil || len(hosts) != 0 {
		t.Errorf("Hosts(cn-shanghai) = %v, %v; want none (its instance is stopped)", hosts, err)
	}
	if _, err := c.Hosts(ctx, inv.AccountID, "cn-hangzhou"); err != nil {
		t.Fatal(err)
	}
	calls := c.Calls()
	if calls["Ecs.DescribeInstances"] != 2 || calls["Ecs.DescribeCloudAssistantStatus"] != 1 || len(calls) != 2 {
		t.Errorf("calls = %v; want DescribeInstances once per region and DescribeCloudAssistantStatus once (cn-shanghai has no host), nothing else", calls)
	}

	denied := start(t, cloudsim.Options{Inventory: inv, Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Ecs.DescribeCloudAssistantStatus": true}}})
	_, err = collector(t, denied, nil).Hosts(ctx, inv.AccountID, "cn-hangzhou")
	var ne *collect.NotEvaluatedError
	if !errors.As(err, &ne) || ne.Product != "ecs" {
		t.Errorf("Hosts without DescribeCloudAssistantStatus = %v; want a NotEvaluatedError for ecs", err)
	}
}
