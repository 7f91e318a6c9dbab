package fcrun_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cspm-alibaba/cspm/shared/fcrun"
)

type scanEvent struct {
	Shard int `json:"shard"`
}

type scanResult struct {
	Shard    int    `json:"shard"`
	Function string `json:"function"`
}

// handle is what a function package exports: a typed handler that reads its
// invocation metadata from the context, never from headers.
func handle(ctx context.Context, ev scanEvent) (scanResult, error) {
	req, ok := fcrun.FromContext(ctx)
	if !ok {
		return scanResult{}, fmt.Errorf("no invocation metadata")
	}
	fcrun.Logger(ctx).Info("scanning", "shard", ev.Shard) // JSON on stderr with request_id
	return scanResult{Shard: ev.Shard, Function: req.FunctionName}, nil
}

// A function's main is a single call; the environment picks the protocol.
func ExampleStartFunc() {
	fcrun.StartFunc(handle)
}

// NewHTTPHandler serves the FC 3.0 custom runtime protocol, here on a test
// server as a local harness would.
func ExampleNewHTTPHandler() {
	h := fcrun.NewHTTPHandler(fcrun.NewHandler(handle), fcrun.WithStdout(io.Discard))
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, body := range []string{`{"shard":7}`, `{"shard":"seven"}`} {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/invoke", strings.NewReader(body))
		if err != nil {
			fmt.Println(err)
			return
		}
		req.Header.Set("x-fc-request-id", "req-1")
		req.Header.Set("x-fc-function-name", "run-check-shard")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(resp.StatusCode, resp.Header.Get("x-fc-status"), string(out))
	}
	// Output:
	// 200 200 {"shard":7,"function":"run-check-shard"}
	// 404 404 {"errorMessage":"json: cannot unmarshal string into Go struct field scanEvent.shard of type int","errorType":"UnmarshalTypeError"}
}
