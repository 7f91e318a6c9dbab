package shard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/baseline/assist"
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// Baseline shards (kind "baseline", product "host", one per tenant region) run the
// host baseline on the tenant's running Linux ECS instances of the region:
//
//   - the hosts and their Cloud Assistant status are read as the tenant's role
//     (collect.Hosts: DescribeInstances, DescribeCloudAssistantStatus);
//   - a host whose Cloud Assistant is not running is not probed: its items are
//     NOT_EVALUATED with reason ReasonAssistantOffline;
//   - every other host runs the probe through Cloud Assistant (assist.Check:
//     RunCommand, DescribeInvocationResults), BaselineOptions.Concurrency hosts at a
//     time, each within BaselineOptions.HostTimeout; a host the probe cannot finish on
//     (offline after all, timed out, failed) has its items NOT_EVALUATED with the cause;
//   - the items run on a host are the shard's items that the tenant's plan allows on
//     that host (entitlement.Decide: the host's edition under Host and Container
//     pay-as-you-go);
//   - each host × item result becomes a finding in hostResult, the one place where
//     they are produced, and the findings are written with the same lifecycle as
//     config findings (putFindings); then the shard and the task complete as config
//     shards do.
//
// Findings carry the probe's evidence, which never holds a password or a hash (only
// "weak, matched tier X"), and nothing of a host's output is logged but the probe's
// failure cause.

// ReasonAssistantOffline is the reason of a host's NOT_EVALUATED findings when Cloud
// Assistant does not run on it.
const ReasonAssistantOffline = "Cloud Assistant offline"

// Reasons of the other hosts the probe could not finish on.
const (
	ReasonProbeTimeout = "probe timeout"       // the probe did not finish in time
	ReasonProbeFailed  = "probe failed"        // the probe failed on the host (e.g. not installed)
	ReasonProbeOutput  = "probe output"        // the output was truncated or did not decode
	ReasonAssistantAPI = "Cloud Assistant API" // a Cloud Assistant call failed
)

// BaselineOptions configures baseline shards; the zero value is the production one.
type BaselineOptions struct {
	// Concurrency is how many hosts are probed at once (default 8).
	Concurrency int
	// HostTimeout bounds one host's probe, all parts (default 8 minutes, inside the
	// function's 600 s).
	HostTimeout time.Duration
	// Assist configures the remote probe (Account and Region are set per shard).
	Assist assist.Options
}

func (o BaselineOptions) withDefaults() BaselineOptions {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.HostTimeout <= 0 {
		o.HostTimeout = 8 * time.Minute
	}
	return o
}

// baselineItems checks a baseline shard's items against the baseline catalogue, as
// checks.Select does for a config shard's.
func baselineItems(ids []string) error {
	for _, id := range ids {
		if _, ok := baseline.Lookup(id); !ok {
			return fmt.Errorf("unknown baseline item %q", id)
		}
	}
	return nil
}

// hostRun is one host's baseline in a shard.
type hostRun struct {
	host    collect.Instance
	items   []string               // the shard's items the plan allows on this host
	allowed []entitlement.Decision // per item, the scan decision
	report  baseline.Report
	reason  string // why the host was not evaluated ("" when it was)
}

