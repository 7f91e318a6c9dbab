package fcsim_test

import (
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/local/fcsim"
)

// FC timer expressions have six fields and are in UTC unless CRON_TZ is given.
func ExampleParseCron() {
	s, err := fcsim.ParseCron("CRON_TZ=Asia/Shanghai 0 0 2 * * *")
	if err != nil {
		fmt.Println(err)
		return
	}
	next := s.Next(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	fmt.Println(next.UTC().Format(time.RFC3339))
	// Output: 2025-03-01T18:00:00Z
}

// LoadSpec reads the deployment file the simulator runs.
func ExampleLoadSpec() {
	spec, err := fcsim.LoadSpec("../../s.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	q := spec.Function("run-check-shard").Queues[0]
	fmt.Printf("%s: queue %s, batches of %d within %v, %d retries, then %s\n",
		q.Name, q.Queue, q.BatchSize, q.BatchWindow, q.MaxRetries, q.DeadLetterQueue)
	// Output: shards: queue cspm-shards, batches of 10 within 3s, 3 retries, then cspm-dlq
}
