package shard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newHandler runs against a real store in otsim, with the shards of the given batch
// already planned, as schedule-scan leaves them.
func newHandler(t *testing.T, batches ...[]byte) *Handler {
	t.Helper()
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	st := storetest.NewStore(t, ots.Client(), nil)
	ctx := context.Background()
	for _, b := range batches {
		ds, err := event.ShardJobs(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			j := d.Job
			if _, err := st.PutTask(ctx, store.Task{TenantID: j.TenantID, TaskID: j.TaskID, Kind: "scheduled", Shards: j.Total}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.PutShards(ctx, []store.Shard{{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: j.ShardID, Region: j.Region, Product: j.Product, Items: j.Items}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return &Handler{Store: st}
}

func TestHandle(t *testing.T) {
	for _, name := range []string{"mns-shard-batch.json", "mns-shard-event.json", "mns-shard-base64.json"} {
		t.Run(name, func(t *testing.T) {
			body := read(t, name)
			h := newHandler(t, body)
			res, err := h.Handle(context.Background(), body)
			if err != nil {
				t.Fatalf("Handle(%s) = %v", name, err)
			}
			if len(res.Shards) == 0 {
				t.Fatalf("Handle(%s) ran no shards", name)
			}
			for i, s := range res.Shards {
				if s.Status != StatusDone || s.Attempt != 1 {
					t.Errorf("shard %d = %+v; want done on attempt 1", i, s)
				}
				got, err := h.Store.GetShard(context.Background(), store.ShardKey{TenantID: s.TenantID, TaskID: s.TaskID, ShardID: s.ShardID})
				if err != nil || got.State != store.ShardDone {
					t.Errorf("stored shard %s = %+v, %v; want state done", s.ShardID, got, err)
				}
			}
		})
	}
}

// TestRedeliveryRunsNothingTwice: the same batch delivered again, and delivered to many
// instances at once, runs each shard exactly once.
func TestRedeliveryRunsNothingTwice(t *testing.T) {
	body := read(t, "mns-shard-batch.json")
	h := newHandler(t, body)
	var mu sync.Mutex
	done := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := h.Handle(context.Background(), body)
			if err != nil {
				t.Errorf("Handle = %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, s := range res.Shards {
				if s.Status == StatusDone {
					done[s.TaskID+"/"+s.ShardID]++
				}
			}
		}()
	}
	wg.Wait()
	ds, err := event.ShardJobs(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		k := d.Job.TaskID + "/" + d.Job.ShardID
		if done[k] != 1 {
			t.Errorf("shard %s ran %d times across 8 concurrent deliveries; want exactly 1", k, done[k])
		}
	}
}

// TestTaskFinishes: the task is done once its last shard is.
func TestTaskFinishes(t *testing.T) {
	body := read(t, "mns-shard-batch.json")
	h := newHandler(t, body)
	ds, err := event.ShardJobs(body)
	if err != nil {
		t.Fatal(err)
	}
	j := ds[0].Job
	// Plan the whole task so its status depends on every shard of it.
	var all []store.Shard
	for i := 0; i < j.Total; i++ {
		all = append(all, store.Shard{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: shardID(i), Region: j.Region, Product: j.Product, Items: j.Items})
	}
	if _, err := h.Store.PutShards(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Handle(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	task, err := h.Store.GetTask(context.Background(), j.TenantID, j.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != store.TaskRunning {
		t.Fatalf("task status after some shards = %q; want running", task.Status)
	}
	// Run the rest.
	for i := 0; i < j.Total; i++ {
		k := store.ShardKey{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: shardID(i)}
		sh, err := h.Store.GetShard(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		if sh.State != store.ShardQueued {
			continue
		}
		job := j
		job.ShardID = shardID(i)
		batch := mustBatch(t, job)
		if _, err := h.Handle(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	task, err = h.Store.GetTask(context.Background(), j.TenantID, j.TaskID)
	if err != nil || task.Status != store.TaskDone {
		t.Fatalf("task after every shard = %+v, %v; want done", task, err)
	}
}

func shardID(i int) string { return fmt.Sprintf("%04d", i) }

func mustBatch(t *testing.T, j event.ShardJob) []byte {
	t.Helper()
	b, err := j.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	batch, err := event.NewMNSCloudEvents(event.BatchSource{Region: "cn-hangzhou", AccountID: "1234567890123456", Queue: "cspm-shards", EventBus: "MNS-cspm-run-check-shard-shards"},
		[]event.QueuedMessage{{MessageID: "M" + j.ShardID, RequestID: "R" + j.ShardID, Body: b, PublishTime: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	return batch
}

func TestHandleRejectsWholeBatch(t *testing.T) {
	unplanned := read(t, "mns-shard-batch.json")
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"empty batch", []byte(`[]`), "empty batch"},
		{"timer", read(t, "timer.json"), "run-check-shard"},
		{"data not a job", read(t, "bad/data-not-a-job.json"), "batch[0]"},
		{"shard never planned", unplanned, "never planned"},
	}
	h := newHandler(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.Handle(context.Background(), tt.body)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Handle = %v; want an error mentioning %q", err, tt.want)
			}
			if len(res.Shards) != 0 {
				t.Errorf("a rejected batch still ran %d shards", len(res.Shards))
			}
		})
	}
}
