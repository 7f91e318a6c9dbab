package mnssim

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// queueAttrs are a queue's settings, in seconds and bytes as MNS keeps them.
type queueAttrs struct {
	DelaySeconds           int64
	MaximumMessageSize     int64
	MessageRetentionPeriod int64
	VisibilityTimeout      int64
	PollingWaitSeconds     int64
	LoggingEnabled         bool
}

// defaultAttrs are the MNS defaults for attributes a CreateQueue leaves out.
var defaultAttrs = queueAttrs{
	DelaySeconds:           0,
	MaximumMessageSize:     65536,
	MessageRetentionPeriod: 345600,
	VisibilityTimeout:      30,
	PollingWaitSeconds:     0,
}

// Attribute ranges (MNS API reference; retention as the Go SDK checks it).
const (
	maxDelaySeconds  = 604800
	minMessageSize   = 1024
	maxMessageSize   = 65536
	minRetention     = 60
	maxRetention     = 1296000
	minVisibility    = 1
	maxVisibility    = 43200
	maxPollingWait   = 30
	maxBatch         = 16
	defaultPriority  = 8
	maxPriority      = 16
	maxQueueNameLen  = 120
	maxListRetNumber = 1000
)

// apply sets the attributes present in r onto a, validating each.
func (a *queueAttrs) apply(r *queueRequest) *mnsError {
	set := func(dst *int64, v *int64, name string, lo, hi int64) *mnsError {
		if v == nil {
			return nil
		}
		if *v < lo || *v > hi {
			return errf(http.StatusBadRequest, "InvalidArgument",
				fmt.Sprintf("The value of %s should between %d and %d.", name, lo, hi))
		}
		*dst = *v
		return nil
	}
	for _, e := range []*mnsError{
		set(&a.DelaySeconds, r.DelaySeconds, "DelaySeconds", 0, maxDelaySeconds),
		set(&a.MaximumMessageSize, r.MaximumMessageSize, "MaximumMessageSize", minMessageSize, maxMessageSize),
		set(&a.MessageRetentionPeriod, r.MessageRetentionPeriod, "MessageRetentionPeriod", minRetention, maxRetention),
		set(&a.VisibilityTimeout, r.VisibilityTimeout, "VisibilityTimeout", minVisibility, maxVisibility),
		set(&a.PollingWaitSeconds, r.PollingWaitSeconds, "PollingWaitSeconds", 0, maxPollingWait),
	} {
		if e != nil {
			return e
		}
	}
	if r.LoggingEnabled != nil {
		a.LoggingEnabled = *r.LoggingEnabled
	}
	return nil
}

// message is one stored message.
type message struct {
	id           string
	body         string
	md5          string // upper-case hex MD5 of body, as MNS reports it
	priority     int64
	seq          uint64 // arrival order
	enqueued     time.Time
	visibleAt    time.Time // NextVisibleTime: delay end, or end of the current visibility timeout
	firstDequeue time.Time
	dequeueCount int64
	handle       string // receipt handle of the latest receive ("" if never received)
}

// state classifies m at now.
func (m *message) state(now time.Time) msgState {
	switch {
	case !now.Before(m.visibleAt):
		return stateVisible
	case m.handle == "":
		return stateDelayed
	default:
		return stateInflight
	}
}

type msgState int

const (
	stateVisible msgState = iota
	stateInflight
	stateDelayed
)

// queueState is one queue. All fields are guarded by Server.mu.
type queueState struct {
	name     string
	attrs    queueAttrs
	created  time.Time
	modified time.Time
	msgs     []*message // arrival order
	byID     map[string]*message
	wake     chan struct{} // closed (and replaced) when pollers should look again
}

func newQueueState(name string, a queueAttrs, now time.Time) *queueState {
	return &queueState{name: name, attrs: a, created: now, modified: now,
		byID: map[string]*message{}, wake: make(chan struct{})}
}

// notify wakes the long-pollers of q.
func (q *queueState) notify() {
	close(q.wake)
	q.wake = make(chan struct{})
}

// remove drops m from q.
func (q *queueState) remove(m *message) {
	delete(q.byID, m.id)
	for i, x := range q.msgs {
		if x == m {
			q.msgs = append(q.msgs[:i], q.msgs[i+1:]...)
			return
		}
	}
}

