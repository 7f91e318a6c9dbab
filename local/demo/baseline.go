package demo

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// hostProduct is the product of host baseline findings.
const hostProduct = "host"

// sampleHosts writes the sample account's host roots (cloudsim.SampleHosts) to a
// temporary directory for cloudsim's Cloud Assistant, when the stack plays the sample
// account; Close removes it.
func (s *Stack) sampleHosts(o StackOptions) (cloudsim.AssistantOptions, error) {
	if o.Inventory != nil {
		return cloudsim.AssistantOptions{}, nil
	}
	dir, err := os.MkdirTemp("", "cspm-demo-hosts-")
	if err != nil {
		return cloudsim.AssistantOptions{}, fmt.Errorf("demo: %w", err)
	}
	s.hostsDir = dir
	hosts, err := cloudsim.SampleHosts(dir)
	if err != nil {
		return cloudsim.AssistantOptions{}, fmt.Errorf("demo: %w", err)
	}
	return cloudsim.AssistantOptions{Hosts: hosts}, nil
}

func (s *Stack) removeHosts() error {
	if s.hostsDir == "" {
		return nil
	}
	return os.RemoveAll(s.hostsDir)
}

// configFindings leaves out the host baseline findings.
func configFindings(fs []store.Finding) []store.Finding {
	return slices.DeleteFunc(slices.Clone(fs), func(f store.Finding) bool { return f.Product == hostProduct })
}

// HostSummary is one host's baseline as the store holds it.
type HostSummary struct {
	InstanceID string
	Region     string
	Status     map[string]int // findings by status
	Reason     string         // why the host was not evaluated, when none of its items was
	Failing    []store.Finding
}

// HostSummaries groups a tenant's host baseline findings by host, failing items most
// severe first.
func HostSummaries(fs []store.Finding) []HostSummary {
	at := map[string]int{}
	var out []HostSummary
	for _, f := range fs {
		if f.Product != hostProduct {
			continue
		}
		i, ok := at[f.InstanceID]
		if !ok {
			i = len(out)
			at[f.InstanceID] = i
			out = append(out, HostSummary{InstanceID: f.InstanceID, Region: f.Region, Status: map[string]int{}})
		}
		h := &out[i]
		h.Status[f.Status]++
		if f.Status == string(checks.NotPass) {
			h.Failing = append(h.Failing, f)
		}
		if f.Status == string(checks.NotEvaluated) && f.Reason != "" && h.Reason == "" {
			h.Reason = f.Reason
		}
	}
	for i := range out {
		h := &out[i]
		if h.Status[string(checks.Pass)]+h.Status[string(checks.NotPass)] > 0 {
			h.Reason = "" // probed: its NOT_EVALUATED items are item-level
		}
		slices.SortFunc(h.Failing, func(a, b store.Finding) int {
			if c := catalog.Severity(b.Severity).Rank() - catalog.Severity(a.Severity).Rank(); c != 0 {
				return c
			}
			return strings.Compare(a.ItemID, b.ItemID)
		})
	}
	slices.SortFunc(out, func(a, b HostSummary) int { return strings.Compare(a.InstanceID, b.InstanceID) })
	return out
}

// hostsSummary prints the host baseline findings: per host the counts by status, and
// for a probed host its failing HIGH items (the others counted by severity).
func hostsSummary(w io.Writer, tenantID string, fs []store.Finding) error {
	hosts := HostSummaries(fs)
	if len(hosts) == 0 {
		fmt.Fprintf(w, "\n== host baseline of tenant %s: no hosts\n", tenantID)
		return nil
	}
	n := 0
	for _, h := range hosts {
		for _, c := range h.Status {
			n += c
		}
	}
	fmt.Fprintf(w, "\n== host baseline of tenant %s (Cloud Assistant → cspm-probe), read back from Tablestore: %d findings on %d hosts\n",
		tenantID, n, len(hosts))
	for _, h := range hosts {
		var parts []string
		for _, s := range []checks.Status{checks.NotPass, checks.Pass, checks.NotEvaluated, checks.Manual, checks.Whitelisted} {
			if c := h.Status[string(s)]; c > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", s, c))
			}
		}
		line := fmt.Sprintf("host %s (%s): %s", h.InstanceID, h.Region, strings.Join(parts, ", "))
		if h.Reason != "" {
			line += " — not evaluated: " + h.Reason
		}
		fmt.Fprintln(w, line)
		if len(h.Failing) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  SEVERITY\tSTATUS\tITEM\tTITLE")
		rest := map[string]int{}
		for _, f := range h.Failing {
			if f.Severity != string(catalog.High) {
				rest[f.Severity]++
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Severity, f.Status, f.ItemID, shorten(f.Title, 60))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if len(rest) > 0 {
			fmt.Fprintf(w, "  and %d MEDIUM, %d LOW failing items more\n", rest[string(catalog.Medium)], rest[string(catalog.Low)])
		}
	}
	return nil
}
