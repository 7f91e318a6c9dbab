package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The built-in policy IDs.
const (
	PolicyCISv2 = "cis-v2"
	PolicyCISv1 = "cis-v1"
	PolicyMLPS3 = "mlps-l3"
	PolicyAll   = "all"
	PolicyFree  = "free"
)

// Catalog is a validated, sorted set of items with the built-in policies over
// them. It is immutable and safe for concurrent use.
type Catalog struct {
	items    []Item
	byID     map[string]int
	policies []Policy
}

// New validates items and builds a catalog sorted by item ID. Every item must
// be valid on its own, IDs unique, and every framework reference must name a
// requirement that exists. The error lists every problem found.
func New(items []Item) (*Catalog, error) {
	c := &Catalog{items: slices.Clone(items), byID: make(map[string]int, len(items))}
	slices.SortFunc(c.items, func(a, b Item) int { return strings.Compare(a.ID, b.ID) })
	var errs []error
	for i := range c.items {
		it := &c.items[i]
		if err := it.Validate(); err != nil {
			errs = append(errs, err)
		}
		if _, dup := c.byID[it.ID]; dup {
			errs = append(errs, fmt.Errorf("item %s: duplicate id", it.ID))
		}
		c.byID[it.ID] = i
		for _, ref := range it.Frameworks {
			if _, _, err := ParseRef(ref); err != nil {
				errs = append(errs, fmt.Errorf("item %s: %w", it.ID, err))
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("catalog: %w", errors.Join(errs...))
	}
	c.policies = []Policy{
		c.builtin(PolicyCISv2, "CIS Alibaba Cloud Foundations Benchmark v2.0.0", func(it *Item) bool { return len(it.RefsTo(CISv2)) > 0 }),
		c.builtin(PolicyCISv1, "CIS Alibaba Cloud Foundations Benchmark v1.0.0", func(it *Item) bool { return len(it.RefsTo(CISv1)) > 0 }),
		c.builtin(PolicyMLPS3, "MLPS 2.0 level 3", func(it *Item) bool { return len(it.RefsTo(MLPS3)) > 0 }),
		c.builtin(PolicyAll, "Every item", func(*Item) bool { return true }),
		c.builtin(PolicyFree, "Every free item", func(it *Item) bool { return it.Free }),
	}
	return c, nil
}

// builtin is a policy of the items that match keep, scheduled every day with no
// window: once a day, at the first timer of the tenant's day (00:00 with the hourly
// timer, inside the product's default 00:00–06:00 window), or whenever a timer is
// fired by hand that day.
func (c *Catalog) builtin(id, name string, keep func(*Item) bool) Policy {
	p := Policy{ID: id, Name: name, Weekdays: EveryDay}
	for i := range c.items {
		if keep(&c.items[i]) {
			p.Items = append(p.Items, c.items[i].ID)
		}
	}
	return p
}

// Items returns every item, sorted by ID. The slice is shared: do not modify.
func (c *Catalog) Items() []Item { return c.items }

// Item returns the item with the given ID.
func (c *Catalog) Item(id string) (*Item, bool) {
	i, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	return &c.items[i], true
}

// Lookup returns the items with the given IDs, in that order. An unknown ID is
// an error naming it.
func (c *Catalog) Lookup(ids []string) ([]*Item, error) {
	out := make([]*Item, 0, len(ids))
	var unknown []string
	for _, id := range ids {
		it, ok := c.Item(id)
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		out = append(out, it)
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("catalog: unknown item id %s (list them with `cspm catalog`)", quoteList(unknown))
	}
	return out, nil
}

// Policies returns the built-in policies.
func (c *Catalog) Policies() []Policy { return slices.Clone(c.policies) }

// Policy returns the built-in policy with the given ID, or an error naming
// the known ones.
func (c *Catalog) Policy(id string) (Policy, error) {
	for _, p := range c.policies {
		if p.ID == id {
			p.Items = slices.Clone(p.Items)
			return p, nil
		}
	}
	known := make([]string, len(c.policies))
	for i, p := range c.policies {
		known[i] = p.ID
	}
	return Policy{}, fmt.Errorf("catalog: unknown policy %q (built-in: %s)", id, strings.Join(known, ", "))
}

// CheckPolicy validates a policy, built-in or custom: a well-formed ID, at
// least one item, every item ID known and listed once, valid weekdays and
// windows. The error lists every problem.
func (c *Catalog) CheckPolicy(p Policy) error {
	errs := p.validate()
	seen := map[string]bool{}
	var unknown []string
	for _, id := range p.Items {
		if seen[id] {
			errs = append(errs, fmt.Errorf("item %q listed twice", id))
		}
		seen[id] = true
		if _, ok := c.byID[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		errs = append(errs, fmt.Errorf("unknown item id %s", quoteList(unknown)))
	}
	if len(errs) > 0 {
		return fmt.Errorf("catalog: policy %q: %w", p.ID, errors.Join(errs...))
	}
	return nil
}

// Coverage maps each requirement of framework fw to the IDs of the items that
// implement it, in the framework's order; a requirement no item implements
// maps to nil.
func (c *Catalog) Coverage(fw string) ([]RequirementItems, error) {
	f, ok := FrameworkByID(fw)
	if !ok {
		return nil, fmt.Errorf("catalog: unknown framework %q (want %s, %s or %s)", fw, CISv2, CISv1, MLPS3)
	}
	idx := map[string][]string{}
	for i := range c.items {
		for _, r := range c.items[i].RefsTo(fw) {
			idx[r] = append(idx[r], c.items[i].ID)
		}
	}
	out := make([]RequirementItems, len(f.Requirements))
	for i, r := range f.Requirements {
		out[i] = RequirementItems{Requirement: r, Items: idx[r.ID]}
	}
	return out, nil
}

// RequirementItems is one requirement and the items implementing it.
type RequirementItems struct {
	Requirement
	Items []string
}

func quoteList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(q, ", ")
}
