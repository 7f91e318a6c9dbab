package fcsim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Options configures a Sim. Spec and BinDir are required.
type Options struct {
	// Spec is the deployment to run (see LoadSpec).
	Spec *Spec
	// BinDir holds one executable per function, named after its resource key
	// (BinDir/run-check-shard).
	BinDir string
	// Env holds extra KEY=VALUE entries for every process; they override s.yaml's variables.
	Env []string
	// Queue receives, deletes and re-sends queue messages for MNS triggers. When nil, queue
	// triggers are not polled (a notice is written to Stderr).
	Queue QueueClient
	// AccountID and Region fill x-fc-account-id / x-fc-region, FC_ACCOUNT_ID / FC_REGION and
	// the CloudEvents' subject and aliyun* attributes (defaults DefaultAccountID and
	// DefaultRegion).
	AccountID, Region string
	// AccessKeyID, AccessKeySecret and SecurityToken are sent as x-fc-access-key-id,
	// x-fc-access-key-secret and x-fc-security-token (the function role's credentials on FC)
	// and set as ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET/SECURITY_TOKEN in each process.
	AccessKeyID, AccessKeySecret, SecurityToken string
	// Cron runs the timer triggers on their schedules. When false, timers fire only
	// through Fire.
	Cron bool
	// Hop, when set, is called once per delivery attempt (calls are serialised).
	Hop func(Hop)
	// Backoff gives the wait after failed attempt number attempt (1-based) of a queue
	// batch. The default is 200ms·2^(attempt-1) ±20%, capped at 5s.
	Backoff func(attempt int) time.Duration
	// Stdout and Stderr receive the function processes' output, each line prefixed with
	// "[<resource key>] ". They default to os.Stdout and os.Stderr. Simulator notices go to
	// Stderr prefixed with "[fcsim] ".
	Stdout, Stderr io.Writer
	// StartTimeout bounds how long a new instance may take to listen (default 10s).
	StartTimeout time.Duration
	// StopGrace is how long a process gets for /pre-stop and between SIGTERM and SIGKILL
	// (default 5s).
	StopGrace time.Duration
}

// Result is the outcome of one invocation.
type Result struct {
	// RequestID is the x-fc-request-id sent with the invocation.
	RequestID string
	// Function is the resource key of the invoked function.
	Function string
	// Status is the function's x-fc-status (its HTTP status when the header is absent; 0
	// when no response came back). 200 means success.
	Status int
	// Body is the response body: the function's result, or its error document.
	Body []byte
	// Err says why the invocation failed; empty on success.
	Err string
	// Duration is the time from sending the request to the end of the response.
	Duration time.Duration
}

// OK reports whether the invocation succeeded.
func (r Result) OK() bool { return r.Status == http.StatusOK && r.Err == "" }

// Hop describes one delivery attempt, for logs and demos.
type Hop struct {
	Time      time.Time     // when the attempt started
	Function  string        // resource key
	Trigger   string        // trigger name ("" for direct invocations)
	Kind      string        // "timer", "queue" or "invoke"
	RequestID string        // x-fc-request-id
	Messages  int           // queue messages in the batch (0 for timer and invoke)
	Attempt   int           // 1 for the first attempt of a batch
	Status    string        // "ok", "failed", "retry" or "parked"
	Err       string        // why the attempt failed (and, for the last one, the parking outcome)
	Duration  time.Duration // invocation time
	Body      []byte        // response body
	Instance  string        // FC_INSTANCE_ID of the process that served the attempt
	Restart   string        // non-empty when a new instance was started because the last one died: why
}

// Hop statuses.
const (
	HopOK     = "ok"
	HopFailed = "failed"
	HopRetry  = "retry"
	HopParked = "parked"
)

// Hop kinds.
const (
	KindTimer  = "timer"
	KindQueue  = "queue"
	KindInvoke = "invoke"
)

// Sim runs the functions of a Spec. Create it with New, then Start and Stop it.
type Sim struct {
	opts   Options
	fns    []*function
	client *http.Client
	stdout *lineWriter
	stderr *lineWriter
	hopMu  sync.Mutex

	// visTimeout and visEvery drive the visibility keeper of queue batches.
	visTimeout, visEvery time.Duration

	mu         sync.Mutex
	state      int // stateNew, stateStarted, stateStopped
	life       context.Context
	lifeCancel context.CancelFunc
	pollCancel context.CancelFunc // stops collecting batches
	// deliverCancel abandons invocations of batches in flight
	deliverCancel context.CancelFunc
	cron          *cron.Cron
	wg            sync.WaitGroup // pollers and batch deliveries
}

