package cloudsim_test

import (
	"fmt"
	"log"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

// The real ECS client, pointed at the emulator, lists a generated account.
func ExampleNewServer() {
	srv, err := cloudsim.NewServer(cloudsim.Options{
		Inventory: cloudsim.Generate(cloudsim.GenOptions{Instances: 250, Seed: 1}),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client, err := ecs.NewClientWithAccessKey("cn-hangzhou", cloudsim.DefaultAccessKeyID, cloudsim.DefaultAccessKeySecret)
	if err != nil {
		log.Fatal(err)
	}
	client.Domain = srv.Addr()

	req := ecs.CreateDescribeInstancesRequest()
	req.Scheme = "http"
	req.MaxResults = "100"
	resp, err := client.DescribeInstances(req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resp.Instances.Instance), "instances on the first page; more:", resp.NextToken != "")
	fmt.Println(srv.Calls())
	// Output:
	// 100 instances on the first page; more: true
	// map[Ecs.DescribeInstances:1]
}

// A fault plan: every third-ish call throttled, deterministically.
func ExampleFaults() {
	srv, err := cloudsim.NewServer(cloudsim.Options{
		Seed:   7,
		Faults: cloudsim.Faults{ThrottleRate: 0.3},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := srv.Client("cn-hangzhou")
	if err != nil {
		log.Fatal(err)
	}
	throttled := 0
	for i := 0; i < 100; i++ {
		req := ecs.CreateDescribeRegionsRequest()
		if err := client.DoAction(req, ecs.CreateDescribeRegionsResponse()); err != nil {
			throttled++
		}
	}
	fmt.Println(throttled > 15 && throttled < 45)
	// Output: true
}
