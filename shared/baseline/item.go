package baseline

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
)

// Status is the outcome of one item on one host.
type Status string

// The statuses a finding can carry; they match `cspm scan`.
const (
	Pass         Status = "PASS"
	NotPass      Status = "NOT_PASS"
	NotEvaluated Status = "NOT_EVALUATED"
	Manual       Status = "MANUAL"
	Whitelisted  Status = "WHITELISTED"
)

// Severity is an item's risk level.
type Severity string

// The severities.
const (
	High   Severity = "HIGH"
	Medium Severity = "MEDIUM"
	Low    Severity = "LOW"
)

// Category is the security domain of an item, as the product's console groups them.
type Category string

// The categories.
const (
	CatIdentity  Category = "identity and authentication"
	CatAccess    Category = "access control"
	CatAudit     Category = "log audit"
	CatIntrusion Category = "intrusion prevention"
	CatService   Category = "service configuration"
)

// Baseline is the baseline family an item belongs to; editions are gated on it.
type Baseline string

// The baseline families (billing.md).
const (
	WeakPassword      Baseline = "weak-password"
	DefaultPolicy     Baseline = "default-policy"
	CIS               Baseline = "cis"
	MLPS              Baseline = "mlps"
	BestPractice      Baseline = "best-practice"
	ContainerSecurity Baseline = "container-security"
	Database          Baseline = "database"
	Middleware        Baseline = "middleware"
)

// Baselines lists every family in a stable order.
var Baselines = []Baseline{WeakPassword, DefaultPolicy, CIS, MLPS, BestPractice, Database, Middleware, ContainerSecurity}

// Edition is a Security Center edition; it decides which baseline families run.
type Edition string

// The editions that get baseline checks. The zero Edition means "no gate" (all items).
const (
	Advanced   Edition = "advanced"
	Enterprise Edition = "enterprise"
	Ultimate   Edition = "ultimate"
)

// Allows reports whether edition e includes baseline family b: Advanced gets the
// default policy and weak passwords, Enterprise everything but container security,
// Ultimate (and the zero Edition) everything.
func (e Edition) Allows(b Baseline) bool {
	switch e {
	case Advanced:
		return b == DefaultPolicy || b == WeakPassword
	case Enterprise:
		return b != ContainerSecurity
	case Ultimate, "":
		return true
	}
	return false
}

// FixType says what remediation an item supports.
type FixType string

// The fix types (the catalogue's 1, 2, 3).
const (
	FixRollback FixType = "fix_rollback" // fix with a before-image and rollback
	FixOnly     FixType = "fix_only"     // fix, no rollback
	FixManual   FixType = "manual"       // remediation text only
)

// OS is a distribution family an item applies to.
type OS string

// The OS variants.
const (
	Debian OS = "debian"
	Ubuntu OS = "ubuntu"
	ALinux OS = "alinux" // Alibaba Cloud Linux (and the RHEL family it follows)
)

// Example is one good or bad root filesystem for an item. Live, when set, adds facts
// the probe reads only on a running system (ports, loaded modules, kernel values).
type Example struct {
	Name string
	FS   fstest.MapFS
	Live func(*Facts)
}

// Result is an item's verdict over one Facts document. Evidence never holds a
// secret: at most a file, a line number, a setting and a verdict.
type Result struct {
	Status   Status
	Evidence []string
}

// Item is one baseline check: metadata plus a pure rule over Facts.
type Item struct {
	ID          string // stable, never reused: host.<area>.<short_code>
	Title       string
	Category    Category
	Baseline    Baseline
	Severity    Severity
	Frameworks  []string // e.g. "cis-debian-12:5.1.20", "mlps2-l3:8.1.4.1 a)"
	Remediation string
	Fix         FixType
	OS          []OS // empty: every variant
	Good, Bad   []Example
	Eval        func(*Facts) Result
	// fix, for FixRollback and FixOnly items, computes the file edits that remediate
	// the item on the root the facts came from.
	fix func(*Facts, fileReader) ([]Edit, error)
}

// AppliesTo reports whether the item applies to OS variant os ("" = unknown: yes).
func (it *Item) AppliesTo(os OS) bool {
	return os == "" || len(it.OS) == 0 || slices.Contains(it.OS, os)
}

// HasFix reports whether the item can be fixed automatically.
func (it *Item) HasFix() bool { return it.fix != nil }

var (
	regMu    sync.Mutex
	registry = map[string]*Item{}
)

var idPattern = regexp.MustCompile(`^host\.[a-z0-9_]+(\.[a-z0-9_]+)+$`)

// register adds an item to the catalogue; each rule file calls it once per item from
// a package-level var. A malformed or duplicate ID is a programming error.
func register(it Item) *Item {
	regMu.Lock()
	defer regMu.Unlock()
	if !idPattern.MatchString(it.ID) {
		panic(fmt.Sprintf("baseline: bad item id %q", it.ID))
	}
	if _, dup := registry[it.ID]; dup {
		panic(fmt.Sprintf("baseline: duplicate item id %q", it.ID))
	}
	if it.Fix == "" {
		it.Fix = FixManual
		if it.fix != nil {
			it.Fix = FixRollback
		}
	}
	p := &it
	registry[it.ID] = p
	return p
}

// All returns every item, sorted by ID.
func All() []*Item {
	regMu.Lock()
	defer regMu.Unlock()
	out := make([]*Item, 0, len(registry))
	for _, it := range registry {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b *Item) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Lookup returns the item with the given ID.
func Lookup(id string) (*Item, bool) {
	regMu.Lock()
	defer regMu.Unlock()
	it, ok := registry[id]
	return it, ok
}

// Result constructors used by the rules.
func pass(ev ...string) Result   { return Result{Status: Pass, Evidence: ev} }
func fail(ev ...string) Result   { return Result{Status: NotPass, Evidence: ev} }
func manual(ev ...string) Result { return Result{Status: Manual, Evidence: ev} }
func notEval(cause string, a ...any) Result {
	return Result{Status: NotEvaluated, Evidence: []string{fmt.Sprintf(cause, a...)}}
}

// failIf is pass(ev) when ok, else fail(ev).
func failIf(bad bool, ev ...string) Result {
	if bad {
		return fail(ev...)
	}
	return pass(ev...)
}

// Framework reference helpers. CIS section numbers follow CIS Debian Linux 12 v1.1.0
// (whose numbering CIS Ubuntu 24.04 v1.0.0 shares; checked against ComplianceAsCode's
// controls/cis_debian12.yml) and CIS Alibaba Cloud Linux 3 v2.0.0 (checked against
// OpenAnolis loongshield's profiles/seharden/cis_alinux_3.yml, which tracks it); MLPS
// clauses are GB/T 22239-2019 8.1.4.x (level 3) and 7.1.4.x (level 2). An item that
// covers several recommendations (one per mount option) names each.
func cisDeb(secs ...string) []string {
	var out []string
	for _, s := range secs {
		out = append(out, "cis-debian-12:"+s, "cis-ubuntu-24.04:"+s)
	}
	return out
}

func cisAli(secs ...string) []string {
	var out []string
	for _, s := range secs {
		out = append(out, "cis-alinux-3:"+s)
	}
	return out
}

// mlps maps an 8.1.4.x level-3 clause to itself and, unless l3only, to the level-2
// clause 7.1.4.x with the same letter.
func mlps(clause string, l3only bool) []string {
	out := []string{"mlps2-l3:" + clause}
	if !l3only {
		out = append(out, "mlps2-l2:"+strings.Replace(clause, "8.1.4.", "7.1.4.", 1))
	}
	return out
}

func refs(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}
