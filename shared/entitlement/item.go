package entitlement

import "slices"

// Kind is the feature a check item belongs to.
type Kind string

// The kinds of check item.
const (
	Config   Kind = "config"   // cloud service configuration check
	Baseline Kind = "baseline" // baseline (host) check
)

// Category is the category of a baseline item. The editions gate baseline check by it.
type Category string

// The baseline categories.
const (
	WeakPassword      Category = "weak-password"
	DefaultPolicy     Category = "default-policy"
	CIS               Category = "cis"
	MLPS              Category = "mlps" // MLPS 2.0
	BestPractice      Category = "best-practice"
	ContainerSecurity Category = "container-security"
	Database          Category = "database"
	Middleware        Category = "middleware"
	Custom            Category = "custom"
)

// Operation is what is done with a check item on an instance.
type Operation string

// The operations. Each successful billable one costs one quota unit per instance and
// item.
const (
	Scan   Operation = "scan"   // detect
	Verify Operation = "verify" // re-check one risk, e.g. after a fix
	Fix    Operation = "fix"    // remediate
)

// Operations lists the operations.
var Operations = []Operation{Scan, Verify, Fix}

// Valid reports whether op is scan, verify or fix.
func (op Operation) Valid() bool { return op == Scan || op == Verify || op == Fix }

// Item is one check item as the plan rules see it.
type Item struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Free marks a config item of the documented free set (100+ items).
	Free bool `json:"free,omitempty"`
	// KSMP marks a config item the Ultimate edition includes (Kubernetes security
	// posture).
	KSMP bool `json:"ksmp,omitempty"`
	// BaselineCategory is the category of a baseline item.
	BaselineCategory Category `json:"baseline_category,omitempty"`
	// LegacyFree lists the legacy free-item sets the item belongs to: for an account
	// holding one of them, the item counts as free.
	LegacyFree []LegacySet `json:"legacy_free,omitempty"`
}

// FreeFor reports whether the item is a free config item for an account with the given
// legacy free-item set: it is in the documented free set, or in the account's legacy
// set (the two add up; a legacy account never has fewer free items).
func (it Item) FreeFor(set LegacySet) bool {
	return it.Free || (set != LegacyNone && slices.Contains(it.LegacyFree, set))
}
