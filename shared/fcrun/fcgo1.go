package fcrun

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	fcmessages "github.com/aliyun/fc-runtime-go-sdk/fc/messages"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

// This file is the only one that knows the FC go1 runtime (fc-runtime-go-sdk).

// startFCGo1 serves FC's built-in go1 runtime API through fc.Start, which
// reads FC_RUNTIME_API itself, runs each invocation in its own goroutine and
// prints the "FC Invoke Start/End" markers. It never returns normally.
//
// fc.Start is given a func(context.Context, []byte) (json.RawMessage, error):
// fc-runtime-go-sdk passes a []byte argument through undecoded and encodes
// the json.RawMessage result as is. (fc.StartHandler cannot take a struct
// Handler in v0.3.1: it runs the value through fc.NewHandler, which accepts
// only funcs.)
func startFCGo1(_ string, rt *invoker) error {
	// Always register the hooks, so a missing one succeeds as in the custom
	// runtime instead of failing with "no initializer handler registered".
	fc.RegisterInitializerFunction(func(ctx context.Context) { rt.fcHook(ctx, "initialize", rt.o.initializer) })
	fc.RegisterPreStopFunction(func(ctx context.Context) { rt.fcHook(ctx, "pre-stop", rt.o.preStop) })
	fc.Start(rt.fcInvoke)
	return errors.New("fc.Start returned")
}

// fcInvoke adapts the invoker to fc-runtime-go-sdk's handler rules.
func (rt *invoker) fcInvoke(ctx context.Context, payload []byte) (json.RawMessage, error) {
	ctx = withRequest(ctx, rt.fcRequest(ctx))
	out, ie := rt.invoke(ctx, payload)
	if ie != nil {
		// fc-runtime-go-sdk reports this type's fields unchanged.
		return nil, fcmessages.InvokeResponse_Error{Message: ie.Message, Type: ie.Type}
	}
	if !json.Valid(out) {
		// The go1 runtime API takes only JSON results (the SDK re-encodes them).
		ie := &invokeError{
			Message: "the fc-go1 runtime returns JSON only, and the handler's output is not valid JSON",
			Type:    "Runtime.SerializationError",
		}
		rt.logFailure(ctx, "invoke", ie)
		return nil, fcmessages.InvokeResponse_Error{Message: ie.Message, Type: ie.Type}
	}
	return out, nil
}

// fcHook runs a lifecycle hook. fc-runtime-go-sdk hooks cannot return an
// error; a panic with an InvokeResponse_Error value is how the SDK reports
// one to FC with its type intact.
func (rt *invoker) fcHook(ctx context.Context, name string, fn func(context.Context) error) {
	ctx = withRequest(ctx, rt.fcRequest(ctx))
	if ie := rt.hook(ctx, name, fn); ie != nil {
		panic(fcmessages.InvokeResponse_Error{Message: ie.Message, Type: ie.Type})
	}
}

// fcRequest converts the SDK's FcContext into a Request.
func (rt *invoker) fcRequest(ctx context.Context) *Request {
	req := rt.newRequest()
	if fcc, ok := fccontext.FromContext(ctx); ok {
		req.RequestID = fcc.RequestID
		req.FunctionName = fcc.Function.Name
		req.Region = fcc.Region
		req.AccountID = fcc.AccountId
		req.Qualifier = fcc.Service.Qualifier
		req.RetryCount = fcc.RetryCount
		req.Credentials = Credentials{
			AccessKeyID:     fcc.Credentials.AccessKeyId,
			AccessKeySecret: fcc.Credentials.AccessKeySecret,
			SecurityToken:   fcc.Credentials.SecurityToken,
		}
	}
	req.Credentials = req.Credentials.orEnv()
	return req
}
