// Package queue is the CSPM functions' client for Alibaba Cloud MNS (Message Service)
// queues. It wraps the official SDK (github.com/aliyun/aliyun-mns-go-sdk) with a small,
// context-aware API: Send, SendBatch, Receive, Delete, ChangeVisibility and CreateQueue.
//
// Bodies travel as raw strings inside the MNS XML (no base64), so a body must be valid
// UTF-8 without characters XML 1.0 forbids, and at most MaxBodySize bytes; the client
// refuses anything else before sending. An empty queue is not an error: Receive
// returns (nil, nil).
//
// The SDK has no context support. Each call runs the SDK in a goroutine and returns as
// soon as ctx is done; the abandoned request finishes in the background (bounded by the
// HTTP timeout). A Receive abandoned this way may still take messages, which then become
// visible again after their visibility timeout (MNS is at-least-once anyway).
//
// For local runs set Config.DialAddr: the endpoint keeps its real-looking shape (the SDK
// requires http://<uid>.mns.<region>.aliyuncs.com) and every connection goes to DialAddr,
// e.g. the emulator in local/mnssim.
package queue

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	ali_mns "github.com/aliyun/aliyun-mns-go-sdk"
	"github.com/valyala/fasthttp"
)

// MaxBatch is the most messages one MNS batch call carries (send, receive, delete).
const MaxBatch = 16

// MaxBodySize is the MNS limit on a message body, in bytes (64 KB).
const MaxBodySize = 64 * 1024

// MaxWait is the longest long-poll MNS supports; Receive clamps its wait to it.
const MaxWait = 30 * time.Second

// maxVisibility is the MNS upper bound for a visibility timeout (12 hours).
const maxVisibility = 43200 * time.Second

// httpTimeout bounds one HTTP exchange; it must exceed MaxWait.
const httpTimeout = 35 * time.Second

// defaultPriority is the MNS default message priority (1 highest .. 16 lowest).
const defaultPriority = 8

// Message is one received message.
type Message struct {
	ID               string
	Body             []byte
	ReceiptHandle    string // pass to Delete / ChangeVisibility; changes on every receive
	DequeueCount     int64  // how many times the message has been received, this time included
	EnqueueTime      time.Time
	FirstDequeueTime time.Time
}

// Client talks to the MNS queues of one account. It is safe for concurrent use.
type Client struct {
	cfg Config
	sdk ali_mns.MNSClient
}

// New returns a client for cfg. It checks the endpoint shape and the credentials but
// does not contact MNS.
func New(cfg Config) (c *Client, err error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	endpoint := strings.TrimSuffix(cfg.Endpoint, "/")
	// The SDK panics on configurations it dislikes; turn that into an error.
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("queue: new client for %s: %v", endpoint, r)
		}
	}()
	sdk := ali_mns.NewAliMNSClientWithConfig(ali_mns.AliMNSClientConfig{
		EndPoint:        endpoint,
		AccessKeyId:     cfg.AccessKeyID,
		AccessKeySecret: cfg.AccessKeySecret,
		Token:           cfg.SecurityToken,
		TimeoutSecond:   int64(httpTimeout / time.Second),
		MaxConnsPerHost: ali_mns.DefaultMaxConnsPerHost,
	})
	if cfg.DialAddr != "" {
		sdk.SetTransport(&dialTransport{hc: &fasthttp.HostClient{
			Addr:         cfg.DialAddr,
			IsTLS:        strings.HasPrefix(endpoint, "https://"),
			ReadTimeout:  httpTimeout,
			WriteTimeout: httpTimeout,
			MaxConns:     ali_mns.DefaultMaxConnsPerHost,
		}})
	}
	return &Client{cfg: cfg, sdk: sdk}, nil
}

// dialTransport sends every request over its own HostClient, whose Addr is the dial
// address; the request keeps its URL and Host header, so the signature is unchanged.
type dialTransport struct {
	hc *fasthttp.HostClient
}

