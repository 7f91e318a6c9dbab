package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cspm-alibaba/cspm/shared/entitlement"
)

// Severity is an item's risk level.
type Severity string

// The severities, highest first.
const (
	High   Severity = "HIGH"
	Medium Severity = "MEDIUM"
	Low    Severity = "LOW"
)

// Rank orders severities: HIGH 3, MEDIUM 2, LOW 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Category is the security domain of an item, as the product's console groups
// them (DescribeRiskCheckResult GroupId 1–6).
type Category string

// The categories.
const (
	Identity   Category = "identity and authentication" // GroupId 1
	Network    Category = "network access control"      // GroupId 2
	LogAudit   Category = "log audit"                   // GroupId 3
	Data       Category = "data security"               // GroupId 4
	Monitoring Category = "monitoring and alerting"     // GroupId 5
	Protection Category = "basic protection"            // GroupId 6
)

// Categories lists every category in the product's order.
var Categories = []Category{Identity, Network, LogAudit, Data, Monitoring, Protection}

// FixType says what remediation an item supports (RepairSupportType 1, 2, 3).
type FixType string

// The fix types.
const (
	FixRollback FixType = "fix_rollback" // 1: fixed for the user, with a before-image and rollback
	FixOnly     FixType = "fix_only"     // 2: fixed for the user, no rollback
	FixConsole  FixType = "console"      // 3: the user fixes it in the product's own console
)

// Edition is a Security Center edition (DescribeVersionConfig Version).
type Edition string

// The editions.
const (
	Basic      Edition = "basic"       // 1
	AntiVirus  Edition = "anti-virus"  // 6
	Advanced   Edition = "advanced"    // 5
	Enterprise Edition = "enterprise"  // 3
	Ultimate   Edition = "ultimate"    // 7
	ValueAdded Edition = "value-added" // 10: value-added services only
)

// Products are the product keys an item may name: the inventory keys of
// shared/collect and local/cloudsim.
var Products = []string{
	"ack", "actiontrail", "alb", "ecs", "kms", "mongodb", "nlb", "oss", "polardb",
	"ram", "rds", "redis", "sas", "slb", "sls", "vpc",
	// Products checked by hand only (no collector): their items are manual.
	"cfw", "ddos", "waf",
}

// Item is one check item's metadata.
type Item struct {
	// ID is stable and never reused: "<product>_<short_code>", lower-case
	// snake case, equal to the declaring file's name.
	ID    string
	Title string // at most 150 characters; does not start with "Ensure"
	// Product is the product key ("ecs"); the ID starts with it.
	Product string
	// ResourceType names what an instance of the item is, in the
	// ALIYUN::<PRODUCT>::<Type> form ("ALIYUN::ECS::SecurityGroup").
	ResourceType string
	Category     Category
	Severity     Severity
	// Free items are scanned and verified at no charge on every edition;
	// the others need CSPM (subscription or pay-as-you-go).
	Free bool
	// KSPM marks container-security (KSPM) items: paid, but included in the
	// Ultimate edition without CSPM.
	KSPM bool
	// Manual items have no automated rule: a scan reports them MANUAL with
	// Audit as the guidance.
	Manual bool
	// Frameworks are the requirements the item implements, as
	// "<framework>:<requirement>" ("cis-v2:4.3", "mlps2-l3:8.1.3.2 c)").
	Frameworks []string
	// Description says what is checked and the risk of failing it.
	Description string
	// Audit says how to check the item by hand.
	Audit       string
	Remediation string
	Fix         FixType
	Links       []string
}

// Allowed reports whether an account on edition e may scan and verify the
// item: free items always, KSPM items on Ultimate, and every item once CSPM
// is bought (billing.md).
func (it *Item) Allowed(e Edition, cspm bool) bool {
	return cspm || it.Free || (it.KSPM && e == Ultimate)
}

// Entitlement is the item as the plan rules of package entitlement see it.
func (it *Item) Entitlement() entitlement.Item {
	return entitlement.Item{ID: it.ID, Kind: entitlement.Config, Free: it.Free, KSMP: it.KSPM}
}

// Fixable reports whether the platform may fix the item for the user: fixes
// are never free (they need CSPM), and console items are fixed by the user.
func (it *Item) Fixable(cspm bool) bool { return cspm && it.Fix != FixConsole }

// RefsTo returns the requirement IDs the item maps to in framework fw
// ("cis-v2" → ["3.2", "4.3"]).
func (it *Item) RefsTo(fw string) []string {
	var out []string
	for _, r := range it.Frameworks {
		if f, req, ok := strings.Cut(r, ":"); ok && f == fw {
			out = append(out, req)
		}
	}
	return out
}

// MaxTitle is the longest title an item may have.
const MaxTitle = 150

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+$`)

// ValidID reports whether id is shaped like an item ID.
func ValidID(id string) bool { return len(id) <= 64 && idPattern.MatchString(id) }

// Validate checks the item on its own; framework references are resolved by
// New. The error lists every problem.
func (it *Item) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !ValidID(it.ID) {
		bad("id %q: want <product>_<short_code> in lower-case snake case, at most 64 bytes", it.ID)
	}
	if !slices.Contains(Products, it.Product) {
		bad("product %q: want one of %v", it.Product, Products)
	} else if !strings.HasPrefix(it.ID, it.Product+"_") {
		bad("id %q does not start with its product %q", it.ID, it.Product+"_")
	}
	switch t := strings.TrimSpace(it.Title); {
	case t == "":
		bad("missing title")
	case len(it.Title) > MaxTitle:
		bad("title is %d bytes, over %d", len(it.Title), MaxTitle)
	case strings.HasPrefix(t, "Ensure"):
		bad("title %q starts with \"Ensure\": say what is checked", it.Title)
	}
	if !slices.Contains(Categories, it.Category) {
		bad("category %q: want one of %q", it.Category, Categories)
	}
	if it.Severity.Rank() == 0 {
		bad("severity %q: want HIGH, MEDIUM or LOW", it.Severity)
	}
	switch it.Fix {
	case FixRollback, FixOnly, FixConsole:
	default:
		bad("fix type %q: want %s, %s or %s", it.Fix, FixRollback, FixOnly, FixConsole)
	}
	if !strings.HasPrefix(it.ResourceType, "ALIYUN::") {
		bad("resource type %q: want ALIYUN::<PRODUCT>::<Type>", it.ResourceType)
	}
	if strings.TrimSpace(it.Description) == "" {
		bad("missing description")
	}
	if strings.TrimSpace(it.Remediation) == "" {
		bad("missing remediation")
	}
	if it.Manual && strings.TrimSpace(it.Audit) == "" {
		bad("manual item without audit guidance")
	}
	if it.KSPM && it.Free {
		bad("a KSPM item cannot be free")
	}
	seen := map[string]bool{}
	for _, r := range it.Frameworks {
		if seen[r] {
			bad("framework ref %q repeated", r)
		}
		seen[r] = true
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("item %s: %w", it.ID, errors.Join(errs...))
}
