// Package demo runs the whole service on one machine against the embedded emulators, and
// prints each hop of the chain: timer → schedule-scan → MNS → run-check-shard, then the
// hourly meter-quota timer.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/cspm-alibaba/cspm/local/fcsim"
)

// Options configure a demo run.
type Options struct {
	BinDir  string
	Spec    string
	Out     io.Writer     // the hops and the summary
	Logs    io.Writer     // function process output; nil discards it
	Timeout time.Duration // for the whole run; default 60 s
}

type plannedTask struct {
	TenantID string `json:"tenant_id"`
	TaskID   string `json:"task_id"`
	Policy   string `json:"policy"`
	Shards   int    `json:"shards"`
	Queue    string `json:"queue"`
}

type receivedShard struct {
	TenantID string `json:"tenant_id"`
	TaskID   string `json:"task_id"`
	ShardID  string `json:"shard_id"`
	Region   string `json:"region"`
	Product  string `json:"product"`
	Items    int    `json:"items"`
	Status   string `json:"status"`
}

// Run starts the stack, fires the nightly scan timer, waits until run-check-shard has
// received every shard the scan planned, fires the hourly meter, and prints a summary.
func Run(ctx context.Context, o Options) (err error) {
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Logs == nil {
		o.Logs = io.Discard
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	var (
		mu       sync.Mutex
		received []receivedShard
		batches  int
		arrived  = make(chan struct{}, 1)
	)
	hop := func(h fcsim.Hop) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(o.Out, formatHop(h))
		if h.Function == "run-check-shard" && h.Status == "ok" {
			var res struct {
				Shards []receivedShard `json:"shards"`
			}
			if err := json.Unmarshal(h.Body, &res); err == nil {
				received = append(received, res.Shards...)
				batches++
				select {
				case arrived <- struct{}{}:
				default:
				}
			}
		}
	}
	fmt.Fprintln(o.Out, "== starting emulators (MNS) and the five functions under the FC custom runtime")
	stack, err := StartStack(ctx, StackOptions{BinDir: o.BinDir, Spec: o.Spec, Hop: hop, Stdout: o.Logs, Stderr: o.Logs})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stack.Close(context.Background())) }()

	fmt.Fprintln(o.Out, "== firing timer nightly-scan")
	res, err := stack.FC.Fire(ctx, "nightly-scan")
	if err != nil {
		return fmt.Errorf("demo: fire nightly-scan: %w", err)
	}
	if res.Status != 200 {
		return fmt.Errorf("demo: schedule-scan failed: %s", res.Body)
	}
	var plan struct {
		Tasks []plannedTask `json:"tasks"`
	}
	if err := json.Unmarshal(res.Body, &plan); err != nil {
		return fmt.Errorf("demo: schedule-scan answered %q: %w", res.Body, err)
	}
	want := 0
	for _, t := range plan.Tasks {
		want += t.Shards
		fmt.Fprintf(o.Out, "   planned task %s for tenant %s: %d shards (policy %s) → queue %s\n", t.TaskID, t.TenantID, t.Shards, t.Policy, t.Queue)
	}
	if want == 0 {
		return errors.New("demo: schedule-scan planned no shards")
	}

	fmt.Fprintf(o.Out, "== waiting for run-check-shard to receive %d shard jobs from MNS\n", want)
	for {
		mu.Lock()
		got := len(received)
		mu.Unlock()
		if got >= want {
			break
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			return fmt.Errorf("demo: run-check-shard received %d of %d shards before the deadline: %w", got, want, ctx.Err())
		}
	}

	fmt.Fprintln(o.Out, "== firing timer hourly-meter")
	mres, err := stack.FC.Fire(ctx, "hourly-meter")
	if err != nil {
		return fmt.Errorf("demo: fire hourly-meter: %w", err)
	}
	if mres.Status != 200 {
		return fmt.Errorf("demo: meter-quota failed: %s", mres.Body)
	}

	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(o.Out, "\n== summary: %d shards received by run-check-shard in %d batches\n", len(received), batches)
	tw := tabwriter.NewWriter(o.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tTASK\tSHARD\tREGION\tPRODUCT\tITEMS\tSTATUS")
	for _, s := range received {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.TenantID, s.TaskID, s.ShardID, s.Region, s.Product, s.Items, s.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(received) != want {
		return fmt.Errorf("demo: run-check-shard received %d shards; schedule-scan planned %d", len(received), want)
	}
	return nil
}

func formatHop(h fcsim.Hop) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[hop] %s %-6s %-16s → %-16s", h.Time.UTC().Format("15:04:05.000"), h.Kind, h.Trigger, h.Function)
	if h.Messages > 0 {
		fmt.Fprintf(&b, " batch=%d", h.Messages)
	}
	if h.Attempt > 1 {
		fmt.Fprintf(&b, " attempt=%d", h.Attempt)
	}
	fmt.Fprintf(&b, " %s in %s", h.Status, h.Duration.Round(time.Millisecond))
	if h.Err != "" {
		fmt.Fprintf(&b, ": %s", h.Err)
	}
	return b.String()
}
