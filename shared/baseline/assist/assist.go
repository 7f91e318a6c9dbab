// Package assist runs the host baseline probe on an ECS instance through
// Cloud Assistant and returns its facts, for baseline.Evaluate:
//
//	f, err := assist.Probe(ctx, collector, "i-bp1...", assist.Options{Account: acct, Region: "cn-hangzhou"})
//	if err != nil { // *assist.Error: report the host's items NOT_EVALUATED with assist.Reason(err)
//	}
//	report := baseline.Evaluate(f, baseline.Options{InstanceID: "i-bp1...", Region: "cn-hangzhou"})
//
// # Convention
//
// Cloud Assistant keeps at most 24 KB of a command's output per instance
// (DescribeInvocationResults' Dropped counts what it discarded) and has no
// way to page through more, so a facts document larger than that takes
// several invocations. Each invocation runs one shell script (RunCommand,
// Type RunShellScript, sent base64; a few hundred bytes, far below the 18 KB
// content limit):
//
//	#!/bin/sh
//	# cspm baseline probe, part K
//	exec cspm-probe --root / --gzip --chunk N --part K --cache /var/tmp/cspm-probe-<run>.lines [extra flags]
//
// cspm-probe (local/cmd/probe, installed on the image) probes the host once,
// on the first part it is asked for: it writes the gzip-compressed facts as
// "i/n <base64>" lines of at most N data bytes to the cache file and prints
// line K; later parts print their line from the same file, so every part
// comes from one probe run, and the last part removes the file. N is the
// output limit minus room for the "i/n " prefix and the newline, so each
// part's output fits. The client runs part 1, learns n from its "1/n"
// prefix, runs parts 2..n one after another, and reassembles them with
// baseline.DecodeChunkLines. <run> is random per Probe call and doubles as
// the RunCommand ClientToken stem, so a retried RunCommand is not run twice.
//
// Every call goes through the caller (collect.Collector's RunCommand and
// InvocationResults: rate limits, retries, error classes). Results are
// polled with exponential backoff (Options.Poll up to Options.MaxPoll)
// until the record leaves Running/Pending or ctx ends.
//
// # Errors
//
// Probe returns an *Error, whose Kind says why the host could not be
// evaluated: Offline (Cloud Assistant not running: the invocation was
// Aborted with ClientNotRunning and the like), Timeout (Cloud Assistant
// stopped the command at Options.Timeout, or ctx ended while it ran),
// Output (truncated, garbled or inconsistent output, a facts document that
// does not decode), Failed (the probe exited non-zero, e.g. 127 when it is
// not installed) and API (a call failed: permission, throttling). Reason
// renders the NOT_EVALUATED cause.
package assist

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// Caller is what Probe needs from collect.Collector.
type Caller interface {
	RunCommand(ctx context.Context, account, region string, r collect.CommandRequest) (collect.Invocation, error)
	InvocationResults(ctx context.Context, account, region, invokeID, instanceID string) ([]collect.InvocationResult, error)
}

var _ Caller = (*collect.Collector)(nil)

// OutputLimit is Cloud Assistant's documented cap on one command's output.
const OutputLimit = 24 << 10

// Options configures Probe.
type Options struct {
	Account, Region string
	// ProbePath is the probe binary on the host (default "cspm-probe").
	ProbePath string
	// ProbeArgs are extra probe flags (e.g. "--skip-passwords").
	ProbeArgs []string
	// CacheDir holds the probe's chunk file between parts (default /var/tmp).
	CacheDir string
	// OutputLimit is the output one invocation may return (default
	// OutputLimit, 24 KB).
	OutputLimit int
	// Timeout is the Cloud Assistant execution timeout of each part (default
	// 5 minutes: the first part runs the whole probe, password tests included).
	Timeout time.Duration
	// Poll is the first wait between DescribeInvocationResults calls
	// (default 1s), doubling up to MaxPoll (default 10s).
	Poll, MaxPoll time.Duration
}

func (o Options) withDefaults() Options {
	if o.ProbePath == "" {
		o.ProbePath = "cspm-probe"
	}
	if o.CacheDir == "" {
		o.CacheDir = "/var/tmp"
	}
	if o.OutputLimit <= 0 {
		o.OutputLimit = OutputLimit
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.MaxPoll < o.Poll {
		o.MaxPoll = max(10*time.Second, o.Poll)
	}
	return o
}

// Kind classifies a failed remote probe.
type Kind string

const (
	Offline Kind = "offline" // Cloud Assistant is not running on the instance
	Timeout Kind = "timeout" // the probe did not finish in time
	Output  Kind = "output"  // the output was truncated, garbled or did not decode
	Failed  Kind = "failed"  // the probe command failed on the host
	API     Kind = "api"     // an API call failed
)

// Error is a remote probe that gave no facts. The host's items are NOT_EVALUATED.
type Error struct {
	InstanceID string
	Kind       Kind
	Cause      string // human-readable, used by Reason
	Err        error  // the underlying error, if any
}

func (e *Error) Error() string {
	return fmt.Sprintf("assist: probe on %s: %s", e.InstanceID, e.Cause)
}

func (e *Error) Unwrap() error { return e.Err }

// Reason is the NOT_EVALUATED cause for err ("" when err is nil).
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Cause
	}
	return err.Error()
}

// chunkSize is the data bytes per line that keep "i/n <data>\n" within limit.
func chunkSize(limit int) int {
	return max(limit-24, 1) // "nnnnnnn/nnnnnnn " + "\n" fits in 24 bytes
}

