package shard

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHandle(t *testing.T) {
	for _, name := range []string{"mns-shard-batch.json", "mns-shard-event.json", "mns-shard-base64.json"} {
		t.Run(name, func(t *testing.T) {
			res, err := (&Handler{}).Handle(context.Background(), read(t, name))
			if err != nil {
				t.Fatalf("Handle(%s) = %v", name, err)
			}
			if len(res.Shards) == 0 {
				t.Fatalf("Handle(%s) received no shards", name)
			}
			for i, s := range res.Shards {
				if s.TenantID == "" || s.TaskID == "" || s.ShardID == "" || s.Items == 0 || s.Status != "received" {
					t.Errorf("shard %d = %+v; want tenant, task, shard id, items and status received", i, s)
				}
			}
		})
	}
}

func TestHandleRejectsWholeBatch(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"empty batch", `[]`, "empty batch"},
		{"timer", string(read(t, "timer.json")), "run-check-shard"},
		{"data not a job", string(read(t, "bad/data-not-a-job.json")), "batch[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := (&Handler{}).Handle(context.Background(), []byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Handle = %v; want an error mentioning %q", err, tt.want)
			}
			if len(res.Shards) != 0 {
				t.Errorf("a rejected batch still ran %d shards", len(res.Shards))
			}
		})
	}
}
