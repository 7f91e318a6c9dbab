package fcsim

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/queue"
)

// QueueClient is what fcsim needs from an MNS client to deliver queue triggers.
// *queue.Client (package shared/queue) satisfies it.
type QueueClient interface {
	// Send puts body on queue (used to park messages in the dead-letter queue).
	Send(ctx context.Context, queue string, body []byte) (id string, err error)
	// Receive long-polls queue for up to wait and returns at most max (1..16) messages, or
	// nil when there are none.
	Receive(ctx context.Context, queue string, max int, wait time.Duration) ([]queue.Message, error)
	// Delete removes a received message.
	Delete(ctx context.Context, queue, receiptHandle string) error
	// ChangeVisibility keeps a received message invisible for d more and returns its new
	// receipt handle.
	ChangeVisibility(ctx context.Context, queue, receiptHandle string, d time.Duration) (string, error)
}

const (
	idlePoll     = time.Second            // long-poll wait while no batch is open
	receiveRetry = 500 * time.Millisecond // pause after a failed Receive
	shortPoll    = 100 * time.Millisecond // pause after a Receive that returned early and empty
	settleTime   = 10 * time.Second       // bound on deleting/parking after the delivery ends
)

// poller delivers one MNS queue trigger.
type poller struct {
	s     *Sim
	f     *function
	t     *QueueTrigger
	slots chan struct{} // batches in flight; at most the function's instanceConcurrency
}

// run collects batches until collect ends and hands each one to a delivery goroutine,
// whose invocations run under deliver (which outlives collect while Stop drains).
func (p *poller) run(collect, deliver context.Context) {
	for {
		select {
		case p.slots <- struct{}{}:
		case <-collect.Done():
			return
		}
		batch := p.collect(collect)
		if len(batch) == 0 {
			<-p.slots
			if collect.Err() != nil {
				return
			}
			continue
		}
		p.s.wg.Add(1)
		go func() {
			defer p.s.wg.Done()
			defer func() { <-p.slots }()
			p.deliver(deliver, collect, batch)
		}()
	}
}

// collect receives messages until the batch holds BatchSize of them or BatchWindow has
// passed since its first one. It returns nil when ctx ends (the messages it held become
// visible again when their visibility timeout ends).
func (p *poller) collect(ctx context.Context) []queue.Message {
	var batch []queue.Message
	var first time.Time
	for {
		need := p.t.BatchSize - len(batch)
		if need <= 0 {
			return batch
		}
		wait, remaining := idlePoll, time.Duration(0)
		if len(batch) > 0 {
			remaining = p.t.BatchWindow - time.Since(first)
			if remaining <= 0 && p.t.BatchWindow > 0 {
				return batch
			}
			// MNS long-polls in whole seconds and clients round up: round down so the
			// window is not overshot, and poll briefly for the last fraction.
			wait = max(remaining.Truncate(time.Second), 0)
		}
		began := time.Now()
		msgs, err := p.s.opts.Queue.Receive(ctx, p.t.Queue, min(need, 16), wait)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			p.s.stderr.printf("%s: trigger %s: receive from %s: %v", p.f.spec.Key, p.t.Name, p.t.Queue, err)
			if !sleepCtx(ctx, receiveRetry) {
				return nil
			}
			continue
		}
		if len(msgs) > 0 {
			if len(batch) == 0 {
				first = time.Now()
			}
			batch = appendNew(batch, msgs)
			continue
		}
		if len(batch) > 0 && p.t.BatchWindow == 0 {
			return batch // no window: deliver what was there
		}
		// Nothing came. If the receive returned before its wait was up (a short poll),
		// pause a little rather than spin.
		if elapsed := time.Since(began); elapsed < wait || wait == 0 {
			pause := shortPoll
			if len(batch) > 0 {
				pause = min(pause, max(p.t.BatchWindow-time.Since(first), time.Millisecond))
			}
			if !sleepCtx(ctx, pause) {
				return nil
			}
		}
	}
}

// appendNew adds msgs to batch; a message already in the batch (redelivered because its
// visibility ran out) only refreshes its receipt handle.
func appendNew(batch, msgs []queue.Message) []queue.Message {
	for _, m := range msgs {
		dup := false
		for i := range batch {
			if batch[i].ID == m.ID {
				batch[i].ReceiptHandle = m.ReceiptHandle
				dup = true
				break
			}
		}
		if !dup {
			batch = append(batch, m)
		}
	}
	return batch
}

// handles tracks the current receipt handles of a batch's messages.
type handles struct {
	mu sync.Mutex
	h  []string
}

func (h *handles) get(i int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.h[i]
}

func (h *handles) set(i int, v string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.h[i] = v
}

