package collect_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// Collect the sample account's cn-hangzhou region from cloudsim and look for
// SSH open to the internet.
func ExampleCollector_Collect() {
	inv, err := cloudsim.LoadInventory("../../local/cloudsim/testdata/sample-account.json")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	c := collect.New(collect.Config{
		AccessKeyID:     cloudsim.DefaultAccessKeyID,
		AccessKeySecret: cloudsim.DefaultAccessKeySecret,
		Endpoint:        srv.Addr(), // production: leave empty
	})
	defer c.Close()

	got, err := c.Collect(context.Background(), inv.AccountID, "cn-hangzhou")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(got.ECS.Instances), "instances,", len(got.VPC.VPCs), "VPC")
	for _, g := range got.ECS.SecurityGroups {
		for _, r := range g.Ingress() {
			if r.Policy == "accept" && r.FromAnywhere() && r.Covers(22) {
				fmt.Println("SSH open to the internet:", g.ID, r.ID)
			}
		}
	}
	// Output:
	// 4 instances, 1 VPC
	// SSH open to the internet: sg-bp1acmeweb0001 sgr-bp1web22
}

// A permission gap is reported, not returned as an error.
func ExampleNotEvaluatedError() {
	srv, err := cloudsim.NewServer(cloudsim.Options{
		Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Vpc": true}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c := collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID,
		AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: srv.Addr()})
	defer c.Close()

	got, err := c.Collect(context.Background(), srv.AccountID(), "cn-hangzhou")
	fmt.Println("error:", err)
	for _, ne := range got.NotEvaluated {
		fmt.Println(ne.Product, ne.Reason, ne.Code)
	}
	// Output:
	// error: <nil>
	// vpc PermissionDenied Forbidden.RAM
}
