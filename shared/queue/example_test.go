package queue_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/shared/queue"
)

// Example sends a job, receives it and deletes it. In production the configuration
// comes from queue.ConfigFromEnv; here it points at the local MNS emulator.
func Example() {
	srv, err := mnssim.NewServer(mnssim.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	q, err := queue.New(srv.ClientConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := q.CreateQueue(ctx, "cspm-shards", time.Minute); err != nil {
		log.Fatal(err)
	}
	if _, err := q.SendBatch(ctx, "cspm-shards", [][]byte{[]byte(`{"shard":1}`), []byte(`{"shard":2}`)}); err != nil {
		log.Fatal(err)
	}

	msgs, err := q.Receive(ctx, "cspm-shards", queue.MaxBatch, 5*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Printf("%s (received %d time)\n", m.Body, m.DequeueCount)
		if err := q.Delete(ctx, "cspm-shards", m.ReceiptHandle); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// {"shard":1} (received 1 time)
	// {"shard":2} (received 1 time)
}
