package fcsim

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/queue"
)

// The production MNS client satisfies QueueClient.
var _ QueueClient = (*queue.Client)(nil)

// memQueue is an in-memory MNS-like queue service satisfying QueueClient: messages become
// invisible for visibility when received, receipt handles change on every receive and
// ChangeVisibility, and Receive long-polls.
type memQueue struct {
	mu         sync.Mutex
	visibility time.Duration
	queues     map[string][]*memMsg
	seq        int
	sendErr    map[string]error // queue -> error returned by Send
	visCalls   int
}

type memMsg struct {
	id, handle string
	body       []byte
	visibleAt  time.Time
	dequeues   int64
	enqueued   time.Time
	firstDeq   time.Time
}

func newMemQueue() *memQueue {
	return &memQueue{visibility: 30 * time.Second, queues: map[string][]*memMsg{}, sendErr: map[string]error{}}
}

func (q *memQueue) Send(ctx context.Context, name string, body []byte) (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.sendErr[name]; err != nil {
		return "", err
	}
	q.seq++
	id := fmt.Sprintf("MSG%04d", q.seq)
	q.queues[name] = append(q.queues[name], &memMsg{id: id, body: append([]byte(nil), body...), enqueued: time.Now()})
	return id, nil
}

func (q *memQueue) Receive(ctx context.Context, name string, max int, wait time.Duration) ([]queue.Message, error) {
	if max < 1 || max > 16 {
		return nil, fmt.Errorf("memQueue: max %d out of 1..16", max)
	}
	deadline := time.Now().Add(wait)
	for {
		if out := q.take(name, max); len(out) > 0 {
			return out, nil
		}
		if !time.Now().Before(deadline) {
			return nil, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(10*time.Millisecond, time.Until(deadline))):
		}
	}
}

func (q *memQueue) take(name string, max int) []queue.Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	var out []queue.Message
	for _, m := range q.queues[name] {
		if len(out) == max {
			break
		}
		if now.Before(m.visibleAt) {
			continue
		}
		q.seq++
		m.handle = fmt.Sprintf("RH%06d", q.seq)
		m.visibleAt = now.Add(q.visibility)
		m.dequeues++
		if m.firstDeq.IsZero() {
			m.firstDeq = now
		}
		out = append(out, queue.Message{ID: m.id, Body: append([]byte(nil), m.body...), ReceiptHandle: m.handle,
			DequeueCount: m.dequeues, EnqueueTime: m.enqueued, FirstDequeueTime: m.firstDeq})
	}
	return out
}

func (q *memQueue) find(name, handle string) (int, *memMsg) {
	for i, m := range q.queues[name] {
		if m.handle == handle && handle != "" {
			return i, m
		}
	}
	return -1, nil
}

func (q *memQueue) Delete(ctx context.Context, name, handle string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	i, _ := q.find(name, handle)
	if i < 0 {
		return fmt.Errorf("memQueue: %s: receipt handle %q invalid", name, handle)
	}
	q.queues[name] = slices.Delete(q.queues[name], i, i+1)
	return nil
}

func (q *memQueue) ChangeVisibility(ctx context.Context, name, handle string, d time.Duration) (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.visCalls++
	_, m := q.find(name, handle)
	if m == nil {
		return "", fmt.Errorf("memQueue: %s: receipt handle %q invalid", name, handle)
	}
	q.seq++
	m.handle = fmt.Sprintf("RH%06d", q.seq)
	m.visibleAt = time.Now().Add(d)
	return m.handle, nil
}

// bodies returns the bodies of all messages in a queue, visible or not.
func (q *memQueue) bodies(name string) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []string
	for _, m := range q.queues[name] {
		out = append(out, string(m.body))
	}
	return out
}

func (q *memQueue) send(t *testing.T, name string, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		if _, err := q.Send(context.Background(), name, []byte(b)); err != nil {
			t.Fatal(err)
		}
	}
}

