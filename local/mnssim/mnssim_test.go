package mnssim_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	ali_mns "github.com/aliyun/aliyun-mns-go-sdk"
	"github.com/valyala/fasthttp"

	"github.com/cspm-alibaba/cspm/local/mnssim"
)

// fakeClock is an injectable clock that only moves when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

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

func startServer(t *testing.T, opts mnssim.Options) *mnssim.Server {
	t.Helper()
	srv, err := mnssim.NewServer(opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

// redirect sends every SDK connection to the emulator.
type redirect struct{ hc *fasthttp.HostClient }

func (r redirect) RoundTrip(_ *fasthttp.HostClient, req *fasthttp.Request, resp *fasthttp.Response) (bool, error) {
	return false, r.hc.Do(req, resp)
}

// sdkClient returns a raw SDK client for srv signing with ak/sk.
func sdkClient(srv *mnssim.Server, ak, sk string) ali_mns.MNSClient {
	c := ali_mns.NewAliMNSClientWithConfig(ali_mns.AliMNSClientConfig{
		EndPoint: srv.Endpoint(), AccessKeyId: ak, AccessKeySecret: sk, TimeoutSecond: 35,
	})
	c.SetTransport(redirect{&fasthttp.HostClient{Addr: srv.Addr(), ReadTimeout: 35 * time.Second}})
	return c
}

func defaultSDK(srv *mnssim.Server) ali_mns.MNSClient {
	return sdkClient(srv, mnssim.DefaultAccessKeyID, mnssim.DefaultAccessKeySecret)
}

// codeOf extracts the MNS error code from an SDK error ("" if none).
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	_, after, ok := strings.Cut(s, "code: ")
	if !ok {
		return ""
	}
	code, _, _ := strings.Cut(after, ",")
	return code
}

func createQueue(t *testing.T, c ali_mns.MNSClient, name string, opts ...ali_mns.QueueOption) {
	t.Helper()
	if err := ali_mns.NewMNSQueueManager(c).CreateQueueWithOptions(name, opts...); err != nil {
		t.Fatalf("create queue %s: %v", name, err)
	}
}

func receiveOne(q ali_mns.AliMNSQueue, wait ...int64) (ali_mns.MessageReceiveResponse, error) {
	respCh := make(chan ali_mns.MessageReceiveResponse, len(wait)+1)
	errCh := make(chan error, len(wait)+1)
	q.ReceiveMessage(respCh, errCh, wait...)
	select {
	case r := <-respCh:
		return r, nil
	case err := <-errCh:
		return ali_mns.MessageReceiveResponse{}, err
	}
}

func receiveBatch(q ali_mns.AliMNSQueue, n int32, wait ...int64) (ali_mns.BatchMessageReceiveResponse, error) {
	respCh := make(chan ali_mns.BatchMessageReceiveResponse, len(wait)+1)
	errCh := make(chan error, len(wait)+1)
	q.BatchReceiveMessage(respCh, errCh, n, wait...)
	select {
	case r := <-respCh:
		return r, nil
	case err := <-errCh:
		return ali_mns.BatchMessageReceiveResponse{}, err
	}
}

func upperMD5(s string) string {
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// TestSDKQueueLifecycle drives every queue-management call of the real SDK.
func TestSDKQueueLifecycle(t *testing.T) {
	srv := startServer(t, mnssim.Options{})
	c := defaultSDK(srv)
	m := ali_mns.NewMNSQueueManager(c)

	createQueue(t, c, "jobs", ali_mns.WithVisibilityTimeout(45), ali_mns.WithDelaySeconds(0))
	// Same attributes again: MNS answers 204, which the SDK reports as "already exist and same attr".
	err := m.CreateQueueWithOptions("jobs", ali_mns.WithVisibilityTimeout(45))
	if !ali_mns.ERR_MNS_QUEUE_ALREADY_EXIST_AND_HAVE_SAME_ATTR.IsEqual(err) {
		t.Errorf("re-create with same attributes: want ERR_MNS_QUEUE_ALREADY_EXIST_AND_HAVE_SAME_ATTR, got %v", err)
	}
	err = m.CreateQueueWithOptions("jobs", ali_mns.WithVisibilityTimeout(46))
	if codeOf(err) != "QueueAlreadyExist" {
		t.Errorf("re-create with other attributes: want QueueAlreadyExist, got %v", err)
	}
	attr, err := m.GetQueueAttributes("jobs")
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	if attr.QueueName != "jobs" || attr.VisibilityTimeout != 45 || attr.MaxMessageSize != 65536 || attr.MessageRetentionPeriod != 345600 {
		t.Errorf("GetQueueAttributes: got name=%q vt=%d max=%d retention=%d, want jobs/45/65536/345600",
			attr.QueueName, attr.VisibilityTimeout, attr.MaxMessageSize, attr.MessageRetentionPeriod)
	}
	if err := m.SetQueueAttributesWithOptions("jobs", ali_mns.WithVisibilityTimeout(60)); err != nil {
		t.Fatalf("SetQueueAttributes: %v", err)
	}
	if attr, _ = m.GetQueueAttributes("jobs"); attr.VisibilityTimeout != 60 {
		t.Errorf("after SetQueueAttributes: VisibilityTimeout = %d, want 60", attr.VisibilityTimeout)
	}

	createQueue(t, c, "jobs-2")
	createQueue(t, c, "other")
	qs, err := m.ListQueue("", 0, "jobs")
	if err != nil {
		t.Fatalf("ListQueue: %v", err)
	}
	var urls []string
	for _, q := range qs.Queues {
		urls = append(urls, q.QueueURL)
	}
	want := []string{srv.Endpoint() + "/queues/jobs", srv.Endpoint() + "/queues/jobs-2"}
	if fmt.Sprint(urls) != fmt.Sprint(want) {
		t.Errorf("ListQueue prefix jobs: got %v, want %v", urls, want)
	}
	page, err := m.ListQueue("", 1, "")
	if err != nil || len(page.Queues) != 1 || page.NextMarker != "jobs-2" {
		t.Errorf("ListQueue ret-number 1: got %d queues, next marker %q, err %v; want 1, jobs-2, nil", len(page.Queues), page.NextMarker, err)
	}

	if err := m.DeleteQueue("jobs"); err != nil {
		t.Fatalf("DeleteQueue: %v", err)
	}
	if _, err := m.GetQueueAttributes("jobs"); codeOf(err) != "QueueNotExist" {
		t.Errorf("GetQueueAttributes after delete: want QueueNotExist, got %v", err)
	}

	for _, tc := range []struct {
		name, queue, code string
		opts              []ali_mns.QueueOption
	}{
		{"bad character", "bad_name", "InvalidQueueName", nil},
		{"leading dash", "-x", "InvalidQueueName", nil},
		{"too long", strings.Repeat("q", 121), "QueueNameLengthError", nil},
		{"message size too small", "small", "InvalidArgument", []ali_mns.QueueOption{ali_mns.WithMaxMessageSize(10)}},
	} {
		err := m.CreateQueueWithOptions(tc.queue, tc.opts...)
		if codeOf(err) != tc.code {
			t.Errorf("create %s (%s): want %s, got %v", tc.queue, tc.name, tc.code, err)
		}
	}
}

// TestSDKMessageOps drives the message calls of the real SDK, single and batch.
func TestSDKMessageOps(t *testing.T) {
	srv := startServer(t, mnssim.Options{})
	c := defaultSDK(srv)
	createQueue(t, c, "q")
	q := ali_mns.NewMNSQueue("q", c)

	body := `{"a":"<x> & 'y'"}` + "\n\ttab"
	sent, err := q.SendMessage(ali_mns.MessageSendRequest{MessageBody: body, Priority: 8})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if sent.MessageId == "" || sent.MessageBodyMD5 != upperMD5(body) {
		t.Errorf("SendMessage: id %q md5 %q; want an id and md5 %s", sent.MessageId, sent.MessageBodyMD5, upperMD5(body))
	}

	peek := make(chan ali_mns.MessageReceiveResponse, 1)
	perr := make(chan error, 1)
	q.PeekMessage(peek, perr)
	select {
	case p := <-peek:
		if p.MessageBody != body || p.ReceiptHandle != "" || p.DequeueCount != 0 {
			t.Errorf("PeekMessage: body %q handle %q count %d; want the body, no handle, count 0", p.MessageBody, p.ReceiptHandle, p.DequeueCount)
		}
	case err := <-perr:
		t.Fatalf("PeekMessage: %v", err)
	}

	got, err := receiveOne(q)
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if got.MessageId != sent.MessageId || got.MessageBody != body || got.DequeueCount != 1 ||
		got.MessageBodyMD5 != sent.MessageBodyMD5 || got.FirstDequeueTime == 0 || got.EnqueueTime == 0 || got.Priority != 8 {
		t.Errorf("ReceiveMessage: got %+v; want id %s, body %q, count 1, times set, priority 8", got, sent.MessageId, body)
	}
	if nv := time.UnixMilli(got.NextVisibleTime); time.Until(nv) < 25*time.Second {
		t.Errorf("NextVisibleTime %v is not ~30s (the default visibility timeout) ahead", nv)
	}
	if _, err := receiveOne(q); codeOf(err) != "MessageNotExist" {
		t.Errorf("receive while the only message is invisible: want MessageNotExist, got %v", err)
	}

	cv, err := q.ChangeMessageVisibility(got.ReceiptHandle, 100)
	if err != nil {
		t.Fatalf("ChangeMessageVisibility: %v", err)
	}
	if cv.ReceiptHandle == "" || cv.ReceiptHandle == got.ReceiptHandle {
		t.Errorf("ChangeMessageVisibility: new handle %q must differ from %q", cv.ReceiptHandle, got.ReceiptHandle)
	}
	if err := q.DeleteMessage(got.ReceiptHandle); codeOf(err) != "MessageNotExist" {
		t.Errorf("delete with the handle replaced by ChangeMessageVisibility: want MessageNotExist, got %v", err)
	}
	if _, err := q.ChangeMessageVisibility(cv.ReceiptHandle, 0); codeOf(err) != "InvalidArgument" {
		t.Errorf("ChangeMessageVisibility 0s: want InvalidArgument, got %v", err)
	}
	if err := q.DeleteMessage("not-a-handle"); codeOf(err) != "ReceiptHandleError" {
		t.Errorf("delete with a malformed handle: want ReceiptHandleError, got %v", err)
	}
	if err := q.DeleteMessage(cv.ReceiptHandle); err != nil {
		t.Fatalf("DeleteMessage with current handle: %v", err)
	}

	// Batch: send 3, receive them in one call, batch-delete two plus a stale handle.
	var reqs []ali_mns.MessageSendRequest
	for i := range 3 {
		reqs = append(reqs, ali_mns.MessageSendRequest{MessageBody: fmt.Sprintf("m%d", i), Priority: 8})
	}
	bs, err := q.BatchSendMessage(reqs...)
	if err != nil || len(bs.Messages) != 3 {
		t.Fatalf("BatchSendMessage: %d entries, err %v; want 3, nil", len(bs.Messages), err)
	}
	br, err := receiveBatch(q, 16)
	if err != nil || len(br.Messages) != 3 {
		t.Fatalf("BatchReceiveMessage: %d messages, err %v; want 3, nil", len(br.Messages), err)
	}
	for i, m := range br.Messages {
		if m.MessageBody != fmt.Sprintf("m%d", i) || m.MessageId != bs.Messages[i].MessageId {
			t.Errorf("batch receive #%d: body %q id %s; want m%d / %s (arrival order)", i, m.MessageBody, m.MessageId, i, bs.Messages[i].MessageId)
		}
	}
	stale := got.ReceiptHandle
	del, err := q.BatchDeleteMessage(br.Messages[0].ReceiptHandle, stale, br.Messages[1].ReceiptHandle)
	if !ali_mns.ERR_MNS_BATCH_OP_FAIL.IsEqual(err) || len(del.FailedMessages) != 1 ||
		del.FailedMessages[0].ReceiptHandle != stale || del.FailedMessages[0].ErrorCode != "MessageNotExist" {
		t.Errorf("BatchDeleteMessage with one stale handle: got err %v, failures %+v; want batch failure listing only the stale handle as MessageNotExist", err, del.FailedMessages)
	}
	if v, in, d := srv.Stats("q"); v != 0 || in != 1 || d != 0 {
		t.Errorf("Stats after batch delete: visible/inflight/delayed = %d/%d/%d, want 0/1/0", v, in, d)
	}
	if _, err := q.BatchDeleteMessage(br.Messages[2].ReceiptHandle); err != nil {
		t.Errorf("BatchDeleteMessage of the last one: %v", err)
	}
}

// TestBatchLimits: 16 messages per batch are fine, 17 are refused, and per-message
// failures come back per message.
func TestBatchLimits(t *testing.T) {
	srv := startServer(t, mnssim.Options{})
	c := defaultSDK(srv)
	createQueue(t, c, "q", ali_mns.WithMaxMessageSize(1024))
	q := ali_mns.NewMNSQueue("q", c)
	msgs := func(n int) []ali_mns.MessageSendRequest {
		var out []ali_mns.MessageSendRequest
		for i := range n {
			out = append(out, ali_mns.MessageSendRequest{MessageBody: fmt.Sprint("b", i), Priority: 8})
		}
		return out
	}
	if r, err := q.BatchSendMessage(msgs(16)...); err != nil || len(r.Messages) != 16 {
		t.Fatalf("batch of 16: %d entries, err %v; want 16, nil", len(r.Messages), err)
	}
	if _, err := q.BatchSendMessage(msgs(17)...); codeOf(err) != "InvalidArgument" {
		t.Errorf("batch of 17: want InvalidArgument, got %v", err)
	}
	if v, _, _ := srv.Stats("q"); v != 16 {
		t.Errorf("after the refused batch of 17: %d visible, want 16 (nothing of it stored)", v)
	}
	if _, err := receiveBatch(q, 17); codeOf(err) != "InvalidArgument" {
		t.Errorf("receive numOfMessages=17: want InvalidArgument, got %v", err)
	}

	mixed := msgs(3)
	mixed[1].MessageBody = strings.Repeat("x", 1025) // over this queue's MaximumMessageSize
	r, err := q.BatchSendMessage(mixed...)
	if !ali_mns.ERR_MNS_BATCH_OP_FAIL.IsEqual(err) || len(r.Messages) != 3 {
		t.Fatalf("batch with one oversize message: err %v, %d entries; want batch failure with 3 entries", err, len(r.Messages))
	}
	if r.Messages[0].MessageId == "" || r.Messages[1].ErrorCode != "InvalidArgument" || r.Messages[2].MessageId == "" {
		t.Errorf("batch with message #1 oversize: entries %+v; want ok, InvalidArgument, ok", r.Messages)
	}

	// A batch to a missing queue: the SDK must still see the MNS error code.
	if _, err := ali_mns.NewMNSQueue("missing", c).BatchSendMessage(msgs(2)...); codeOf(err) != "QueueNotExist" {
		t.Errorf("batch send to a missing queue: want QueueNotExist, got %v", err)
	}
}

// TestVisibilityDelayRetention uses the injected clock to check time-based states.
func TestVisibilityDelayRetention(t *testing.T) {
	clk := newFakeClock()
	srv := startServer(t, mnssim.Options{Now: clk.Now})
	c := defaultSDK(srv)
	createQueue(t, c, "q", ali_mns.WithVisibilityTimeout(10), ali_mns.WithMessageRetentionPeriod(60))
	q := ali_mns.NewMNSQueue("q", c)

	if _, err := q.SendMessage(ali_mns.MessageSendRequest{MessageBody: "later", DelaySeconds: 5, Priority: 8}); err != nil {
		t.Fatal(err)
	}
	if v, in, d := srv.Stats("q"); v != 0 || in != 0 || d != 1 {
		t.Errorf("after a 5s-delayed send: visible/inflight/delayed = %d/%d/%d, want 0/0/1", v, in, d)
	}
	if _, err := receiveOne(q); codeOf(err) != "MessageNotExist" {
		t.Errorf("receive before the delay ends: want MessageNotExist, got %v", err)
	}
	clk.Advance(5 * time.Second)
	first, err := receiveOne(q)
	if err != nil || first.DequeueCount != 1 {
		t.Fatalf("receive after the delay: count %d err %v; want 1, nil", first.DequeueCount, err)
	}
	clk.Advance(9 * time.Second)
	if v, in, _ := srv.Stats("q"); v != 0 || in != 1 {
		t.Errorf("9s into a 10s visibility timeout: visible/inflight = %d/%d, want 0/1", v, in)
	}
	clk.Advance(time.Second)
	if err := q.DeleteMessage(first.ReceiptHandle); codeOf(err) != "MessageNotExist" {
		t.Errorf("delete after the visibility timeout passed: want MessageNotExist, got %v", err)
	}
	second, err := receiveOne(q)
	if err != nil {
		t.Fatalf("receive after the visibility timeout: %v", err)
	}
	if second.DequeueCount != 2 || second.FirstDequeueTime != first.FirstDequeueTime || second.ReceiptHandle == first.ReceiptHandle {
		t.Errorf("redelivery: count %d first-dequeue %d (want %d) handle changed %v; want count 2, same first-dequeue, new handle",
			second.DequeueCount, second.FirstDequeueTime, first.FirstDequeueTime, second.ReceiptHandle != first.ReceiptHandle)
	}
	clk.Advance(61 * time.Second)
	if v, in, d := srv.Stats("q"); v+in+d != 0 {
		t.Errorf("after the 60s retention period: %d messages left, want 0", v+in+d)
	}
}

// TestDeadLetter: after MaxReceives receives the next receive moves the message on.
func TestDeadLetter(t *testing.T) {
	clk := newFakeClock()
	srv := startServer(t, mnssim.Options{Now: clk.Now, MaxReceives: 2, DeadLetterQueue: "dlq"})
	c := defaultSDK(srv)
	createQueue(t, c, "q", ali_mns.WithVisibilityTimeout(1))
	q := ali_mns.NewMNSQueue("q", c)
	sent, err := q.SendMessage(ali_mns.MessageSendRequest{MessageBody: "poison", Priority: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		m, err := receiveOne(q)
		if err != nil || m.DequeueCount != int64(i) {
			t.Fatalf("receive #%d: count %d err %v; want %d, nil", i, m.DequeueCount, err, i)
		}
		clk.Advance(time.Second)
	}
	if _, err := receiveOne(q); codeOf(err) != "MessageNotExist" {
		t.Errorf("third receive: want MessageNotExist (message moved to dlq), got %v", err)
	}
	m, err := receiveOne(ali_mns.NewMNSQueue("dlq", c))
	if err != nil {
		t.Fatalf("receive from dlq: %v", err)
	}
	if m.MessageBody != "poison" || m.MessageId != sent.MessageId || m.DequeueCount != 1 {
		t.Errorf("dlq message: body %q id %s count %d; want poison, %s, 1", m.MessageBody, m.MessageId, m.DequeueCount, sent.MessageId)
	}
	if _, err := mnssim.NewServer(mnssim.Options{MaxReceives: 1}); err == nil {
		t.Error("NewServer with MaxReceives but no DeadLetterQueue: want an error")
	}
}

// TestLongPoll: a waiting receive returns as soon as a message arrives, and Close ends it.
func TestLongPoll(t *testing.T) {
	srv := startServer(t, mnssim.Options{})
	c := defaultSDK(srv)
	createQueue(t, c, "q")
	q := ali_mns.NewMNSQueue("q", c)

	start := time.Now()
	done := make(chan error, 1)
	go func() {
		m, err := receiveOne(ali_mns.NewMNSQueue("q", c), 10)
		if err == nil && m.MessageBody != "wake" {
			err = fmt.Errorf("body %q, want wake", m.MessageBody)
		}
		done <- err
	}()
	time.Sleep(150 * time.Millisecond)
	if _, err := q.SendMessage(ali_mns.MessageSendRequest{MessageBody: "wake", Priority: 8}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("long-poll receive: %v", err)
		}
		if el := time.Since(start); el > 4*time.Second {
			t.Errorf("long-poll receive took %v after a send at 150ms; want it to return on the send", el)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("long-poll receive did not return within 5s of a send")
	}

	// An empty wait of 1s ends with MessageNotExist after about 1s.
	start = time.Now()
	if _, err := receiveOne(q, 1); codeOf(err) != "MessageNotExist" {
		t.Errorf("1s long-poll on an empty queue: want MessageNotExist, got %v", err)
	}
	if el := time.Since(start); el < 900*time.Millisecond || el > 4*time.Second {
		t.Errorf("1s long-poll on an empty queue took %v", el)
	}

	// Close ends a pending 30s poll promptly.
	go func() {
		_, err := receiveOne(ali_mns.NewMNSQueue("q", c), 30)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start = time.Now()
	srv.Close()
	select {
	case <-done:
		if el := time.Since(start); el > 4*time.Second {
			t.Errorf("Close took %v to end a pending long-poll", el)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a pending long-poll did not end within 5s of Close")
	}
}

// TestSignatureChecks: the real SDK with bad credentials is refused with MNS codes.
func TestSignatureChecks(t *testing.T) {
	srv := startServer(t, mnssim.Options{AccessKeyID: "ak1", AccessKeySecret: "sk1"})
	createQueue(t, sdkClient(srv, "ak1", "sk1"), "q")
	for _, tc := range []struct {
		name, ak, sk, code string
	}{
		{"right key", "ak1", "sk1", ""},
		{"wrong secret", "ak1", "nope", "SignatureDoesNotMatch"},
		{"unknown key id", "ak2", "sk1", "InvalidAccessKeyId"},
	} {
		q := ali_mns.NewMNSQueue("q", sdkClient(srv, tc.ak, tc.sk))
		_, err := q.SendMessage(ali_mns.MessageSendRequest{MessageBody: "x", Priority: 8})
		if codeOf(err) != tc.code {
			t.Errorf("%s: SendMessage error code %q (err %v), want %q", tc.name, codeOf(err), err, tc.code)
		}
		// Query strings are part of the signed resource.
		_, err = receiveBatch(q, 16)
		if want := tc.code; want == "" {
			if err != nil {
				t.Errorf("%s: BatchReceiveMessage: %v", tc.name, err)
			}
		} else if codeOf(err) != want {
			t.Errorf("%s: BatchReceiveMessage error code %q, want %q", tc.name, codeOf(err), want)
		}
	}
}

// rawRequest sends a hand-signed request (mutate may spoil it after signing).
func rawRequest(t *testing.T, srv *mnssim.Server, method, resource string, body []byte, mutate func(*http.Request)) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+srv.Addr()+resource, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.Endpoint())
	req.Host = u.Host
	sum := md5.Sum(body)
	req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:]))))
	req.Header.Set("Content-Type", "application/xml")
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("x-mns-version", "2015-06-06")
	var mns []string
	for k, v := range req.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-mns-") {
			mns = append(mns, lk+":"+v[0])
		}
	}
	sort.Strings(mns)
	toSign := method + "\n" + req.Header.Get("Content-MD5") + "\n" + req.Header.Get("Content-Type") + "\n" +
		req.Header.Get("Date") + "\n" + strings.Join(mns, "\n") + "\n" + resource
	mac := hmac.New(sha1.New, []byte(mnssim.DefaultAccessKeySecret))
	mac.Write([]byte(toSign))
	req.Header.Set("Authorization", "MNS "+mnssim.DefaultAccessKeyID+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	if mutate != nil {
		mutate(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, resource, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

type errorDoc struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}

// TestRawRequests covers header checks and malformed input at the HTTP level: every bad
// request gets an MNS <Error> document with the right status, and nothing panics.
func TestRawRequests(t *testing.T) {
	srv := startServer(t, mnssim.Options{})
	if st, _, b := rawRequest(t, srv, "PUT", "/queues/q", []byte("<Queue><VisibilityTimeout>5</VisibilityTimeout></Queue>"), nil); st != http.StatusCreated {
		t.Fatalf("create queue by hand: status %d body %s", st, b)
	}
	huge := []byte("<Message><MessageBody>" + strings.Repeat("x", 65537) + "</MessageBody></Message>")
	for _, tc := range []struct {
		name, method, resource string
		body                   string
		raw                    []byte
		mutate                 func(*http.Request)
		status                 int
		code                   string
	}{
		{name: "signed send works", method: "POST", resource: "/queues/q/messages",
			body: "<Message><MessageBody>hi</MessageBody></Message>", status: 201},
		{name: "bad signature", method: "POST", resource: "/queues/q/messages", body: "<Message><MessageBody>hi</MessageBody></Message>",
			mutate: func(r *http.Request) { r.Header.Set("Authorization", "MNS "+mnssim.DefaultAccessKeyID+":AAAA") },
			status: 403, code: "SignatureDoesNotMatch"},
		{name: "signed header changed", method: "GET", resource: "/queues/q",
			mutate: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, status: 403, code: "SignatureDoesNotMatch"},
		{name: "no authorization", method: "GET", resource: "/queues/q",
			mutate: func(r *http.Request) { r.Header.Del("Authorization") }, status: 403, code: "MissingAuthorizationHeader"},
		{name: "not MNS scheme", method: "GET", resource: "/queues/q",
			mutate: func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }, status: 403, code: "InvalidAuthorizationHeader"},
		{name: "no date", method: "GET", resource: "/queues/q",
			mutate: func(r *http.Request) { r.Header.Del("Date") }, status: 400, code: "MissingDateHeader"},
		{name: "old date", method: "GET", resource: "/queues/q",
			mutate: func(r *http.Request) {
				r.Header.Set("Date", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
			}, status: 408, code: "TimeExpired"},
		{name: "no version", method: "GET", resource: "/queues/q",
			mutate: func(r *http.Request) { r.Header.Del("x-mns-version") }, status: 400, code: "MissingVersionHeader"},
		{name: "body does not match Content-MD5", method: "POST", resource: "/queues/q/messages",
			body:   "<Message><MessageBody>hi</MessageBody></Message>",
			mutate: func(r *http.Request) { r.Header.Set("Content-MD5", "Zm9v") }, status: 400, code: "InvalidDegist"},
		{name: "malformed XML", method: "POST", resource: "/queues/q/messages", body: "<Message><MessageBody>hi</Message>",
			status: 400, code: "MalformedXML"},
		{name: "not XML", method: "POST", resource: "/queues/q/messages", body: "{json}", status: 400, code: "MalformedXML"},
		{name: "empty send body", method: "POST", resource: "/queues/q/messages", status: 400, code: "MalformedXML"},
		{name: "wrong root", method: "POST", resource: "/queues/q/messages", body: "<Queue/>", status: 400, code: "MalformedXML"},
		{name: "non-numeric delay", method: "POST", resource: "/queues/q/messages",
			body: "<Message><MessageBody>x</MessageBody><DelaySeconds>soon</DelaySeconds></Message>", status: 400, code: "MalformedXML"},
		{name: "no body element", method: "POST", resource: "/queues/q/messages", body: "<Message/>", status: 400, code: "InvalidArgument"},
		{name: "empty message body", method: "POST", resource: "/queues/q/messages",
			body: "<Message><MessageBody></MessageBody></Message>", status: 400, code: "InvalidArgument"},
		{name: "body over 64KB", method: "POST", resource: "/queues/q/messages", raw: huge, status: 400, code: "InvalidArgument"},
		{name: "priority out of range", method: "POST", resource: "/queues/q/messages",
			body: "<Message><MessageBody>x</MessageBody><Priority>17</Priority></Message>", status: 400, code: "InvalidArgument"},
		{name: "batch delete malformed", method: "DELETE", resource: "/queues/q/messages", body: "<ReceiptHandles><", status: 400, code: "MalformedXML"},
		{name: "empty batch delete", method: "DELETE", resource: "/queues/q/messages", body: "<ReceiptHandles/>", status: 400, code: "InvalidArgument"},
		{name: "bad numOfMessages", method: "GET", resource: "/queues/q/messages?numOfMessages=abc", status: 400, code: "InvalidArgument"},
		{name: "waitseconds over 30", method: "GET", resource: "/queues/q/messages?waitseconds=31", status: 400, code: "InvalidArgument"},
		{name: "visibility missing", method: "PUT", resource: "/queues/q/messages?ReceiptHandle=x", status: 400, code: "MissingVisibilityTimeout"},
		{name: "create with bad attribute", method: "PUT", resource: "/queues/r", body: "<Queue><VisibilityTimeout>0</VisibilityTimeout></Queue>",
			status: 400, code: "InvalidArgument"},
		{name: "create with malformed XML", method: "PUT", resource: "/queues/r", body: "<Queue>", status: 400, code: "MalformedXML"},
		{name: "topics unsupported", method: "GET", resource: "/topics/t", status: 400, code: "InvalidRequestURL"},
		{name: "missing queue", method: "GET", resource: "/queues/nope/messages", status: 404, code: "QueueNotExist"},
		{name: "empty queue", method: "GET", resource: "/queues/q/messages?numOfMessages=16", status: 200},
		{name: "now empty", method: "GET", resource: "/queues/q/messages?numOfMessages=16", status: 404, code: "MessageNotExist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.raw
			if body == nil {
				body = []byte(tc.body)
			}
			st, h, b := rawRequest(t, srv, tc.method, tc.resource, body, tc.mutate)
			if st != tc.status {
				t.Errorf("status %d, want %d; body %s", st, tc.status, b)
			}
			if h.Get("x-mns-request-id") == "" {
				t.Error("no x-mns-request-id header")
			}
			if tc.code == "" {
				return
			}
			var doc errorDoc
			if err := xml.Unmarshal(b, &doc); err != nil {
				t.Fatalf("error body is not an MNS <Error> document: %v; body %s", err, b)
			}
			if doc.Code != tc.code || doc.Message == "" || doc.RequestID != h.Get("x-mns-request-id") || doc.HostID != srv.Endpoint() {
				t.Errorf("error doc %+v; want code %s, a message, RequestId = header, HostId %s", doc, tc.code, srv.Endpoint())
			}
		})
	}
}
