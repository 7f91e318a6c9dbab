package queue_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/shared/queue"
)

// fakeClock drives the emulator's message timing without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// setup starts an emulator, returns a client for it and creates queue "q" with the
// given visibility timeout.
func setup(t *testing.T, opts mnssim.Options, visibility time.Duration) (*mnssim.Server, *queue.Client) {
	t.Helper()
	srv, err := mnssim.NewServer(opts)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := queue.New(srv.ClientConfig())
	if err != nil {
		t.Fatalf("queue.New(%+v): %v", srv.ClientConfig(), err)
	}
	if err := c.CreateQueue(context.Background(), "q", visibility); err != nil {
		t.Fatalf("CreateQueue q: %v", err)
	}
	return srv, c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestConfigFromEnv(t *testing.T) {
	const ep = "http://123.mns.cn-hangzhou.aliyuncs.com"
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    queue.Config
		wantErr string
	}{
		{name: "all set",
			env: map[string]string{"MNS_ENDPOINT": ep, "MNS_DIAL_ADDR": "127.0.0.1:9101",
				"ALIBABA_CLOUD_ACCESS_KEY_ID": "ak", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sk", "ALIBABA_CLOUD_SECURITY_TOKEN": "tok"},
			want: queue.Config{Endpoint: ep, DialAddr: "127.0.0.1:9101", AccessKeyID: "ak", AccessKeySecret: "sk", SecurityToken: "tok"}},
		{name: "production (no dial address, no token)",
			env:  map[string]string{"MNS_ENDPOINT": ep, "ALIBABA_CLOUD_ACCESS_KEY_ID": "ak", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sk"},
			want: queue.Config{Endpoint: ep, AccessKeyID: "ak", AccessKeySecret: "sk"}},
		{name: "missing endpoint", env: map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": "ak", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sk"},
			wantErr: "MNS_ENDPOINT"},
		{name: "missing everything", env: map[string]string{},
			wantErr: "MNS_ENDPOINT, ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		{name: "missing secret", env: map[string]string{"MNS_ENDPOINT": ep, "ALIBABA_CLOUD_ACCESS_KEY_ID": "ak"},
			wantErr: "ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		{name: "local endpoint", env: map[string]string{"MNS_ENDPOINT": "http://127.0.0.1:9101",
			"ALIBABA_CLOUD_ACCESS_KEY_ID": "ak", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sk"},
			wantErr: "<uid>.mns.<region>.aliyuncs.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"MNS_ENDPOINT", "MNS_DIAL_ADDR", "ALIBABA_CLOUD_ACCESS_KEY_ID",
				"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"} {
				t.Setenv(k, tc.env[k])
			}
			got, err := queue.ConfigFromEnv()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ConfigFromEnv error = %v, want one naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ConfigFromEnv = %+v, %v; want %+v", got, err, tc.want)
			}
			if c := got.WithCredentials("a2", "s2", ""); c.AccessKeyID != "a2" || c.AccessKeySecret != "s2" ||
				c.SecurityToken != "" || c.Endpoint != ep || got.AccessKeyID != tc.want.AccessKeyID {
				t.Errorf("WithCredentials: got %+v (original now %+v); want new keys on a copy", c, got)
			}
		})
	}
}