const (
	stateNew = iota
	stateStarted
	stateStopped
)

// function is a Function with its running state.
type function struct {
	spec *Function
	bin  string
	sem  chan struct{}

	mu     sync.Mutex
	inst   *instance
	closed bool
}

// New checks opts and prepares a Sim; nothing runs before Start.
func New(opts Options) (*Sim, error) {
	if opts.Spec == nil {
		return nil, errNoSpec
	}
	if opts.BinDir == "" {
		return nil, errors.New("fcsim: Options.BinDir is empty")
	}
	for _, kv := range opts.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return nil, fmt.Errorf("fcsim: Options.Env: want KEY=VALUE, got %q", kv)
		}
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 10 * time.Second
	}
	if opts.StopGrace <= 0 {
		opts.StopGrace = 5 * time.Second
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	s := &Sim{
		opts: opts,
		client: &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     30 * time.Second,
		}},
		stdout:     &lineWriter{w: opts.Stdout},
		stderr:     &lineWriter{w: opts.Stderr},
		visTimeout: 30 * time.Second,
		visEvery:   10 * time.Second,
	}
	for _, fs := range opts.Spec.Functions {
		s.fns = append(s.fns, &function{
			spec: fs,
			bin:  filepath.Join(opts.BinDir, fs.Key),
			sem:  make(chan struct{}, fs.InstanceConcurrency),
		})
	}
	return s, nil
}

// Defaults for Options.Region and Options.AccountID.
const (
	DefaultRegion    = "cn-hangzhou"
	DefaultAccountID = "1234567890123456"
)

// DefaultBackoff is the default Options.Backoff: 200ms·2^(attempt-1) with ±20% jitter, capped
// at 5s.
func DefaultBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := 5 * time.Second
	if attempt < 16 {
		d = min(200*time.Millisecond<<(attempt-1), 5*time.Second)
	}
	jitter := 0.8 + 0.4*rand.Float64()
	return min(time.Duration(float64(d)*jitter), 5*time.Second)
}

// Start launches one instance of every function (in parallel), waits until each listens and
// has been initialised, then starts the timer schedules (when Options.Cron) and the queue
// pollers. ctx bounds the simulator's life: cancelling it stops pollers and timers and
// terminates the processes; Stop does the same gracefully.
func (s *Sim) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.state != stateNew {
		s.mu.Unlock()
		return errors.New("fcsim: Start called twice")
	}
	s.state = stateStarted
	s.life, s.lifeCancel = context.WithCancel(ctx)
	s.mu.Unlock()
	fail := func(err error) error {
		s.stopProcesses(context.Background())
		s.lifeCancel()
		s.mu.Lock()
		s.state = stateStopped
		s.mu.Unlock()
		return err
	}

	for _, f := range s.fns {
		st, err := os.Stat(f.bin)
		if err != nil {
			return fail(fmt.Errorf("fcsim: %s: function binary: %w", f.spec.Key, err))
		}
		if st.IsDir() || st.Mode()&0o111 == 0 {
			return fail(fmt.Errorf("fcsim: %s: function binary %s is not an executable file", f.spec.Key, f.bin))
		}
	}
	errs := make([]error, len(s.fns))
	var wg sync.WaitGroup
	for i, f := range s.fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, err := s.startInstance(f)
			if err != nil {
				errs[i] = err
				return
			}
			f.mu.Lock()
			f.inst = in
			f.mu.Unlock()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fail(err)
	}

	pollCtx, pollCancel := context.WithCancel(s.life)
	deliverCtx, deliverCancel := context.WithCancel(s.life)
	s.mu.Lock()
	s.pollCancel, s.deliverCancel = pollCancel, deliverCancel
	s.mu.Unlock()
	if s.opts.Cron {
		s.startCron()
	}
	for _, f := range s.fns {
		for _, q := range f.spec.Queues {
			if !q.Enable {
				continue
			}
			if s.opts.Queue == nil {
				s.stderr.printf("%s: queue trigger %s (queue %s) not polled: Options.Queue is nil", f.spec.Key, q.Name, q.Queue)
				continue
			}
			p := &poller{s: s, f: f, t: q, slots: make(chan struct{}, f.spec.InstanceConcurrency)}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				p.run(pollCtx, deliverCtx)
			}()
		}
	}
	return nil
}

