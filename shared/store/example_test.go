package store_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// Example runs one shard the way run-check-shard does, against the otsim emulator:
// claim the shard, charge quota per billable operation (idempotent, capped), write
// findings, complete the shard. A redelivered job finds the shard claimed.
func Example() {
	srv, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	st := store.New(srv.Client(), nil)
	ctx := context.Background()

	tables, err := infra.Tables()
	if err != nil {
		log.Fatal(err)
	}
	if err := st.CreateTables(ctx, tables); err != nil { // what `cspm tables create` does
		log.Fatal(err)
	}

	// schedule-scan: the task and its shards.
	if _, err := st.PutTask(ctx, store.Task{TenantID: "acme", TaskID: "task1", Kind: "scheduled", Shards: 1}); err != nil {
		log.Fatal(err)
	}
	key := store.ShardKey{TenantID: "acme", TaskID: "task1", ShardID: "cn-hangzhou/ecs"}
	shard := store.Shard{TenantID: key.TenantID, TaskID: key.TaskID, ShardID: key.ShardID,
		Region: "cn-hangzhou", Product: "ecs", Items: []string{"ecs-001"}}
	if _, err := st.PutShards(ctx, []store.Shard{shard}); err != nil {
		log.Fatal(err)
	}

	// run-check-shard: claim; a second delivery of the same job is refused.
	sh, err := st.ClaimShard(ctx, key, 10*time.Minute)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("claimed:", sh.State, "attempt", sh.Attempt)
	if _, err := st.ClaimShard(ctx, key, 10*time.Minute); errors.Is(err, store.ErrConflict) {
		fmt.Println("redelivered job: shard already claimed")
	}

	// Charge one unit for one instance × one item × scan, exactly once.
	for range 2 { // the second time is a retry
		created, err := st.RecordUsage(ctx, store.Usage{TenantID: "acme", Key: "task1/cn-hangzhou/ecs/ecs-001/i-1/scan",
			ItemID: "ecs-001", InstanceID: "i-1", Operation: "scan"})
		if err != nil {
			log.Fatal(err)
		}
		if created {
			q, err := st.ReserveQuota(ctx, "acme", "subscription", 1, 750)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("charged: used", q.Used, "of", q.Cap)
		} else {
			fmt.Println("already recorded: not charged again")
		}
	}

	now := time.Now()
	stats, err := st.PutFindings(ctx, []store.Finding{{TenantID: "acme", ItemID: "ecs-001", InstanceID: "i-1",
		Status: "fail", Severity: "high", Evidence: `{"port":22}`, FirstSeen: now, LastSeen: now, TaskID: "task1"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("findings written:", stats.Written)
	if err := st.CompleteShard(ctx, key, sh.LeaseID, ""); err != nil {
		log.Fatal(err)
	}
	done, err := st.GetShard(ctx, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("shard:", done.State)
	// Output:
	// claimed: running attempt 1
	// redelivered job: shard already claimed
	// charged: used 1 of 750
	// already recorded: not charged again
	// findings written: 1
	// shard: done
}
