package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/queue"
	"github.com/cspm-alibaba/cspm/shared/report"
	"github.com/cspm-alibaba/cspm/shared/schedule"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// The commands on a tenant's findings reach the store as `cspm authorize` does:
// OTS_ENDPOINT, OTS_INSTANCE and the ALIBABA_CLOUD_ACCESS_KEY_* variables.

// runWhitelist adds, lists and removes a tenant's whitelist rules in Tablestore;
// run-check-shard applies them on the next scan or verify.
func runWhitelist(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list" && args[0] != "remove") {
		return usageError{"what to do? whitelist add | list | remove"}
	}
	op := args[0]
	fs := newFlags("whitelist "+op, stderr)
	tenantID := fs.String("tenant", "", "tenant id")
	item := fs.String("item", "", "check item id (see `cspm catalog`)")
	instance := fs.String("instance", "", "one instance of the item (default: every instance)")
	reason := fs.String("reason", "", "why the risk is accepted (required for add)")
	expires := fs.String("expires", "", "when the rule stops muting: a date (2027-01-01, midnight UTC) or an RFC 3339 time; default never")
	by := fs.String("by", os.Getenv("USER"), "who adds the rule")
	format := fs.String("format", "table", "list output: json or table")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + fs.Arg(0)}
	}
	if *tenantID == "" {
		return usageError{"--tenant is required"}
	}
	if op != "list" && *item == "" {
		return usageError{"--item is required"}
	}
	rule := store.WhitelistRule{TenantID: *tenantID, ItemID: *item, InstanceID: *instance, Reason: *reason, CreatedBy: *by}
	if op == "add" {
		_, config := checks.Lookup(*item)
		if _, host := baseline.Lookup(*item); !config && !host {
			return usageError{fmt.Sprintf("unknown item id %q (list them with `cspm catalog`, or `cspm baseline` for host items)", *item)}
		}
		if strings.TrimSpace(*reason) == "" {
			return usageError{"--reason is required: say why the risk is accepted"}
		}
		if *expires != "" {
			t, err := parseExpiry(*expires)
			if err != nil {
				return usageError{err.Error()}
			}
			if !t.After(time.Now()) {
				return usageError{fmt.Sprintf("--expires %s is in the past: the rule would mute nothing", *expires)}
			}
			rule.Expires = t
		}
	}
	st, err := store.FromEnv()
	if err != nil {
		return err
	}
	if _, err := st.GetTenant(ctx, *tenantID); err != nil {
		return err
	}
	switch op {
	case "add":
		if err := st.PutWhitelistRule(ctx, rule); err != nil {
			return err
		}
		scope := "every instance"
		if rule.InstanceID != "" {
			scope = fmt.Sprintf("instance %q", rule.InstanceID)
		}
		until := "never expires"
		if !rule.Expires.IsZero() {
			until = "until " + rule.Expires.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(stdout, "whitelisted %s of %s for tenant %s (%s)\n", scope, rule.ItemID, rule.TenantID, until)
		return nil
	case "remove":
		return st.DeleteWhitelistRule(ctx, *tenantID, *item, *instance)
	}
	f, err := report.ParseFormat(*format, report.JSON, report.Table)
	if err != nil {
		return usageError{err.Error()}
	}
	rules, err := st.ListWhitelist(ctx, *tenantID)
	if err != nil {
		return err
	}
	return writeWhitelist(stdout, f, rules, time.Now())
}

// parseExpiry reads a date (midnight UTC) or an RFC 3339 time.
func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--expires %q: want a date (2027-01-01) or an RFC 3339 time", s)
	}
	return t, nil
}

// whitelistEntry is a rule as `cspm whitelist list --format json` prints it.
type whitelistEntry struct {
	ItemID     string    `json:"item_id"`
	InstanceID string    `json:"instance_id,omitempty"`
	Reason     string    `json:"reason"`
	CreatedBy  string    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Expires    time.Time `json:"expires,omitzero"`
	Active     bool      `json:"active"`
}

