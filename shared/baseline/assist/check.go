package assist

import (
	"context"
	"slices"
	"strings"

	"github.com/cspm-alibaba/cspm/shared/baseline"
)

// Check probes one instance and evaluates its facts (eo.InstanceID and
// eo.Region default to the instance and o.Region). When the probe gives no
// facts it still returns a report: every item eo selects is NOT_EVALUATED
// with Reason(err) as its evidence, the report's ProbeErrors hold the reason,
// and err says why (an *Error). Only ctx's end stops it from reporting.
func Check(ctx context.Context, c Caller, instanceID string, o Options, eo baseline.Options) (baseline.Report, error) {
	if eo.InstanceID == "" {
		eo.InstanceID = instanceID
	}
	if eo.Region == "" {
		eo.Region = o.Region
	}
	f, err := Probe(ctx, c, instanceID, o)
	if err != nil {
		return NotEvaluated(eo, Reason(err)), err
	}
	return baseline.Evaluate(f, eo), nil
}

// NotEvaluated is the report of a host that could not be probed: every item
// eo's edition and item list select (the OS being unknown, every variant's),
// NOT_EVALUATED with reason as evidence.
func NotEvaluated(eo baseline.Options, reason string) baseline.Report {
	r := baseline.Report{Version: baseline.FactsVersion, InstanceID: eo.InstanceID, Region: eo.Region,
		Edition: eo.Edition, Summary: map[baseline.Status]int{}, Findings: []baseline.Finding{}, ProbeErrors: []string{reason}}
	for _, it := range baseline.All() {
		if !eo.Edition.Allows(it.Baseline) || !selected(it.ID, eo.Items) {
			continue
		}
		fd := baseline.Finding{ItemID: it.ID, Title: it.Title, Product: "host", InstanceID: eo.InstanceID, Region: eo.Region,
			Status: baseline.NotEvaluated, Severity: it.Severity, Category: it.Category, Baseline: it.Baseline,
			Evidence: []string{reason}, Frameworks: it.Frameworks, Remediation: it.Remediation, Fix: it.Fix}
		if slices.Contains(eo.Whitelist, it.ID) {
			fd.OriginalStatus, fd.Status = fd.Status, baseline.Whitelisted
		}
		r.Summary[fd.Status]++
		r.Findings = append(r.Findings, fd)
	}
	return r
}

// selected matches baseline.Options.Items: IDs, or prefixes ending in "*".
func selected(id string, items []string) bool {
	if len(items) == 0 {
		return true
	}
	for _, s := range items {
		if id == s || strings.HasSuffix(s, "*") && strings.HasPrefix(id, strings.TrimSuffix(s, "*")) {
			return true
		}
	}
	return false
}
