package fcrun

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// This file is the only one that knows the FC 3.0 custom runtime protocol.

// Request headers FC sends to a custom runtime, and the status header it reads.
const (
	headerControlPath     = "x-fc-control-path"
	headerRequestID       = "x-fc-request-id"
	headerFunctionName    = "x-fc-function-name"
	headerRegion          = "x-fc-region"
	headerAccountID       = "x-fc-account-id"
	headerQualifier       = "x-fc-qualifier"
	headerRetryCount      = "x-fc-retry-count"
	headerAccessKeyID     = "x-fc-access-key-id"
	headerAccessKeySecret = "x-fc-access-key-secret"
	headerSecurityToken   = "x-fc-security-token"
	headerDeadline        = "x-fc-function-deadline"      // epoch milliseconds
	headerTimeout         = "x-fc-function-timeout"       // seconds
	headerInitTimeout     = "x-fc-initialization-timeout" // seconds, /initialize only
	headerStatus          = "x-fc-status"
)

// Control paths of the custom runtime; FC sends them as the URL path and in
// x-fc-control-path.
const (
	pathInvoke     = "/invoke"
	pathInitialize = "/initialize"
	pathPreStop    = "/pre-stop"
)

// Environment variables of the custom runtime server.
const (
	envListenPort = "FC_CUSTOM_LISTEN_PORT"
	envServerPort = "FC_SERVER_PORT"
	envListenHost = "FC_CUSTOM_LISTEN_HOST"
	defaultPort   = "9000"
)

const (
	// drainLimit bounds how much of an oversize chunked body is read to
	// count its size: FC's 32 MB limit for synchronous invocations.
	drainLimit = 32 << 20
	// shutdownGrace is how long in-flight invocations may run after SIGTERM.
	shutdownGrace = 30 * time.Second
)

// NewHTTPHandler returns the FC 3.0 custom runtime as an http.Handler, for
// Start and for tests and local emulators that mount it on their own server.
//
//   - POST /invoke runs h on the body. Success is HTTP 200 with x-fc-status
//     200 and the handler's output as the body. Failure is HTTP 404 with
//     x-fc-status 404 and {"errorMessage": ..., "errorType": ...}.
//   - POST /initialize runs the WithInitializer hook, GET /pre-stop the
//     WithPreStop hook; both answer 200 on success (also with no hook).
//   - The x-fc-control-path header, when present, selects the path; unknown
//     control paths (such as /http-invoke) and unknown URL paths fail with
//     HTTP 404 and x-fc-status 404.
//
// The Request in the handler's context comes from the x-fc-* headers.
// x-fc-function-deadline (epoch ms) or x-fc-function-timeout (s) set the
// context deadline. Events larger than the WithMaxPayload limit, and empty
// ones, fail without calling h. Panics are recovered and reported with
// errorType "Runtime.Panic". h should be safe for concurrent use, as
// NewHandler's result is.
func NewHTTPHandler(h lambda.Handler, opts ...Option) http.Handler {
	return &httpHandler{rt: newInvoker(h, newOptions(opts), ProtocolCustom)}
}

type httpHandler struct {
	rt *invoker
}

// route is one control path: the method it takes and how it is served.
type route struct {
	method string
	serve  func(s *httpHandler, ctx context.Context, w http.ResponseWriter, r *http.Request, req *Request)
}

var routes = map[string]route{
	pathInvoke:     {http.MethodPost, (*httpHandler).invoke},
	pathInitialize: {http.MethodPost, (*httpHandler).initialize},
	pathPreStop:    {http.MethodGet, (*httpHandler).preStop},
}