func (s *Sim) startCron() {
	logger := cron.PrintfLogger(log.New(&prefixWriter{dst: s.stderr, prefix: "[fcsim] cron: "}, "", 0))
	c := cron.New(cron.WithParser(cronParser), cron.WithLocation(time.UTC), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger)))
	for _, f := range s.fns {
		for _, t := range f.spec.Timers {
			if !t.Enable {
				continue
			}
			c.Schedule(t.Schedule, cron.FuncJob(func() {
				// Timers invoke asynchronously on FC: the outcome goes to the Hop only.
				_, _ = s.fire(s.life, f, t, time.Now())
			}))
		}
	}
	c.Start()
	s.mu.Lock()
	s.cron = c
	s.mu.Unlock()
}

// Stop ends the simulator. It stops the timers and the queue pollers, lets the invocations
// of batches already being delivered finish until ctx ends (no further retry starts; an
// abandoned batch returns to its queue when its visibility timeout ends), then for each
// process calls GET /pre-stop, sends SIGTERM and, after Options.StopGrace, SIGKILL. It
// returns an error wrapping ctx's if ctx ended before the deliveries had drained.
func (s *Sim) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.state != stateStarted {
		s.mu.Unlock()
		return nil
	}
	s.state = stateStopped
	c, pollCancel, deliverCancel := s.cron, s.pollCancel, s.deliverCancel
	s.mu.Unlock()

	var cronDone context.Context
	if c != nil {
		cronDone = c.Stop()
	}
	if pollCancel != nil {
		pollCancel()
	}
	waited := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(waited)
	}()
	var err error
	select {
	case <-waited:
	case <-ctx.Done():
		// Abandon the invocations still running; their batches return to the queue.
		err = fmt.Errorf("fcsim: stop: queue deliveries abandoned: %w", ctx.Err())
		if deliverCancel != nil {
			deliverCancel()
		}
		select {
		case <-waited:
		case <-time.After(2 * time.Second):
			err = fmt.Errorf("fcsim: stop: queue deliveries still running: %w", ctx.Err())
		}
	}
	if deliverCancel != nil {
		deliverCancel()
	}
	if cronDone != nil {
		select {
		case <-cronDone.Done():
		case <-ctx.Done():
			err = fmt.Errorf("fcsim: stop: timer invocations still running: %w", ctx.Err())
		}
	}
	s.stopProcesses(ctx)
	s.lifeCancel()
	return err
}

// stopProcesses stops every running instance, in parallel, and refuses new ones.
func (s *Sim) stopProcesses(ctx context.Context) {
	var wg sync.WaitGroup
	for _, f := range s.fns {
		f.mu.Lock()
		in := f.inst
		f.closed = true
		f.mu.Unlock()
		if in == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.stopInstance(ctx, f, in)
		}()
	}
	wg.Wait()
}

// lookup finds a function by resource key or functionName.
func (s *Sim) lookup(name string) *function {
	for _, f := range s.fns {
		if f.spec.Key == name || f.spec.Name == name {
			return f
		}
	}
	return nil
}

var errNoSpec = errors.New("fcsim: Options.Spec is nil")

// ErrNotFound is wrapped by the errors of Fire and Invoke for unknown triggers and functions.
var ErrNotFound = errors.New("not found")

// ErrNotRunning is returned by Fire and Invoke before Start and after Stop.
var ErrNotRunning = errors.New("fcsim: simulator not running")

func (s *Sim) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state == stateStarted && s.life.Err() == nil
}

// Invoke calls function (resource key or functionName) once with payload, as FC's
// InvokeFunction does. The returned error reports problems on the caller's side: an
// unknown function, a simulator that is not running, or ctx ending before the call was
// answered. A failed invocation (error status, timeout, crash, instance that would not
// start) is reported in the Result with a nil error.
func (s *Sim) Invoke(ctx context.Context, function string, payload []byte) (Result, error) {
	f := s.lookup(function)
	if f == nil {
		return Result{}, fmt.Errorf("fcsim: invoke: function %q: %w", function, ErrNotFound)
	}
	start := time.Now()
	res, c, err := s.invoke(ctx, f, payload, 0)
	if !c.attempted {
		return res, err
	}
	s.hop(Hop{Time: start, Function: f.spec.Key, Kind: KindInvoke, RequestID: res.RequestID, Attempt: 1,
		Status: hopStatus(res), Err: res.Err, Duration: res.Duration, Body: res.Body, Instance: c.instance, Restart: c.restart})
	return res, err
}

