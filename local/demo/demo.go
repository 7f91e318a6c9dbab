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
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/cspm-alibaba/cspm/local/fcsim"
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/meter"
	"github.com/cspm-alibaba/cspm/shared/shard"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// Options configure a demo run.
type Options struct {
	BinDir  string
	Spec    string
	Out     io.Writer     // the hops and the summary
	Logs    io.Writer     // function process output; nil discards it
	Timeout time.Duration // for the whole run; default 60 s
	// DataFile keeps the Tablestore emulator's tables between runs (empty: memory only).
	DataFile string
	// Inspect, if set, runs after the summary with the stack still up: tests read the
	// store through it.
	Inspect func(ctx context.Context, stack *Stack) error
}

type plannedTask struct {
	TenantID string `json:"tenant_id"`
	TaskID   string `json:"task_id"`
	Policy   string `json:"policy"`
	Shards   int    `json:"shards"`
	Queue    string `json:"queue"`
}

// Run starts the stack, fires the nightly scan timer, waits until run-check-shard has
// run every shard the scan planned, fires the hourly meter, and prints a summary read
// back from the store.
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
		mu      sync.Mutex
		batches int
		arrived = make(chan struct{}, 1)
	)
	hop := func(h fcsim.Hop) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(o.Out, formatHop(h))
		if h.Function == "run-check-shard" && h.Status == fcsim.HopOK {
			batches++
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
	}
	fmt.Fprintln(o.Out, "== starting the emulators (Alibaba Cloud with the sample account, Tablestore, MNS) and the five functions under the FC custom runtime")
	stack, err := StartStack(ctx, StackOptions{BinDir: o.BinDir, Spec: o.Spec, Hop: hop, Stdout: o.Logs, Stderr: o.Logs, DataFile: o.DataFile})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stack.Close(context.Background())) }()

	if err := Authorize(ctx, o.Out, stack); err != nil {
		return err
	}

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

	fmt.Fprintf(o.Out, "== waiting for run-check-shard to run %d shards from MNS\n", want)
	for _, t := range plan.Tasks {
		for {
			task, err := stack.Store.GetTask(ctx, t.TenantID, t.TaskID)
			if err != nil {
				return fmt.Errorf("demo: read task %s back: %w", t.TaskID, err)
			}
			if task.Status == store.TaskDone || task.Status == store.TaskFailed || (task.Status == store.TaskStopped && task.Detail != shard.ReasonQuotaExhausted) {
				break // a stopped task is over once its detail has the final counts
			}
			select {
			case <-arrived:
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				return fmt.Errorf("demo: task %s still %s at the deadline: %w", t.TaskID, task.Status, ctx.Err())
			}
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
	var metered meter.Result
	if err := json.Unmarshal(mres.Body, &metered); err != nil {
		return fmt.Errorf("demo: meter-quota answered %q: %w", mres.Body, err)
	}

	mu.Lock()
	n := batches
	mu.Unlock()
	if err := summary(ctx, o.Out, stack, plan.Tasks, n); err != nil {
		return err
	}
	if err := bills(o.Out, metered); err != nil {
		return err
	}
	var tenants []string
	for _, t := range plan.Tasks {
		if !slices.Contains(tenants, t.TenantID) {
			tenants = append(tenants, t.TenantID)
		}
	}
	for _, id := range tenants {
		fs, err := stack.Store.ListFindings(ctx, id)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if err := findingsSummary(o.Out, id, configFindings(fs)); err != nil {
			return err
		}
		if err := hostsSummary(o.Out, id, fs); err != nil {
			return err
		}
	}
	if err := changes(ctx, o.Out, stack, plan.Tasks); err != nil {
		return err
	}
	if o.Inspect != nil {
		return o.Inspect(ctx, stack)
	}
	return nil
}

// Authorize onboards the sample tenants through the authorize function: it assumes
// each tenant's role, confirms the account, probes what the role can read, and records
// the tenant. Nothing is scheduled for a tenant before this.
func Authorize(ctx context.Context, w io.Writer, stack *Stack) error {
	reqs, err := SampleTenants()
	if err != nil {
		return err
	}
	for _, r := range reqs {
		fmt.Fprintf(w, "== authorizing tenant %s (account %s, role %s)\n", r.TenantID, r.AccountID, r.RoleARN)
		body, err := json.Marshal(r)
		if err != nil {
			return err
		}
		res, err := stack.FC.Invoke(ctx, "authorize", body)
		if err != nil {
			return fmt.Errorf("demo: invoke authorize: %w", err)
		}
		if !res.OK() {
			return fmt.Errorf("demo: authorize %s failed: %s", r.TenantID, res.Err)
		}
		var out tenant.AuthorizeResult
		if err := json.Unmarshal(res.Body, &out); err != nil {
			return fmt.Errorf("demo: authorize answered %q: %w", res.Body, err)
		}
		fmt.Fprintf(w, "   %s at %s; readable: %s; service-linked role: %s\n", out.Status, out.AuthorizedAt, strings.Join(out.Readable, ", "), out.ServiceLinkedRole)
		products := make([]string, 0, len(out.Unreadable))
		for p := range out.Unreadable {
			products = append(products, p)
		}
		slices.Sort(products)
		for _, p := range products {
			fmt.Fprintf(w, "   not readable: %s: %s\n", p, out.Unreadable[p])
		}
	}
	return nil
}

// summary prints the tasks and their shards as the store holds them.
func summary(ctx context.Context, w io.Writer, stack *Stack, tasks []plannedTask, batches int) error {
	fmt.Fprintf(w, "\n== summary, read back from Tablestore (run-check-shard ran %d batches)\n", batches)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tTASK\tSHARD\tREGION\tPRODUCT\tITEMS\tSTATE\tATTEMPT\tNOTE")
	var bad []string
	for _, t := range tasks {
		task, err := stack.Store.GetTask(ctx, t.TenantID, t.TaskID)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		shards, err := stack.Store.ListShards(ctx, t.TenantID, t.TaskID)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		done := 0
		for _, sh := range shards {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\t%s\n", sh.TenantID, sh.TaskID, sh.ShardID, sh.Region, sh.Product, len(sh.Items), sh.State, sh.Attempt, shorten(sh.Note, 90))
			switch {
			case sh.State == store.ShardDone:
				done++
			case sh.State == store.ShardStopped && task.Status == store.TaskStopped:
				// stopped by the subscription's quota, as the task says
			default:
				bad = append(bad, sh.ShardID+" "+string(sh.State))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		status := fmt.Sprintf("%s (%d of %d shards done)", task.Status, done, task.Shards)
		if task.Detail != "" {
			status = string(task.Status) + ": " + task.Detail
		}
		fmt.Fprintf(w, "task %s of %s: %s\n\n", task.TaskID, task.TenantID, status)
		if len(shards) != task.Shards {
			return fmt.Errorf("demo: task %s has %d shard rows; it planned %d", task.TaskID, len(shards), task.Shards)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("demo: shards not done: %s", strings.Join(bad, ", "))
	}
	return nil
}

// bills prints what meter-quota wrote: each tenant's bills and how its quota counter
// reconciled with its usage records.
func bills(w io.Writer, m meter.Result) error {
	fmt.Fprintln(w, "== bills written by meter-quota (cspm_bills; the current periods are provisional)")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tBILL\tMETHOD\tUNITS\tRECONCILED")
	for _, b := range m.Bills {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", b.TenantID, b.BillID, b.Method, b.Units, b.Reconciled)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range m.Counters {
		verdict := "reconciled"
		if !c.OK {
			verdict = "MISMATCH: " + strings.Join(c.Problems, "; ")
		}
		fmt.Fprintf(w, "quota counter %s of %s (%s): %d units used, %d in usage records, %d held: %s\n", c.Counter, c.TenantID, c.Method, c.Used, c.Usage, c.Held, verdict)
	}
	if m.Mismatches > 0 {
		return fmt.Errorf("demo: meter-quota found %d quota mismatches", m.Mismatches)
	}
	return nil
}

// FailingItem is one check item that failed, with how many instances it failed on.
type FailingItem struct {
	ItemID, Product, Severity, Title string
	Instances                        int
}

// FailingItems groups a tenant's NOT_PASS config findings by item, most severe first
// (then by item id).
func FailingItems(fs []store.Finding) []FailingItem {
	at := map[string]int{} // item id → index in out
	var out []FailingItem
	for _, f := range fs {
		if f.Status != string(checks.NotPass) || f.Product == hostProduct {
			continue // host items: HostSummaries
		}
		i, ok := at[f.ItemID]
		if !ok {
			i = len(out)
			at[f.ItemID] = i
			out = append(out, FailingItem{ItemID: f.ItemID, Product: f.Product, Severity: f.Severity, Title: f.Title})
		}
		out[i].Instances++
	}
	slices.SortFunc(out, func(a, b FailingItem) int {
		if c := catalog.Severity(b.Severity).Rank() - catalog.Severity(a.Severity).Rank(); c != 0 {
			return c
		}
		return strings.Compare(a.ItemID, b.ItemID)
	})
	return out
}

// findingsSummary prints a tenant's findings as the store holds them: the failing
// items by severity, the totals per status and lifecycle state, and how many items and
// products fail.
func findingsSummary(w io.Writer, tenantID string, fs []store.Finding) error {
	fmt.Fprintf(w, "\n== findings of tenant %s, read back from Tablestore: %d\n", tenantID, len(fs))
	items := FailingItems(fs)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tITEM\tPRODUCT\tINSTANCES\tTITLE")
	products := map[string]bool{}
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", it.Severity, it.ItemID, it.Product, it.Instances, shorten(it.Title, 70))
		products[it.Product] = true
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "by status: %s\n", counts(fs, func(f store.Finding) string { return f.Status }))
	fmt.Fprintf(w, "by state:  %s\n", counts(fs, func(f store.Finding) string { return f.State }))
	fmt.Fprintf(w, "%d failing items across %d products\n", len(items), len(products))
	return nil
}

// counts is "K1 n1, K2 n2, ..." of key over fs, largest first; empty keys are left out.
func counts(fs []store.Finding, key func(store.Finding) string) string {
	n := map[string]int{}
	var keys []string
	for _, f := range fs {
		k := key(f)
		if k == "" {
			continue
		}
		if n[k] == 0 {
			keys = append(keys, k)
		}
		n[k]++
	}
	slices.SortFunc(keys, func(a, b string) int {
		if n[a] != n[b] {
			return n[b] - n[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, n[k])
	}
	return strings.Join(parts, ", ")
}

// shorten cuts s to n runes for a table cell.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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
