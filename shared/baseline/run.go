package baseline

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// Finding is one item's result on one host, in the shape of `cspm scan` findings.
type Finding struct {
	ItemID         string   `json:"item_id"`
	Title          string   `json:"title"`
	Product        string   `json:"product"`
	InstanceID     string   `json:"instance_id"`
	Region         string   `json:"region,omitempty"`
	Status         Status   `json:"status"`
	OriginalStatus Status   `json:"original_status,omitempty"` // set when whitelisted
	Severity       Severity `json:"severity"`
	Category       Category `json:"category"`
	Baseline       Baseline `json:"baseline"`
	Evidence       []string `json:"evidence,omitempty"`
	Frameworks     []string `json:"frameworks,omitempty"`
	Remediation    string   `json:"remediation,omitempty"`
	Fix            FixType  `json:"fix"`
}

// Report is the result of one baseline run on one host.
type Report struct {
	Version     int            `json:"version"`
	InstanceID  string         `json:"instance_id"`
	Region      string         `json:"region,omitempty"`
	Host        HostInfo       `json:"host"`
	Edition     Edition        `json:"edition,omitempty"`
	StartedAt   time.Time      `json:"started_at"`
	DurationMS  int64          `json:"duration_ms"`
	Summary     map[Status]int `json:"summary"`
	Findings    []Finding      `json:"findings"`
	ProbeErrors []string       `json:"probe_errors,omitempty"`
}

// Failed reports whether any finding is NOT_PASS (the CLI's exit code 3).
func (r Report) Failed() bool { return r.Summary[NotPass] > 0 }

// Options configures Run.
type Options struct {
	Root    string // root filesystem to probe (default "/")
	FS      fs.FS  // read instead of Root when set
	NotLive bool   // do not read live-system facts even when Root is "/"
	// Facts, when set, is evaluated instead of probing (facts sent by a remote probe).
	Facts      *Facts
	InstanceID string // default: the host name
	Region     string
	Edition    Edition  // "" runs every family
	Items      []string // item IDs or ID prefixes to run; empty: all
	Whitelist  []string // item IDs whose findings become WHITELISTED
	Passwords  PasswordOptions
	ReadCap    int64
}

// Run probes a host (or takes Options.Facts) and evaluates every item the edition
// allows and the OS variant needs.
func Run(ctx context.Context, o Options) (Report, error) {
	start := time.Now()
	f := o.Facts
	if f == nil {
		var err error
		f, err = Collect(ctx, ProbeOptions{Root: o.Root, FS: o.FS, NotLive: o.NotLive, ReadCap: o.ReadCap, Passwords: o.Passwords})
		if err != nil {
			return Report{}, fmt.Errorf("baseline: probe: %w", err)
		}
	}
	r := Evaluate(f, o)
	r.StartedAt = start.UTC().Truncate(time.Millisecond)
	r.DurationMS = time.Since(start).Milliseconds()
	return r, ctx.Err()
}

// Evaluate runs the items over one Facts document (Options' Root, FS, Facts and
// Passwords are ignored).
func Evaluate(f *Facts, o Options) Report {
	inst := o.InstanceID
	if inst == "" {
		inst = f.Host.Hostname
	}
	if inst == "" {
		inst = "localhost"
	}
	r := Report{Version: FactsVersion, InstanceID: inst, Region: o.Region, Host: f.Host, Edition: o.Edition,
		Summary: map[Status]int{}, Findings: []Finding{}, ProbeErrors: f.Errors}
	for _, it := range All() {
		if !o.Edition.Allows(it.Baseline) || !it.AppliesTo(f.Host.Variant) || !selected(it.ID, o.Items) {
			continue
		}
		res := evalItem(it, f)
		fd := Finding{ItemID: it.ID, Title: it.Title, Product: "host", InstanceID: inst, Region: o.Region,
			Status: res.Status, Severity: it.Severity, Category: it.Category, Baseline: it.Baseline,
			Evidence: res.Evidence, Frameworks: it.Frameworks, Remediation: it.Remediation, Fix: it.Fix}
		if slices.Contains(o.Whitelist, it.ID) {
			fd.OriginalStatus, fd.Status = fd.Status, Whitelisted
		}
		r.Summary[fd.Status]++
		r.Findings = append(r.Findings, fd)
	}
	return r
}

func selected(id string, items []string) bool {
	if len(items) == 0 {
		return true
	}
	for _, s := range items {
		if id == s || strings.HasPrefix(id, strings.TrimSuffix(s, "*")) && strings.HasSuffix(s, "*") {
			return true
		}
	}
	return false
}

// evalItem runs one rule; a panicking rule is NOT_EVALUATED, not a crash.
func evalItem(it *Item, f *Facts) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = notEval("rule error: %v", p)
		}
	}()
	res = it.Eval(f)
	if res.Status == "" {
		res.Status = NotEvaluated
	}
	return res
}
