package event_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/shared/event"
)

// schedule-scan queues shard jobs; the MNS trigger delivers them to
// run-check-shard as a CloudEvents batch, which ShardJobs turns back into
// jobs.
func ExampleShardJobs() {
	job := event.ShardJob{
		Version: event.JobVersion, TenantID: "t-acme-001", TaskID: "task-20240520-0001", ShardID: "0007",
		Site: event.SiteCN, Region: "cn-hangzhou", Product: "ecs",
		Items: []string{"ecs-sg-open-ssh"}, Kind: event.ShardConfig,
		Total: 12, CreatedAt: "2024-05-20T02:00:03Z",
	}
	body, err := job.Marshal() // validates
	if err != nil {
		panic(err)
	}

	// What the local FC emulator posts to run-check-shard's /invoke.
	batch, err := event.NewMNSCloudEvents(
		event.BatchSource{Region: "cn-hangzhou", AccountID: "1234567890123456", Queue: "cspm-shards", EventBus: "MNS-run-check-shard-cspm-shards"},
		[]event.QueuedMessage{{MessageID: "C6DB60D1574661357FA2272774451A01", Body: body, PublishTime: time.Now()}},
	)
	if err != nil {
		panic(err)
	}

	// In run-check-shard:
	deliveries, err := event.ShardJobs(batch)
	if err != nil {
		var be *event.BatchError
		if errors.As(err, &be) {
			fmt.Println("bad element at index", be.Index)
		}
		panic(err)
	}
	for _, d := range deliveries {
		fmt.Println(d.MessageID, d.Job.TenantID, d.Job.Region, d.Job.Product, d.Job.ShardID, d.Job.Items)
	}

	// A malformed job is an error naming the problem, never a silent no-op.
	_, err = event.DecodeShardJob([]byte(`{"version":1,"tenant_id":"t-acme-001","shard":"7"}`))
	fmt.Println(err)
	// Output:
	// C6DB60D1574661357FA2272774451A01 t-acme-001 cn-hangzhou ecs 0007 [ecs-sg-open-ssh]
	// shard job: unknown field "shard" (known fields: version, tenant_id, task_id, shard_id, site, region, product, items, kind, resource_id, attempt, total, created_at, part, parts)
}

// schedule-scan accepts a timer, ActionTrail change events, or an on-demand
// scan request, and tells them apart by shape.
func ExampleDecodeScheduleInput() {
	for _, payload := range [][]byte{
		event.NewTimer("nightly-scan", time.Date(2024, 5, 20, 18, 0, 0, 0, time.UTC), `{"policy":"cis-v2"}`),
		[]byte(`{"tenant_id":"t-acme-001","policy":"cis-v2","reason":"pre-audit"}`),
		[]byte(`{"hello":"world"}`),
	} {
		in, err := event.DecodeScheduleInput(payload)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		switch in.Kind {
		case event.KindTimer:
			fmt.Println("timer", in.Timer.TriggerName, in.Timer.TriggerTime)
		case event.KindScanRequest:
			fmt.Println("scan request for", in.Request.TenantID)
		case event.KindActionTrail:
			for _, c := range in.Changes {
				fmt.Println("change", c.ServiceName, c.EventName, c.AccountID())
			}
		}
	}
	// Output:
	// timer nightly-scan 2024-05-20T18:00:00Z
	// scan request for t-acme-001
	// error: unrecognised event: got an object with fields [hello]; want a timer trigger ({"triggerTime":...,"triggerName":...}), an ActionTrail CloudEvent or an array of them ({"specversion":"1.0","type":"<service>:ActionTrail:...",...}), a scan request ({"tenant_id":...}), or a verify request ({"kind":"verify","tenant_id":...,"item_id":...})
}
