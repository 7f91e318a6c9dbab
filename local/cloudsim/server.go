package cloudsim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
)

// Defaults applied by NewServer to empty Options fields.
const (
	DefaultAccessKeyID     = "cspm-local-ak"
	DefaultAccessKeySecret = "cspm-local-secret"
	DefaultListen          = "127.0.0.1:0"
	// DefaultPrincipalName is the RAM user the default access key belongs
	// to: acs:ram::<account>:user/cspm-local.
	DefaultPrincipalName = "cspm-local"
)

// maxBodyBytes bounds a request body; RPC parameters are small.
const maxBodyBytes = 1 << 20

// Options configures a Server. Zero values take the defaults.
type Options struct {
	// Inventory is the account the server emulates; nil means an empty
	// account DefaultAccountID with no regions. The server takes ownership:
	// write calls change it in place, so do not touch it afterwards (read
	// Server.Inventory for a copy).
	Inventory *Inventory
	// Accounts are further accounts the server plays, each with its own inventory
	// (the server takes ownership of them too). A caller sees the account it is
	// in: the platform's key sees Inventory's account (or its own, when Principal
	// names another), and credentials from STS AssumeRole see the account of the
	// role they assumed, which may be any of these. Every account UID must differ.
	Accounts []*Inventory
	// AccessKeyID and AccessKeySecret are the one long-term key pair the
	// server accepts (default "cspm-local-ak" / "cspm-local-secret").
	// Requests signed with another key answer InvalidAccessKeyId.NotFound
	// or SignatureDoesNotMatch, as Alibaba Cloud does.
	AccessKeyID     string
	AccessKeySecret string
	// Principal is the RAM ARN the key pair belongs to (default
	// "acs:ram::<Inventory.AccountID>:user/cspm-local"). A principal in
	// another account sees an empty account and can only assume roles whose
	// trust policy names it (cross-account access).
	Principal string
	// Listen is the TCP address to serve on (default "127.0.0.1:0").
	Listen string
	// Faults injects failures; see Faults.
	Faults Faults
	// Latency is added to every call before it is answered.
	Latency time.Duration
	// RateLimits maps "Product.Action" (e.g. "Ecs.DescribeInstances") to the
	// calls per second allowed per (account, region); a bare product name
	// ("Ecs") sets every action of the product. Calls over the limit answer
	// HTTP 400 Throttling.User, the status Alibaba Cloud documents for flow
	// control. Each limit is a token bucket holding one second's worth.
	RateLimits map[string]float64
	// Seed makes fault injection deterministic: see Faults.
	Seed int64
	// Assistant configures the Cloud Assistant emulation (RunCommand and
	// friends): which instances run the probe against which directory. See
	// product_ecs_assist.go.
	Assistant AssistantOptions
	// Now is the clock for STS expirations and creation dates (default
	// time.Now). Rate limits always use the wall clock.
	Now func() time.Time
}

// Faults makes a fraction of calls fail the way Alibaba Cloud fails them.
//
// Whether a given call fails depends only on Options.Seed, the action, the
// call's business parameters (everything but signature, nonce, timestamp
// and credentials) and how many times that same request was received
// before. So a run is reproducible however calls interleave, and a retried
// request draws again.
type Faults struct {
	// ThrottleRate is the fraction of calls answered HTTP 400
	// Throttling.User "Request was denied due to user flow control.".
	ThrottleRate float64
	// ServerErrorRate is the fraction answered 503 ServiceUnavailable or 500
	// InternalError (half each).
	ServerErrorRate float64
	// PermissionDenied refuses a whole product ("Rds") or one action
	// ("Rds.DescribeDBInstances"), case-insensitively: 403 Forbidden.RAM
	// for ECS-style products, 403 NoPermission with AccessDeniedDetail for
	// RAM-native ones (STS, ResourceManager, RAM).
	PermissionDenied map[string]bool
}