// add appends m and wakes pollers.
func (q *queueState) add(m *message) {
	q.msgs = append(q.msgs, m)
	q.byID[m.id] = m
	q.notify()
}

// sweep drops messages older than the retention period.
func (q *queueState) sweep(now time.Time) {
	keep := q.msgs[:0]
	for _, m := range q.msgs {
		if now.Sub(m.enqueued) >= time.Duration(q.attrs.MessageRetentionPeriod)*time.Second {
			delete(q.byID, m.id)
			continue
		}
		keep = append(keep, m)
	}
	for i := len(keep); i < len(q.msgs); i++ {
		q.msgs[i] = nil
	}
	q.msgs = keep
}

// counts returns how many messages are visible, in flight and delayed.
func (q *queueState) counts(now time.Time) (visible, inflight, delayed int) {
	for _, m := range q.msgs {
		switch m.state(now) {
		case stateVisible:
			visible++
		case stateInflight:
			inflight++
		case stateDelayed:
			delayed++
		}
	}
	return
}

// nextChange returns the earliest time an invisible message becomes visible (zero if none).
func (q *queueState) nextChange(now time.Time) time.Time {
	var next time.Time
	for _, m := range q.msgs {
		if now.Before(m.visibleAt) && (next.IsZero() || m.visibleAt.Before(next)) {
			next = m.visibleAt
		}
	}
	return next
}

// visible returns the visible messages in delivery order: priority, then arrival.
func (q *queueState) visible(now time.Time) []*message {
	var out []*message
	for _, m := range q.msgs {
		if m.state(now) == stateVisible {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].priority != out[j].priority {
			return out[i].priority < out[j].priority
		}
		return out[i].seq < out[j].seq
	})
	return out
}

// --- ids and handles ---

// bodyMD5 is the MessageBodyMD5 MNS reports: upper-case hex MD5 of the body.
func bodyMD5(body string) string {
	sum := md5.Sum([]byte(body))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

var (
	messageIDRe = regexp.MustCompile(`^[0-9A-F]{32}$`)
	queueNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)
)

// newMessageID returns a 32-hex-digit id, unique for the server's life. Call with mu held.
func (s *Server) newMessageID() string {
	s.seq++
	return fmt.Sprintf("%016X%016X", s.idPrefix, s.seq)
}

// newHandle returns a receipt handle for message id. It looks like MNS handles (base64
// with '+' and '/', so clients must escape it in URLs) and starts with the message id.
func newHandle(id string) string {
	var b [12]byte
	for i := range b {
		b[i] = byte(rand.IntN(256))
	}
	return id + "-" + base64.StdEncoding.EncodeToString(b[:])
}

// parseHandle returns the message id inside h, or false if h is malformed.
func parseHandle(h string) (string, bool) {
	id, rest, ok := strings.Cut(h, "-")
	if !ok || !messageIDRe.MatchString(id) {
		return "", false
	}
	if _, err := base64.StdEncoding.DecodeString(rest); err != nil || rest == "" {
		return "", false
	}
	return id, true
}

// lookupHandle finds the in-flight message h belongs to. A malformed handle is
// ReceiptHandleError; a stale one (message deleted, received again, or visibility
// timeout passed) is MessageNotExist, as MNS answers.
func (q *queueState) lookupHandle(h string, now time.Time) (*message, *mnsError) {
	if h == "" {
		return nil, errf(http.StatusBadRequest, "MissingReceiptHandle", "ReceiptHandle is mandatory for this action.")
	}
	id, ok := parseHandle(h)
	if !ok {
		return nil, errReceiptHandle
	}
	m := q.byID[id]
	if m == nil || m.handle != h || !now.Before(m.visibleAt) {
		return nil, errMessageNotExist
	}
	return m, nil
}

// checkQueueName applies the MNS naming rule: letters, digits and '-', starting with a
// letter or digit, at most 120 characters.
func checkQueueName(name string) *mnsError {
	if len(name) > maxQueueNameLen {
		return errf(http.StatusBadRequest, "QueueNameLengthError",
			fmt.Sprintf("The length of queue name should be between 1 and %d.", maxQueueNameLen))
	}
	if !queueNameRe.MatchString(name) {
		return errf(http.StatusBadRequest, "InvalidQueueName",
			"The queue name you provided is not valid: use letters, digits and '-', starting with a letter or digit.")
	}
	return nil
}
