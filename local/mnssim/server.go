// Package mnssim is a local emulator of Alibaba Cloud MNS queues. It speaks the MNS
// REST/XML protocol (API version 2015-06-06) that github.com/aliyun/aliyun-mns-go-sdk
// uses, over plain HTTP on loopback, so the real SDK (and package shared/queue) can be
// tested and demoed without a cloud account.
//
// Supported: CreateQueue, SetQueueAttributes, GetQueueAttributes, DeleteQueue, ListQueue,
// SendMessage, BatchSendMessage, ReceiveMessage, BatchReceiveMessage (long polling with
// waitseconds), PeekMessage, BatchPeekMessage, DeleteMessage, BatchDeleteMessage and
// ChangeMessageVisibility. Semantics follow MNS: visibility timeouts, delay seconds,
// priorities, retention, DequeueCount and FirstDequeueTime, receipt handles that change
// on every receive and expire with the visibility timeout (stale ones answer
// MessageNotExist), and MNS error documents with the MNS codes and HTTP statuses.
// Optionally, a message received MaxReceives times without being deleted moves to a
// dead-letter queue (a local convenience; MNS configures this per queue).
//
// Every request must carry a valid "MNS <AccessKeyId>:<signature>" Authorization header
// (HMAC-SHA1 over the verb, Content-MD5, Content-Type, Date, the x-mns-* headers and the
// resource), a Date within 15 minutes and x-mns-version.
//
// The SDK only accepts endpoints shaped http://<uid>.mns.<region>.aliyuncs.com; use
// Server.ClientConfig (package shared/queue), whose DialAddr sends connections here.
//
// Topics are not emulated. Everything is in memory.
package mnssim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/queue"
)

// Defaults for Options.
const (
	DefaultAccessKeyID     = "cspm-local-ak"
	DefaultAccessKeySecret = "cspm-local-secret"
	DefaultAccountID       = "1234567890123456"
	DefaultRegion          = "cn-hangzhou"
	DefaultListen          = "127.0.0.1:0"
)

// maxRequestBody bounds request bodies: 16 messages of 64 KB, XML-escaped, fit easily.
const maxRequestBody = 8 << 20

// maxClockSkew is how far a request's Date may be from the server's wall clock.
const maxClockSkew = 15 * time.Minute

// fakeClockPoll is how often long-pollers look again when Options.Now is set (the
// emulator cannot know when an injected clock jumps).
const fakeClockPoll = 20 * time.Millisecond

// Options configures a Server.
type Options struct {
	// AccessKeyID and AccessKeySecret are the only accepted key (defaults
	// "cspm-local-ak" / "cspm-local-secret").
	AccessKeyID, AccessKeySecret string
	// AccountID and Region make up Endpoint() (defaults "1234567890123456", "cn-hangzhou").
	AccountID, Region string
	// MaxReceives > 0: a message received this many times without being deleted moves to
	// DeadLetterQueue on the next receive attempt (it is not returned to that receive).
	// 0 = never.
	MaxReceives int
	// DeadLetterQueue names the dead-letter queue; required when MaxReceives > 0, and
	// created automatically (MNS default attributes).
	DeadLetterQueue string
	// Listen is the listen address (default "127.0.0.1:0").
	Listen string
	// Now, if set, replaces time.Now for message timing (visibility, delay, retention,
	// times reported to clients), so tests can move time forward without sleeping.
	// Request Date headers are still checked against the real clock.
	Now func() time.Time
}

// Server is a running MNS emulator. Its methods are safe for concurrent use.
type Server struct {
	opts     Options
	now      func() time.Time
	ln       net.Listener
	hs       *http.Server
	handler  http.Handler
	closed   chan struct{}
	closeOne sync.Once
	closeErr error
	idPrefix uint64

	mu     sync.Mutex
	queues map[string]*queueState
	seq    uint64 // message ids
	reqSeq uint64 // request ids
}