func TestNewValidatesConfig(t *testing.T) {
	good := queue.Config{Endpoint: "http://123.mns.cn-hangzhou.aliyuncs.com", AccessKeyID: "ak", AccessKeySecret: "sk"}
	for _, tc := range []struct {
		name    string
		mutate  func(*queue.Config)
		wantErr string // "" = must succeed
	}{
		{"good", func(*queue.Config) {}, ""},
		{"https and internal region", func(c *queue.Config) { c.Endpoint = "https://123.mns.cn-hangzhou-internal.aliyuncs.com" }, ""},
		{"trailing slash", func(c *queue.Config) { c.Endpoint += "/" }, ""},
		{"with STS token", func(c *queue.Config) { c.SecurityToken = "tok" }, ""},
		{"loopback endpoint", func(c *queue.Config) { c.Endpoint = "http://127.0.0.1:8080" }, "wrong shape"},
		{"port", func(c *queue.Config) { c.Endpoint = "http://123.mns.cn-hangzhou.aliyuncs.com:80" }, "scheme and host only"},
		{"path", func(c *queue.Config) { c.Endpoint = "http://123.mns.cn-hangzhou.aliyuncs.com/queues" }, "scheme and host only"},
		{"no scheme", func(c *queue.Config) { c.Endpoint = "123.mns.cn-hangzhou.aliyuncs.com" }, "scheme"},
		{"not mns", func(c *queue.Config) { c.Endpoint = "http://123.oss.cn-hangzhou.aliyuncs.com" }, "wrong shape"},
		{"empty", func(c *queue.Config) { c.Endpoint = "" }, "empty MNS endpoint"},
		{"no secret", func(c *queue.Config) { c.AccessKeySecret = "" }, "AccessKeySecret"},
		{"bad dial address", func(c *queue.Config) { c.DialAddr = "localhost" }, "DialAddr"},
	} {
		cfg := good
		tc.mutate(&cfg)
		_, err := queue.New(cfg)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: New(%+v): %v", tc.name, cfg, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: New(%+v) error = %v, want one mentioning %q", tc.name, cfg, err, tc.wantErr)
		}
	}
}

