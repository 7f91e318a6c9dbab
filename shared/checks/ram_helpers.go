package checks

import (
	"strings"
	"time"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// ninetyDays is the age CIS 1.5, 1.6 and the unused-key item measure against.
const ninetyDays = 90 * 24 * time.Hour

// olderThan reports whether t is set and more than d before now.
func olderThan(t, now time.Time, d time.Duration) bool { return !t.IsZero() && now.Sub(t) > d }

// days renders a duration in whole days.
func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

// ramPolicy returns the collected policy of that name, or nil.
func (e *env) ramPolicy(name string) *collect.RAMPolicy {
	return e.in.index().ramPolicies[name]
}

// ramGroup returns the collected group of that name, or nil.
func (e *env) ramGroup(name string) *collect.RAMGroup {
	return e.in.index().ramGroups[name]
}

// adminPolicy reports whether a policy grants full administrative access:
// the system AdministratorAccess, or a document allowing * on *.
func (e *env) adminPolicy(ref collect.RAMPolicyRef) bool {
	if ref.Name == "AdministratorAccess" {
		return true
	}
	p := e.ramPolicy(ref.Name)
	return p != nil && p.Type == ref.Type && p.Document.FullAdmin()
}

// trustsAnyone reports whether a trust statement's principal is everyone.
func trustsAnyone(s collect.PolicyStatement) bool {
	for k, vs := range s.Principal {
		for _, v := range vs {
			if v == "*" || (k == "RAM" && strings.HasPrefix(v, "acs:ram::*:")) {
				return true
			}
		}
	}
	return false
}

// trustedAccounts returns the account IDs of RAM principals in a trust
// statement.
func trustedAccounts(s collect.PolicyStatement) []string {
	var out []string
	for _, v := range s.Principal["RAM"] {
		rest, ok := strings.CutPrefix(v, "acs:ram::")
		if !ok {
			continue
		}
		if acct, _, ok := strings.Cut(rest, ":"); ok {
			out = append(out, acct)
		}
	}
	return out
}