// NewServer starts an emulator listening on opts.Listen.
func NewServer(opts Options) (*Server, error) {
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = DefaultAccessKeyID
	}
	if opts.AccessKeySecret == "" {
		opts.AccessKeySecret = DefaultAccessKeySecret
	}
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.MaxReceives < 0 {
		return nil, fmt.Errorf("mnssim: MaxReceives must be >= 0, got %d", opts.MaxReceives)
	}
	if opts.MaxReceives > 0 {
		if opts.DeadLetterQueue == "" {
			return nil, errors.New("mnssim: MaxReceives is set but DeadLetterQueue is empty")
		}
		if e := checkQueueName(opts.DeadLetterQueue); e != nil {
			return nil, fmt.Errorf("mnssim: DeadLetterQueue %q: %s", opts.DeadLetterQueue, e.message)
		}
	}
	if strings.ContainsAny(opts.AccountID+opts.Region, "./: ") {
		return nil, fmt.Errorf("mnssim: AccountID %q and Region %q must not contain '.', '/', ':' or spaces", opts.AccountID, opts.Region)
	}
	s := &Server{
		opts:     opts,
		now:      opts.Now,
		closed:   make(chan struct{}),
		queues:   map[string]*queueState{},
		idPrefix: rand.Uint64(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.MaxReceives > 0 {
		now := s.now()
		s.queues[opts.DeadLetterQueue] = newQueueState(opts.DeadLetterQueue, defaultAttrs, now)
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("mnssim: listen %s: %w", opts.Listen, err)
	}
	s.ln = ln
	s.hs = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.hs.Serve(ln) }()
	return s, nil
}

// Addr returns the listen address, 127.0.0.1:PORT.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Endpoint returns the endpoint clients sign for: http://<AccountID>.mns.<Region>.aliyuncs.com.
func (s *Server) Endpoint() string {
	return "http://" + s.opts.AccountID + ".mns." + s.opts.Region + ".aliyuncs.com"
}

// ClientConfig returns a shared/queue configuration that reaches this server: its
// endpoint and key, with DialAddr set to Addr().
func (s *Server) ClientConfig() queue.Config {
	return queue.Config{
		Endpoint:        s.Endpoint(),
		AccessKeyID:     s.opts.AccessKeyID,
		AccessKeySecret: s.opts.AccessKeySecret,
		DialAddr:        s.Addr(),
	}
}

// HTTPHandler returns the emulator's handler (e.g. to mount in another server or httptest).
func (s *Server) HTTPHandler() http.Handler { return s.handler }

// Close stops the server: long-polls end at once, then the listener and connections close.
func (s *Server) Close() error {
	s.closeOne.Do(func() {
		close(s.closed)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.hs.Shutdown(ctx); err != nil {
			s.closeErr = s.hs.Close()
		}
	})
	return s.closeErr
}

// Stats returns how many messages of queue are visible, in flight (received, within
// their visibility timeout) and delayed. An unknown queue has none.
func (s *Server) Stats(queue string) (visible, inflight, delayed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[queue]
	if q == nil {
		return 0, 0, 0
	}
	now := s.now()
	q.sweep(now)
	return q.counts(now)
}

// --- HTTP plumbing ---

// reply is what a handler answers: status, and an XML document or nothing.
type reply struct {
	status int
	doc    any // nil: no body
	header map[string]string
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqSeq++
	reqID := fmt.Sprintf("%08X%016X", uint32(s.idPrefix>>32), s.reqSeq)
	s.mu.Unlock()
	h := w.Header()
	h.Set("x-mns-request-id", reqID)
	h.Set("x-mns-version", apiVersion)
	h.Set("Server", "mnssim")

	rep, e := s.handle(r)
	if e != nil {
		s.writeError(w, reqID, e)
		return
	}
	if rep == nil { // client went away
		return
	}
	for k, v := range rep.header {
		h.Set(k, v)
	}
	if rep.doc == nil {
		w.WriteHeader(rep.status)
		return
	}
	body, err := xml.Marshal(rep.doc)
	if err != nil {
		s.writeError(w, reqID, errf(http.StatusInternalServerError, "InternalError", "marshal response: "+err.Error()))
		return
	}
	writeXML(w, rep.status, body)
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml;charset=utf-8")
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.Write(body)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (s *Server) writeError(w http.ResponseWriter, reqID string, e *mnsError) {
	body, _ := xml.Marshal(errorBody{Xmlns: xmlNS, Code: e.code, Message: e.message,
		RequestID: reqID, HostID: s.Endpoint()})
	writeXML(w, e.status, body)
}

// handle authenticates r and dispatches it. A nil reply with nil error means the client
// is gone and nothing should be written.
func (s *Server) handle(r *http.Request) (*reply, *mnsError) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errf(http.StatusRequestEntityTooLarge, "InvalidArgument",
				fmt.Sprintf("The request body is larger than %d bytes.", maxRequestBody))
		}
		return nil, errf(http.StatusBadRequest, "InvalidArgument", "read request body: "+err.Error())
	}
	if e := s.authenticate(r, body); e != nil {
		return nil, e
	}
	return s.route(r, body)
}

