package entitlement

import (
	"strings"
	"testing"
)

func TestParsePlan(t *testing.T) {
	cases := []struct {
		plan, billing string
		want          Plan
		err           string
	}{
		{"cspm-subscription", "subscription", Plan{CSPM: Subscription}, ""},
		{"cspm-payg", "", Plan{CSPM: PayAsYouGo}, ""},
		{"cspm", "payg", Plan{CSPM: PayAsYouGo}, ""},
		{"enterprise", "subscription", Plan{Edition: Enterprise}, ""},
		{"Advanced + cspm-payg", "payg", Plan{Edition: Advanced, CSPM: PayAsYouGo}, ""},
		{"host-payg+trial", "none", Plan{HostPAYG: true, Trial: true}, ""},
		{"", "none", Plan{}, "plan: missing"},
		{"platinum", "none", Plan{}, `unknown word "platinum"`},
		{"cspm-monthly", "", Plan{}, `"cspm-monthly": want cspm-subscription or cspm-payg`},
		{"cspm-payg", "subscription", Plan{}, "says CSPM payg but the billing method is subscription"},
		{"cspm", "none", Plan{}, "cspm needs a billing method"},
		{"advanced+ultimate", "", Plan{}, "names two editions"},
		{"enterprise", "monthly", Plan{}, `billing method "monthly"`},
	}
	for _, c := range cases {
		got, err := ParsePlan(c.plan, c.billing)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("ParsePlan(%q, %q) = %v", c.plan, c.billing, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("ParsePlan(%q, %q) = %v; want an error containing %q", c.plan, c.billing, err, c.err)
		case c.err == "" && (got.Edition != c.want.Edition || got.CSPM != c.want.CSPM || got.HostPAYG != c.want.HostPAYG || got.Trial != c.want.Trial):
			t.Errorf("ParsePlan(%q, %q) = %+v; want %+v", c.plan, c.billing, got, c.want)
		}
	}
}