// runBaseline runs a claimed baseline shard to its end (see the comment above).
func (h *Handler) runBaseline(ctx context.Context, j event.ShardJob, out Shard, key store.ShardKey, leaseID string, t store.Tenant, plan entitlement.Plan, now time.Time) (Shard, error) {
	log := fcrun.Logger(ctx).With("tenant_id", j.TenantID, "task_id", j.TaskID, "shard_id", j.ShardID)
	opts := h.Baseline.withDefaults()
	bill := newBilling(t, plan, j, now)
	plan = bill.plan

	c := h.collector(t, j)
	defer c.Close()

	hosts, err := c.Hosts(ctx, t.AccountID, out.Region)
	var ne *collect.NotEvaluatedError
	switch {
	case errors.As(err, &ne):
		log.Warn("hosts not listed", "region", out.Region, "reason", ne.Error())
		out.Status, out.Detail = StatusNotEvaluated, ne.Error()
		return h.completeBaseline(ctx, out, key, leaseID, "", "not evaluated: "+ne.Error(), log)
	case err != nil:
		return out, h.release(ctx, key, leaseID, fmt.Errorf("baseline %s/host: %w", out.Region, err))
	}
	if j.Parts > 1 { // a sliced shard: its part of the region's hosts
		hosts = slices.DeleteFunc(hosts, func(x collect.Instance) bool { return event.HostPart(x.ID, j.Parts) != j.Part })
	}

	runs := make([]*hostRun, len(hosts))
	for i, host := range hosts {
		r := &hostRun{host: host}
		for _, id := range j.Items {
			it, _ := baseline.Lookup(id) // checked by Handle
			d := entitlement.Decide(plan, entitlement.Item{ID: id, Kind: entitlement.Baseline,
				BaselineCategory: entitlement.Category(it.Baseline)}, entitlement.Scan, host.ID)
			if d.Allowed {
				r.items = append(r.items, id)
				r.allowed = append(r.allowed, d)
				if d.Billable && !h.chargeOff {
					bill.billable[id+"\x00"+host.ID] = true
				}
			}
		}
		runs[i] = r
	}
	// An exhausted subscription probes nothing.
	if err := bill.precheck(ctx, h.ledger()); err != nil {
		if bill.Exhausted {
			return out, h.stop(ctx, &out, key, leaseID, "not run: "+ReasonQuotaExhausted)
		}
		return out, h.release(ctx, key, leaseID, err)
	}

	ao := opts.Assist
	ao.Account, ao.Region = t.AccountID, out.Region
	sem := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	for _, r := range runs {
		if len(r.items) == 0 {
			continue
		}
		eo := baseline.Options{InstanceID: r.host.ID, Region: out.Region, Items: r.items}
		if r.host.CloudAssistant == nil || !r.host.CloudAssistant.Installed {
			r.reason = ReasonAssistantOffline
			r.report = assist.NotEvaluated(eo, "Cloud Assistant is not running on the instance (DescribeCloudAssistantStatus)")
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			hctx, cancel := context.WithTimeout(ctx, opts.HostTimeout)
			defer cancel()
			rep, err := assist.Check(hctx, c, r.host.ID, ao, eo)
			r.report = rep
			if err != nil {
				r.reason = probeReason(err)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		// The function is out of time: hand the shard back rather than record hosts
		// as not evaluated that were only cut short here.
		return out, h.release(ctx, key, leaseID, bill.abandon(ctx, fmt.Errorf("baseline %s/host: %w", out.Region, err)))
	}

	var fs []checks.Finding
	probed, offline, failed := 0, 0, 0
	for _, r := range runs {
		switch {
		case len(r.items) == 0:
			continue
		case r.reason == ReasonAssistantOffline:
			offline++
			log.Warn("host not evaluated", "instance_id", r.host.ID, "reason", r.reason, "detail", firstProbeError(r.report))
		case r.reason != "":
			failed++
			log.Warn("host not evaluated", "instance_id", r.host.ID, "reason", r.reason, "detail", firstProbeError(r.report))
		default:
			probed++
			log.Info("host baselined", "instance_id", r.host.ID, "not_passed", r.report.Summary[baseline.NotPass],
				"passed", r.report.Summary[baseline.Pass])
		}
		decisions := map[string]entitlement.Decision{}
		for i, id := range r.items {
			decisions[id] = r.allowed[i]
		}
		for _, fd := range r.report.Findings {
			f, keep, err := h.hostResult(ctx, t, j, r.host, fd, r.reason, decisions[fd.ItemID])
			if err != nil {
				return out, h.release(ctx, key, leaseID, bill.abandon(ctx, err))
			}
			if keep {
				fs = append(fs, f)
			}
		}
	}
	if _, err := h.whitelistHosts(ctx, t.TenantID, fs, now); err != nil {
		return out, h.release(ctx, key, leaseID, bill.abandon(ctx, err))
	}
	if err := h.keep(ctx, t, j, bill, fs, now, &out); err != nil {
		return out, h.release(ctx, key, leaseID, err)
	}
	out.Assets = 0
	hostsNote := fmt.Sprintf("%d hosts: %d probed, %d Cloud Assistant offline, %d not evaluated", probed+offline+failed, probed, offline, failed)
	if j.Parts > 1 {
		hostsNote = fmt.Sprintf("part %d of %d: %s", j.Part+1, j.Parts, hostsNote)
	}
	if bn := bill.note(); bn != "" {
		hostsNote += "; " + bn
	}
	if bill.Exhausted {
		note := fmt.Sprintf("stopped: %s after %d billable checks, %d not run; %d findings, %d not passed; %s",
			ReasonQuotaExhausted, bill.Charged, bill.Withheld, out.Findings, out.NotPassed, hostsNote)
		return out, h.stop(ctx, &out, key, leaseID, note)
	}
	if out.Status == "" {
		out.Status = StatusDone
	}
	return h.completeBaseline(ctx, out, key, leaseID, hostsNote, "", log)
}

// hostResult is the one place where a host × item result is produced: fd is the
// item's result on host (NOT_EVALUATED with reason when the host could not be
// probed), d the plan's decision to scan the item on the host. It returns the finding
// to store and whether to keep it. Charging comes after, for every result at once
// (billing.charge: one unit per billable verdict, in order, until the quota runs out).
func (h *Handler) hostResult(_ context.Context, t store.Tenant, j event.ShardJob, host collect.Instance,
	fd baseline.Finding, reason string, d entitlement.Decision) (checks.Finding, bool, error) {
	_ = d
	return hostFinding(t.AccountID, j, host, fd, reason), true, nil
}

// hostFinding maps a baseline finding to the shape config findings are stored in.
func hostFinding(account string, j event.ShardJob, host collect.Instance, fd baseline.Finding, reason string) checks.Finding {
	ev, _ := json.Marshal(fd.Evidence) // a []string always marshals
	if len(fd.Evidence) == 0 {
		ev = nil
	}
	f := checks.Finding{ItemID: fd.ItemID, Title: fd.Title, Product: j.Product, ResourceType: "ALIYUN::ECS::Instance",
		AccountID: account, InstanceID: host.ID, InstanceName: host.Name, Region: j.Region,
		Status: checks.Status(fd.Status), OriginalStatus: checks.Status(fd.OriginalStatus),
		Severity: catalog.Severity(fd.Severity), Category: catalog.Category(fd.Category),
		Evidence: ev, Frameworks: fd.Frameworks, Message: message(fd.Evidence)}
	switch f.Status {
	case checks.NotEvaluated:
		f.Reason = checks.ReasonNotCollected
		if reason != "" {
			f.Reason = reason
		}
	case checks.Manual:
		f.Reason = checks.ReasonManual
	case checks.Whitelisted:
		f.Reason = checks.ReasonWhitelist
	}
	return f
}

// message is the evidence as one line, for the finding's message.
func message(ev []string) string {
	m := strings.Join(ev, "; ")
	if len(m) > 1000 {
		m = m[:1000] + "…"
	}
	return m
}

// probeReason is the NOT_EVALUATED reason of a host the probe did not finish on.
func probeReason(err error) string {
	var e *assist.Error
	if !errors.As(err, &e) {
		return ReasonAssistantAPI
	}
	switch e.Kind {
	case assist.Offline:
		return ReasonAssistantOffline
	case assist.Timeout:
		return ReasonProbeTimeout
	case assist.Failed:
		return ReasonProbeFailed
	case assist.Output:
		return ReasonProbeOutput
	}
	return ReasonAssistantAPI
}

func firstProbeError(r baseline.Report) string {
	if len(r.ProbeErrors) == 0 {
		return ""
	}
	return r.ProbeErrors[0]
}

// completeBaseline marks a baseline shard done with a note, then the task when it was
// the last shard, as run does for a config shard. A non-empty notEval marks it done
// as not evaluated.
func (h *Handler) completeBaseline(ctx context.Context, out Shard, key store.ShardKey, leaseID, note, notEval string, log *slog.Logger) (Shard, error) {
	if notEval != "" {
		out.Status = StatusNotEvaluated
		if out.Detail == "" {
			out.Detail = strings.TrimPrefix(notEval, "not evaluated: ")
		}
		note = notEval
	} else {
		note = fmt.Sprintf("%d findings, %d not passed; %s", out.Findings, out.NotPassed, note)
	}
	log.Info("shard evaluated", "findings", out.Findings, "not_passed", out.NotPassed, "note", note)
	if err := h.Store.CompleteShard(ctx, key, leaseID, note); err != nil {
		return out, err
	}
	if err := h.finishTask(ctx, key.TenantID, key.TaskID); err != nil {
		return out, err
	}
	return out, nil
}