// authenticate checks the version and date headers, the body digest and the signature.
func (s *Server) authenticate(r *http.Request, body []byte) *mnsError {
	switch v := r.Header.Get("x-mns-version"); {
	case v == "":
		return errf(http.StatusBadRequest, "MissingVersionHeader", "Request header x-mns-version is mandatory.")
	case v != apiVersion:
		return errf(http.StatusBadRequest, "InvalidArgument", fmt.Sprintf("x-mns-version %q is not supported; use %s.", v, apiVersion))
	}
	date := r.Header.Get("Date")
	if date == "" {
		return errf(http.StatusBadRequest, "MissingDateHeader", "Request header Date is mandatory.")
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return errf(http.StatusBadRequest, "InvalidDateHeader", fmt.Sprintf("Date header %q is not an HTTP date.", date))
	}
	if d := time.Since(t); d > maxClockSkew || d < -maxClockSkew {
		return errf(http.StatusRequestTimeout, "TimeExpired", "The http request you sent is expired.")
	}
	if cm := r.Header.Get("Content-MD5"); cm != "" {
		sum := md5.Sum(body)
		// The SDK sends base64 of the hex digest; RFC 1864 clients send base64 of the raw digest.
		if cm != base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:]))) &&
			cm != base64.StdEncoding.EncodeToString(sum[:]) {
			// "InvalidDegist" is the code as the Go SDK spells it.
			return errf(http.StatusBadRequest, "InvalidDegist", "The Content-MD5 you specified is not valid.")
		}
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return errf(http.StatusForbidden, "MissingAuthorizationHeader", "Request header Authorization is mandatory.")
	}
	scheme, cred, _ := strings.Cut(auth, " ")
	ak, sig, ok := strings.Cut(cred, ":")
	if scheme != "MNS" || !ok || ak == "" || sig == "" {
		return errf(http.StatusForbidden, "InvalidAuthorizationHeader", `Authorization must be "MNS <AccessKeyId>:<Signature>".`)
	}
	if ak != s.opts.AccessKeyID {
		return errf(http.StatusForbidden, "InvalidAccessKeyId", "The access Id you provided is not exist.")
	}
	toSign := stringToSign(r)
	mac := hmac.New(sha1.New, []byte(s.opts.AccessKeySecret))
	mac.Write([]byte(toSign))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return errf(http.StatusForbidden, "SignatureDoesNotMatch",
			fmt.Sprintf("The request signature we calculated does not match the signature you provided. String to sign: %q", toSign))
	}
	return nil
}

// stringToSign rebuilds what the client signed: VERB, Content-MD5, Content-Type, Date,
// the sorted "name:value" x-mns-* headers (names lower-case), and the resource (the
// request target: path plus raw query).
func stringToSign(r *http.Request) string {
	var mns []string
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-mns-") {
			mns = append(mns, lk+":"+strings.TrimSpace(strings.Join(vs, ",")))
		}
	}
	sort.Strings(mns)
	resource := r.RequestURI
	if u, err := url.ParseRequestURI(resource); err == nil && u.IsAbs() {
		resource = u.RequestURI()
	}
	return r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		r.Header.Get("Date") + "\n" + strings.Join(mns, "\n") + "\n" + resource
}

