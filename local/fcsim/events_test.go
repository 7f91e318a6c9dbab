package fcsim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/queue"
)

func TestBuildMNSEvents(t *testing.T) {
	s := &Sim{opts: Options{Region: "cn-hangzhou", AccountID: "1234567890123456"}}
	enq := time.Date(2025, 3, 1, 10, 0, 0, 123e6, time.FixedZone("CST", 8*3600))
	msgs := []queue.Message{
		{ID: "M1", Body: []byte(`{"a":1}`), EnqueueTime: enq},
		{ID: "M2", Body: []byte("eyJiIjoyfQ=="), EnqueueTime: enq}, // base64 of {"b":2}
	}
	tests := []struct {
		name      string
		trig      QueueTrigger
		msgs      []queue.Message
		wantArray bool
		wantBody  []string
	}{
		{"streaming, no base64 decode", QueueTrigger{Name: "shards", Queue: "cspm-shards", Streaming: true}, msgs, true,
			[]string{`{"a":1}`, "eyJiIjoyfQ=="}},
		{"streaming, base64 decode", QueueTrigger{Name: "shards", Queue: "cspm-shards", Streaming: true, Base64Decode: true}, msgs, true,
			[]string{`{"a":1}`, `{"b":2}`}},
		{"event mode: one object", QueueTrigger{Name: "shards", Queue: "cspm-shards"}, msgs[:1], false,
			[]string{`{"a":1}`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := s.buildMNSEvents("cspm-run-check-shard", &tc.trig, tc.msgs)
			if err != nil {
				t.Fatalf("buildMNSEvents: %v", err)
			}
			if isArray := strings.HasPrefix(string(b), "["); isArray != tc.wantArray {
				t.Fatalf("payload %s: array = %v; want %v", b, isArray, tc.wantArray)
			}
			if !tc.wantArray {
				b = append(append([]byte("["), b...), ']')
			}
			var evs []mnsEvent
			if err := json.Unmarshal(b, &evs); err != nil {
				t.Fatal(err)
			}
			for i, e := range evs {
				if e.Data.MessageBody != tc.wantBody[i] {
					t.Errorf("event %d messageBody = %q; want %q", i, e.Data.MessageBody, tc.wantBody[i])
				}
				if e.Source != "MNS-cspm-run-check-shard-shards" || e.Subject != "acs:mns:cn-hangzhou:1234567890123456:queues/cspm-shards" ||
					e.Time != "2025-03-01T02:00:00.123Z" || e.AliyunRegionID != "cn-hangzhou" {
					t.Errorf("event %d = %+v; want source MNS-<function>-<trigger>, the queue subject, UTC ms time", i, e)
				}
			}
		})
	}
}

func TestDefaultBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		lo, hi  time.Duration
	}{
		{1, 160 * time.Millisecond, 240 * time.Millisecond},
		{2, 320 * time.Millisecond, 480 * time.Millisecond},
		{3, 640 * time.Millisecond, 960 * time.Millisecond},
		{5, 2560 * time.Millisecond, 3840 * time.Millisecond},
		{6, 4 * time.Second, 5 * time.Second},
		{60, 4 * time.Second, 5 * time.Second},
	}
	for _, tc := range tests {
		for range 50 {
			if d := DefaultBackoff(tc.attempt); d < tc.lo || d > tc.hi {
				t.Errorf("DefaultBackoff(%d) = %v; want %v..%v", tc.attempt, d, tc.lo, tc.hi)
				break
			}
		}
	}
}