// Server emulates the Alibaba Cloud OpenAPI (RPC style, signature v1) for
// one account on one listener. It is safe for concurrent use.
type Server struct {
	opts      Options
	ln        net.Listener
	http      *http.Server
	account   string
	principal *identity

	mu     sync.RWMutex // guards st and others (the inventories) and nothing else
	st     *store
	others map[string]*store // Options.Accounts by account UID

	faultMu sync.Mutex
	faults  Faults
	denied  map[string]bool
	seen    map[uint64]uint64 // request fingerprint → times received

	callMu sync.Mutex
	calls  map[string]int

	rateMu  sync.Mutex
	buckets map[string]*bucket

	stsMu    sync.Mutex
	sessions map[string]*session // STS access key ID → session

	reqSeq  atomic.Uint64
	reqBase string

	closeOnce sync.Once
	closeErr  error
}

// NewServer starts a server listening on Options.Listen.
func NewServer(opts Options) (*Server, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("cloudsim: listen %s: %w", s.opts.Listen, err)
	}
	s.ln = ln
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }() // Serve returns ErrServerClosed on Close
	return s, nil
}

func newServer(opts Options) (*Server, error) {
	if opts.Inventory == nil {
		opts.Inventory = &Inventory{AccountID: DefaultAccountID, Regions: map[string]Products{}}
	} else if err := opts.Inventory.Validate(); err != nil {
		return nil, err
	}
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = DefaultAccessKeyID
	}
	if opts.AccessKeySecret == "" {
		opts.AccessKeySecret = DefaultAccessKeySecret
	}
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	account := opts.Inventory.AccountID
	if opts.Principal == "" {
		opts.Principal = "acs:ram::" + account + ":user/" + DefaultPrincipalName
	}
	principal, err := userIdentity(opts.Principal)
	if err != nil {
		return nil, err
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:]) // crypto/rand.Read never fails
	s := &Server{
		opts:      opts,
		account:   account,
		principal: principal,
		st:        newStore(opts.Inventory),
		calls:     map[string]int{},
		buckets:   map[string]*bucket{},
		sessions:  map[string]*session{},
		seen:      map[uint64]uint64{},
		reqBase:   strings.ToUpper(hex.EncodeToString(rnd[:])),
	}
	s.others = make(map[string]*store, len(opts.Accounts))
	for i, inv := range opts.Accounts {
		if inv == nil {
			return nil, fmt.Errorf("cloudsim: accounts[%d] is nil", i)
		}
		if err := inv.Validate(); err != nil {
			return nil, fmt.Errorf("cloudsim: accounts[%d]: %w", i, err)
		}
		if _, dup := s.others[inv.AccountID]; dup || inv.AccountID == account {
			return nil, fmt.Errorf("cloudsim: accounts[%d]: account %s is already played", i, inv.AccountID)
		}
		s.others[inv.AccountID] = newStore(inv)
	}
	s.SetFaults(opts.Faults)
	return s, nil
}

// storeOf is the inventory of an account the server plays; an account it does not
// play is empty. Callers hold s.mu.
func (s *Server) storeOf(accountID string) (st *store, played bool) {
	if accountID == s.account {
		return s.st, true
	}
	if st, ok := s.others[accountID]; ok {
		return st, true
	}
	return newStore(&Inventory{AccountID: accountID}), false
}

// URL returns the server's base URL, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return "http://" + s.Addr() }

// Addr returns the host:port to put in an SDK client's Domain (or a
// request's Domain), with Scheme "http".
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// HTTPHandler returns the server's handler, for serving it elsewhere (an
// httptest.Server, an in-process transport).
func (s *Server) HTTPHandler() http.Handler { return s }

// AccountID returns the emulated account's UID.
func (s *Server) AccountID() string { return s.account }

// Close stops the listener and waits for in-flight calls.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.http == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.closeErr = s.http.Shutdown(ctx)
	})
	return s.closeErr
}

