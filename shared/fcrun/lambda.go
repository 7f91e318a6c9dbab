package fcrun

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	lambdamessages "github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// This file is the only one that knows the AWS Lambda runtime (aws-lambda-go).

// startLambda serves the AWS Lambda runtime API through lambda.Start, which
// reads AWS_LAMBDA_RUNTIME_API itself. The initializer runs once before the
// first invocation; the pre-stop hook runs on SIGTERM. It never returns
// normally.
func startLambda(_ string, rt *invoker) error {
	if rt.o.initializer != nil {
		ctx := withRequest(context.Background(), rt.lambdaRequest(context.Background()))
		if ie := rt.hook(ctx, "initialize", rt.o.initializer); ie != nil {
			return fmt.Errorf("initializer: %w", ie)
		}
	}
	var opts []lambda.Option
	if rt.o.preStop != nil {
		opts = append(opts, lambda.WithEnableSIGTERM(func() {
			ctx := withRequest(context.Background(), rt.lambdaRequest(context.Background()))
			// A failure is logged by hook; nobody waits for the result.
			_ = rt.hook(ctx, "pre-stop", rt.o.preStop)
		}))
	}
	lambda.StartWithOptions(lambdaHandler{rt}, opts...)
	return errors.New("lambda.Start returned")
}

// lambdaHandler adapts the invoker to lambda.Handler. aws-lambda-go has set
// the deadline and lambdacontext by the time Invoke runs.
type lambdaHandler struct {
	rt *invoker
}

// Invoke runs one invocation.
func (l lambdaHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	ctx = withRequest(ctx, l.rt.lambdaRequest(ctx))
	out, ie := l.rt.invoke(ctx, payload)
	if ie != nil {
		// aws-lambda-go reports this type's fields unchanged, and a
		// recovered panic does not end the process as it would there.
		return nil, lambdamessages.InvokeResponse_Error{Message: ie.Message, Type: ie.Type}
	}
	return out, nil
}

// lambdaRequest converts lambdacontext into a Request. The function ARN
// arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>] gives the
// function fields; credentials come from the ALIBABA_CLOUD_* environment.
func (rt *invoker) lambdaRequest(ctx context.Context) *Request {
	req := rt.newRequest()
	req.FunctionName = lambdacontext.FunctionName
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		req.RequestID = lc.AwsRequestID
		if parts := strings.Split(lc.InvokedFunctionArn, ":"); len(parts) >= 7 && parts[0] == "arn" {
			req.Region, req.AccountID, req.FunctionName = parts[3], parts[4], parts[6]
			if len(parts) > 7 {
				req.Qualifier = parts[7]
			}
		}
	}
	req.Credentials = credentialsFromEnv()
	return req
}
