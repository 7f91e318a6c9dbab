package fcsim

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/shared/queue"
)

// TestQueueOverMNSSim runs a queue trigger over the MNS emulator and the production client.
func TestQueueOverMNSSim(t *testing.T) {
	srv, err := mnssim.NewServer(mnssim.Options{})
	if err != nil {
		t.Fatalf("mnssim.NewServer: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	client, err := queue.New(srv.ClientConfig())
	if err != nil {
		t.Fatalf("queue.New: %v", err)
	}
	ctx := context.Background()
	for _, q := range []string{"jobs", "dlq"} {
		if err := client.CreateQueue(ctx, q, 30*time.Second); err != nil {
			t.Fatalf("CreateQueue(%s): %v", q, err)
		}
	}
	var good [][]byte
	for i := range 7 {
		good = append(good, fmt.Appendf(nil, `{"shard":%d}`, i))
	}
	if _, err := client.SendBatch(ctx, "jobs", good); err != nil {
		t.Fatalf("SendBatch: %v", err)
	}

	h := start(t, queueSpec(5, 1, 1, 2), func(o *Options) { o.Queue = client })
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("hops: %+v\nstderr:\n%s", h.hops.all(), h.stderr)
		}
	})
	waitFor(t, 10*time.Second, "7 messages delivered", func() bool {
		n := 0
		for _, x := range h.hops.all() {
			if x.Status == HopOK {
				n += x.Messages
			}
		}
		return n == 7
	})
	var sizes []int
	for _, x := range h.hops.all() {
		sizes = append(sizes, x.Messages)
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{2, 5}) {
		t.Errorf("batch sizes = %v; want [2 5]", sizes)
	}
	waitFor(t, 2*time.Second, "jobs to be empty after the deletes", func() bool {
		v, in, d := srv.Stats("jobs")
		return v+in+d == 0
	})

	poison := `{"shard":"fail"}`
	if _, err := client.Send(ctx, "jobs", []byte(poison)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the poison message to be parked", func() bool {
		hs := h.hops.all()
		return hs[len(hs)-1].Status == HopParked
	})
	var statuses []string
	for _, x := range h.hops.all()[2:] {
		statuses = append(statuses, x.Status)
	}
	if !slices.Equal(statuses, []string{HopRetry, HopParked}) {
		t.Errorf("poison hops = %v; want [retry parked]", statuses)
	}
	if v, in, d := srv.Stats("jobs"); v+in+d != 0 {
		t.Errorf("jobs holds %d visible, %d in flight, %d delayed; want empty", v, in, d)
	}
	msgs, err := client.Receive(ctx, "dlq", 16, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || string(msgs[0].Body) != poison {
		t.Fatalf("dlq holds %d message(s) %+v; want the poison body unchanged", len(msgs), msgs)
	}

	// The function saw EventBridge's CloudEvents carrying the emulator's message ids.
	for _, c := range h.callsTo(t, "/invoke") {
		var evs []mnsEvent
		if err := json.Unmarshal([]byte(c.Body), &evs); err != nil || len(evs) == 0 {
			t.Fatalf("invocation body %q: %v", c.Body, err)
		}
		for _, e := range evs {
			if e.Data.MessageID == "" || !strings.HasPrefix(e.Data.MessageBody, `{"shard":`) || e.Subject != "acs:mns:cn-shanghai:1111222233334444:queues/jobs" {
				t.Errorf("event %+v", e)
			}
		}
	}
	if strings.Contains(h.stderr.String(), "[fcsim]") {
		t.Errorf("simulator reported problems:\n%s", h.stderr)
	}
}