func writeWhitelist(w io.Writer, f report.Format, rules []store.WhitelistRule, now time.Time) error {
	out := make([]whitelistEntry, len(rules))
	for i, r := range rules {
		out[i] = whitelistEntry{ItemID: r.ItemID, InstanceID: r.InstanceID, Reason: r.Reason, CreatedBy: r.CreatedBy,
			CreatedAt: r.CreatedAt, Expires: r.Expires, Active: r.Active(now)}
	}
	if f == report.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Rules []whitelistEntry `json:"rules"`
		}{out})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ITEM\tINSTANCE\tEXPIRES\tBY\tREASON")
	for _, e := range out {
		inst, exp := e.InstanceID, "never"
		if inst == "" {
			inst = "(every instance)"
		}
		if !e.Expires.IsZero() {
			exp = e.Expires.UTC().Format(time.RFC3339)
			if !e.Active {
				exp += " (expired)"
			}
		}
		// %q keeps a hostile name on one line, its control characters escaped.
		fmt.Fprintf(tw, "%s\t%q\t%s\t%q\t%q\n", e.ItemID, inst, exp, e.CreatedBy, e.Reason)
	}
	return tw.Flush()
}

// runVerify re-checks one item of a tenant, on one instance or all of them. With
// --fixture it runs in-process against a cloudsim inventory file, as scan does.
// Otherwise it is schedule-scan's verify path run from the command line, against the
// configured store and shard queue: it plans the one-shard task and sends it to the
// queue, where run-check-shard picks it up; with --wait it then waits for the task
// and prints the refreshed findings from the store.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", stderr)
	tenantID := fs.String("tenant", "", "tenant id (with the store)")
	item := fs.String("item", "", "check item id (see `cspm catalog`)")
	instance := fs.String("instance", "", "one instance (default: every instance of the item)")
	region := fs.String("region", "", "the instance's region (default: where it was last seen, else every region)")
	fixture := fs.String("fixture", "", "verify against this cloudsim inventory file in-process, instead of a tenant in the store")
	shardQueue := fs.String("queue", envOr("SHARD_QUEUE", "cspm-shards"), "the shard queue run-check-shard reads")
	wait := fs.Duration("wait", time.Minute, "how long to wait for the result (0: send and return)")
	format := fs.String("format", "table", "output format: json or table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + fs.Arg(0)}
	}
	f, err := report.ParseFormat(*format, report.JSON, report.Table)
	if err != nil {
		return usageError{err.Error()}
	}
	if *item == "" {
		return usageError{"--item is required"}
	}
	rule, ok := checks.Lookup(*item)
	if !ok {
		return usageError{fmt.Sprintf("unknown item id %q (list them with `cspm catalog`)", *item)}
	}
	if *fixture != "" {
		return verifyFixture(ctx, stdout, f, *fixture, checks.VerifyRequest{ItemID: rule.ID, InstanceID: *instance, Region: *region})
	}
	if *tenantID == "" {
		return usageError{"give --tenant (a tenant in the store) or --fixture FILE"}
	}
	req := event.VerifyRequest{Kind: string(event.KindVerify), TenantID: *tenantID, ItemID: rule.ID, InstanceID: *instance, Region: *region}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	qcfg, err := queue.ConfigFromEnv()
	if err != nil {
		return err
	}
	q, err := queue.New(qcfg)
	if err != nil {
		return err
	}
	st, err := store.FromEnv()
	if err != nil {
		return err
	}
	h := &schedule.Handler{Store: st, Queue: q, ShardQueue: *shardQueue}
	res, err := h.Handle(ctx, body)
	if err != nil {
		return err
	}
	task := res.Tasks[0]
	fmt.Fprintf(stderr, "verify task %s: %d shard sent to %s\n", task.TaskID, task.Sent, task.Queue)
	if *wait <= 0 {
		fmt.Fprintln(stdout, task.TaskID)
		return nil
	}
	deadline := time.Now().Add(*wait)
	for {
		t, err := st.GetTask(ctx, *tenantID, task.TaskID)
		if err != nil {
			return err
		}
		if t.Status == store.TaskDone || t.Status == store.TaskFailed {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("verify task %s is still %s after %s: is run-check-shard reading %s? (see it later with cspm findings --tenant %s --task %s)",
				task.TaskID, t.Status, *wait, task.Queue, *tenantID, task.TaskID)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	shards, err := st.ListShards(ctx, *tenantID, task.TaskID)
	if err != nil {
		return err
	}
	for _, sh := range shards {
		fmt.Fprintf(stderr, "shard %s %s: %s\n", sh.ShardID, sh.State, sh.Note)
	}
	found, err := st.ListItemFindings(ctx, *tenantID, rule.ID)
	if err != nil {
		return err
	}
	var out []store.Finding
	for _, x := range found {
		if x.TaskID == task.TaskID {
			out = append(out, x)
		}
	}
	return storedResult(stdout, f, out)
}

// storedResult prints stored findings and asks for exit code 3 when one is NOT_PASS.
func storedResult(w io.Writer, f report.Format, fs []store.Finding) error {
	if err := report.StoredFindings(w, f, fs); err != nil {
		return err
	}
	for _, x := range fs {
		if x.Status == string(checks.NotPass) {
			return exitFindings
		}
	}
	return nil
}

// verifyFixture is verify in-process: the fixture served by cloudsim, the item's
// products collected through the real SDKs, the item evaluated.
func verifyFixture(ctx context.Context, stdout io.Writer, f report.Format, fixture string, req checks.VerifyRequest) error {
	inv, err := cloudsim.LoadInventory(fixture)
	if err != nil {
		return err
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Listen: "127.0.0.1:0"})
	if err != nil {
		return err
	}
	defer srv.Close()
	c := collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
		Endpoint: srv.Addr(), Rates: collect.Rates{Default: 1000, Burst: 50}})
	defer c.Close()
	s := report.Scan{AccountID: srv.AccountID(), Policy: "verify:" + req.ItemID, StartedAt: time.Now().UTC()}
	findings, err := checks.Verify(ctx, c, srv.AccountID(), req, s.StartedAt)
	if findings == nil && err != nil {
		return err
	}
	if err != nil {
		s.Errors = append(s.Errors, err.Error())
	}
	s.FinishedAt = time.Now().UTC()
	if err := report.Findings(stdout, f, s, findings); err != nil {
		return err
	}
	for i := range findings {
		if findings[i].Failed() {
			return exitFindings
		}
	}
	return nil
}