func (s *httpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := s.request(r.Header)
	ctx := withRequest(r.Context(), req)

	path, fromHeader := r.URL.Path, false
	if cp := r.Header.Get(headerControlPath); cp != "" {
		path, fromHeader = cp, true
	}
	rte, ok := routes[path]
	switch {
	case !ok && fromHeader:
		s.reject(ctx, w, http.StatusNotFound, &invokeError{
			Message: fmt.Sprintf("unknown control path %q in %s: this runtime serves %s, %s and %s",
				path, headerControlPath, pathInvoke, pathInitialize, pathPreStop),
			Type: errTypeUnknownControlPath,
		})
		return
	case !ok:
		s.reject(ctx, w, http.StatusNotFound, &invokeError{
			Message: fmt.Sprintf("unknown path %q: this runtime serves %s, %s and %s",
				path, pathInvoke, pathInitialize, pathPreStop),
			Type: errTypeUnknownPath,
		})
		return
	case r.Method != rte.method:
		w.Header().Set("Allow", rte.method)
		s.reject(ctx, w, http.StatusMethodNotAllowed, &invokeError{
			Message: fmt.Sprintf("method %s not allowed on %s: use %s", r.Method, path, rte.method),
			Type:    errTypeMethodNotAllowed,
		})
		return
	}

	timeouts := []string{headerTimeout}
	if path == pathInitialize {
		timeouts = []string{headerInitTimeout, headerTimeout}
	}
	ctx, cancel := s.deadline(ctx, r.Header, timeouts)
	defer cancel()
	rte.serve(s, ctx, w, r, req)
}

// request builds the invocation's Request from the x-fc-* headers.
func (s *httpHandler) request(h http.Header) *Request {
	req := s.rt.newRequest()
	req.RequestID = h.Get(headerRequestID)
	if req.RequestID == "" {
		req.RequestID = newRequestID()
	}
	req.FunctionName = h.Get(headerFunctionName)
	req.Region = h.Get(headerRegion)
	req.AccountID = h.Get(headerAccountID)
	req.Qualifier = h.Get(headerQualifier)
	if n, err := strconv.Atoi(h.Get(headerRetryCount)); err == nil {
		req.RetryCount = n
	}
	req.Credentials = Credentials{
		AccessKeyID:     h.Get(headerAccessKeyID),
		AccessKeySecret: h.Get(headerAccessKeySecret),
		SecurityToken:   h.Get(headerSecurityToken),
	}.orEnv()
	return req
}

// deadline applies x-fc-function-deadline, or else the first timeout header
// present, to ctx. Unparsable values are logged and ignored.
func (s *httpHandler) deadline(ctx context.Context, h http.Header, timeouts []string) (context.Context, context.CancelFunc) {
	if v := h.Get(headerDeadline); v != "" {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err == nil {
			return context.WithDeadline(ctx, time.UnixMilli(ms))
		}
		Logger(ctx).Warn("ignoring unparsable header", slog.String("header", headerDeadline), slog.String("value", v))
	}
	for _, name := range timeouts {
		v := h.Get(name)
		if v == "" {
			continue
		}
		sec, err := strconv.ParseFloat(v, 64)
		if err == nil && sec > 0 {
			return context.WithTimeout(ctx, time.Duration(sec*float64(time.Second)))
		}
		Logger(ctx).Warn("ignoring unparsable header", slog.String("header", name), slog.String("value", v))
	}
	return context.WithCancel(ctx)
}

func (s *httpHandler) invoke(ctx context.Context, w http.ResponseWriter, r *http.Request, req *Request) {
	s.rt.printf("FC Invoke Start RequestId: %s", req.RequestID)
	var out []byte
	payload, ie := s.readPayload(r)
	if ie != nil {
		s.rt.logFailure(ctx, "invoke", ie)
	} else {
		out, ie = s.rt.invoke(ctx, payload)
	}
	if ie != nil {
		s.rt.printf("FC Invoke End RequestId: %s, Error: Unhandled function error", req.RequestID)
		s.writeError(ctx, w, http.StatusNotFound, ie)
		return
	}
	s.rt.printf("FC Invoke End RequestId: %s", req.RequestID)
	contentType := "application/octet-stream"
	if json.Valid(out) {
		contentType = "application/json"
	}
	s.writeOK(ctx, w, contentType, out)
}

func (s *httpHandler) initialize(ctx context.Context, w http.ResponseWriter, _ *http.Request, req *Request) {
	s.lifecycle(ctx, w, req, "Initialize", "initialize", s.rt.o.initializer)
}