// Fire invokes a timer trigger now, with FC's timer event
// {"triggerTime":"<RFC3339 UTC>","triggerName":"<name>","payload":"<payload>"}.
// trigger is a trigger name or, when several functions use the name, "<resource key>/<name>".
// Disabled timers can be fired. Errors are as for Invoke.
func (s *Sim) Fire(ctx context.Context, trigger string) (Result, error) {
	f, t, err := s.timer(trigger)
	if err != nil {
		return Result{}, err
	}
	return s.fire(ctx, f, t, time.Now())
}

func (s *Sim) timer(name string) (*function, *TimerTrigger, error) {
	key, tname, qualified := strings.Cut(name, "/")
	type match struct {
		f *function
		t *TimerTrigger
	}
	var found []match
	for _, f := range s.fns {
		for _, t := range f.spec.Timers {
			if (qualified && f.spec.Key == key && t.Name == tname) || (!qualified && t.Name == name) {
				found = append(found, match{f, t})
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, nil, fmt.Errorf("fcsim: fire: timer trigger %q: %w", name, ErrNotFound)
	case 1:
		return found[0].f, found[0].t, nil
	}
	return nil, nil, fmt.Errorf("fcsim: fire: timer trigger %q is defined by several functions; use <resource key>/%s", name, name)
}

// TimerEvent is the event FC passes to a function on a timer trigger.
type TimerEvent struct {
	TriggerTime string `json:"triggerTime"`
	TriggerName string `json:"triggerName"`
	Payload     string `json:"payload"`
}

func (s *Sim) fire(ctx context.Context, f *function, t *TimerTrigger, at time.Time) (Result, error) {
	ev := TimerEvent{TriggerTime: at.UTC().Truncate(time.Second).Format(time.RFC3339), TriggerName: t.Name, Payload: t.Payload}
	payload, err := marshalNoEscape(ev)
	if err != nil {
		return Result{}, fmt.Errorf("fcsim: fire %s: %w", t.Name, err)
	}
	start := time.Now()
	res, c, err := s.invoke(ctx, f, payload, 0)
	if !c.attempted {
		return res, err
	}
	s.hop(Hop{Time: start, Function: f.spec.Key, Trigger: t.Name, Kind: KindTimer, RequestID: res.RequestID, Attempt: 1,
		Status: hopStatus(res), Err: res.Err, Duration: res.Duration, Body: res.Body, Instance: c.instance, Restart: c.restart})
	return res, err
}

func hopStatus(r Result) string {
	if r.OK() {
		return HopOK
	}
	return HopFailed
}

func (s *Sim) hop(h Hop) {
	if s.opts.Hop == nil {
		return
	}
	s.hopMu.Lock()
	defer s.hopMu.Unlock()
	s.opts.Hop(h)
}

// callInfo tells which instance served a call and whether it had to be started.
type callInfo struct {
	attempted bool // the call got past the concurrency limit to an instance (or its start)
	instance  string
	restart   string
}

// invoke performs one invocation. The error is non-nil only for caller-side problems (see
// Invoke); the Result always carries the request id.
func (s *Sim) invoke(ctx context.Context, f *function, payload []byte, retry int) (Result, callInfo, error) {
	res := Result{RequestID: newRequestID(), Function: f.spec.Key}
	var ci callInfo
	if !s.running() {
		return res, ci, ErrNotRunning
	}
	select {
	case f.sem <- struct{}{}:
	case <-ctx.Done():
		return res, ci, fmt.Errorf("fcsim: invoke %s: %w", f.spec.Key, ctx.Err())
	}
	defer func() { <-f.sem }()

	in, restart, err := s.ensureInstance(f)
	ci.restart = restart
	if err != nil {
		if errors.Is(err, errStopped) {
			return res, ci, ErrNotRunning
		}
		ci.attempted = true
		res.Err = "instance start failed: " + err.Error()
		return res, ci, nil
	}
	ci.instance = in.id
	ci.attempted = true

	ictx, cancel := context.WithTimeout(ctx, f.spec.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ictx, http.MethodPost, in.url("/invoke"), bytes.NewReader(payload))
	if err != nil {
		return res, ci, fmt.Errorf("fcsim: invoke %s: %w", f.spec.Key, err)
	}
	s.setHeaders(req, f, res.RequestID, "/invoke", retry)
	start := time.Now()
	resp, err := s.client.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(io.LimitReader(resp.Body, 32<<20+1))
		_ = resp.Body.Close()
	}
	res.Duration = time.Since(start)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			res.Err = "invocation abandoned: " + ctx.Err().Error()
			return res, ci, fmt.Errorf("fcsim: invoke %s: %w", f.spec.Key, ctx.Err())
		case ictx.Err() != nil:
			res.Err = fmt.Sprintf("FunctionTimeout: function timed out after %v", f.spec.Timeout)
		default:
			// A crashed process resets the connection a moment before it is reaped.
			select {
			case <-in.done:
			case <-time.After(300 * time.Millisecond):
			}
			if in.exited() {
				res.Err = fmt.Sprintf("instance %s exited during the invocation: %s", in.id, in.exitReason())
			} else {
				res.Err = "invoke: " + err.Error()
			}
		}
		return res, ci, nil
	}
	res.Body = body
	res.Status = resp.StatusCode
	if v := resp.Header.Get("x-fc-status"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			res.Err = fmt.Sprintf("invalid x-fc-status %q", v)
			return res, ci, nil
		}
		res.Status = n
	}
	if res.Status != http.StatusOK {
		res.Err = errorText(res.Status, body)
	}
	return res, ci, nil
}