func TestSendReceiveDelete(t *testing.T) {
	srv, c := setup(t, mnssim.Options{}, 30*time.Second)
	ctx := ctxT(t)
	// XML-special characters, newlines and non-ASCII must survive the XML round trip.
	body := []byte("{\"check\":\"<oss & 'acl'>\",\n\"name\":\"日本語 ✓\"}\r\n")
	before := time.Now().Add(-time.Second)
	id, err := c.Send(ctx, "q", body)
	if err != nil || id == "" {
		t.Fatalf("Send: id %q, err %v", id, err)
	}
	msgs, err := c.Receive(ctx, "q", 16, 0)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	if len(msgs) != 1 {
		t.Fatalf("Receive: got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.ID != id || !bytes.Equal(m.Body, body) || m.DequeueCount != 1 || m.ReceiptHandle == "" {
		t.Errorf("received %+v (body %q); want id %s, the sent body, DequeueCount 1, a receipt handle", m, m.Body, id)
	}
	if m.EnqueueTime.Before(before) || m.FirstDequeueTime.Before(m.EnqueueTime) {
		t.Errorf("times: enqueue %v, first dequeue %v; want enqueue after %v and first dequeue not before enqueue", m.EnqueueTime, m.FirstDequeueTime, before)
	}
	if v, in, _ := srv.Stats("q"); v != 0 || in != 1 {
		t.Errorf("after receive: visible/inflight = %d/%d, want 0/1", v, in)
	}
	if err := c.Delete(ctx, "q", m.ReceiptHandle); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if v, in, d := srv.Stats("q"); v+in+d != 0 {
		t.Errorf("after delete: %d messages left, want 0", v+in+d)
	}
	if err := c.Delete(ctx, "q", m.ReceiptHandle); !errors.Is(err, queue.ErrMessageNotExist) {
		t.Errorf("second Delete with the same handle: %v, want ErrMessageNotExist", err)
	}
}

func TestEmptyReceive(t *testing.T) {
	_, c := setup(t, mnssim.Options{}, 30*time.Second)
	for _, max := range []int{1, 16} {
		msgs, err := c.Receive(ctxT(t), "q", max, 0)
		if err != nil || msgs != nil {
			t.Errorf("Receive(max=%d) on an empty queue = %v, %v; want nil, nil", max, msgs, err)
		}
	}
	start := time.Now()
	msgs, err := c.Receive(ctxT(t), "q", 16, time.Second)
	if err != nil || msgs != nil {
		t.Errorf("Receive with 1s wait on an empty queue = %v, %v; want nil, nil", msgs, err)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("Receive with 1s wait returned after %v; want it to wait", el)
	}
}

func TestReceiveArguments(t *testing.T) {
	_, c := setup(t, mnssim.Options{}, 30*time.Second)
	ctx := ctxT(t)
	for _, max := range []int{0, -1, 17} {
		if _, err := c.Receive(ctx, "q", max, 0); err == nil || !strings.Contains(err.Error(), "max must be 1..16") {
			t.Errorf("Receive(max=%d): err %v, want a max range error", max, err)
		}
	}
	if _, err := c.Receive(ctx, "missing", 1, 0); !errors.Is(err, queue.ErrQueueNotExist) || queue.ErrorCode(err) != "QueueNotExist" {
		t.Errorf("Receive from a missing queue: %v (code %q), want ErrQueueNotExist / QueueNotExist", err, queue.ErrorCode(err))
	}
	if _, err := c.Send(ctx, "missing", []byte("x")); !errors.Is(err, queue.ErrQueueNotExist) ||
		!strings.HasPrefix(err.Error(), "queue: send missing: ") {
		t.Errorf("Send to a missing queue: %v, want ErrQueueNotExist wrapped as \"queue: send missing: ...\"", err)
	}
	if err := c.Delete(ctx, "q", "garbage"); !errors.Is(err, queue.ErrReceiptHandle) {
		t.Errorf("Delete with a malformed handle: %v, want ErrReceiptHandle", err)
	}
}

func TestSendBatch(t *testing.T) {
	for _, n := range []int{1, 16, 17, 40} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			srv, c := setup(t, mnssim.Options{}, 30*time.Second)
			ctx := ctxT(t)
			var bodies [][]byte
			for i := range n {
				bodies = append(bodies, []byte(fmt.Sprintf(`{"i":%d}`, i)))
			}
			ids, err := c.SendBatch(ctx, "q", bodies)
			if err != nil {
				t.Fatalf("SendBatch of %d: %v", n, err)
			}
			if len(ids) != n {
				t.Fatalf("SendBatch of %d returned %d ids", n, len(ids))
			}
			byID := map[string]string{}
			for i, id := range ids {
				if id == "" || byID[id] != "" {
					t.Fatalf("id #%d %q is empty or repeated", i, id)
				}
				byID[id] = string(bodies[i])
			}
			if v, _, _ := srv.Stats("q"); v != n {
				t.Errorf("queue holds %d visible messages, want %d", v, n)
			}
			got := 0
			for {
				msgs, err := c.Receive(ctx, "q", 16, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(msgs) == 0 {
					break
				}
				for _, m := range msgs {
					if byID[m.ID] != string(m.Body) {
						t.Errorf("message %s has body %q, want %q", m.ID, m.Body, byID[m.ID])
					}
					got++
				}
			}
			if got != n {
				t.Errorf("received %d messages, want %d", got, n)
			}
		})
	}
}

func TestSendBatchFailures(t *testing.T) {
	srv, c := setup(t, mnssim.Options{}, 30*time.Second)
	ctx := ctxT(t)
	bodies := make([][]byte, 20)
	for i := range bodies {
		bodies[i] = []byte("ok")
	}
	bodies[3] = bytes.Repeat([]byte("x"), queue.MaxBodySize+1)
	bodies[17] = []byte{0xff, 0xfe}
	ids, err := c.SendBatch(ctx, "q", bodies)
	var be *queue.BatchError
	if !errors.As(err, &be) || fmt.Sprint(be.Indexes()) != "[3 17]" || ids != nil {
		t.Fatalf("SendBatch with bodies #3 oversize and #17 not UTF-8: ids %v, err %v; want no ids and a BatchError for [3 17]", ids, err)
	}
	if !errors.Is(err, queue.ErrBodyTooLarge) || !errors.Is(err, queue.ErrInvalidBody) ||
		!strings.Contains(err.Error(), "rejected before sending") || !strings.Contains(err.Error(), "indexes 3, 17") {
		t.Errorf("error %q should say nothing was sent, name indexes 3 and 17 and wrap ErrBodyTooLarge and ErrInvalidBody", err)
	}
	if v, _, _ := srv.Stats("q"); v != 0 {
		t.Errorf("%d messages reached the queue, want 0", v)
	}

	// A missing queue: every message is reported failed and the first chunk stops the rest.
	ids, err = c.SendBatch(ctx, "missing", bodies[:2])
	if !errors.As(err, &be) || fmt.Sprint(be.Indexes()) != "[0 1]" || !errors.Is(err, queue.ErrQueueNotExist) || fmt.Sprint(ids) != "[ ]" {
		t.Errorf("SendBatch to a missing queue: ids %q err %v; want both failed with ErrQueueNotExist", ids, err)
	}
	if ids, err := c.SendBatch(ctx, "q", nil); ids != nil || err != nil {
		t.Errorf("SendBatch(nil) = %v, %v; want nil, nil", ids, err)
	}
}

