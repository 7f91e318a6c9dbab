package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cspm-alibaba/cspm/shared/baseline"
)

func runBaseline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("baseline", stderr)
	root := fs.String("root", "/", "root filesystem to check")
	format := fs.String("format", "table", "output format: json or table")
	factsFile := fs.String("facts", "", "evaluate a facts document written by the probe (plain, gzip or chunk lines) instead of probing")
	edition := fs.String("edition", "", "Security Center edition gate: advanced, enterprise or ultimate (default: every item)")
	items := fs.String("items", "", "comma-separated item IDs or ID prefixes ending in * (default: all)")
	whitelist := fs.String("whitelist", "", "comma-separated item IDs to report as WHITELISTED")
	instance := fs.String("instance-id", "", "instance ID to report (default: the host name)")
	region := fs.String("region", "", "region to report")
	noLive := fs.Bool("no-live", false, "do not read live-system facts even with --root /")
	skip := fs.Bool("skip-passwords", false, "do not test passwords")
	budget := fs.Duration("password-budget", 30*time.Second, "wall-clock cap on password tests")
	top := fs.Int("top", 0, "use the top N built-in dictionary words (0: default, -1: all)")
	words := fs.String("words", "", "file of the tenant's own dictionary words, one a line")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + fs.Arg(0)}
	}
	if *format != "json" && *format != "table" {
		return usageError{fmt.Sprintf("unknown format %q: want json or table", *format)}
	}
	ed := baseline.Edition(strings.ToLower(*edition))
	switch ed {
	case "", baseline.Advanced, baseline.Enterprise, baseline.Ultimate:
	default:
		return usageError{fmt.Sprintf("unknown edition %q: want advanced, enterprise or ultimate", *edition)}
	}
	var tenant []string
	if *words != "" {
		b, err := os.ReadFile(*words)
		if err != nil {
			return err
		}
		for _, w := range strings.Split(string(b), "\n") {
			if w = strings.TrimSpace(w); w != "" {
				tenant = append(tenant, w)
			}
		}
	}
	o := baseline.Options{
		Root: *root, NotLive: *noLive, Edition: ed, InstanceID: *instance, Region: *region,
		Items: splitList(*items), Whitelist: splitList(*whitelist),
		Passwords: baseline.PasswordOptions{Skip: *skip, Budget: *budget, Tiers: baseline.DefaultTiers(*top, tenant)},
	}
	if *factsFile != "" {
		f, err := readFacts(*factsFile)
		if err != nil {
			return err
		}
		o.Facts = f
	}
	r, err := baseline.Run(ctx, o)
	if err != nil {
		return err
	}
	if err := baseline.WriteReport(stdout, r, *format); err != nil {
		return err
	}
	if r.Failed() {
		return exitFindings // the report already lists what failed
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// readFacts reads a probe document: JSON, gzip JSON, or "i/n base64" chunk lines.
func readFacts(name string) (*baseline.Facts, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] >= '1' && t[0] <= '9' {
		if b, err = baseline.DecodeChunkLines(strings.Split(string(t), "\n")); err != nil {
			return nil, err
		}
	}
	return baseline.DecodeFacts(bytes.NewReader(b))
}