// queueSpec has one function with an MNS trigger on queue "jobs".
func queueSpec(batch, windowSecs, retries, concurrency int) string {
	return fmt.Sprintf(`
edition: 3.0.0
name: t
resources:
  worker:
    component: fc3
    props:
      functionName: t-worker
      timeout: 5
      instanceConcurrency: %d
      triggers:
        - triggerName: jobs
          triggerType: eventbridge
          triggerConfig:
            triggerEnable: true
            eventSourceConfig:
              eventSourceType: MNS
              eventSourceParameters:
                sourceMNSParameters:
                  QueueName: jobs
                  IsBase64Decode: false
            runOptions:
              mode: event-streaming
              batchWindow:
                CountBasedWindow: %d
                TimeBasedWindow: %d
              retryStrategy:
                MaximumRetryAttempts: %d
              deadLetterQueue:
                Arn: acs:mns:cn-shanghai:1111222233334444:/queues/dlq
`, concurrency, batch, windowSecs, retries)
}

// mnsEvent is one delivered CloudEvent, as the function sees it.
type mnsEvent struct {
	ID                string `json:"id"`
	Source            string `json:"source"`
	SpecVersion       string `json:"specversion"`
	Type              string `json:"type"`
	DataContentType   string `json:"datacontenttype"`
	Subject           string `json:"subject"`
	Time              string `json:"time"`
	AliyunAccountID   string `json:"aliyunaccountid"`
	AliyunPublishTime string `json:"aliyunpublishtime"`
	AliyunOrigAccount string `json:"aliyunoriginalaccountid"`
	AliyunEventBus    string `json:"aliyuneventbusname"`
	AliyunRegionID    string `json:"aliyunregionid"`
	Data              struct {
		RequestID   string `json:"requestId"`
		MessageID   string `json:"messageId"`
		MessageBody string `json:"messageBody"`
	} `json:"data"`
}