// runFindings prints a tenant's findings as Tablestore holds them (all, or those a
// task wrote), or with --diff what a task changed against the previous scan.
func runFindings(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("findings", stderr)
	tenantID := fs.String("tenant", "", "tenant id")
	taskID := fs.String("task", "", "only the findings this scan task wrote")
	diff := fs.Bool("diff", false, "print what --task changed since the previous scan: new (and reopened) and fixed findings")
	format := fs.String("format", "table", "output format: json or table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + fs.Arg(0)}
	}
	f, err := report.ParseFormat(*format, report.JSON, report.Table)
	if err != nil {
		return usageError{err.Error()}
	}
	if *tenantID == "" {
		return usageError{"--tenant is required"}
	}
	if *diff && *taskID == "" {
		return usageError{"--diff needs --task ID: the scan to compare with the one before it"}
	}
	st, err := store.FromEnv()
	if err != nil {
		return err
	}
	if *taskID != "" {
		if _, err := st.GetTask(ctx, *tenantID, *taskID); err != nil {
			return err
		}
	}
	if *diff {
		changes, err := st.ListTaskChanges(ctx, *tenantID, *taskID)
		if err != nil {
			return err
		}
		return report.WriteChanges(stdout, f, report.Diff(*tenantID, *taskID, changes))
	}
	all, err := st.ListFindings(ctx, *tenantID)
	if err != nil {
		return err
	}
	out := all[:0]
	for _, x := range all {
		if *taskID == "" || x.TaskID == *taskID {
			out = append(out, x)
		}
	}
	return storedResult(stdout, f, out)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
