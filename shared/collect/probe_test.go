package collect_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// TestProbe: every probed product answers through cloudsim, and a refused product
// reads as a permission error for that product alone.
func TestProbe(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := collector(t, srv, nil)
	for _, p := range collect.ProbedProducts() {
		if err := c.Probe(context.Background(), srv.AccountID(), "cn-hangzhou", p); err != nil {
			t.Errorf("Probe(%s) = %v; want nil on the sample account", p, err)
		}
	}
	denied := start(t, cloudsim.Options{Inventory: sample(t), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Ecs": true}}})
	c = collector(t, denied, nil)
	if err := c.Probe(context.Background(), denied.AccountID(), "cn-hangzhou", "ecs"); !errors.Is(err, collect.ErrPermission) {
		t.Errorf("Probe(ecs) with Ecs denied = %v; want a permission error", err)
	}
	if err := c.Probe(context.Background(), denied.AccountID(), "cn-hangzhou", "vpc"); err != nil {
		t.Errorf("Probe(vpc) with only Ecs denied = %v; want nil", err)
	}
	// Log Service's data plane has its own permissions: a role that may call the
	// app API but not log:ListProject cannot read projects and logstores.
	noProjects := start(t, cloudsim.Options{Inventory: sample(t), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Sls.ListProject": true}}})
	if err := collector(t, noProjects, nil).Probe(context.Background(), noProjects.AccountID(), "", "sls"); !errors.Is(err, collect.ErrPermission) {
		t.Errorf("Probe(sls) with Sls.ListProject denied = %v; want a permission error", err)
	}
	if err := c.Probe(context.Background(), denied.AccountID(), "cn-hangzhou", "s3"); err == nil {
		t.Error("Probe(s3) = nil; want an unknown product error")
	}
}

// TestAccountLevelProducts: the products AccountLevel names are exactly those a
// Collector files into every region's inventory from one account-wide read, so a
// planner that puts them in one shard and a check that reads them once agree with how
// they are collected.
func TestAccountLevelProducts(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := collector(t, srv, nil)
	ctx := context.Background()
	for _, p := range collect.Products() {
		if !collect.AccountLevel(p) {
			continue
		}
		if _, err := c.Collect(ctx, srv.AccountID(), "cn-hangzhou", p); err != nil {
			t.Fatal(err)
		}
	}
	calls := srv.Calls()
	for _, p := range collect.Products() {
		if !collect.AccountLevel(p) {
			continue
		}
		if _, err := c.Collect(ctx, srv.AccountID(), "cn-shanghai", p); err != nil {
			t.Fatal(err)
		}
	}
	if again := srv.Calls(); sum(again) != sum(calls) {
		t.Errorf("collecting the account-level products %v in a second region made %d more calls; want none",
			accountLevel(), sum(again)-sum(calls))
	}
}

func accountLevel() []string {
	var out []string
	for _, p := range collect.Products() {
		if collect.AccountLevel(p) {
			out = append(out, p)
		}
	}
	return out
}
