// Command fn is the test function for package fcsim: a bare net/http FC custom-runtime server.
//
// Behaviour, driven by the environment:
//
//	FN_LOG=<file>        append one JSON line per call (/initialize, /invoke, /pre-stop)
//	FN_EXIT_AT_START=msg print msg to stderr and exit 2 before listening
//	FN_NO_LISTEN=1       never listen (sleep)
//
// and by the /invoke payload:
//
//	contains "fail"       answer x-fc-status 404 with {"errorMessage","errorType"}
//	contains "crash"      exit 3 in the middle of the request
//	contains "sleep=<d>"  sleep for time.ParseDuration(d) first (e.g. sleep=200ms)
//
// A successful /invoke echoes {"requestId","headers","body","env","instance","inflight",
// "maxInflight"}, where headers are the x-fc-* and Content-Type request headers.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	inflight    atomic.Int64
	maxInflight atomic.Int64
	logMu       sync.Mutex
	sleepRe     = regexp.MustCompile(`sleep=([0-9]+(ms|s))`)
)

func record(path, rid, retry string, body []byte) {
	file := os.Getenv("FN_LOG")
	if file == "" {
		return
	}
	line, _ := json.Marshal(map[string]string{
		"fn": os.Getenv("FC_FUNCTION_NAME"), "instance": os.Getenv("FC_INSTANCE_ID"),
		"path": path, "rid": rid, "retry": retry, "body": string(body),
	})
	logMu.Lock()
	defer logMu.Unlock()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fn: log:", err)
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

func main() {
	if msg := os.Getenv("FN_EXIT_AT_START"); msg != "" {
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(2)
	}
	if os.Getenv("FN_NO_LISTEN") != "" {
		fmt.Fprintln(os.Stderr, "fn: not listening on purpose")
		time.Sleep(time.Hour)
	}
	port := os.Getenv("FC_CUSTOM_LISTEN_PORT")
	if port == "" {
		port = "9000"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /initialize", func(w http.ResponseWriter, r *http.Request) {
		record("/initialize", r.Header.Get("x-fc-request-id"), "", nil)
		fmt.Println("FC Initialize Start RequestId: " + r.Header.Get("x-fc-request-id"))
		w.Header().Set("x-fc-status", "200")
	})
	mux.HandleFunc("GET /pre-stop", func(w http.ResponseWriter, r *http.Request) {
		record("/pre-stop", r.Header.Get("x-fc-request-id"), "", nil)
		w.Header().Set("x-fc-status", "200")
	})
	mux.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := maxInflight.Load()
			if n <= m || maxInflight.CompareAndSwap(m, n) {
				break
			}
		}
		rid := r.Header.Get("x-fc-request-id")
		fmt.Println("FC Invoke Start RequestId: " + rid)
		body, _ := io.ReadAll(r.Body)
		record("/invoke", rid, r.Header.Get("x-fc-retry-count"), body)
		if m := sleepRe.FindSubmatch(body); m != nil {
			d, _ := time.ParseDuration(string(m[1]))
			time.Sleep(d)
		}
		if strings.Contains(string(body), "crash") {
			fmt.Fprintln(os.Stderr, "fn: crashing as asked")
			os.Exit(3)
		}
		if strings.Contains(string(body), "fail") {
			w.Header().Set("x-fc-status", "404")
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]string{"errorMessage": "asked to fail", "errorType": "TestError"})
			fmt.Println("FC Invoke End RequestId: " + rid + ", Error: Unhandled function error")
			return
		}
		headers := map[string]string{}
		for k := range r.Header {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "x-fc-") || lk == "content-type" {
				headers[lk] = r.Header.Get(k)
			}
		}
		env := map[string]string{}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		w.Header().Set("x-fc-status", "200")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"requestId": rid, "headers": headers, "body": string(body), "env": env,
			"instance": os.Getenv("FC_INSTANCE_ID"), "inflight": n, "maxInflight": maxInflight.Load(),
		})
		fmt.Println("FC Invoke End RequestId: " + rid)
	})
	srv := &http.Server{Addr: "127.0.0.1:" + port, Handler: mux}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		<-sig
		fmt.Fprintln(os.Stderr, "fn: SIGTERM")
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "fn:", err)
		os.Exit(1)
	}
}
