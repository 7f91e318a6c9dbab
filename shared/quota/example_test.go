package quota_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// Example runs one shard against a subscription that cannot cover it, on the otsim
// emulator: 10 items on 15 instances is 150 scans, 120 units were bought. The shard
// stops early when the quota runs out, keeps what it charged, and the counter equals
// the usage records.
func Example() {
	srv, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	st := store.New(srv.Client(), nil)
	tables, err := infra.Tables()
	if err != nil {
		log.Fatal(err)
	}
	if err := st.CreateTables(ctx, tables); err != nil {
		log.Fatal(err)
	}

	ledger := quota.New(st, nil)
	now := time.Now()
	acct := quota.Account{TenantID: "acme", Site: quota.SiteChina,
		Billing: quota.Subscription("order-2026", now.Add(-time.Hour), now.AddDate(1, 0, 0), 120)}
	instances, items := 15, 10
	r, err := ledger.Reserve(ctx, acct, entitlement.Units(instances, items))
	if err != nil {
		log.Fatal(err)
	}
	ran := 0
shard:
	for i := range instances {
		for j := range items {
			key := quota.ChargeKey{TenantID: "acme", Site: quota.SiteChina, TaskID: "task-1", ShardID: "cn-hangzhou/ecs",
				ItemID: fmt.Sprintf("ecs-%03d", j), InstanceID: fmt.Sprintf("i-%02d", i), Operation: entitlement.Scan}
			if err := r.Take(ctx, key); errors.Is(err, quota.ErrExhausted) {
				break shard // the task's status becomes "stopped: quota exhausted"
			} else if err != nil {
				log.Fatal(err)
			}
			ran++ // run the check here; on failure: r.Cancel(key)
		}
	}
	s, err := r.Settle(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("ran %d of %d scans, charged %d\n", ran, instances*items, s.Charged)

	rec, err := ledger.Reconcile(ctx, acct, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("counter %d, usage %d, mismatches %d\n", rec.Used, rec.Usage, len(rec.Mismatches))
	// Output:
	// ran 120 of 150 scans, charged 120
	// counter 120, usage 120, mismatches 0
}

// ExampleLedger_Charge charges a verification a user asked for, pay-as-you-go. The
// same request delivered again is not charged twice.
func ExampleLedger_Charge() {
	srv, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	st := store.New(srv.Client(), nil)
	tables, err := infra.Tables()
	if err != nil {
		log.Fatal(err)
	}
	if err := st.CreateTables(ctx, tables); err != nil {
		log.Fatal(err)
	}
	ledger := quota.New(st, nil)

	key := quota.ChargeKey{TenantID: "acme", Site: quota.SiteIntl, TaskID: "verify-7f3a", ItemID: "oss-003",
		InstanceID: "bucket-logs", Operation: entitlement.Verify}
	for range 2 {
		charged, err := ledger.Charge(ctx, key, quota.PayAsYouGo(time.Now()))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("charged:", charged)
	}
	// Output:
	// charged: true
	// charged: false
}