func TestBodyLimits(t *testing.T) {
	_, c := setup(t, mnssim.Options{}, 30*time.Second)
	ctx := ctxT(t)
	for _, tc := range []struct {
		name string
		body []byte
		want error // nil = accepted and round-trips
	}{
		{"exactly 64KB with XML specials", bytes.Repeat([]byte("<&>'\""), queue.MaxBodySize/5+1)[:queue.MaxBodySize], nil},
		{"64KB + 1", bytes.Repeat([]byte("a"), queue.MaxBodySize+1), queue.ErrBodyTooLarge},
		{"1 MB", bytes.Repeat([]byte("a"), 1<<20), queue.ErrBodyTooLarge},
		{"empty", nil, queue.ErrInvalidBody},
		{"invalid UTF-8", []byte{'a', 0xc3}, queue.ErrInvalidBody},
		{"NUL byte", []byte("a\x00b"), queue.ErrInvalidBody},
	} {
		_, err := c.Send(ctx, "q", tc.body)
		if tc.want != nil {
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: Send error %v, want %v", tc.name, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Send: %v", tc.name, err)
			continue
		}
		msgs, err := c.Receive(ctx, "q", 1, 0)
		if err != nil || len(msgs) != 1 || !bytes.Equal(msgs[0].Body, tc.body) {
			t.Errorf("%s: body did not round-trip (err %v, %d messages)", tc.name, err, len(msgs))
			continue
		}
		if err := c.Delete(ctx, "q", msgs[0].ReceiptHandle); err != nil {
			t.Errorf("%s: Delete: %v", tc.name, err)
		}
	}
}

func TestVisibilityTimeoutRedelivery(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	_, c := setup(t, mnssim.Options{Now: clk.Now}, 5*time.Second)
	ctx := ctxT(t)
	if _, err := c.Send(ctx, "q", []byte("job")); err != nil {
		t.Fatal(err)
	}
	first, err := c.Receive(ctx, "q", 1, 0)
	if err != nil || len(first) != 1 {
		t.Fatalf("first receive: %d messages, err %v", len(first), err)
	}
	if again, err := c.Receive(ctx, "q", 1, 0); err != nil || len(again) != 0 {
		t.Fatalf("receive within the visibility timeout: %d messages, err %v; want none", len(again), err)
	}
	clk.Advance(5 * time.Second)
	second, err := c.Receive(ctx, "q", 1, 0)
	if err != nil || len(second) != 1 {
		t.Fatalf("receive after the visibility timeout: %d messages, err %v; want the message again", len(second), err)
	}
	if second[0].ID != first[0].ID || second[0].DequeueCount != 2 || second[0].ReceiptHandle == first[0].ReceiptHandle ||
		!second[0].FirstDequeueTime.Equal(first[0].FirstDequeueTime) {
		t.Errorf("redelivery %+v; want same id, DequeueCount 2, a new receipt handle, same FirstDequeueTime as %+v", second[0], first[0])
	}
	if err := c.Delete(ctx, "q", first[0].ReceiptHandle); !errors.Is(err, queue.ErrMessageNotExist) {
		t.Errorf("Delete with the old receipt handle: %v, want ErrMessageNotExist", err)
	}

	// ChangeVisibility extends the lease and replaces the handle.
	clk.Advance(4 * time.Second)
	h, err := c.ChangeVisibility(ctx, "q", second[0].ReceiptHandle, 10*time.Second)
	if err != nil || h == "" || h == second[0].ReceiptHandle {
		t.Fatalf("ChangeVisibility: handle %q, err %v; want a new handle", h, err)
	}
	clk.Advance(2 * time.Second) // past the original 5s lease, inside the new 10s one
	if msgs, _ := c.Receive(ctx, "q", 1, 0); len(msgs) != 0 {
		t.Errorf("message visible 6s into a lease extended to 10s")
	}
	if _, err := c.ChangeVisibility(ctx, "q", h, 0); err == nil {
		t.Error("ChangeVisibility(0): want a range error")
	}
	if err := c.Delete(ctx, "q", h); err != nil {
		t.Errorf("Delete with the handle from ChangeVisibility: %v", err)
	}
}

