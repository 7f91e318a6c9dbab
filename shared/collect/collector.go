package collect

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
)

// Config configures a Collector. Zero values take the defaults.
type Config struct {
	// AccessKeyID, AccessKeySecret and SecurityToken are static
	// credentials, used when Credentials is nil.
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	// Credentials, when set, supplies the credentials instead (for example
	// RoleCredentials, or Chain(EnvCredentials(), ...)).
	Credentials CredentialsProvider
	// CredentialsFor, when set, supplies per-account credentials (each
	// tenant's role); a nil result falls back to Credentials.
	CredentialsFor func(account string) CredentialsProvider

	// Endpoint points every client at one host, e.g. cloudsim's
	// "127.0.0.1:PORT" (scheme http unless it starts with "https://").
	// Empty means production: HTTPS to the regional endpoints
	// (ecs.<region>.aliyuncs.com, vpc.<region>.aliyuncs.com) and the
	// central ones for account-level products (sts.aliyuncs.com,
	// resourcemanager.aliyuncs.com, ram.aliyuncs.com).
	Endpoint string

	// Rates limits calls per (account, region, API); see Rates.
	Rates Rates
	// Retry bounds retries; see RetryPolicy.
	Retry RetryPolicy
	// Clock drives rate limiting, backoff and credential expiry (default
	// SystemClock).
	Clock Clock
	// Concurrency is how many calls one product collection keeps in
	// flight for fan-out APIs such as DescribeSecurityGroupAttribute
	// (default 8). The rate limiter, not this, sets the pace.
	Concurrency int
	// Timeout bounds one HTTP call (default 30 s).
	Timeout time.Duration
	// Transport replaces the HTTP transport (default: a shared pooled
	// transport honouring HTTPS_PROXY/NO_PROXY).
	Transport http.RoundTripper
}

// RetryPolicy is jittered exponential backoff for throttling, 5xx answers
// and transport errors. Attempt n waits between half and all of
// min(MaxDelay, BaseDelay·2^(n-1)).
type RetryPolicy struct {
	MaxAttempts int           // calls per request, first included (default 6)
	BaseDelay   time.Duration // default 500 ms
	MaxDelay    time.Duration // default 20 s
}

// Collector collects Alibaba Cloud inventory for one scan. Each (account,
// region, product) is collected once and shared by every caller, and
// account-level APIs (DescribeRegions, GetCallerIdentity) once per
// account; nothing expires, so use a new Collector for each scan. It is
// safe for concurrent use.
type Collector struct {
	cfg       Config
	clock     Clock
	limiter   *limiter
	transport http.RoundTripper
	own       *http.Transport // closed by Close when we made it
	scheme    string
	endpoint  string

	mu    sync.Mutex
	once  map[string]*onceEntry
	pools map[string]*sync.Pool
	calls map[string]int
}

// New returns a Collector.
func New(cfg Config) *Collector {
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retry.MaxAttempts <= 0 {
		cfg.Retry.MaxAttempts = 6
	}
	if cfg.Retry.BaseDelay <= 0 {
		cfg.Retry.BaseDelay = 500 * time.Millisecond
	}
	if cfg.Retry.MaxDelay <= 0 {
		cfg.Retry.MaxDelay = 20 * time.Second
	}
	c := &Collector{cfg: cfg, clock: cfg.Clock, limiter: newLimiter(cfg.Rates, cfg.Clock),
		once: map[string]*onceEntry{}, pools: map[string]*sync.Pool{}, calls: map[string]int{}}
	c.scheme, c.endpoint = "https", ""
	if e := cfg.Endpoint; e != "" {
		c.scheme = "http"
		if rest, ok := strings.CutPrefix(e, "https://"); ok {
			c.scheme, e = "https", rest
		} else {
			e = strings.TrimPrefix(e, "http://")
		}
		c.endpoint = strings.TrimSuffix(e, "/")
	}
	rt := cfg.Transport
	if rt == nil {
		c.own = &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
			ForceAttemptHTTP2:   true,
		}
		rt = c.own
	}
	// The SDK rewrites DialContext and TLS settings on every call when its
	// transport is an *http.Transport; wrapping it keeps the shared
	// transport out of reach (and out of data races).
	c.transport = sharedTransport{rt}
	return c
}

// Close releases idle connections.
func (c *Collector) Close() {
	if c.own != nil {
		c.own.CloseIdleConnections()
	}
}

// Calls returns how many HTTP calls each "Product.Action" took so far,
// retries included.
func (c *Collector) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

type sharedTransport struct{ rt http.RoundTripper }

