package checks

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/cspm-alibaba/cspm/shared/catalog"
)

// Status is the outcome of one item on one instance.
type Status string

// The statuses.
const (
	Pass         Status = "PASS"
	NotPass      Status = "NOT_PASS"
	NotEvaluated Status = "NOT_EVALUATED"
	Manual       Status = "MANUAL"
	Whitelisted  Status = "WHITELISTED"
)

// Reasons a finding is not a plain verdict.
const (
	ReasonPermission   = "permission"          // NOT_EVALUATED: the identity may not read the product
	ReasonThrottling   = "throttling"          // NOT_EVALUATED: still throttled after every retry
	ReasonNotEnabled   = "product_not_enabled" // NOT_EVALUATED: the product is not activated
	ReasonNotCollected = "not_collected"       // NOT_EVALUATED: collection failed, or no collector yet
	ReasonError        = "error"               // NOT_EVALUATED: the rule failed (panicked) on this instance
	ReasonManual       = "manual"              // MANUAL: checked by hand
	ReasonWhitelist    = "whitelist"           // WHITELISTED by a whitelist rule
	ReasonMutelist     = "mutelist"            // WHITELISTED by a mutelist entry
)

// Result is one rule's verdict on one instance.
type Result struct {
	Status     Status
	InstanceID string
	Name       string
	Region     string // "" for account-level resources
	Reason     string // for NOT_EVALUATED: one of the Reason codes
	Message    string // what was found, for people
	// Evidence is the API object (or objects) the verdict rests on; nil when
	// there is none.
	Evidence json.RawMessage
	Tags     map[string]string
}

// Rule is an item and the check that evaluates it. Manual items have no check.
type Rule struct {
	catalog.Item
	// Needs lists the products the check reads: its own product first.
	Needs []string
	check evaluator
	file  string // the declaring file, for validation
}

// Automated reports whether the rule has a check (it is not manual).
func (r *Rule) Automated() bool { return r.check.run != nil }

// Eval evaluates the rule over in: one Result per instance, in inventory order.
// A manual rule returns nil.
func (r *Rule) Eval(in *Input) []Result { return r.AppendEval(in, nil) }

// AppendEval is Eval appending to out, so a caller can reuse one buffer
// across rules and scans without allocating.
func (r *Rule) AppendEval(in *Input, out []Result) []Result {
	if r.check.run == nil {
		return out
	}
	return r.check.run(in, r.Needs, out)
}

// evaluator is a rule's check, made by each or once.
type evaluator struct {
	product string   // the product the check iterates over
	extra   []string // other products it reads
	run     func(in *Input, needs []string, out []Result) []Result
}

// also returns the evaluator with more products it reads.
func (e evaluator) also(products ...string) evaluator {
	e.extra = append(slices.Clone(e.extra), products...)
	return e
}

var (
	regMu    sync.Mutex
	registry []*Rule
)

// register adds a rule; every rule file calls it once from a package-level
// var. The declaring file must be named after the item ID.
func register(r Rule) *Rule {
	_, file, _, _ := runtime.Caller(1)
	r.file = file
	if r.check.run != nil {
		r.Needs = append([]string{r.check.product}, r.check.extra...)
		r.Needs = slices.Compact(r.Needs)
	}
	if r.Fix == "" {
		r.Fix = catalog.FixConsole
	}
	if r.Manual && r.Audit == "" {
		r.Audit = r.Remediation
	}
	p := &r
	regMu.Lock()
	registry = append(registry, p)
	regMu.Unlock()
	return p
}

var (
	allOnce  sync.Once
	allRules []*Rule
	allCat   *catalog.Catalog
	allErr   error
	byID     map[string]*Rule
)

func load() {
	allOnce.Do(func() {
		regMu.Lock()
		rules := slices.Clone(registry)
		regMu.Unlock()
		slices.SortFunc(rules, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })
		items := make([]catalog.Item, len(rules))
		byID = make(map[string]*Rule, len(rules))
		var errs []error
		for i, r := range rules {
			items[i] = r.Item
			byID[r.ID] = r
			errs = append(errs, r.validate()...)
		}
		cat, err := catalog.New(items)
		if err != nil {
			errs = append(errs, err)
		}
		allRules, allCat, allErr = rules, cat, errors.Join(errs...)
	})
}

// validate checks what the catalog cannot: the rule's file, its check or
// manual flag, and the products it needs.
func (r *Rule) validate() []error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("rule %s: %s", r.ID, fmt.Sprintf(format, a...)))
	}
	if base := strings.TrimSuffix(filepath.Base(r.file), ".go"); base != r.ID {
		bad("declared in %s: the file must be named %s.go", filepath.Base(r.file), r.ID)
	}
	switch {
	case r.Manual && r.check.run != nil:
		bad("manual item with a check")
	case !r.Manual && r.check.run == nil:
		bad("no check and not manual")
	}
	if r.check.run != nil && r.check.product != r.Product {
		bad("checks product %q but the item's product is %q", r.check.product, r.Product)
	}
	for _, p := range r.Needs {
		if _, ok := presence[p]; !ok {
			bad("needs product %q, which no inventory field holds", p)
		}
	}
	return errs
}

// Validate reports every problem with the registry: invalid items, duplicate
// IDs, unresolved framework references, rules declared in the wrong file,
// items with neither a check nor the manual flag.
func Validate() error {
	load()
	return allErr
}

// All returns every rule, sorted by item ID. It panics if the registry is
// invalid (a programming error that TestRegistry reports in detail).
func All() []*Rule {
	load()
	if allErr != nil {
		panic(fmt.Sprintf("checks: invalid registry: %v", allErr))
	}
	return allRules
}

// Catalog returns the catalog of every rule's item, with the built-in
// policies. It panics if the registry is invalid.
func Catalog() *catalog.Catalog {
	All()
	return allCat
}

// Lookup returns the rule for an item ID.
func Lookup(id string) (*Rule, bool) {
	All()
	r, ok := byID[id]
	return r, ok
}

// Select returns the rules of the given item IDs (every rule when there are
// none), sorted by ID. An unknown ID is an error naming it.
func Select(ids ...string) ([]*Rule, error) {
	if len(ids) == 0 {
		return All(), nil
	}
	items, err := Catalog().Lookup(ids)
	if err != nil {
		return nil, fmt.Errorf("checks: %w", err)
	}
	out := make([]*Rule, 0, len(items))
	for _, it := range items {
		out = append(out, byID[it.ID])
	}
	slices.SortFunc(out, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b *Rule) bool { return a == b }), nil
}

// ForPolicy returns the rules of a policy's items, after checking the policy
// (an unknown item ID is an error).
func ForPolicy(p catalog.Policy) ([]*Rule, error) {
	if err := Catalog().CheckPolicy(p); err != nil {
		return nil, fmt.Errorf("checks: %w", err)
	}
	return Select(p.Items...)
}

// Products returns the products the rules need, sorted and unique.
func Products(rules []*Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Needs...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
