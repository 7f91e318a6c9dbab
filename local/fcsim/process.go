package fcsim

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// instance is one running function process (an FC instance).
type instance struct {
	id   string
	port int
	cmd  *exec.Cmd
	tail *tailWriter
	out  *prefixWriter
	errw *prefixWriter

	done    chan struct{} // closed once the process has exited
	waitErr error         // valid after done is closed
}

// exited reports whether the process has ended.
func (in *instance) exited() bool {
	select {
	case <-in.done:
		return true
	default:
		return false
	}
}

// exitReason describes how the process ended, with its last stderr lines.
func (in *instance) exitReason() string {
	why := "exit status 0"
	if in.waitErr != nil {
		why = in.waitErr.Error()
	}
	if t := in.tail.String(); t != "" {
		why += "; last stderr: " + t
	}
	return why
}

// startInstance launches f's binary, waits until it listens and calls /initialize. The port
// is picked before the process binds it, so another program may take it first: a process
// that fails with "address already in use" is retried on another port.
func (s *Sim) startInstance(f *function) (*instance, error) {
	for try := 1; ; try++ {
		in, err := s.startInstanceOnce(f)
		if err == nil {
			return in, nil
		}
		if try == 3 || in == nil || !strings.Contains(in.tail.String(), "address already in use") {
			return nil, err
		}
		s.stderr.printf("%s: port %d was taken before instance %s could bind it; retrying on another port", f.spec.Key, in.port, in.id)
	}
}

func (s *Sim) startInstanceOnce(f *function) (*instance, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("fcsim: %s: pick a port: %w", f.spec.Key, err)
	}
	in := &instance{
		id:   "c-" + randomHex(4) + "-" + randomHex(4) + "-" + randomHex(6),
		port: port,
		tail: &tailWriter{max: 20},
		out:  &prefixWriter{dst: s.stdout, prefix: "[" + f.spec.Key + "] "},
		errw: &prefixWriter{dst: s.stderr, prefix: "[" + f.spec.Key + "] "},
		done: make(chan struct{}),
	}
	cmd := exec.CommandContext(s.life, f.bin)
	cmd.Env = s.processEnv(f, in)
	cmd.Stdout = in.out
	cmd.Stderr = io.MultiWriter(in.errw, in.tail)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = s.opts.StopGrace
	in.cmd = cmd
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("fcsim: %s: start %s: %w", f.spec.Key, f.bin, err)
	}
	go func() {
		in.waitErr = cmd.Wait()
		in.out.Flush()
		in.errw.Flush()
		close(in.done)
	}()
	if err := s.waitListening(f, in); err != nil {
		in.kill()
		return in, err
	}
	if err := s.initialize(f, in); err != nil {
		in.kill()
		return in, err
	}
	return in, nil
}

// waitListening polls the instance's port until it accepts TCP connections.
func (s *Sim) waitListening(f *function, in *instance) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(in.port))
	deadline := time.Now().Add(s.opts.StartTimeout)
	for {
		if in.exited() {
			return fmt.Errorf("fcsim: %s: instance %s exited before listening on port %d: %s",
				f.spec.Key, in.id, in.port, in.exitReason())
		}
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			return nil
		}
		if time.Now().After(deadline) {
			why := ""
			if t := in.tail.String(); t != "" {
				why = "; last stderr: " + t
			}
			return fmt.Errorf("fcsim: %s: instance %s did not listen on port %d (FC_CUSTOM_LISTEN_PORT) within %v%s",
				f.spec.Key, in.id, in.port, s.opts.StartTimeout, why)
		}
		select {
		case <-in.done:
		case <-s.life.Done():
			return fmt.Errorf("fcsim: %s: start instance: %w", f.spec.Key, s.life.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// initialize sends POST /initialize. A 404 or 405 without x-fc-status means the function has
// no initializer (FC would not call it then) and is accepted.
func (s *Sim) initialize(f *function, in *instance) error {
	ctx, cancel := context.WithTimeout(s.life, f.spec.Timeout)
	defer cancel()
	rid := newRequestID()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, in.url("/initialize"), http.NoBody)
	if err != nil {
		return fmt.Errorf("fcsim: %s: initialize: %w", f.spec.Key, err)
	}
	s.setHeaders(req, f, rid, "/initialize", 0)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("fcsim: %s: initialize instance %s: %w", f.spec.Key, in.id, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	_ = resp.Body.Close()
	fcStatus := resp.Header.Get("x-fc-status")
	switch {
	case fcStatus == "" && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed):
		return nil
	case fcStatus != "" && fcStatus != "200":
		return fmt.Errorf("fcsim: %s: initialize instance %s: x-fc-status %s: %s", f.spec.Key, in.id, fcStatus, bytes.TrimSpace(body))
	case fcStatus == "" && (resp.StatusCode < 200 || resp.StatusCode > 299):
		return fmt.Errorf("fcsim: %s: initialize instance %s: HTTP %d: %s", f.spec.Key, in.id, resp.StatusCode, bytes.TrimSpace(body))
	}
	return nil
}

// stop sends GET /pre-stop, then SIGTERM, then SIGKILL after grace (or when ctx ends).
func (s *Sim) stopInstance(ctx context.Context, f *function, in *instance) {
	if in.exited() {
		return
	}
	pctx, cancel := context.WithTimeout(ctx, s.opts.StopGrace)
	req, err := http.NewRequestWithContext(pctx, http.MethodGet, in.url("/pre-stop"), http.NoBody)
	if err == nil {
		s.setHeaders(req, f, newRequestID(), "/pre-stop", 0)
		if resp, err := s.client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			_ = resp.Body.Close()
		}
	}
	cancel()
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(s.opts.StopGrace)
	defer t.Stop()
	select {
	case <-in.done:
		return
	case <-t.C:
	case <-ctx.Done():
	}
	in.kill()
}