func (t sharedTransport) RoundTrip(r *http.Request) (*http.Response, error) { return t.rt.RoundTrip(r) }

// endpointFor returns the host for a product's API in a region.
func (c *Collector) endpointFor(product, region string) string {
	if c.endpoint != "" {
		return c.endpoint
	}
	switch product {
	case "Sts", "ResourceManager", "Ram", "Ims", "Actiontrail":
		return strings.ToLower(product) + ".aliyuncs.com"
	case "Sas": // Security Center answers on tds.aliyuncs.com
		return "tds.aliyuncs.com"
	case "Sls": // the Sls 2019-10-23 app API is central
		return "sls.aliyuncs.com"
	case "Rds", "R-kvstore", "Dds", "polardb": // central in many regions; MongoDB is mongodb.*
		return dbEndpoint(product, region)
	case "Slb": // slb.aliyuncs.com in many regions (slb.go)
		return slbEndpoint(region)
	}
	if region == "" {
		return strings.ToLower(product) + ".aliyuncs.com"
	}
	return strings.ToLower(product) + "." + region + ".aliyuncs.com"
}

// credentials returns the credentials for an account.
func (c *Collector) credentials(ctx context.Context, account string) (Credentials, error) {
	if c.cfg.CredentialsFor != nil {
		if p := c.cfg.CredentialsFor(account); p != nil {
			return p.Credentials(ctx)
		}
	}
	return c.cfg.defaultCredentials().Credentials(ctx)
}

func (cfg Config) defaultCredentials() CredentialsProvider {
	if cfg.Credentials != nil {
		return cfg.Credentials
	}
	return StaticCredentials{AccessKeyID: cfg.AccessKeyID, AccessKeySecret: cfg.AccessKeySecret, SecurityToken: cfg.SecurityToken}
}

// client borrows an SDK client for a credential set. sdk.Client mutates
// itself on every call (timeouts, transport settings), so a client serves
// one call at a time; the pool keeps a few per credential set.
func (c *Collector) client(creds Credentials) (*sdk.Client, func(), error) {
	key := creds.AccessKeyID + "\x00" + creds.SecurityToken
	c.mu.Lock()
	pool := c.pools[key]
	if pool == nil {
		pool = &sync.Pool{}
		c.pools[key] = pool
	}
	c.mu.Unlock()
	if cl, ok := pool.Get().(*sdk.Client); ok {
		return cl, func() { pool.Put(cl) }, nil
	}
	cfg := sdk.NewConfig().WithTimeout(c.cfg.Timeout).WithScheme(strings.ToUpper(c.scheme))
	cfg.Transport = c.transport
	cfg.AutoRetry = false
	var cred auth.Credential
	if creds.SecurityToken != "" {
		cred = credentials.NewStsTokenCredential(creds.AccessKeyID, creds.AccessKeySecret, creds.SecurityToken)
	} else {
		cred = credentials.NewAccessKeyCredential(creds.AccessKeyID, creds.AccessKeySecret)
	}
	cl, err := sdk.NewClientWithOptions("cn-hangzhou", cfg, cred)
	if err != nil {
		return nil, nil, fmt.Errorf("collect: sdk client: %w", err)
	}
	return cl, func() { pool.Put(cl) }, nil
}

// rawResponse lets the SDK check the HTTP status and that the body is JSON,
// without decoding it into the SDK's large typed structs: products decode
// the bytes themselves and keep each item's raw JSON as evidence.
type rawResponse struct {
	*responses.BaseResponse
}

// apiName is "Product.Action".
func apiName(req requests.AcsRequest) string { return req.GetProduct() + "." + req.GetActionName() }