func TestDeadLetter(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	srv, c := setup(t, mnssim.Options{Now: clk.Now, MaxReceives: 3, DeadLetterQueue: "dlq"}, time.Second)
	ctx := ctxT(t)
	id, err := c.Send(ctx, "q", []byte("poison"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		msgs, err := c.Receive(ctx, "q", 16, 0)
		if err != nil || len(msgs) != 1 || msgs[0].DequeueCount != int64(i) {
			t.Fatalf("receive #%d: %+v, err %v; want the message with DequeueCount %d", i, msgs, err, i)
		}
		clk.Advance(time.Second)
	}
	if msgs, err := c.Receive(ctx, "q", 16, 0); err != nil || len(msgs) != 0 {
		t.Fatalf("receive #4: %d messages, err %v; want none (moved to the dead-letter queue)", len(msgs), err)
	}
	if v, in, d := srv.Stats("q"); v+in+d != 0 {
		t.Errorf("source queue still holds %d messages", v+in+d)
	}
	dead, err := c.Receive(ctx, "dlq", 16, 0)
	if err != nil || len(dead) != 1 || dead[0].ID != id || string(dead[0].Body) != "poison" {
		t.Fatalf("dead-letter queue: %+v, err %v; want message %s with body poison", dead, err, id)
	}
}

func TestBadSignature(t *testing.T) {
	srv, _ := setup(t, mnssim.Options{}, 30*time.Second)
	for _, tc := range []struct {
		name, code string
		cfg        queue.Config
	}{
		{"wrong secret", "SignatureDoesNotMatch", srv.ClientConfig().WithCredentials(mnssim.DefaultAccessKeyID, "wrong", "")},
		{"unknown key id", "InvalidAccessKeyId", srv.ClientConfig().WithCredentials("someone-else", mnssim.DefaultAccessKeySecret, "")},
	} {
		c, err := queue.New(tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Send(ctxT(t), "q", []byte("x"))
		if !errors.Is(err, queue.ErrAuth) || queue.ErrorCode(err) != tc.code {
			t.Errorf("%s: Send error %v (code %q), want ErrAuth with code %s", tc.name, err, queue.ErrorCode(err), tc.code)
		}
		if _, err := c.Receive(ctxT(t), "q", 1, 0); queue.ErrorCode(err) != tc.code {
			t.Errorf("%s: Receive error %v, want code %s (an auth failure must not look like an empty queue)", tc.name, err, tc.code)
		}
	}
	if v, _, _ := srv.Stats("q"); v != 0 {
		t.Errorf("%d messages got in with bad credentials", v)
	}
}

func TestLongPollWakesOnSend(t *testing.T) {
	_, c := setup(t, mnssim.Options{}, 30*time.Second)
	ctx := ctxT(t)
	type result struct {
		msgs []queue.Message
		err  error
		at   time.Time
	}
	done := make(chan result, 1)
	go func() {
		msgs, err := c.Receive(ctx, "q", 16, 10*time.Second)
		done <- result{msgs, err, time.Now()}
	}()
	time.Sleep(200 * time.Millisecond)
	sentAt := time.Now()
	if _, err := c.Send(ctx, "q", []byte("wake")); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil || len(r.msgs) != 1 || string(r.msgs[0].Body) != "wake" {
			t.Fatalf("long-poll Receive = %+v, %v; want the sent message", r.msgs, r.err)
		}
		if lag := r.at.Sub(sentAt); lag > 3*time.Second {
			t.Errorf("long-poll Receive returned %v after the send; want promptly", lag)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("long-poll Receive still waiting 5s after a send")
	}
}

func TestReceiveHonorsContext(t *testing.T) {
	_, c := setup(t, mnssim.Options{}, 30*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Receive(ctx, "q", 1, 20*time.Second)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Receive with a cancelled context: %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("Receive took %v to notice cancellation", el)
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer dcancel()
	start = time.Now()
	msgs, err := c.Receive(dctx, "q", 1, 20*time.Second)
	if el := time.Since(start); el > 4*time.Second {
		t.Errorf("Receive with a 1.5s deadline and 20s wait took %v (msgs %v, err %v)", el, msgs, err)
	}
}

// TestConcurrentReceivers: 8 receivers share 200 messages; nobody gets a message another
// holds, and every message is delivered exactly once (the visibility timeout is long).
func TestConcurrentReceivers(t *testing.T) {
	const receivers, total = 8, 200
	_, c := setup(t, mnssim.Options{}, 60*time.Second)
	ctx := ctxT(t)
	var bodies [][]byte
	for i := range total {
		bodies = append(bodies, []byte(fmt.Sprint(i)))
	}
	if _, err := c.SendBatch(ctx, "q", bodies); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		seen  = map[string]int{} // id -> receiver
		dupes []string
		wg    sync.WaitGroup
		errs  = make(chan error, receivers)
	)
	for r := range receivers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				msgs, err := c.Receive(ctx, "q", 1+r%16, 0)
				if err != nil {
					errs <- fmt.Errorf("receiver %d: %w", r, err)
					return
				}
				if len(msgs) == 0 {
					return
				}
				mu.Lock()
				for _, m := range msgs {
					if prev, ok := seen[m.ID]; ok {
						dupes = append(dupes, fmt.Sprintf("%s to receivers %d and %d", m.ID, prev, r))
					}
					seen[m.ID] = r
				}
				mu.Unlock()
				if r%2 == 0 { // half of them delete as they go
					for _, m := range msgs {
						if err := c.Delete(ctx, "q", m.ReceiptHandle); err != nil {
							errs <- fmt.Errorf("receiver %d delete: %w", r, err)
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(dupes) > 0 {
		t.Errorf("%d messages were handed out twice while invisible, e.g. %s", len(dupes), dupes[0])
	}
	if len(seen) != total {
		t.Errorf("%d distinct messages received, want %d", len(seen), total)
	}
}

func TestCreateQueueIdempotent(t *testing.T) {
	_, c := setup(t, mnssim.Options{}, 30*time.Second)
	ctx := ctxT(t)
	if err := c.CreateQueue(ctx, "q", 30*time.Second); err != nil {
		t.Errorf("CreateQueue again with the same visibility: %v, want nil", err)
	}
	if err := c.CreateQueue(ctx, "q", 0); err != nil {
		t.Errorf("CreateQueue again with 0 (= MNS default 30s): %v, want nil", err)
	}
	err := c.CreateQueue(ctx, "q", 45*time.Second)
	if queue.ErrorCode(err) != "QueueAlreadyExist" {
		t.Errorf("CreateQueue with another visibility: %v, want code QueueAlreadyExist", err)
	}
	if err := c.CreateQueue(ctx, "bad_name", time.Second); queue.ErrorCode(err) != "InvalidQueueName" {
		t.Errorf("CreateQueue bad_name: %v, want code InvalidQueueName", err)
	}
	if err := c.CreateQueue(ctx, "x", -time.Second); err == nil {
		t.Error("CreateQueue with negative visibility: want an error")
	}
}