// route dispatches on path and method.
func (s *Server) route(r *http.Request, body []byte) (*reply, *mnsError) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if parts[0] != "queues" || len(parts) > 3 || (len(parts) == 3 && parts[2] != "messages") {
		return nil, errf(http.StatusBadRequest, "InvalidRequestURL",
			fmt.Sprintf("The request URL %q is not supported (mnssim emulates queues only).", r.URL.Path))
	}
	badMethod := errf(http.StatusMethodNotAllowed, "InvalidRequestURL",
		fmt.Sprintf("Method %s is not supported on %s.", r.Method, r.URL.Path))
	query := r.URL.Query()
	if len(parts) == 1 {
		if r.Method != http.MethodGet {
			return nil, badMethod
		}
		return s.listQueues(r)
	}
	name := parts[1]
	if e := checkQueueName(name); e != nil {
		return nil, e
	}
	if len(parts) == 2 {
		switch r.Method {
		case http.MethodPut:
			if query.Get("metaoverride") == "true" {
				return s.setQueueAttributes(name, body)
			}
			return s.createQueue(name, body)
		case http.MethodGet:
			return s.getQueueAttributes(name)
		case http.MethodDelete:
			return s.deleteQueue(name)
		}
		return nil, badMethod
	}
	switch r.Method {
	case http.MethodPost:
		return s.send(name, body)
	case http.MethodGet:
		return s.receive(r.Context(), name, query)
	case http.MethodDelete:
		if query.Has("ReceiptHandle") {
			return s.deleteMessage(name, query.Get("ReceiptHandle"))
		}
		return s.batchDelete(name, body)
	case http.MethodPut:
		return s.changeVisibility(name, query)
	}
	return nil, badMethod
}

// decodeXML unmarshals body into v, answering MalformedXML on failure.
func decodeXML(body []byte, v any) *mnsError {
	if len(bytes.TrimSpace(body)) == 0 {
		return errf(http.StatusBadRequest, "MalformedXML", "The request body is empty.")
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return errf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed: "+err.Error())
	}
	return nil
}

// rootElement returns the name of body's first element ("" if none).
func rootElement(body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
}