// errorText summarises a failed invocation's response.
func errorText(status int, body []byte) string {
	var doc struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal(body, &doc) == nil && doc.ErrorMessage != "" {
		if doc.ErrorType != "" {
			return doc.ErrorType + ": " + doc.ErrorMessage
		}
		return doc.ErrorMessage
	}
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return "x-fc-status " + strconv.Itoa(status)
	}
	if len(b) > 1024 {
		b = append(b[:1024:1024], "..."...)
	}
	return fmt.Sprintf("x-fc-status %d: %s", status, b)
}

// ensureInstance returns f's live instance, starting a new one if the last one died.
func (s *Sim) ensureInstance(f *function) (*instance, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, "", errStopped
	}
	if f.inst != nil && !f.inst.exited() {
		return f.inst, "", nil
	}
	restart := ""
	if f.inst != nil {
		restart = fmt.Sprintf("instance %s exited (%s)", f.inst.id, f.inst.exitReason())
	}
	in, err := s.startInstance(f)
	if err != nil {
		if restart != "" {
			restart += "; a new instance failed to start"
		}
		return nil, restart, err
	}
	if restart != "" {
		restart += "; started " + in.id
		s.stderr.printf("%s: %s", f.spec.Key, restart)
	}
	f.inst = in
	return in, restart, nil
}

// setHeaders sets the x-fc-* headers FC sends to a custom runtime.
func (s *Sim) setHeaders(req *http.Request, f *function, rid, controlPath string, retry int) {
	h := req.Header
	h.Set("Content-Type", "application/octet-stream")
	h.Set("x-fc-request-id", rid)
	h.Set("x-fc-control-path", controlPath)
	h.Set("x-fc-function-name", f.spec.Name)
	h.Set("x-fc-function-handler", f.spec.Handler)
	h.Set("x-fc-function-memory", strconv.Itoa(f.spec.MemorySize))
	h.Set("x-fc-function-timeout", strconv.Itoa(int(f.spec.Timeout/time.Second)))
	h.Set("x-fc-region", s.opts.Region)
	h.Set("x-fc-account-id", s.opts.AccountID)
	h.Set("x-fc-qualifier", "LATEST")
	h.Set("x-fc-retry-count", strconv.Itoa(retry))
	if s.opts.AccessKeyID != "" {
		h.Set("x-fc-access-key-id", s.opts.AccessKeyID)
		h.Set("x-fc-access-key-secret", s.opts.AccessKeySecret)
		if s.opts.SecurityToken != "" {
			h.Set("x-fc-security-token", s.opts.SecurityToken)
		}
	}
}

// marshalNoEscape is json.Marshal without HTML escaping (FC passes payloads verbatim).
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