// Client returns an SDK client signed with the server's key pair and pointed
// at it (Domain = Addr(), scheme http). Send it any RPC request of the
// emulated products: client.DoAction(ecs.CreateDescribeInstancesRequest(), resp).
// An sdk.Client rewrites its own settings on every call, so use each one
// from one goroutine at a time.
func (s *Server) Client(regionID string) (*sdk.Client, error) {
	cfg := sdk.NewConfig().WithScheme("HTTP").WithTimeout(30 * time.Second)
	c, err := sdk.NewClientWithOptions(regionID, cfg,
		credentials.NewAccessKeyCredential(s.opts.AccessKeyID, s.opts.AccessKeySecret))
	if err != nil {
		return nil, fmt.Errorf("cloudsim: client: %w", err)
	}
	c.Domain = s.Addr()
	return c, nil
}

// Calls returns how many calls each "Product.Action" received, failed ones
// (throttled, denied, injected faults, bad signatures) included.
func (s *Server) Calls() map[string]int {
	s.callMu.Lock()
	defer s.callMu.Unlock()
	return maps.Clone(s.calls)
}

// ResetCalls zeroes the call counts.
func (s *Server) ResetCalls() {
	s.callMu.Lock()
	defer s.callMu.Unlock()
	clear(s.calls)
}

// SetFaults replaces the fault settings; the per-request draw counters
// restart.
func (s *Server) SetFaults(f Faults) {
	denied := map[string]bool{}
	for k, v := range f.PermissionDenied {
		if v {
			denied[strings.ToLower(k)] = true
		}
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = f
	s.denied = denied
	clear(s.seen)
}

// Inventory returns a deep copy of the current state, write calls applied.
func (s *Server) Inventory() *Inventory {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.inv.Clone()
}

// AccountInventory is Inventory for any account the server plays (Options.Accounts
// too); nil for one it does not.
func (s *Server) AccountInventory(accountID string) *Inventory {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, played := s.storeOf(accountID)
	if !played {
		return nil
	}
	return st.inv.Clone()
}

func (s *Server) count(key string) {
	s.callMu.Lock()
	s.calls[key]++
	s.callMu.Unlock()
}

func (s *Server) newRequestID() string {
	n := s.reqSeq.Add(1)
	// 8-4-4-4-12 upper-case hex, like Alibaba request IDs.
	return fmt.Sprintf("%s-%04X-%04X-%04X-%012X", s.reqBase[:8], (n>>48)&0xffff, (n>>32)&0xffff, (n>>16)&0xffff, n&0xffffffffffff)
}

// ServeHTTP answers one call: RPC (Action and Version parameters, signature
// v1) or ROA (method + path + x-acs-version, "Authorization: acs" signature;
// see roa.go).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := s.newRequestID()
	if isSLS(r) { // Log Service data plane, LOG signatures: see sls.go
		s.serveSLS(w, r, reqID)
		return
	}
	if isOSS(r) { // REST/XML with OSS signatures: see oss.go
		s.serveOSS(w, r, reqID)
		return
	}
	params, body, err := readParams(r)
	if err != nil {
		s.writeError(w, reqID, "", Errorf(http.StatusBadRequest, "InvalidParameter", "cannot read the request: %v", err))
		return
	}
	if isROA(r, params) {
		s.serveROA(w, r, reqID, body)
		return
	}
	version := params["Version"]
	if version == "" {
		version = r.Header.Get("x-acs-version")
	}
	actionName := params["Action"]
	if actionName == "" {
		actionName = r.Header.Get("x-acs-action")
	}
	if actionName == "" {
		s.writeError(w, reqID, "", errMissing("Action"))
		return
	}
	p, act, ok := route(version, actionName)
	if !ok {
		name := "Unknown"
		if q := productForVersion(version); q != nil {
			name = q.name
		}
		s.count(name + "." + actionName)
		s.writeError(w, reqID, name, errActionNotFound)
		return
	}
	s.dispatch(w, r, &dispatch{reqID: reqID, product: p, act: act, action: actionName, params: params,
		authenticate: func() (*identity, *APIError) { return s.authenticate(r.Method, params) }})
}

// dispatch is one routed call on its way through the common pipeline.
type dispatch struct {
	reqID        string
	product      *product
	act          action
	action       string
	params       map[string]string
	body         []byte // ROA request body (JSON), nil for RPC
	roa          bool   // answer without adding RequestId to the body
	region       string // ROA: the region the call names ("" = none)
	sls          bool   // SLS data plane: errors in SLS's shape (sls.go)
	authenticate func() (*identity, *APIError)
}