// RoundTrip implements fasthttp.RoundTripper.
func (t *dialTransport) RoundTrip(_ *fasthttp.HostClient, req *fasthttp.Request, resp *fasthttp.Response) (bool, error) {
	return false, t.hc.Do(req, resp)
}

// queue returns an SDK queue handle. The SDK's per-queue QPS monitor is not safe for
// concurrent use, so every call gets its own (they are cheap).
func (c *Client) queue(name string) ali_mns.AliMNSQueue {
	return ali_mns.NewMNSQueue(name, c.sdk)
}

// run calls f in a goroutine and returns its result, or ctx.Err() as soon as ctx is done.
func run[T any](ctx context.Context, f func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// checkQueueName rejects names the SDK would panic on or send garbled.
func checkQueueName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("empty queue name")
	}
	if strings.ContainsAny(name, "/?#% \t\r\n") {
		return fmt.Errorf("invalid queue name %q", name)
	}
	return nil
}

// checkBody enforces the MNS body rules before anything is sent.
func checkBody(body []byte) error {
	if len(body) == 0 {
		return fmt.Errorf("%w: empty body", ErrInvalidBody)
	}
	if len(body) > MaxBodySize {
		return fmt.Errorf("%w: %d bytes, MNS limit is %d", ErrBodyTooLarge, len(body), MaxBodySize)
	}
	if !utf8.Valid(body) {
		return fmt.Errorf("%w: not valid UTF-8 (encode binary data, e.g. base64, before sending)", ErrInvalidBody)
	}
	for i, r := range string(body) {
		if !xmlChar(r) {
			return fmt.Errorf("%w: character %U at byte %d is not allowed in XML", ErrInvalidBody, r, i)
		}
	}
	return nil
}

// xmlChar reports whether r is a legal XML 1.0 character.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// Send puts one message on queue and returns its MNS message id.
func (c *Client) Send(ctx context.Context, queue string, body []byte) (id string, err error) {
	if err := checkQueueName(queue); err != nil {
		return "", fmt.Errorf("queue: send %s: %w", queue, err)
	}
	if err := checkBody(body); err != nil {
		return "", fmt.Errorf("queue: send %s: %w", queue, err)
	}
	req := ali_mns.MessageSendRequest{MessageBody: string(body), Priority: defaultPriority}
	resp, err := run(ctx, func() (ali_mns.MessageSendResponse, error) {
		return c.queue(queue).SendMessage(req)
	})
	if err != nil {
		return "", fmt.Errorf("queue: send %s: %w", queue, apiError(err))
	}
	return resp.MessageId, nil
}