// Script is the shell script of one part.
func Script(o Options, run string, part int) string {
	o = o.withDefaults()
	args := []string{o.ProbePath, "--root", "/", "--gzip", "--chunk", strconv.Itoa(chunkSize(o.OutputLimit)),
		"--part", strconv.Itoa(part), "--cache", o.CacheDir + "/cspm-probe-" + run + ".lines"}
	args = append(args, o.ProbeArgs...)
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return "#!/bin/sh\n# cspm baseline probe, part " + strconv.Itoa(part) + "\nexec " + strings.Join(args, " ") + "\n"
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Probe runs the probe on one instance and returns its facts.
func Probe(ctx context.Context, c Caller, instanceID string, o Options) (*baseline.Facts, error) {
	o = o.withDefaults()
	var rnd [8]byte
	_, _ = rand.Read(rnd[:]) // crypto/rand.Read never fails
	run := hex.EncodeToString(rnd[:])
	start := time.Now()
	fail := func(k Kind, err error, format string, a ...any) error {
		return &Error{InstanceID: instanceID, Kind: k, Cause: fmt.Sprintf(format, a...), Err: err}
	}
	var lines []string
	total := 1
	for part := 1; part <= total; part++ {
		out, err := runPart(ctx, c, instanceID, o, run, part, start, fail)
		if err != nil {
			return nil, err
		}
		line := strings.TrimSpace(string(out))
		if strings.Contains(line, "\n") {
			return nil, fail(Output, nil, "probe part %d printed %d lines, want one", part, strings.Count(line, "\n")+1)
		}
		head, _, _ := strings.Cut(line, " ")
		i, n, ok := parseHead(head)
		if !ok || i != part || n > 1<<16 || (part > 1 && n != total) {
			return nil, fail(Output, nil, "probe part %d: garbled output %.40q", part, line)
		}
		total = n
		lines = append(lines, line)
	}
	doc, err := baseline.DecodeChunkLines(lines)
	if err != nil {
		return nil, fail(Output, err, "probe output: %v", err)
	}
	f, err := baseline.DecodeFacts(bytes.NewReader(doc))
	if err != nil {
		return nil, fail(Output, err, "probe output: %v", err)
	}
	return f, nil
}

func parseHead(head string) (i, n int, ok bool) {
	a, b, found := strings.Cut(head, "/")
	if !found {
		return 0, 0, false
	}
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	return i, n, err1 == nil && err2 == nil && i >= 1 && i <= n
}

// runPart runs one part and returns its output.
func runPart(ctx context.Context, c Caller, instanceID string, o Options, run string, part int, start time.Time,
	fail func(Kind, error, string, ...any) error) ([]byte, error) {
	inv, err := c.RunCommand(ctx, o.Account, o.Region, collect.CommandRequest{
		InstanceIDs: []string{instanceID}, Content: Script(o, run, part), Timeout: o.Timeout,
		Name: "cspm-probe", Description: "cspm baseline probe, part " + strconv.Itoa(part),
		ClientToken: run + "-" + strconv.Itoa(part),
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fail(Timeout, err, "probe timed out after %s", time.Since(start).Round(time.Second))
		}
		return nil, fail(API, err, "Cloud Assistant RunCommand failed: %v", err)
	}
	wait := o.Poll
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fail(Timeout, ctx.Err(), "probe timed out after %s (part %d still running)",
				time.Since(start).Round(time.Millisecond), part)
		case <-t.C:
		}
		wait = min(wait*2, o.MaxPoll)
		res, err := c.InvocationResults(ctx, o.Account, o.Region, inv.InvokeID, instanceID)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fail(Timeout, err, "probe timed out after %s", time.Since(start).Round(time.Millisecond))
			}
			if errors.Is(err, collect.ErrMalformed) {
				return nil, fail(Output, err, "probe output: %v", err)
			}
			return nil, fail(API, err, "Cloud Assistant DescribeInvocationResults failed: %v", err)
		}
		var r *collect.InvocationResult
		for i := range res {
			if strings.EqualFold(res[i].InstanceID, instanceID) {
				r = &res[i]
			}
		}
		if r == nil {
			return nil, fail(API, nil, "Cloud Assistant has no result for invocation %s", inv.InvokeID)
		}
		switch r.InvocationStatus {
		case "Pending", "Running", "Scheduled", "Stopping":
			continue
		case "":
			if r.InvokeRecordStatus == "Running" || r.InvokeRecordStatus == "Pending" {
				continue
			}
		case "Success":
			if r.Dropped > 0 {
				return nil, fail(Output, nil, "probe part %d output truncated by Cloud Assistant (%d bytes dropped)", part, r.Dropped)
			}
			return r.Output, nil
		case "Timeout":
			return nil, fail(Timeout, nil, "probe timed out after %s (Cloud Assistant %s)", o.Timeout, orCode(r.ErrorCode, "ExecutionTimeout"))
		}
		switch r.ErrorCode {
		case "ClientNotRunning", "ClientNotResponse", "ClientNetworkBlocked", "ClientIsUpgrading", "ClientNeedUpgrade",
			"InstanceNotRunning", "InstanceReleased", "InstanceNotExists", "DeliveryTimeout":
			return nil, fail(Offline, nil, "Cloud Assistant offline (%s: %s)", r.ErrorCode, r.ErrorInfo)
		case "ExecutionTimeout":
			return nil, fail(Timeout, nil, "probe timed out after %s (Cloud Assistant ExecutionTimeout)", o.Timeout)
		}
		if r.InvocationStatus == "Aborted" {
			return nil, fail(Offline, nil, "Cloud Assistant offline (%s)", orCode(r.ErrorCode, "Aborted"))
		}
		msg := strings.TrimSpace(string(r.Output))
		if len(msg) > 200 {
			msg = msg[len(msg)-200:]
		}
		return nil, fail(Failed, nil, "probe failed on the host: %s, exit code %d: %s", orCode(r.ErrorCode, r.InvocationStatus), r.ExitCode, msg)
	}
}

func orCode(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