func TestQueueBatchesDeliversAndDeletes(t *testing.T) {
	mq := newMemQueue()
	var want []string
	for i := range 25 {
		want = append(want, fmt.Sprintf(`{"shard":%d}`, i))
	}
	mq.send(t, "jobs", want...)
	h := start(t, queueSpec(10, 1, 3, 4), func(o *Options) { o.Queue = mq })

	waitFor(t, 5*time.Second, "25 messages delivered", func() bool {
		n := 0
		for _, x := range h.hops.all() {
			if x.Status == HopOK {
				n += x.Messages
			}
		}
		return n == 25
	})
	var sizes []int
	for _, x := range h.hops.all() {
		if x.Kind != KindQueue || x.Trigger != "jobs" || x.Function != "worker" || x.Status != HopOK || x.Attempt != 1 {
			t.Errorf("hop %+v; want ok first attempts of worker/jobs", x)
		}
		sizes = append(sizes, x.Messages)
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{5, 10, 10}) {
		t.Errorf("batch sizes = %v; want [5 10 10]", sizes)
	}
	waitFor(t, 2*time.Second, "the queue to be empty", func() bool { return len(mq.bodies("jobs")) == 0 })
	if d := mq.bodies("dlq"); len(d) != 0 {
		t.Errorf("dead-letter queue = %v; want empty", d)
	}

	var got []string
	ids := map[string]bool{}
	for _, c := range h.callsTo(t, "/invoke") {
		var evs []mnsEvent
		if err := json.Unmarshal([]byte(c.Body), &evs); err != nil {
			t.Fatalf("invocation body %q is not a JSON array of CloudEvents: %v", c.Body, err)
		}
		if len(evs) == 0 {
			t.Errorf("an empty batch was delivered")
		}
		for _, e := range evs {
			got = append(got, e.Data.MessageBody)
			if ids[e.ID] {
				t.Errorf("event id %s repeated", e.ID)
			}
			ids[e.ID] = true
			pubOK := strings.HasSuffix(e.Time, "Z") && len(e.Time) == len("2006-01-02T15:04:05.000Z") && e.AliyunPublishTime != ""
			if e.Source != "MNS-t-worker-jobs" || e.AliyunEventBus != "MNS-t-worker-jobs" || e.SpecVersion != "1.0" ||
				e.Type != "mns:Queue:SendMessage" || e.DataContentType != "application/json; charset=utf-8" ||
				e.Subject != "acs:mns:cn-shanghai:1111222233334444:queues/jobs" || e.AliyunAccountID != "1111222233334444" ||
				e.AliyunOrigAccount != "1111222233334444" || e.AliyunRegionID != "cn-shanghai" || !pubOK ||
				!strings.HasPrefix(e.Data.MessageID, "MSG") || e.Data.RequestID == "" {
				t.Errorf("event %+v does not look like EventBridge's MNS event", e)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("delivered bodies = %v; want each of %v exactly once", got, want)
	}
}

func TestQueueTimeWindow(t *testing.T) {
	mq := newMemQueue()
	h := start(t, queueSpec(10, 1, 3, 1), func(o *Options) { o.Queue = mq })
	sent := time.Now()
	mq.send(t, "jobs", `{"n":1}`)
	time.Sleep(300 * time.Millisecond)
	mq.send(t, "jobs", `{"n":2}`, `{"n":3}`)
	waitFor(t, 4*time.Second, "a delivery", func() bool { return len(h.hops.all()) > 0 })
	hs := h.hops.all()
	if hs[0].Messages != 3 {
		t.Errorf("first batch has %d messages; want 3 (messages arriving inside the window join the batch)", hs[0].Messages)
	}
	if waited := hs[0].Time.Sub(sent); waited < 900*time.Millisecond || waited > 2500*time.Millisecond {
		t.Errorf("batch delivered %v after its first message; want about the 1s TimeBasedWindow", waited)
	}
}

func TestQueueRetriesThenParks(t *testing.T) {
	mq := newMemQueue()
	var mu sync.Mutex
	var backoffs []int
	h := start(t, queueSpec(10, 1, 2, 1), func(o *Options) {
		o.Queue = mq
		o.Backoff = func(attempt int) time.Duration {
			mu.Lock()
			defer mu.Unlock()
			backoffs = append(backoffs, attempt)
			return time.Duration(attempt) * 50 * time.Millisecond
		}
	})
	poison := []string{`{"please":"fail"}`, `not json, must fail`}
	mq.send(t, "jobs", poison...)
	waitFor(t, 5*time.Second, "the batch to be parked", func() bool {
		hs := h.hops.all()
		return len(hs) > 0 && hs[len(hs)-1].Status != HopRetry
	})
	hs := h.hops.all()
	var statuses []string
	for i, x := range hs {
		statuses = append(statuses, x.Status)
		if x.Attempt != i+1 || x.Messages != 2 || !strings.Contains(x.Err, "TestError: asked to fail") {
			t.Errorf("hop %d = attempt %d, %d messages, err %q; want attempt %d, 2 messages, the function's error", i, x.Attempt, x.Messages, x.Err, i+1)
		}
	}
	if want := []string{HopRetry, HopRetry, HopParked}; !slices.Equal(statuses, want) {
		t.Fatalf("hop statuses = %v; want %v (1 attempt + MaximumRetryAttempts 2, then parked)", statuses, want)
	}
	if !strings.Contains(hs[2].Err, "parked 2/2 message(s) in dlq") {
		t.Errorf("last hop err %q; want the parking summary", hs[2].Err)
	}
	mu.Lock()
	if !slices.Equal(backoffs, []int{1, 2}) {
		t.Errorf("Backoff called with %v; want [1 2]", backoffs)
	}
	mu.Unlock()
	if gap := hs[2].Time.Sub(hs[1].Time); gap < 100*time.Millisecond {
		t.Errorf("attempt 3 came %v after attempt 2; want at least Backoff(2) = 100ms", gap)
	}
	var retries []string
	for _, c := range h.callsTo(t, "/invoke") {
		retries = append(retries, c.Retry)
	}
	if !slices.Equal(retries, []string{"0", "1", "2"}) {
		t.Errorf("x-fc-retry-count of the attempts = %v; want [0 1 2]", retries)
	}
	if got := mq.bodies("dlq"); !slices.Equal(got, poison) {
		t.Errorf("dead-letter queue = %q; want the original bodies %q", got, poison)
	}
	if got := mq.bodies("jobs"); len(got) != 0 {
		t.Errorf("source queue still holds %q; want parked messages deleted", got)
	}
}

func TestQueueKeepsMessagesWhenParkingFails(t *testing.T) {
	mq := newMemQueue()
	mq.sendErr["dlq"] = fmt.Errorf("QueueNotExist")
	h := start(t, queueSpec(10, 0, 0, 1), func(o *Options) { o.Queue = mq })
	mq.send(t, "jobs", `{"x":"fail"}`)
	waitFor(t, 4*time.Second, "the failed delivery", func() bool { return len(h.hops.all()) > 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.sim.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	hs := h.hops.all()
	if hs[0].Status != HopFailed || !strings.Contains(hs[0].Err, "left in jobs") || !strings.Contains(hs[0].Err, "QueueNotExist") {
		t.Errorf("hop = %s %q; want failed with the message left in jobs and the DLQ error", hs[0].Status, hs[0].Err)
	}
	if got := mq.bodies("jobs"); !slices.Equal(got, []string{`{"x":"fail"}`}) {
		t.Errorf("source queue = %q; want the message kept", got)
	}
}

func TestQueueKeepsBatchInvisibleWhileRetrying(t *testing.T) {
	mq := newMemQueue()
	mq.visibility = 300 * time.Millisecond
	h := newHarness(t, queueSpec(10, 0, 2, 1), func(o *Options) {
		o.Queue = mq
		o.Backoff = func(int) time.Duration { return 400 * time.Millisecond }
	})
	h.sim.visEvery = 100 * time.Millisecond
	h.sim.visTimeout = 300 * time.Millisecond
	if err := h.sim.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	mq.send(t, "jobs", `{"x":"fail"}`)
	waitFor(t, 5*time.Second, "the batch to be parked", func() bool {
		hs := h.hops.all()
		return len(hs) > 0 && hs[len(hs)-1].Status == HopParked
	})
	// Backoffs (400ms) are longer than the visibility timeout (300ms): without the keeper the
	// poller would have received the message again and delivered a second batch.
	for _, x := range h.hops.all() {
		if x.Messages != 1 || x.Trigger != "jobs" {
			t.Errorf("hop %+v", x)
		}
	}
	if n := len(h.callsTo(t, "/invoke")); n != 3 {
		t.Errorf("invocations = %d; want 3 (one batch, 3 attempts, never redelivered meanwhile)", n)
	}
	mq.mu.Lock()
	calls := mq.visCalls
	mq.mu.Unlock()
	if calls < 5 {
		t.Errorf("ChangeVisibility calls = %d; want several while retrying", calls)
	}
	if got := mq.bodies("dlq"); len(got) != 1 {
		t.Errorf("dead-letter queue = %q; want the message", got)
	}
}

func TestQueueCrashRestartsAndRetries(t *testing.T) {
	mq := newMemQueue()
	h := start(t, queueSpec(1, 0, 2, 1), func(o *Options) { o.Queue = mq })
	mq.send(t, "jobs", `{"x":"crash"}`, `{"x":"fine"}`)
	waitFor(t, 6*time.Second, "both messages settled", func() bool {
		return len(mq.bodies("jobs")) == 0 && len(mq.bodies("dlq")) == 1
	})
	var restarts int
	for _, x := range h.hops.all() {
		if x.Restart != "" {
			restarts++
		}
	}
	if restarts < 2 {
		t.Errorf("hops reporting a restarted instance = %d; want at least 2 (each crash replaced)", restarts)
	}
	if got := mq.bodies("dlq"); !slices.Equal(got, []string{`{"x":"crash"}`}) {
		t.Errorf("dead-letter queue = %q; want only the crashing message", got)
	}
}

func TestStopDrainsOrAbandonsDeliveries(t *testing.T) {
	tests := []struct {
		name      string
		stopAfter time.Duration // Stop's ctx timeout
		wantErr   bool
		wantLeft  int // messages left in the source queue
		wantHop   string
	}{
		{"drains an invocation in flight", 5 * time.Second, false, 0, HopOK},
		{"abandons it when ctx ends", 100 * time.Millisecond, true, 1, HopFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mq := newMemQueue()
			h := start(t, queueSpec(1, 0, 0, 1), func(o *Options) { o.Queue = mq })
			mq.send(t, "jobs", `{"work":"sleep=700ms"}`)
			waitFor(t, 3*time.Second, "the invocation to start", func() bool { return len(h.callsTo(t, "/invoke")) == 1 })
			ctx, cancel := context.WithTimeout(context.Background(), tc.stopAfter)
			defer cancel()
			began := time.Now()
			err := h.sim.Stop(ctx)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Stop = %v; want error %v", err, tc.wantErr)
			}
			if took := time.Since(began); took > 5*time.Second {
				t.Errorf("Stop took %v; want it bounded", took)
			}
			if left := len(mq.bodies("jobs")); left != tc.wantLeft {
				t.Errorf("messages left in the queue = %d; want %d", left, tc.wantLeft)
			}
			var statuses []string
			for _, x := range h.hops.all() {
				statuses = append(statuses, x.Status)
			}
			if !slices.Equal(statuses, []string{tc.wantHop}) {
				t.Errorf("hop statuses = %v; want [%s]", statuses, tc.wantHop)
			}
		})
	}
}
