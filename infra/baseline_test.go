package infra

import (
	"slices"
	"strings"
	"testing"
)

// TestBaselinePolicy: host baseline needs one write action, ecs:RunCommand, and it
// lives in its own document (tenant-baseline-policy), never in the read-only scan
// policy.
//
// Why RunCommand is allowed at all: Cloud Assistant RunCommand is the only way to run
// the baseline probe on a host without a resident agent of ours (ECS has no read-only
// "inspect the guest" API). What it runs is fixed by run-check-shard (the cspm-probe
// script of shared/baseline/assist: it reads the root filesystem and prints facts,
// never writes outside its cache file under /var/tmp). It is still remote code
// execution as root, so a tenant attaches this document to the scan role only if it
// wants host baseline, and detaching it turns host baseline off without touching the
// config scan. RAM cannot restrict the script's content; the tightest scope it allows
// is the resource: RunCommand on instances and on the ad-hoc command only (not
// "Resource": "*"), and, if the tenant wants, only instances with a tag (add
// "Condition": {"StringEquals": {"acs:ResourceTag/<key>": "<value>"}} to a separate
// instance statement).
func TestBaselinePolicy(t *testing.T) {
	p, err := LoadPolicy("tenant-baseline-policy")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ecs:DescribeCloudAssistantStatus", "ecs:DescribeInstances", "ecs:DescribeInvocationResults", "ecs:RunCommand"}
	var got []string
	for i, s := range p.Statement {
		for _, a := range s.Action {
			got = append(got, a)
			verb := a[strings.Index(a, ":")+1:]
			if strings.HasPrefix(verb, "Describe") {
				continue
			}
			if a != "ecs:RunCommand" {
				t.Errorf("statement %d grants %q: the baseline policy's only write action is ecs:RunCommand", i, a)
				continue
			}
			if len(s.Action) != 1 {
				t.Errorf("statement %d grants RunCommand with %v; RunCommand gets a statement of its own, scoped to resources", i, s.Action)
			}
			for _, r := range s.Resource {
				if r == "*" || (!strings.HasPrefix(r, "acs:ecs:*:*:instance/") && !strings.HasPrefix(r, "acs:ecs:*:*:command/")) {
					t.Errorf("statement %d grants RunCommand on %q; want ECS instances and commands only", i, r)
				}
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("tenant-baseline-policy grants %v; want exactly %v", got, want)
	}
	// The scan policy stays read-only: RunCommand is never in it.
	scan, err := LoadPolicy("tenant-scan-policy")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scan.Statement {
		if slices.Contains(s.Action, "ecs:RunCommand") || slices.Contains(s.Action, "ecs:InvokeCommand") {
			t.Error("tenant-scan-policy grants Cloud Assistant command execution; it belongs in tenant-baseline-policy")
		}
	}
}