func (s *httpHandler) preStop(ctx context.Context, w http.ResponseWriter, _ *http.Request, req *Request) {
	s.lifecycle(ctx, w, req, "PreStop", "pre-stop", s.rt.o.preStop)
}

// lifecycle runs a hook between "FC <Phase> Start/End" markers.
func (s *httpHandler) lifecycle(ctx context.Context, w http.ResponseWriter, req *Request, phase, name string, fn func(context.Context) error) {
	s.rt.printf("FC %s Start RequestId: %s", phase, req.RequestID)
	if ie := s.rt.hook(ctx, name, fn); ie != nil {
		s.rt.printf("FC %s End RequestId: %s, Error: Unhandled function error", phase, req.RequestID)
		s.writeError(ctx, w, http.StatusNotFound, ie)
		return
	}
	s.rt.printf("FC %s End RequestId: %s", phase, req.RequestID)
	s.writeOK(ctx, w, "", nil)
}

// readPayload reads the event, refusing one over the size limit without
// keeping it in memory.
func (s *httpHandler) readPayload(r *http.Request) ([]byte, *invokeError) {
	limit := int64(s.rt.o.maxPayload)
	if r.ContentLength > limit {
		return nil, s.rt.tooLarge(strconv.FormatInt(r.ContentLength, 10))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, &invokeError{Message: "read payload: " + err.Error(), Type: errorType(err)}
	}
	if int64(len(body)) <= limit {
		return body, nil
	}
	// A chunked body without Content-Length: count the rest, up to a bound.
	rest, err := io.Copy(io.Discard, io.LimitReader(r.Body, drainLimit))
	n := strconv.FormatInt(int64(len(body))+rest, 10)
	if err != nil || rest == drainLimit {
		n = "more than " + n
	}
	return nil, s.rt.tooLarge(n)
}

// reject answers a request that reached no control path; it is logged once.
func (s *httpHandler) reject(ctx context.Context, w http.ResponseWriter, status int, ie *invokeError) {
	s.rt.logFailure(ctx, "request", ie)
	s.writeError(ctx, w, status, ie)
}

func (s *httpHandler) writeError(ctx context.Context, w http.ResponseWriter, status int, ie *invokeError) {
	body, err := json.Marshal(ie)
	if err != nil { // two strings always encode; keep the wire shape regardless
		body = []byte(`{"errorMessage":"cannot encode error","errorType":"Runtime.SerializationError"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(headerStatus, strconv.Itoa(http.StatusNotFound))
	w.WriteHeader(status)
	s.write(ctx, w, body)
}

func (s *httpHandler) writeOK(ctx context.Context, w http.ResponseWriter, contentType string, body []byte) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.Header().Set(headerStatus, strconv.Itoa(http.StatusOK))
	w.WriteHeader(http.StatusOK)
	s.write(ctx, w, body)
}

func (s *httpHandler) write(ctx context.Context, w http.ResponseWriter, body []byte) {
	if _, err := w.Write(body); err != nil {
		Logger(ctx).Warn("write response", slog.String("error", err.Error()))
	}
}

// newRequestID returns a random UUID (version 4) for a request FC sent
// without x-fc-request-id.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// serveCustom runs the custom runtime server until SIGTERM, SIGINT or the
// WithContext context ends, then shuts down gracefully.
func serveCustom(rt *invoker) error {
	host := cmp.Or(rt.o.listenHost, os.Getenv(envListenHost))
	port := cmp.Or(os.Getenv(envListenPort), os.Getenv(envServerPort), defaultPort)
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           &httpHandler{rt: rt},
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(rt.o.logger.Handler(), slog.LevelWarn),
		// Invocations keep the WithContext values but not its cancellation:
		// shutdown lets them finish.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(rt.o.ctx) },
	}
	ctx, stop := signal.NotifyContext(rt.o.ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	rt.o.logger.Info("fcrun custom runtime listening", slog.String("addr", ln.Addr().String()))

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-served // http.ErrServerClosed
	return nil
}