// intParam parses an optional integer query parameter in [lo, hi].
func intParam(q url.Values, name string, lo, hi int64) (v int64, present bool, e *mnsError) {
	if !q.Has(name) {
		return 0, false, nil
	}
	v, err := strconv.ParseInt(q.Get(name), 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, true, errf(http.StatusBadRequest, "InvalidArgument",
			fmt.Sprintf("The value of %s should between %d and %d.", name, lo, hi))
	}
	return v, true, nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func ptr[T any](v T) *T { return &v }

// --- queue operations ---

func (s *Server) queueURL(name string) string { return s.Endpoint() + "/queues/" + name }

func (s *Server) createQueue(name string, body []byte) (*reply, *mnsError) {
	var req queueRequest
	if len(bytes.TrimSpace(body)) > 0 {
		if e := decodeXML(body, &req); e != nil {
			return nil, e
		}
	}
	a := defaultAttrs
	if e := a.apply(&req); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := map[string]string{"Location": s.queueURL(name)}
	if q := s.queues[name]; q != nil {
		if q.attrs == a {
			return &reply{status: http.StatusNoContent, header: loc}, nil
		}
		return nil, errf(http.StatusConflict, "QueueAlreadyExist", "The queue you want to create already exists with different attributes.")
	}
	s.queues[name] = newQueueState(name, a, s.now())
	return &reply{status: http.StatusCreated, header: loc}, nil
}

func (s *Server) setQueueAttributes(name string, body []byte) (*reply, *mnsError) {
	var req queueRequest
	if e := decodeXML(body, &req); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[name]
	if q == nil {
		return nil, errQueueNotExist
	}
	a := q.attrs
	if e := a.apply(&req); e != nil {
		return nil, e
	}
	q.attrs = a
	q.modified = s.now()
	q.notify() // pollers recompute with the new attributes
	return &reply{status: http.StatusNoContent}, nil
}

// describe renders q's attributes; call with mu held.
func (s *Server) describe(q *queueState, now time.Time) queueOut {
	q.sweep(now)
	v, in, d := q.counts(now)
	return queueOut{
		QueueName:              q.name,
		CreateTime:             q.created.Unix(),
		LastModifyTime:         q.modified.Unix(),
		DelaySeconds:           ptr(q.attrs.DelaySeconds),
		MaximumMessageSize:     ptr(q.attrs.MaximumMessageSize),
		MessageRetentionPeriod: ptr(q.attrs.MessageRetentionPeriod),
		VisibilityTimeout:      ptr(q.attrs.VisibilityTimeout),
		PollingWaitSeconds:     ptr(q.attrs.PollingWaitSeconds),
		ActiveMessages:         ptr(int64(v)),
		InactiveMessages:       ptr(int64(in)),
		DelayMessages:          ptr(int64(d)),
		LoggingEnabled:         ptr(q.attrs.LoggingEnabled),
	}
}

func (s *Server) getQueueAttributes(name string) (*reply, *mnsError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[name]
	if q == nil {
		return nil, errQueueNotExist
	}
	out := s.describe(q, s.now())
	out.Xmlns = xmlNS
	return &reply{status: http.StatusOK, doc: out}, nil
}

func (s *Server) deleteQueue(name string) (*reply, *mnsError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queues[name]; q != nil {
		delete(s.queues, name)
		q.notify() // pollers find the queue gone
	}
	return &reply{status: http.StatusNoContent}, nil
}

func (s *Server) listQueues(r *http.Request) (*reply, *mnsError) {
	prefix := r.Header.Get("x-mns-prefix")
	marker := r.Header.Get("x-mns-marker")
	n := int64(maxListRetNumber)
	if v := r.Header.Get("x-mns-ret-number"); v != "" {
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil || x < 1 || x > maxListRetNumber {
			return nil, errf(http.StatusBadRequest, "InvalidArgument",
				fmt.Sprintf("The value of x-mns-ret-number should between 1 and %d.", maxListRetNumber))
		}
		n = x
	}
	withMeta := r.Header.Get("x-mns-with-meta") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for name := range s.queues {
		if strings.HasPrefix(name, prefix) && name >= marker {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := queuesOut{Xmlns: xmlNS}
	if int64(len(names)) > n {
		out.NextMarker = names[n]
		names = names[:n]
	}
	now := s.now()
	for _, name := range names {
		qo := queueOut{}
		if withMeta {
			qo = s.describe(s.queues[name], now)
		}
		qo.QueueURL = s.queueURL(name)
		out.Queues = append(out.Queues, qo)
	}
	return &reply{status: http.StatusOK, doc: out}, nil
}

// --- message operations ---

// newMessage validates one send request against q and builds the message; call with mu held.
func (s *Server) newMessage(q *queueState, req *sendRequest, now time.Time) (*message, *mnsError) {
	if req.MessageBody == nil {
		return nil, errf(http.StatusBadRequest, "InvalidArgument", "MessageBody is mandatory.")
	}
	body := *req.MessageBody
	if n := int64(len(body)); n < 1 || n > q.attrs.MaximumMessageSize {
		return nil, errf(http.StatusBadRequest, "InvalidArgument",
			fmt.Sprintf("The length of MessageBody should between 1 and %d bytes (MaximumMessageSize), got %d.", q.attrs.MaximumMessageSize, n))
	}
	delay := q.attrs.DelaySeconds
	if req.DelaySeconds != nil {
		if *req.DelaySeconds < 0 || *req.DelaySeconds > maxDelaySeconds {
			return nil, errf(http.StatusBadRequest, "InvalidArgument",
				fmt.Sprintf("The value of DelaySeconds should between 0 and %d.", maxDelaySeconds))
		}
		if *req.DelaySeconds > 0 {
			delay = *req.DelaySeconds
		}
	}
	prio := int64(defaultPriority)
	if req.Priority != nil && *req.Priority != 0 { // 0 (Go zero value) means "default"
		if *req.Priority < 1 || *req.Priority > maxPriority {
			return nil, errf(http.StatusBadRequest, "InvalidArgument",
				fmt.Sprintf("The value of Priority should between 1 and %d.", maxPriority))
		}
		prio = *req.Priority
	}
	id := s.newMessageID()
	return &message{
		id:        id,
		body:      body,
		md5:       bodyMD5(body),
		priority:  prio,
		seq:       s.seq,
		enqueued:  now,
		visibleAt: now.Add(time.Duration(delay) * time.Second),
	}, nil
}

func (s *Server) send(name string, body []byte) (*reply, *mnsError) {
	switch root := rootElement(body); root {
	case "Message":
		var req sendRequest
		if e := decodeXML(body, &req); e != nil {
			return nil, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		q := s.queues[name]
		if q == nil {
			return nil, errQueueNotExist
		}
		m, e := s.newMessage(q, &req, s.now())
		if e != nil {
			return nil, e
		}
		q.add(m)
		return &reply{status: http.StatusCreated, doc: sendResponse{Xmlns: xmlNS, MessageID: m.id, MessageBodyMD5: m.md5}}, nil
	case "Messages":
		var req batchSendRequest
		if e := decodeXML(body, &req); e != nil {
			return nil, e
		}
		if n := len(req.Messages); n < 1 || n > maxBatch {
			return nil, errf(http.StatusBadRequest, "InvalidArgument",
				fmt.Sprintf("The count of message in batch request should between 1 and %d, got %d.", maxBatch, n))
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		q := s.queues[name]
		if q == nil {
			return nil, errQueueNotExist
		}
		now := s.now()
		out := batchSendResponse{Xmlns: xmlNS}
		failed := false
		for i := range req.Messages {
			m, e := s.newMessage(q, &req.Messages[i], now)
			if e != nil {
				failed = true
				out.Messages = append(out.Messages, batchSendEntry{ErrorCode: e.code, ErrorMessage: e.message})
				continue
			}
			q.add(m)
			out.Messages = append(out.Messages, batchSendEntry{MessageID: m.id, MessageBodyMD5: m.md5})
		}
		status := http.StatusCreated
		if failed {
			// MNS answers a partly failed batch with 500 and the per-message list.
			status = http.StatusInternalServerError
		}
		return &reply{status: status, doc: out}, nil
	default:
		return nil, errf(http.StatusBadRequest, "MalformedXML", "The request body must be a <Message> or <Messages> document.")
	}
}

// take receives up to n visible messages of q at now, moving over-received ones to the
// dead-letter queue first; call with mu held.
func (s *Server) take(q *queueState, n int, now time.Time) []messageOut {
	q.sweep(now)
	var out []messageOut
	for _, m := range q.visible(now) {
		if len(out) == n {
			break
		}
		if s.opts.MaxReceives > 0 && q.name != s.opts.DeadLetterQueue && m.dequeueCount >= int64(s.opts.MaxReceives) {
			s.deadLetter(q, m, now)
			continue
		}
		m.dequeueCount++
		if m.firstDequeue.IsZero() {
			m.firstDequeue = now
		}
		m.visibleAt = now.Add(time.Duration(q.attrs.VisibilityTimeout) * time.Second)
		m.handle = newHandle(m.id)
		out = append(out, render(m, true))
	}
	return out
}

// deadLetter moves m from q to the dead-letter queue (created if it was deleted),
// keeping its id, body and priority; call with mu held.
func (s *Server) deadLetter(q *queueState, m *message, now time.Time) {
	q.remove(m)
	dlq := s.queues[s.opts.DeadLetterQueue]
	if dlq == nil {
		dlq = newQueueState(s.opts.DeadLetterQueue, defaultAttrs, now)
		s.queues[s.opts.DeadLetterQueue] = dlq
	}
	dlq.add(&message{id: m.id, body: m.body, md5: m.md5, priority: m.priority, seq: m.seq,
		enqueued: now, visibleAt: now})
}

// render turns m into its XML form; received adds the receipt handle and visibility.
func render(m *message, received bool) messageOut {
	out := messageOut{
		MessageID:        m.id,
		MessageBodyMD5:   m.md5,
		MessageBody:      m.body,
		EnqueueTime:      ms(m.enqueued),
		FirstDequeueTime: ms(m.firstDequeue),
		DequeueCount:     m.dequeueCount,
		Priority:         m.priority,
	}
	if received {
		out.ReceiptHandle = m.handle
		out.NextVisibleTime = ms(m.visibleAt)
	}
	return out
}

// receive serves ReceiveMessage, BatchReceiveMessage and their peek forms.
func (s *Server) receive(ctx context.Context, name string, query url.Values) (*reply, *mnsError) {
	n, batch, e := intParam(query, "numOfMessages", 1, maxBatch)
	if e != nil {
		return nil, e
	}
	if !batch {
		n = 1
	}
	wait, hasWait, e := intParam(query, "waitseconds", 0, maxPollingWait)
	if e != nil {
		return nil, e
	}
	peek := query.Get("peekonly") == "true"

	answer := func(msgs []messageOut) *reply {
		if batch {
			return &reply{status: http.StatusOK, doc: messagesOut{Xmlns: xmlNS, Messages: msgs}}
		}
		m := msgs[0]
		m.Xmlns = xmlNS
		return &reply{status: http.StatusOK, doc: m}
	}

	if peek {
		s.mu.Lock()
		defer s.mu.Unlock()
		q := s.queues[name]
		if q == nil {
			return nil, errQueueNotExist
		}
		now := s.now()
		q.sweep(now)
		var msgs []messageOut
		for _, m := range q.visible(now) {
			if len(msgs) == int(n) {
				break
			}
			msgs = append(msgs, render(m, false))
		}
		if len(msgs) == 0 {
			return nil, errMessageNotExist
		}
		return answer(msgs), nil
	}

	var deadline time.Time
	first := true
	for {
		s.mu.Lock()
		q := s.queues[name]
		if q == nil {
			s.mu.Unlock()
			return nil, errQueueNotExist
		}
		if first {
			if !hasWait {
				wait = q.attrs.PollingWaitSeconds
			}
			deadline = time.Now().Add(time.Duration(wait) * time.Second)
			first = false
		}
		now := s.now()
		if msgs := s.take(q, int(n), now); len(msgs) > 0 {
			s.mu.Unlock()
			return answer(msgs), nil
		}
		wake := q.wake
		next := q.nextChange(now)
		s.mu.Unlock()

		left := time.Until(deadline)
		if left <= 0 {
			return nil, errMessageNotExist
		}
		sleep := left
		if !next.IsZero() {
			sleep = min(sleep, next.Sub(now)+time.Millisecond)
		}
		if s.opts.Now != nil {
			sleep = min(sleep, fakeClockPoll)
		}
		t := time.NewTimer(sleep)
		select {
		case <-wake:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, nil // the client is gone
		case <-s.closed:
			t.Stop()
			return nil, errMessageNotExist
		}
		t.Stop()
	}
}

func (s *Server) deleteMessage(name, handle string) (*reply, *mnsError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[name]
	if q == nil {
		return nil, errQueueNotExist
	}
	m, e := q.lookupHandle(handle, s.now())
	if e != nil {
		return nil, e
	}
	q.remove(m)
	return &reply{status: http.StatusNoContent}, nil
}

func (s *Server) batchDelete(name string, body []byte) (*reply, *mnsError) {
	var req receiptHandlesRequest
	if e := decodeXML(body, &req); e != nil {
		return nil, e
	}
	if n := len(req.Handles); n < 1 || n > maxBatch {
		return nil, errf(http.StatusBadRequest, "InvalidArgument",
			fmt.Sprintf("The count of receipt handles in batch request should between 1 and %d, got %d.", maxBatch, n))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[name]
	if q == nil {
		return nil, errQueueNotExist
	}
	now := s.now()
	out := deleteErrors{Xmlns: xmlNS}
	for _, h := range req.Handles {
		m, e := q.lookupHandle(h, now)
		if e != nil {
			out.Errors = append(out.Errors, deleteErrorEntry{ErrorCode: e.code, ErrorMessage: e.message, ReceiptHandle: h})
			continue
		}
		q.remove(m)
	}
	if len(out.Errors) > 0 {
		return &reply{status: http.StatusNotFound, doc: out}, nil
	}
	return &reply{status: http.StatusNoContent}, nil
}

func (s *Server) changeVisibility(name string, query url.Values) (*reply, *mnsError) {
	if !query.Has("VisibilityTimeout") {
		return nil, errf(http.StatusBadRequest, "MissingVisibilityTimeout", "VisibilityTimeout is mandatory for this action.")
	}
	vt, _, e := intParam(query, "VisibilityTimeout", minVisibility, maxVisibility)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[name]
	if q == nil {
		return nil, errQueueNotExist
	}
	now := s.now()
	m, e := q.lookupHandle(query.Get("ReceiptHandle"), now)
	if e != nil {
		return nil, e
	}
	m.visibleAt = now.Add(time.Duration(vt) * time.Second)
	m.handle = newHandle(m.id)
	q.notify() // the message may now become visible sooner than pollers planned
	return &reply{status: http.StatusOK, doc: changeVisibilityResponse{Xmlns: xmlNS,
		ReceiptHandle: m.handle, NextVisibleTime: ms(m.visibleAt)}}, nil
}
