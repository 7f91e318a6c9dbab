// Package fcrun runs a typed Go function on Alibaba Cloud Function Compute
// (FC) without the function ever seeing the runtime protocol.
//
// A function's main is one line:
//
//	func main() { fcrun.Start(shard.Handle) }
//
// where shard.Handle has a signature accepted by aws-lambda-go's
// lambda.NewHandler, usually func(context.Context, TIn) (TOut, error).
// StartFunc is the same with the signature checked at compile time.
//
// Start picks the protocol from the environment, first match wins:
//
//   - FC_RUNTIME_API set: FC's built-in go1 runtime API, served by
//     fc-runtime-go-sdk's fc.Start (Request.Protocol "fc-go1").
//   - AWS_LAMBDA_RUNTIME_API set: the AWS Lambda runtime API, served by
//     aws-lambda-go's lambda.Start (Request.Protocol "lambda").
//   - otherwise: the FC 3.0 custom runtime, an HTTP server on
//     FC_CUSTOM_LISTEN_PORT (then FC_SERVER_PORT, then 9000) that answers
//     POST /invoke, POST /initialize and GET /pre-stop (Request.Protocol
//     "custom"). NewHTTPHandler exposes the same handler so tests and local
//     emulators can mount it on an httptest.Server.
//
// Every protocol decodes the event with lambda.NewHandler, recovers panics,
// reports failures as {"errorMessage": ..., "errorType": ...} with the Go
// type name of the error (as aws-lambda-go does), and logs each failed
// invocation once as JSON on stderr through log/slog (under fc-go1 and
// lambda the SDK also prints its own plain-text line). Empty events and
// events over WithMaxPayload (default 128 KiB) fail without reaching the
// handler.
//
// Handlers never read headers. Invocation metadata (request ID, function,
// region, account, retry count and the function role's temporary
// credentials) arrives in the context: see FromContext and Logger. The
// aws-lambda-go lambdacontext is filled as well, with InvokedFunctionArn
// acs:fc:<region>:<account>:functions/<name>.
package fcrun
