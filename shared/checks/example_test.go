package checks_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// Scan the sample account with the CIS v2 policy's SSH and RDP items, mute a
// known exception, and count the failures.
func ExampleScan() {
	inv, err := cloudsim.SampleInventory()
	if err != nil {
		log.Fatal(err)
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c := collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID,
		AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: srv.Addr()})
	defer c.Close()

	rules, err := checks.Select("ecs_sg_ssh_internet", "ecs_sg_rdp_internet")
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	fs, err := checks.Scan(context.Background(), c, srv.AccountID(), nil, rules, now)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := checks.Whitelist(fs, []checks.WhitelistRule{{ItemID: "ecs_sg_ssh_internet",
		InstanceIDs: []string{"sg-uf6acmedr00001"}, Reason: "DR bastion, closed after drills"}}, now); err != nil {
		log.Fatal(err)
	}
	for _, f := range fs {
		switch {
		case f.Status == checks.Whitelisted:
			fmt.Println(f.ItemID, f.InstanceID, f.Status, "was", f.OriginalStatus)
		case f.Status != checks.Pass:
			fmt.Println(f.ItemID, f.InstanceID, f.Status)
		}
	}
	// Output:
	// ecs_sg_rdp_internet sg-bp1acmeapp0001 NOT_PASS
	// ecs_sg_ssh_internet sg-bp1acmeweb0001 NOT_PASS
	// ecs_sg_ssh_internet sg-uf6acmedr00001 WHITELISTED was NOT_PASS
}