// deliver invokes the function with the batch until it succeeds or the retries run out,
// then deletes or parks the messages. Invocations run under ctx; once stopping ends no
// further attempt starts (the messages stay in the queue and come back later).
func (p *poller) deliver(ctx, stopping context.Context, batch []queue.Message) {
	s, q := p.s, p.t
	hs := &handles{h: make([]string, len(batch))}
	for i, m := range batch {
		hs.h[i] = m.ReceiptHandle
	}
	payload, err := s.buildMNSEvents(p.f.spec.Name, q, batch)
	if err != nil && len(batch) > 1 {
		// Too large for one invocation (FC's async payload limit): deliver halves.
		half := len(batch) / 2
		var wg sync.WaitGroup
		for _, part := range [][]queue.Message{batch[:half], batch[half:]} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.deliver(ctx, stopping, part)
			}()
		}
		wg.Wait()
		return
	}
	if err != nil {
		// EventBridge cannot turn this message into an event: no invocation can succeed.
		parked, why := p.park(ctx, batch, hs)
		h := Hop{Time: time.Now(), Function: p.f.spec.Key, Trigger: q.Name, Kind: KindQueue, Messages: len(batch),
			Attempt: 1, Status: HopParked, Err: "cannot build the event: " + err.Error() + "; " + why}
		if parked < len(batch) {
			h.Status = HopFailed
		}
		s.hop(h)
		return
	}
	stopKeeper := p.keepInvisible(ctx, hs)
	defer stopKeeper()
	for attempt := 1; ; attempt++ {
		started := time.Now()
		res, ci, err := s.invoke(ctx, p.f, payload, attempt-1)
		h := Hop{Time: started, Function: p.f.spec.Key, Trigger: q.Name, Kind: KindQueue, RequestID: res.RequestID,
			Messages: len(batch), Attempt: attempt, Err: res.Err, Duration: res.Duration, Body: res.Body,
			Instance: ci.instance, Restart: ci.restart}
		if err != nil {
			// Stopping: the messages stay in the queue and come back later.
			if ci.attempted {
				h.Status = HopFailed
				h.Err = fmt.Sprintf("%s; %d message(s) left in %s", res.Err, len(batch), q.Queue)
				s.hop(h)
			}
			return
		}
		if res.OK() {
			stopKeeper()
			p.deleteAll(ctx, batch, hs)
			h.Status = HopOK
			s.hop(h)
			return
		}
		if attempt <= q.MaxRetries {
			h.Status = HopRetry
			s.hop(h)
			if !sleepCtx(stopping, s.opts.Backoff(attempt)) {
				return
			}
			continue
		}
		stopKeeper()
		parked, why := p.park(ctx, batch, hs)
		h.Status = HopParked
		if parked < len(batch) {
			h.Status = HopFailed
		}
		if why != "" {
			h.Err += "; " + why
		}
		s.hop(h)
		return
	}
}

// keepInvisible extends the batch's visibility every visEvery until the returned func is
// called, so that MNS does not hand the messages to another consumer meanwhile.
func (p *poller) keepInvisible(ctx context.Context, hs *handles) (stop func()) {
	kctx, cancel := context.WithCancel(ctx)
	n := len(hs.h)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(p.s.visEvery)
		defer t.Stop()
		for {
			select {
			case <-kctx.Done():
				return
			case <-t.C:
			}
			for i := range n {
				nh, err := p.s.opts.Queue.ChangeVisibility(kctx, p.t.Queue, hs.get(i), p.s.visTimeout)
				if kctx.Err() != nil {
					return
				}
				if err != nil {
					p.s.stderr.printf("%s: trigger %s: extend visibility in %s: %v", p.f.spec.Key, p.t.Name, p.t.Queue, err)
					continue
				}
				hs.set(i, nh)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
}

// deleteAll deletes a delivered batch; failures are logged (the messages would be
// delivered again).
func (p *poller) deleteAll(ctx context.Context, batch []queue.Message, hs *handles) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTime)
	defer cancel()
	for i, m := range batch {
		if err := p.s.opts.Queue.Delete(dctx, p.t.Queue, hs.get(i)); err != nil {
			p.s.stderr.printf("%s: trigger %s: delete message %s from %s after success: %v", p.f.spec.Key, p.t.Name, m.ID, p.t.Queue, err)
		}
	}
}

// park moves each message of a batch that failed every attempt to the dead-letter queue
// (body unchanged) and deletes it from the source queue. A message that cannot be sent to
// the dead-letter queue stays in its source queue. It returns how many were parked and a
// summary of what went wrong.
func (p *poller) park(ctx context.Context, batch []queue.Message, hs *handles) (int, string) {
	if p.t.DeadLetterQueue == "" {
		return 0, fmt.Sprintf("no dead-letter queue: %d message(s) left in %s", len(batch), p.t.Queue)
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTime)
	defer cancel()
	parked := 0
	var problems []string
	for i, m := range batch {
		if _, err := p.s.opts.Queue.Send(pctx, p.t.DeadLetterQueue, m.Body); err != nil {
			problems = append(problems, fmt.Sprintf("message %s left in %s: send to %s: %v", m.ID, p.t.Queue, p.t.DeadLetterQueue, err))
			continue
		}
		parked++
		if err := p.s.opts.Queue.Delete(pctx, p.t.Queue, hs.get(i)); err != nil {
			problems = append(problems, fmt.Sprintf("message %s copied to %s but not deleted from %s: %v", m.ID, p.t.DeadLetterQueue, p.t.Queue, err))
		}
	}
	for _, pr := range problems {
		p.s.stderr.printf("%s: trigger %s: %s", p.f.spec.Key, p.t.Name, pr)
	}
	summary := fmt.Sprintf("parked %d/%d message(s) in %s", parked, len(batch), p.t.DeadLetterQueue)
	if len(problems) > 0 {
		summary += ": " + strings.Join(problems, "; ")
	}
	return parked, summary
}

// sleepCtx sleeps for d; it returns false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
