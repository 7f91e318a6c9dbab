package fcrun

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
)

// DefaultMaxPayload is the largest event accepted unless WithMaxPayload says
// otherwise: 128 KiB, Function Compute's limit for asynchronous invocations
// (timers and EventBridge triggers invoke asynchronously).
const DefaultMaxPayload = 128 << 10

// Option configures Start, StartFunc and NewHTTPHandler.
type Option func(*options)

type options struct {
	initializer func(context.Context) error
	preStop     func(context.Context) error
	maxPayload  int
	stdout      io.Writer
	logger      *slog.Logger
	listenHost  string
	ctx         context.Context
}

func newOptions(opts []Option) *options {
	o := &options{
		maxPayload: DefaultMaxPayload,
		stdout:     os.Stdout,
		logger:     defaultLogger,
		ctx:        context.Background(),
	}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// WithInitializer sets the function's initializer, run by FC once per
// instance before the first invocation (POST /initialize in the custom
// runtime). A non-nil error fails the initialization.
func WithInitializer(fn func(context.Context) error) Option {
	return func(o *options) { o.initializer = fn }
}

// WithPreStop sets the hook FC runs before it stops an instance (GET
// /pre-stop in the custom runtime; SIGTERM under AWS Lambda).
func WithPreStop(fn func(context.Context) error) Option {
	return func(o *options) { o.preStop = fn }
}

// WithMaxPayload sets the largest event, in bytes, passed to the handler
// under every protocol; bigger events fail without calling it. The default,
// also used for n <= 0, is DefaultMaxPayload.
func WithMaxPayload(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxPayload = n
		}
	}
}

// WithStdout sets where the "FC Invoke Start/End RequestId: ..." lines of the
// custom runtime go (default os.Stdout; nil keeps it). Writes are serialized.
func WithStdout(w io.Writer) Option {
	return func(o *options) {
		if w != nil {
			o.stdout = w
		}
	}
}

// WithLogger sets the base logger for failure logs and for Logger(ctx)
// (default: JSON on stderr; nil keeps it).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithListenHost sets the host or IP the custom runtime server listens on.
// The default is FC_CUSTOM_LISTEN_HOST, or all interfaces when that is unset.
func WithListenHost(host string) Option {
	return func(o *options) { o.listenHost = host }
}

// WithContext bounds the custom runtime server: when ctx is done the server
// shuts down gracefully and Start returns. The fc-go1 and lambda protocols
// ignore it, as their SDK loops cannot be stopped. Invocations see ctx's
// values but not its cancellation.
func WithContext(ctx context.Context) Option {
	return func(o *options) {
		if ctx != nil {
			o.ctx = ctx
		}
	}
}

// A starter serves one protocol. The first starter whose env variable is set
// wins; start runs until the process should exit.
type starter struct {
	env      string
	protocol string
	start    func(envValue string, rt *invoker) error
}

// starters is the protocol table; the custom runtime is the fallback when no
// variable is set.
var starters = []starter{
	{env: "FC_RUNTIME_API", protocol: ProtocolFCGo1, start: startFCGo1},
	{env: "AWS_LAMBDA_RUNTIME_API", protocol: ProtocolLambda, start: startLambda},
}

// exitf reports a fatal error as a JSON log line on stderr and ends the
// process with status 1. Tests replace it; when it returns, so do Start and
// Fatal.
var exitf = func(format string, args ...any) {
	defaultLogger.Error("fcrun: fatal", slog.String("error", fmt.Sprintf(format, args...)))
	os.Exit(1)
}

// Fatal reports err, a startup failure such as missing configuration, as a
// JSON log line on stderr and exits with status 1. Use it in main before
// Start.
func Fatal(err error) {
	exitf("%v", err)
}

// Start runs handler under the protocol chosen by the environment (see the
// package documentation) and normally never returns. The custom runtime
// returns after a graceful shutdown (SIGTERM, SIGINT, or WithContext's
// context done); a fatal error is logged to stderr and exits with status 1.
//
// handler must satisfy the rules of aws-lambda-go's lambda.Start; events are
// JSON-decoded into its input type. A handler with a bad signature fails
// every invocation with the reason, as in aws-lambda-go. A value that
// already implements lambda.Handler is used as is and must be safe for
// concurrent use (see NewHandler).
func Start(handler any, opts ...Option) {
	start(NewHandler(handler), newOptions(opts))
}

// StartFunc is Start with the handler's signature checked at compile time.
func StartFunc[TIn, TOut any](fn func(context.Context, TIn) (TOut, error), opts ...Option) {
	Start(fn, opts...)
}

func start(h lambda.Handler, o *options) {
	var tried []string
	for _, s := range starters {
		v := os.Getenv(s.env)
		tried = append(tried, s.env)
		if v == "" {
			continue
		}
		if err := s.start(v, newInvoker(h, o, s.protocol)); err != nil {
			exitf("%s runtime (%s=%s): %v", s.protocol, s.env, v, err)
		}
		return
	}
	if err := serveCustom(newInvoker(h, o, ProtocolCustom)); err != nil {
		exitf("custom runtime (none of %s set): %v", strings.Join(tried, ", "), err)
	}
}
