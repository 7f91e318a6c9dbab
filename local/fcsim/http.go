package fcsim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// maxInvokePayload is FC's limit on a synchronous invocation payload (32 MB).
const maxInvokePayload = 32 << 20

// Handler returns the control API:
//
//	POST /triggers/{name}/fire     fire a timer trigger now (name as for Fire)
//	POST /functions/{name}/invoke  invoke a function (resource key or functionName); body = payload
//	GET  /functions                list the functions, their triggers and instances
//
// Fire and invoke answer JSON {"status", "request_id", "function", "duration_ms", "body",
// "error"}: status is the function's x-fc-status, body the function's response (embedded
// as JSON when it is JSON, else as a string) and error is set when the invocation failed.
// The HTTP status is 200 for a successful invocation, 502 for a failed one, 404 for an
// unknown name, 503 when the simulator is not running, 413 for an oversized payload.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /triggers/{name}/fire", func(w http.ResponseWriter, r *http.Request) {
		res, err := s.Fire(r.Context(), r.PathValue("name"))
		writeResult(w, res, err)
	})
	mux.HandleFunc("POST /functions/{name}/invoke", func(w http.ResponseWriter, r *http.Request) {
		payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInvokePayload))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "payload over FC's 32 MB limit"})
				return
			}
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "read payload: " + err.Error()})
			return
		}
		res, err := s.Invoke(r.Context(), r.PathValue("name"), payload)
		writeResult(w, res, err)
	})
	mux.HandleFunc("GET /functions", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.describe())
	})
	return mux
}

// resultJSON is the control API's answer to fire and invoke.
type resultJSON struct {
	Status     int             `json:"status"`
	RequestID  string          `json:"request_id,omitempty"`
	Function   string          `json:"function,omitempty"`
	DurationMS int64           `json:"duration_ms"`
	Body       json.RawMessage `json:"body,omitempty"`
	Error      string          `json:"error,omitempty"`
}

func writeResult(w http.ResponseWriter, res Result, err error) {
	if err != nil {
		code := http.StatusBadGateway
		switch {
		case errors.Is(err, ErrNotFound):
			code = http.StatusNotFound
		case errors.Is(err, ErrNotRunning):
			code = http.StatusServiceUnavailable
		}
		writeJSON(w, code, resultJSON{RequestID: res.RequestID, Function: res.Function, Error: err.Error()})
		return
	}
	out := resultJSON{
		Status:     res.Status,
		RequestID:  res.RequestID,
		Function:   res.Function,
		DurationMS: res.Duration.Milliseconds(),
		Error:      res.Err,
	}
	if len(res.Body) > 0 {
		if json.Valid(res.Body) {
			out.Body = res.Body
		} else {
			b, _ := json.Marshal(string(res.Body)) // a string always marshals
			out.Body = b
		}
	}
	code := http.StatusOK
	if !res.OK() {
		code = http.StatusBadGateway
	}
	writeJSON(w, code, out)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client may have gone away
}

// functionJSON describes one function for GET /functions.
type functionJSON struct {
	Key                 string   `json:"key"`
	Name                string   `json:"name"`
	TimeoutSeconds      int      `json:"timeout_s"`
	InstanceConcurrency int      `json:"instance_concurrency"`
	Instance            string   `json:"instance,omitempty"`
	Port                int      `json:"port,omitempty"`
	Timers              []string `json:"timers,omitempty"`
	Queues              []string `json:"queues,omitempty"`
	Events              []string `json:"events,omitempty"`
}

func (s *Sim) describe() []functionJSON {
	out := make([]functionJSON, 0, len(s.fns))
	for _, f := range s.fns {
		fj := functionJSON{Key: f.spec.Key, Name: f.spec.Name, TimeoutSeconds: int(f.spec.Timeout.Seconds()),
			InstanceConcurrency: f.spec.InstanceConcurrency}
		f.mu.Lock()
		if f.inst != nil && !f.inst.exited() {
			fj.Instance, fj.Port = f.inst.id, f.inst.port
		}
		f.mu.Unlock()
		for _, t := range f.spec.Timers {
			fj.Timers = append(fj.Timers, t.Name+" ("+t.Cron+")")
		}
		for _, q := range f.spec.Queues {
			fj.Queues = append(fj.Queues, q.Name+" ("+q.Queue+")")
		}
		for _, e := range f.spec.Events {
			fj.Events = append(fj.Events, e.Name+" ("+e.Type+" "+e.SourceType+", not delivered)")
		}
		out = append(out, fj)
	}
	return out
}
