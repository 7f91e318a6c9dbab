package fcrun

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// BenchmarkInvokeOverhead compares a bare lambda.Handler.Invoke with the same
// call through fcrun. The recorder and loopback sub-benchmarks also report
// x-direct: their time per invocation divided by the direct call's.
func BenchmarkInvokeOverhead(b *testing.B) {
	fn := func(_ context.Context, in greetIn) (string, error) { return "hello " + in.Name, nil }
	payload := []byte(`{"name":"bench"}`)
	ctx := context.Background()
	raw := lambda.NewHandler(fn)
	quiet := []Option{WithStdout(io.Discard), WithLogger(slog.New(slog.NewJSONHandler(io.Discard, nil)))}

	// direct times n bare invocations, the baseline for x-direct.
	direct := func(b *testing.B, n int) time.Duration {
		start := time.Now()
		for range n {
			if _, err := raw.Invoke(ctx, payload); err != nil {
				b.Fatalf("direct Invoke: %v", err)
			}
		}
		return time.Since(start)
	}
	report := func(b *testing.B, n int) {
		if n > 0 {
			b.ReportMetric(float64(b.Elapsed())/float64(direct(b, n)), "x-direct")
		}
	}

	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := raw.Invoke(ctx, payload); err != nil {
				b.Fatalf("Invoke: %v", err)
			}
		}
	})

	b.Run("NewHandler", func(b *testing.B) {
		h := NewHandler(fn)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n++
			if _, err := h.Invoke(ctx, payload); err != nil {
				b.Fatalf("Invoke: %v", err)
			}
		}
		report(b, n)
	})

	b.Run("recorder", func(b *testing.B) {
		hh := NewHTTPHandler(NewHandler(fn), quiet...)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n++
			req := httptest.NewRequest(http.MethodPost, "/invoke", bytes.NewReader(payload))
			req.Header.Set(headerRequestID, "bench")
			rec := httptest.NewRecorder()
			hh.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("POST /invoke: status %d: %s", rec.Code, rec.Body)
			}
		}
		report(b, n)
	})

	b.Run("loopback", func(b *testing.B) {
		srv := httptest.NewServer(NewHTTPHandler(NewHandler(fn), quiet...))
		defer srv.Close()
		client := srv.Client()
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n++
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/invoke", bytes.NewReader(payload))
			if err != nil {
				b.Fatalf("new request: %v", err)
			}
			req.Header.Set(headerRequestID, "bench")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatalf("POST /invoke: %v", err)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("POST /invoke: status %d, read error %v", resp.StatusCode, err)
			}
		}
		report(b, n)
	})
}
