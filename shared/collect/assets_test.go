package collect_test

import (
	"context"
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

func TestAssets(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := collector(t, srv, nil)
	inv, err := c.Collect(context.Background(), srv.AccountID(), "cn-hangzhou", "ecs", "vpc")
	if err != nil {
		t.Fatal(err)
	}
	want := len(inv.ECS.Instances) + len(inv.ECS.SecurityGroups) + len(inv.ECS.Disks) +
		len(inv.VPC.VPCs) + len(inv.VPC.VSwitches)
	assets := inv.Assets()
	if len(assets) < want || want == 0 {
		t.Fatalf("Assets() = %d; want at least %d (instances, groups, disks, VPCs, vSwitches)", len(assets), want)
	}
	seen := map[string]bool{}
	for _, a := range assets {
		if a.ID == "" || len(a.Raw) == 0 || a.Region != "cn-hangzhou" || (a.Product != "ecs" && a.Product != "vpc") {
			t.Errorf("asset %+v lacks an id, raw evidence, its region or product", a)
		}
		key := a.Product + "/" + a.Type + "/" + a.ID
		if seen[key] {
			t.Errorf("asset %s listed twice", key)
		}
		seen[key] = true
	}
	if !seen["ecs/Instances/"+inv.ECS.Instances[0].ID] {
		t.Errorf("instance %s is not among the assets", inv.ECS.Instances[0].ID)
	}
}