// SendBatch puts bodies on queue, MaxBatch per request, and returns their ids in order.
//
// Every body is checked first; if any is invalid nothing is sent and the error names the
// indexes. When MNS refuses some messages, the others are still sent: ids[i] is "" for a
// message that was not sent and the error (errors.As *BatchError) lists the failed
// indexes. If a whole request fails (network, missing queue), the remaining chunks are
// not attempted and count as failed.
func (c *Client) SendBatch(ctx context.Context, queue string, bodies [][]byte) (ids []string, err error) {
	if err := checkQueueName(queue); err != nil {
		return nil, fmt.Errorf("queue: send batch %s: %w", queue, err)
	}
	if len(bodies) == 0 {
		return nil, nil
	}
	var bad BatchError
	bad.Total = len(bodies)
	for i, b := range bodies {
		if err := checkBody(b); err != nil {
			bad.Failures = append(bad.Failures, BatchFailure{Index: i, Err: err})
		}
	}
	if len(bad.Failures) > 0 {
		return nil, fmt.Errorf("queue: send batch %s: rejected before sending: %w", queue, &bad)
	}

	ids = make([]string, len(bodies))
	for start := 0; start < len(bodies); start += MaxBatch {
		end := min(start+MaxBatch, len(bodies))
		reqs := make([]ali_mns.MessageSendRequest, 0, end-start)
		for _, b := range bodies[start:end] {
			reqs = append(reqs, ali_mns.MessageSendRequest{MessageBody: string(b), Priority: defaultPriority})
		}
		resp, err := run(ctx, func() (ali_mns.BatchMessageSendResponse, error) {
			return c.queue(queue).BatchSendMessage(reqs...)
		})
		if err != nil && ali_mns.ERR_MNS_BATCH_OP_FAIL.IsEqual(err) && len(resp.Messages) == len(reqs) {
			// Partial failure: MNS lists every message in request order, with either an
			// id or an error code.
			for i, m := range resp.Messages {
				if m.ErrorCode != "" {
					bad.Failures = append(bad.Failures, BatchFailure{Index: start + i,
						Err: &APIError{Code: m.ErrorCode, Message: m.ErrorMessage}})
				} else {
					ids[start+i] = m.MessageId
				}
			}
			continue
		}
		if err == nil && len(resp.Messages) != len(reqs) {
			err = fmt.Errorf("MNS answered %d entries for %d messages", len(resp.Messages), len(reqs))
		}
		if err != nil {
			e := apiError(err)
			for i := start; i < len(bodies); i++ {
				bad.Failures = append(bad.Failures, BatchFailure{Index: i, Err: e})
			}
			break
		}
		for i, m := range resp.Messages {
			ids[start+i] = m.MessageId
		}
	}
	if len(bad.Failures) > 0 {
		return ids, fmt.Errorf("queue: send batch %s: %w", queue, &bad)
	}
	return ids, nil
}

// Receive takes up to max (1..MaxBatch) messages from queue, long-polling up to wait
// (rounded up to whole seconds, at most MaxWait, and cut to ctx's deadline). wait == 0
// uses the queue's PollingWaitSeconds (0 for queues made by CreateQueue). Received
// messages stay invisible for the queue's visibility timeout; Delete them when done.
// An empty queue returns (nil, nil).
func (c *Client) Receive(ctx context.Context, queue string, max int, wait time.Duration) ([]Message, error) {
	if err := checkQueueName(queue); err != nil {
		return nil, fmt.Errorf("queue: receive %s: %w", queue, err)
	}
	if max < 1 || max > MaxBatch {
		return nil, fmt.Errorf("queue: receive %s: max must be 1..%d, got %d", queue, MaxBatch, max)
	}
	if wait < 0 {
		wait = 0
	}
	if wait > MaxWait {
		wait = MaxWait
	}
	secs := int64(math.Ceil(wait.Seconds()))
	if dl, ok := ctx.Deadline(); ok && secs > 0 {
		// Leave a little room for the answer to travel back before the deadline.
		if left := int64((time.Until(dl) - 200*time.Millisecond) / time.Second); left < secs {
			secs = left
		}
		if secs < 1 {
			secs = 1
		}
	}
	resp, err := run(ctx, func() (ali_mns.BatchMessageReceiveResponse, error) {
		respCh := make(chan ali_mns.BatchMessageReceiveResponse, 1)
		errCh := make(chan error, 1)
		if secs > 0 {
			c.queue(queue).BatchReceiveMessage(respCh, errCh, int32(max), secs)
		} else {
			c.queue(queue).BatchReceiveMessage(respCh, errCh, int32(max))
		}
		select {
		case r := <-respCh:
			return r, nil
		case err := <-errCh:
			return ali_mns.BatchMessageReceiveResponse{}, err
		}
	})
	if err != nil {
		if ali_mns.ERR_MNS_MESSAGE_NOT_EXIST.IsEqual(err) {
			return nil, nil // empty queue
		}
		return nil, fmt.Errorf("queue: receive %s: %w", queue, apiError(err))
	}
	if len(resp.Messages) == 0 {
		return nil, nil
	}
	out := make([]Message, len(resp.Messages))
	for i, m := range resp.Messages {
		out[i] = Message{
			ID:               m.MessageId,
			Body:             []byte(m.MessageBody),
			ReceiptHandle:    m.ReceiptHandle,
			DequeueCount:     m.DequeueCount,
			EnqueueTime:      msTime(m.EnqueueTime),
			FirstDequeueTime: msTime(m.FirstDequeueTime),
		}
	}
	return out, nil
}

