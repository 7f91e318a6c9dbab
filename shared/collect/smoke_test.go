package collect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

func TestSmoke(t *testing.T) {
	inv, err := cloudsim.LoadInventory("../../local/cloudsim/testdata/sample-account.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := collect.New(collect.Config{AccessKeyID: "cspm-local-ak", AccessKeySecret: "cspm-local-secret", Endpoint: srv.Addr(), Rates: collect.Rates{Default: 1000}})
	got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(got, "", " ")
	fmt.Println(len(b))
	for _, i := range got.ECS.Instances {
		fmt.Printf("%s %s role=%q tokens=%s ca=%v eip=%s pub=%v\n", i.ID, i.Name, i.RAMRole, i.MetadataHTTPTokens, i.CloudAssistant != nil && i.CloudAssistant.Installed, i.EIP, i.PublicIPs)
	}
	for _, g := range got.ECS.SecurityGroups {
		for _, r := range g.Rules {
			fmt.Printf("%s %s %s %s %d-%d %s %s %s\n", g.ID, r.Direction, r.Policy, r.Protocol, r.FromPort, r.ToPort, r.SourceCIDR, r.SourceGroupID, r.DestCIDR)
		}
	}
	fmt.Println(len(got.ECS.Disks), len(got.VPC.VPCs), len(got.VPC.VSwitches), len(got.VPC.RouteTables), len(got.VPC.FlowLogs), len(got.VPC.EIPs), len(got.VPC.NATGateways))
	fmt.Println(srv.Calls())
	regs, err := c.Regions(context.Background(), inv.AccountID)
	fmt.Println(regs, err)
	id, err := c.CallerIdentity(context.Background(), inv.AccountID)
	fmt.Println(id, err)
}
