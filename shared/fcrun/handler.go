package fcrun

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"runtime/debug"
	"sync"

	"github.com/aws/aws-lambda-go/lambda"
)

// NewHandler returns lambda.NewHandler(fn) made safe for concurrent use.
//
// In aws-lambda-go v1.55.1 the Handler from lambda.NewHandler returns a slice
// of a pooled buffer that it has already put back in its pool, so a second
// Invoke running at the same time can overwrite the first one's output
// (aws/aws-lambda-go PR #639). The custom runtime runs invocations
// concurrently (FC instanceConcurrency) and so does the fc-go1 runtime, so
// NewHandler keeps a pool of lambda.NewHandler(fn) values, uses each for one
// Invoke at a time and returns a private copy of the output.
//
// If fn already implements lambda.Handler it is returned unchanged.
func NewHandler(fn any) lambda.Handler {
	if h, ok := fn.(lambda.Handler); ok {
		return h
	}
	p := &pooledHandler{}
	p.pool.New = func() any { return lambda.NewHandler(fn) }
	return p
}

// pooledHandler hands each Invoke its own lambda.Handler.
type pooledHandler struct {
	pool sync.Pool // of lambda.Handler
}

// Invoke decodes payload, calls the function and encodes its result.
func (p *pooledHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	h := p.pool.Get().(lambda.Handler)
	out, err := h.Invoke(ctx, payload)
	// out may alias h's pooled buffer: copy it before h can be reused.
	out = bytes.Clone(out)
	p.pool.Put(h)
	return out, err
}

// Error types reported by the runtime itself, in the "Runtime." namespace
// aws-lambda-go uses for its own failures.
const (
	errTypePanic              = "Runtime.Panic"
	errTypePayloadTooLarge    = "Runtime.PayloadTooLarge"
	errTypeEmptyPayload       = "Runtime.EmptyPayload"
	errTypeUnknownControlPath = "Runtime.UnknownControlPath"
	errTypeUnknownPath        = "Runtime.UnknownPath"
	errTypeMethodNotAllowed   = "Runtime.MethodNotAllowed"
)

// invokeError is a failed invocation as reported on the wire.
type invokeError struct {
	Message string `json:"errorMessage"`
	Type    string `json:"errorType"`
	stack   []byte // panics only; logged, never sent
}

func (e *invokeError) Error() string { return e.Type + ": " + e.Message }

// errorType names err's type as aws-lambda-go does: the Go type name without
// package or pointer ("errorString", "SyntaxError").
func errorType(err error) string {
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() != "" {
		return t.Name()
	}
	return fmt.Sprintf("%T", err)
}

func newInvokeError(err error) *invokeError {
	if ie, ok := err.(*invokeError); ok {
		return ie
	}
	return &invokeError{Message: err.Error(), Type: errorType(err)}
}

// lockedWriter serializes writes of concurrent invocations.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// invoker is the protocol-independent part of an invocation: payload checks,
// panic recovery, error shaping and failure logging. The protocol adapters
// build the Request and speak the wire format.
type invoker struct {
	h        lambda.Handler
	owned    bool // h returns outputs nobody else writes to (see NewHandler)
	o        *options
	stdout   io.Writer
	protocol string
}

func newInvoker(h lambda.Handler, o *options, protocol string) *invoker {
	_, owned := h.(*pooledHandler)
	return &invoker{h: h, owned: owned, o: o, stdout: &lockedWriter{w: o.stdout}, protocol: protocol}
}

// newRequest returns a Request for this runtime's protocol and logger.
func (rt *invoker) newRequest() *Request {
	return &Request{Protocol: rt.protocol, logger: rt.o.logger}
}

// checkPayload refuses empty and oversize events before the handler sees them.
func (rt *invoker) checkPayload(n int) *invokeError {
	if n == 0 {
		return &invokeError{Message: "empty payload: the event body has no bytes", Type: errTypeEmptyPayload}
	}
	if n > rt.o.maxPayload {
		return rt.tooLarge(fmt.Sprint(n))
	}
	return nil
}

func (rt *invoker) tooLarge(n string) *invokeError {
	return &invokeError{
		Message: fmt.Sprintf("payload of %s bytes exceeds the %d-byte limit", n, rt.o.maxPayload),
		Type:    errTypePayloadTooLarge,
	}
}

// invoke runs the handler on payload. ctx must carry the Request. Failures,
// including a rejected payload, are logged once.
func (rt *invoker) invoke(ctx context.Context, payload []byte) ([]byte, *invokeError) {
	if ie := rt.checkPayload(len(payload)); ie != nil {
		rt.logFailure(ctx, "invoke", ie)
		return nil, ie
	}
	out, ie := rt.call(ctx, func(ctx context.Context) ([]byte, error) {
		out, err := rt.h.Invoke(ctx, payload)
		if err == nil && !rt.owned {
			// Narrow the window in which a shared lambda.NewHandler buffer
			// can be overwritten; NewHandler closes it.
			out = bytes.Clone(out)
		}
		return out, err
	})
	if ie != nil {
		rt.logFailure(ctx, "invoke", ie)
	}
	return out, ie
}

// hook runs a lifecycle hook (initializer or pre-stop); a nil fn succeeds.
func (rt *invoker) hook(ctx context.Context, name string, fn func(context.Context) error) *invokeError {
	if fn == nil {
		return nil
	}
	_, ie := rt.call(ctx, func(ctx context.Context) ([]byte, error) { return nil, fn(ctx) })
	if ie != nil {
		rt.logFailure(ctx, name, ie)
	}
	return ie
}

// call runs fn, turning an error or a panic into an invokeError.
func (rt *invoker) call(ctx context.Context, fn func(context.Context) ([]byte, error)) (out []byte, ie *invokeError) {
	defer func() {
		if v := recover(); v != nil {
			out = nil
			ie = &invokeError{Message: fmt.Sprint(v), Type: errTypePanic, stack: debug.Stack()}
		}
	}()
	out, err := fn(ctx)
	if err != nil {
		return nil, newInvokeError(err)
	}
	return out, nil
}

// logFailure writes the one log line of a failed invocation or hook.
func (rt *invoker) logFailure(ctx context.Context, what string, ie *invokeError) {
	attrs := []any{
		slog.String("protocol", rt.protocol),
		slog.String("error", ie.Message),
		slog.String("error_type", ie.Type),
	}
	if ie.stack != nil {
		attrs = append(attrs, slog.String("stack", string(ie.stack)))
	}
	Logger(ctx).Error(what+" failed", attrs...)
}

// printf writes one line for FC's log (the "FC Invoke Start" markers).
func (rt *invoker) printf(format string, args ...any) {
	// A failed write of a log marker cannot be reported anywhere more useful.
	_, _ = fmt.Fprintf(rt.stdout, format+"\n", args...)
}