// kill ends the process at once and waits (briefly) for it to be reaped.
func (in *instance) kill() {
	_ = in.cmd.Process.Kill()
	select {
	case <-in.done:
	case <-time.After(5 * time.Second):
	}
}

func (in *instance) url(path string) string {
	return "http://127.0.0.1:" + strconv.Itoa(in.port) + path
}

// inheritedEnvDropped lists the prefixes of the simulator's own environment variables that
// function processes do not inherit: FC's reserved FC_* names, the runtime selectors of
// other platforms (AWS_LAMBDA_*), and ALIBABA_CLOUD_* credentials, so that a function sees
// only the credentials given in Options, as on FC, where it sees only its role's.
var inheritedEnvDropped = []string{"FC_", "AWS_LAMBDA_", "ALIBABA_CLOUD_"}

// processEnv builds a function process's environment: the simulator's own environment
// (less inheritedEnvDropped), then s.yaml's variables, the credentials, Options.Env and the
// FC_* variables FC sets. Later entries win.
func (s *Sim) processEnv(f *function, in *instance) []string {
	var env []string
	for _, kv := range os.Environ() {
		if slices.ContainsFunc(inheritedEnvDropped, func(p string) bool { return strings.HasPrefix(kv, p) }) {
			continue
		}
		env = append(env, kv)
	}
	keys := make([]string, 0, len(f.spec.Env))
	for k := range f.spec.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+f.spec.Env[k])
	}
	if s.opts.AccessKeyID != "" {
		env = append(env,
			"ALIBABA_CLOUD_ACCESS_KEY_ID="+s.opts.AccessKeyID,
			"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+s.opts.AccessKeySecret,
			"ALIBABA_CLOUD_SECURITY_TOKEN="+s.opts.SecurityToken)
	}
	env = append(env, s.opts.Env...)
	env = append(env,
		"FC_CUSTOM_LISTEN_PORT="+strconv.Itoa(in.port),
		"FC_FUNCTION_NAME="+f.spec.Name,
		"FC_FUNCTION_MEMORY_SIZE="+strconv.Itoa(f.spec.MemorySize),
		"FC_REGION="+s.opts.Region,
		"FC_ACCOUNT_ID="+s.opts.AccountID,
		"FC_INSTANCE_ID="+in.id,
	)
	return dedupEnv(env)
}

// dedupEnv keeps the last value of each variable, in first-seen order.
func dedupEnv(env []string) []string {
	idx := map[string]int{}
	out := make([]string, 0, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := idx[k]; ok {
			out[i] = kv
			continue
		}
		idx[k] = len(out)
		out = append(out, kv)
	}
	return out
}

// freePort returns a port that is free on 127.0.0.1 now. It prefers ports below Linux's
// default ephemeral range (32768-60999), where outgoing connections and ":0" listeners of
// other programs do not land, so the port is unlikely to be taken before the process binds it.
func freePort() (int, error) {
	for range 50 {
		port := 20000 + mrand.IntN(12000)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			_ = l.Close()
			return port, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// newRequestID returns a unique FC-style request id (a random UUID).
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// lineWriter serialises whole lines onto one destination shared by many processes.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) writeLine(prefix string, line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	buf := make([]byte, 0, len(prefix)+len(line)+1)
	buf = append(buf, prefix...)
	buf = append(buf, line...)
	if len(line) == 0 || line[len(line)-1] != '\n' {
		buf = append(buf, '\n')
	}
	_, _ = l.w.Write(buf) // output is best effort
}

// printf writes one simulator log line.
func (l *lineWriter) printf(format string, args ...any) {
	l.writeLine("[fcsim] ", []byte(fmt.Sprintf(format, args...)))
}

// prefixWriter prefixes each line written to it and passes whole lines to dst.
type prefixWriter struct {
	mu     sync.Mutex
	dst    *lineWriter
	prefix string
	buf    []byte
}

const maxLine = 64 << 10

// Write implements io.Writer; it never fails.
func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		p.dst.writeLine(p.prefix, p.buf[:i+1])
		p.buf = p.buf[i+1:]
	}
	if len(p.buf) > maxLine {
		p.dst.writeLine(p.prefix, p.buf)
		p.buf = nil
	}
	p.buf = append([]byte(nil), p.buf...)
	return len(b), nil
}

// Flush writes a final unterminated line, if any.
func (p *prefixWriter) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.dst.writeLine(p.prefix, p.buf)
		p.buf = nil
	}
}

// tailWriter keeps the last max lines written to it.
type tailWriter struct {
	mu      sync.Mutex
	max     int
	lines   []string
	partial []byte
}

// Write implements io.Writer; it never fails.
func (t *tailWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.partial = append(t.partial, b...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			break
		}
		t.add(string(t.partial[:i]))
		t.partial = t.partial[i+1:]
	}
	if len(t.partial) > maxLine {
		t.add(string(t.partial))
		t.partial = nil
	}
	t.partial = append([]byte(nil), t.partial...)
	return len(b), nil
}

func (t *tailWriter) add(line string) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" {
		return
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
}

// String returns the kept lines joined by " | ", including an unterminated last line.
func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := append([]string(nil), t.lines...)
	if p := strings.TrimSpace(string(t.partial)); p != "" {
		lines = append(lines, p)
	}
	return strings.Join(lines, " | ")
}

var errStopped = errors.New("fcsim: simulator stopped")