// do sends one API call with rate limiting and retries and returns the
// answer's body. region "" marks an account-level call. Errors are *Error
// (or the context's error).
func (c *Collector) do(ctx context.Context, account, region string, req requests.AcsRequest) ([]byte, error) {
	api := apiName(req)
	creds, err := c.credentials(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("collect: %s: credentials for account %s: %w", api, account, err)
	}
	req.SetDomain(roaDomain(req, c.endpointFor(req.GetProduct(), region)))
	req.SetScheme(c.scheme)
	if region != "" && req.GetStyle() == requests.RPC { // ROA APIs name regions their own way
		req.GetQueryParams()["RegionId"] = region
	}
	refreshed := false
	for attempt := 1; ; attempt++ {
		if err := c.limiter.wait(ctx, account, region, api); err != nil {
			return nil, err
		}
		cl, put, err := c.client(creds)
		if err != nil {
			return nil, err
		}
		resp := &rawResponse{BaseResponse: &responses.BaseResponse{}}
		err = cl.DoAction(req, resp)
		put()
		c.mu.Lock()
		c.calls[api]++
		c.mu.Unlock()
		if err == nil {
			return resp.GetHttpContentBytes(), nil
		}
		e := &Error{API: api, Region: region, Attempts: attempt, Err: err}
		transport := false
		var se *sdkerrors.ServerError
		var ce *sdkerrors.ClientError
		switch {
		case errors.As(err, &se) && creds.SecurityToken != "" && staleSession(se.ErrorCode()) && !refreshed && forgetSession(creds.AccessKeyID):
			// A cached role session the service does not know: assume the role again,
			// once, and resend.
			refreshed = true
			if creds, err = c.credentials(ctx, account); err != nil {
				return nil, fmt.Errorf("collect: %s: credentials for account %s: %w", api, account, err)
			}
			continue
		case errors.As(err, &se):
			e.ErrorCode, e.Message = se.ErrorCode(), se.Message()
			e.Code = classify(se.ErrorCode(), se.HttpStatus())
			transport = se.ErrorCode() == "" && se.HttpStatus() >= 500
			if !retryable(se.ErrorCode(), se.HttpStatus(), transport) || attempt >= c.cfg.Retry.MaxAttempts {
				return nil, e
			}
		case errors.As(err, &ce) && ce.ErrorCode() == sdkerrors.JsonUnmarshalErrorCode:
			e.Malformed = true
			return nil, e
		default:
			// Transport failures: refused, reset, timed out.
			if attempt >= c.cfg.Retry.MaxAttempts {
				return nil, e
			}
		}
		if err := c.clock.Sleep(ctx, c.backoff(attempt)); err != nil {
			return nil, err
		}
	}
}

// backoff is the wait before retry number attempt: equal jitter over an
// exponential bound.
func (c *Collector) backoff(attempt int) time.Duration {
	d := c.cfg.Retry.BaseDelay << min(attempt-1, 20)
	if d <= 0 || d > c.cfg.Retry.MaxDelay {
		d = c.cfg.Retry.MaxDelay
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// onceEntry is one shared collection.
type onceEntry struct {
	done chan struct{}
	val  any
	err  error
}

// shared runs fn once per key; concurrent and later callers get its
// result. A run ended by its caller's context is not kept, so the next
// caller starts again.
func shared[T any](ctx context.Context, c *Collector, key string, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	for {
		c.mu.Lock()
		e, ok := c.once[key]
		if !ok {
			e = &onceEntry{done: make(chan struct{})}
			c.once[key] = e
			c.mu.Unlock()
			v, err := fn(ctx)
			e.val, e.err = v, err
			if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				c.mu.Lock()
				delete(c.once, key)
				c.mu.Unlock()
			}
			close(e.done)
			return v, err
		}
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		if e.err != nil && (errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded)) {
			continue // the owner gave up; try ourselves
		}
		v, _ := e.val.(T)
		return v, e.err
	}
}

// group runs functions concurrently; the first error cancels the rest.
type group struct {
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context) *group {
	g := &group{}
	g.ctx, g.cancel = context.WithCancel(ctx)
	return g
}

func (g *group) run(fn func(ctx context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := fn(g.ctx); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

func (g *group) wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}

// regional collects a product's inventory of one region once per
// Collector (see shared); a permission, throttling or activation failure
// becomes a *NotEvaluatedError for the product.
func regional[T any](ctx context.Context, c *Collector, product, account, region string,
	collect func(ctx context.Context, account, region string) (*T, error)) (*T, error) {
	return shared(ctx, c, product+"|"+account+"|"+region, func(ctx context.Context) (*T, error) {
		out, err := collect(ctx, account, region)
		if err != nil {
			return nil, notEvaluated(product, region, err)
		}
		return out, nil
	})
}

// accountWide is regional for a product collected once for the whole
// account.
func accountWide[T any](ctx context.Context, c *Collector, product, account string,
	collect func(ctx context.Context, account string) (*T, error)) (*T, error) {
	return shared(ctx, c, product+"|"+account, func(ctx context.Context) (*T, error) {
		out, err := collect(ctx, account)
		if err != nil {
			return nil, notEvaluated(product, "", err)
		}
		return out, nil
	})
}

// notEvaluated turns a permission, throttling or activation failure into a
// *NotEvaluatedError for product; other errors pass through.
func notEvaluated(product, region string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case PermissionDenied, Throttled, NotActivated:
		return &NotEvaluatedError{Product: product, Region: region, Reason: e.Code, API: e.API,
			Code: e.ErrorCode, Message: e.Message, Err: e}
	}
	return err
}