// msTime converts MNS epoch milliseconds; 0 stays the zero time.
func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// Delete removes a received message. A receipt handle from an earlier receive, or one
// whose visibility timeout has passed, fails with ErrMessageNotExist.
func (c *Client) Delete(ctx context.Context, queue, receiptHandle string) error {
	if err := checkQueueName(queue); err != nil {
		return fmt.Errorf("queue: delete from %s: %w", queue, err)
	}
	if receiptHandle == "" {
		return fmt.Errorf("queue: delete from %s: %w: empty", queue, ErrReceiptHandle)
	}
	_, err := run(ctx, func() (struct{}, error) {
		return struct{}{}, c.queue(queue).DeleteMessage(receiptHandle)
	})
	if err != nil {
		return fmt.Errorf("queue: delete from %s: %w", queue, apiError(err))
	}
	return nil
}

// ChangeVisibility keeps a received message invisible for d from now (rounded up to
// whole seconds, 1s..12h) and returns the new receipt handle; the old one stops working.
func (c *Client) ChangeVisibility(ctx context.Context, queue, receiptHandle string, d time.Duration) (newReceiptHandle string, err error) {
	if err := checkQueueName(queue); err != nil {
		return "", fmt.Errorf("queue: change visibility in %s: %w", queue, err)
	}
	if receiptHandle == "" {
		return "", fmt.Errorf("queue: change visibility in %s: %w: empty", queue, ErrReceiptHandle)
	}
	if d <= 0 || d > maxVisibility {
		return "", fmt.Errorf("queue: change visibility in %s: visibility must be 1s..12h, got %v", queue, d)
	}
	secs := int64(math.Ceil(d.Seconds()))
	resp, err := run(ctx, func() (ali_mns.MessageVisibilityChangeResponse, error) {
		return c.queue(queue).ChangeMessageVisibility(receiptHandle, secs)
	})
	if err != nil {
		return "", fmt.Errorf("queue: change visibility in %s: %w", queue, apiError(err))
	}
	return resp.ReceiptHandle, nil
}

// CreateQueue creates queue name with the given visibility timeout (rounded up to whole
// seconds, 1s..12h; 0 means the MNS default of 30s) and no long-poll default. It is
// idempotent: an existing queue with the same attributes is fine, one with different
// attributes is an error (MNS code QueueAlreadyExist).
func (c *Client) CreateQueue(ctx context.Context, name string, visibility time.Duration) error {
	if err := checkQueueName(name); err != nil {
		return fmt.Errorf("queue: create %s: %w", name, err)
	}
	if visibility == 0 {
		visibility = 30 * time.Second
	}
	if visibility < 0 || visibility > maxVisibility {
		return fmt.Errorf("queue: create %s: visibility must be 1s..12h, got %v", name, visibility)
	}
	secs := int32(math.Ceil(visibility.Seconds()))
	_, err := run(ctx, func() (struct{}, error) {
		return struct{}{}, ali_mns.NewMNSQueueManager(c.sdk).CreateQueueWithOptions(name,
			ali_mns.WithVisibilityTimeout(secs), ali_mns.WithPollingWaitSeconds(0))
	})
	if err != nil {
		if ali_mns.ERR_MNS_QUEUE_ALREADY_EXIST_AND_HAVE_SAME_ATTR.IsEqual(err) {
			return nil
		}
		return fmt.Errorf("queue: create %s: %w", name, apiError(err))
	}
	return nil
}