// dispatch runs a routed call: count, latency, authentication, rate limits,
// injected faults, denied permissions, then the handler.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, d *dispatch) {
	p, actionName, reqID := d.product, d.action, d.reqID
	key := p.name + "." + actionName
	s.count(key)
	fail := func(e *APIError) { s.writeError(w, reqID, p.name, e) }
	if d.sls {
		fail = func(e *APIError) { s.writeSLSError(w, reqID, actionName, slsResource(d), e) }
	}
	if lat := s.opts.Latency; lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	caller, aerr := d.authenticate()
	if aerr != nil {
		fail(aerr)
		return
	}
	region := d.params["RegionId"]
	if d.roa {
		region = d.region
	}
	if p.global {
		region = ""
	}
	if !s.allow(caller.accountID, region, p.name, actionName) {
		fail(errThrottling)
		return
	}
	if aerr := s.injectFault(key, d.params); aerr != nil {
		fail(aerr)
		return
	}
	if s.isDenied(p.name, actionName) {
		if p.ramNative {
			aerr = errNoPermission(caller.accountID, caller.arn, strings.ToLower(p.name)+":"+actionName)
		} else {
			aerr = errForbiddenRAM
		}
		fail(aerr)
		return
	}
	c := &call{product: p, action: actionName, region: region, params: d.params, body: d.body, requestID: reqID,
		caller: caller, now: s.opts.Now(), srv: s}
	var body map[string]any
	func() {
		if d.act.write {
			s.mu.Lock()
			defer s.mu.Unlock()
		} else {
			s.mu.RLock()
			defer s.mu.RUnlock()
		}
		c.st, _ = s.storeOf(caller.accountID)
		body, aerr = d.act.fn(c)
	}()
	if aerr != nil {
		fail(aerr)
		return
	}
	if body == nil {
		body = map[string]any{}
	}
	if !d.roa {
		body["RequestId"] = reqID
	}
	s.writeJSON(w, reqID, http.StatusOK, body)
}

// readParams merges the query string and a form body, as the signature
// covers both. Form values win, as in the SDK's signer. The raw body is
// returned too (ROA calls carry JSON bodies).
func readParams(r *http.Request) (map[string]string, []byte, error) {
	params := map[string]string{}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range q {
		params[k] = v[0]
	}
	if r.Body == nil {
		return params, nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(body) > maxBodyBytes {
		return nil, nil, errors.New("body too large")
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if len(body) > 0 && (ct == "application/x-www-form-urlencoded" || ct == "") {
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, err
		}
		for k, v := range f {
			params[k] = v[0]
		}
	}
	return params, body, nil
}

func (s *Server) writeError(w http.ResponseWriter, reqID, productName string, e *APIError) {
	host := "ecs.aliyuncs.com"
	if productName != "" && productName != "Unknown" {
		host = strings.ToLower(productName) + ".aliyuncs.com"
	}
	body := map[string]any{
		"RequestId": reqID,
		"HostId":    host,
		"Code":      e.Code,
		"Message":   e.Message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.Code) + "&product=" + productName + "&requestId=" + reqID,
	}
	if e.AccessDeniedDetail != nil {
		body["AccessDeniedDetail"] = e.AccessDeniedDetail
	}
	s.writeJSON(w, reqID, e.Status, body)
}

func (s *Server) writeJSON(w http.ResponseWriter, reqID string, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		status = errInternal.Status
		b, _ = json.Marshal(map[string]string{"RequestId": reqID, "Code": errInternal.Code, "Message": errInternal.Message})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=utf-8")
	h.Set("x-acs-request-id", reqID)
	w.WriteHeader(status)
	_, _ = w.Write(b) // a failed write means the client went away
}

func (s *Server) isDenied(productName, actionName string) bool {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	p := strings.ToLower(productName)
	return s.denied[p] || s.denied[p+"."+strings.ToLower(actionName)]
}
