package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/report"
)

// exitCode is an error that asks for a particular process exit code without
// a message: runScan returns exitCode(3) when a finding is NOT_PASS, so CI
// can gate on it. main maps it with errors.As before printing errors.
type exitCode int

// exitFindings is the exit code of a scan that found failures.
const exitFindings exitCode = 3

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// runScan scans a cloudsim inventory file in-process: it serves the file on
// 127.0.0.1, collects every product the selected items need through the real
// SDK, evaluates them and prints the findings. It returns exitFindings when
// any finding is NOT_PASS (after the mutelist).
func runScan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scan", stderr)
	fixture := fs.String("fixture", "", "the account to scan: a cloudsim inventory file (local/cloudsim/INVENTORY.md)")
	format := fs.String("format", "table", "output format: json, csv, ocsf or table")
	policy := fs.String("policy", "", "scan the items of this built-in policy (cis-v2, cis-v1, mlps-l3, all, free); default all")
	items := fs.String("items", "", "scan only these comma-separated item ids")
	regions := fs.String("regions", "", "comma-separated regions to scan (default: every region of the fixture)")
	mutelist := fs.String("mutelist", "", "a Prowler-style mutelist file (YAML or JSON); muted findings become WHITELISTED")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + fs.Arg(0)}
	}
	if *fixture == "" {
		return usageError{"--fixture FILE is required"}
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return usageError{err.Error()}
	}
	rules, err := scanRules(*policy, *items)
	if err != nil {
		return err
	}
	var ml *checks.Mutelist
	if *mutelist != "" {
		if ml, err = checks.LoadMutelist(*mutelist); err != nil {
			return err
		}
	}
	inv, err := cloudsim.LoadInventory(*fixture)
	if err != nil {
		return err
	}
	scanRegions := inv.RegionIDs()
	if *regions != "" {
		scanRegions = strings.Split(*regions, ",")
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Listen: "127.0.0.1:0"})
	if err != nil {
		return err
	}
	defer srv.Close()
	c := collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
		Endpoint: srv.Addr(), Rates: collect.Rates{Default: 1000, Burst: 50}})
	defer c.Close()

	s := report.Scan{AccountID: srv.AccountID(), Policy: *policy, StartedAt: time.Now().UTC()}
	findings, err := checks.Scan(ctx, c, srv.AccountID(), scanRegions, rules, s.StartedAt)
	if findings == nil && err != nil {
		return err
	}
	if err != nil { // partial: the affected items are NOT_EVALUATED
		s.Errors = append(s.Errors, err.Error())
		fmt.Fprintf(stderr, "cspm scan: warning: %v\n", err)
	}
	ml.Apply(findings)
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

// scanRules picks the rules of --policy or --items (every rule by default).
func scanRules(policy, items string) ([]*checks.Rule, error) {
	switch {
	case policy != "" && items != "":
		return nil, usageError{"give --policy or --items, not both"}
	case policy != "":
		p, err := checks.Catalog().Policy(policy)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		return checks.ForPolicy(p)
	case items != "":
		rules, err := checks.Select(strings.Split(items, ",")...)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		return rules, nil
	}
	return checks.All(), nil
}
