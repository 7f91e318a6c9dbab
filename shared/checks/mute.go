package checks

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// WhitelistRule mutes findings the way the product's whitelist does: a whole
// item (no InstanceIDs: ScopeType ITEM), some instances of an item
// (ScopeType INSTANCE), or, with no ItemID, some instances for every item.
type WhitelistRule struct {
	ItemID      string    `json:"item_id,omitempty"`
	InstanceIDs []string  `json:"instance_ids,omitempty"`
	Reason      string    `json:"reason"`
	Expires     time.Time `json:"expires,omitzero"` // zero: never
}

// validate checks a rule against the registry: an item ID, if any, must exist.
func (w *WhitelistRule) validate() error {
	switch {
	case w.ItemID == "" && len(w.InstanceIDs) == 0:
		return errors.New("names neither an item nor an instance")
	case strings.TrimSpace(w.Reason) == "":
		return errors.New("missing reason")
	case len(w.Reason) > 65535:
		return fmt.Errorf("reason is %d bytes, over 65535", len(w.Reason))
	}
	if w.ItemID != "" {
		if _, ok := Lookup(w.ItemID); !ok {
			return fmt.Errorf("unknown item id %q", w.ItemID)
		}
	}
	return nil
}

func (w *WhitelistRule) matches(f *Finding, now time.Time) bool {
	if !w.Expires.IsZero() && !now.Before(w.Expires) {
		return false
	}
	if w.ItemID != "" && w.ItemID != f.ItemID {
		return false
	}
	return len(w.InstanceIDs) == 0 || slices.Contains(w.InstanceIDs, f.InstanceID)
}

// Whitelist mutes the findings that an unexpired rule covers: their status
// becomes WHITELISTED, the original kept in OriginalStatus, with the rule's
// reason as Remark. Every rule is checked first; an invalid one (unknown
// item, no reason) is an error and nothing is muted.
func Whitelist(fs []Finding, rules []WhitelistRule, now time.Time) (muted int, err error) {
	for i := range rules {
		if err := rules[i].validate(); err != nil {
			return 0, fmt.Errorf("checks: whitelist rule %d: %w", i, err)
		}
	}
	for i := range fs {
		for j := range rules {
			if rules[j].matches(&fs[i], now) {
				mute(&fs[i], ReasonWhitelist, rules[j].Reason)
				muted++
				break
			}
		}
	}
	return muted, nil
}

// Mute marks one finding WHITELISTED by a whitelist rule whose reason is remark,
// keeping its verdict in OriginalStatus: for callers that match rules themselves
// (host baseline items, which the config registry does not know).
func Mute(f *Finding, remark string) { mute(f, ReasonWhitelist, remark) }

func mute(f *Finding, reason, remark string) {
	if f.Status == Whitelisted {
		return
	}
	f.OriginalStatus, f.Status, f.Reason, f.Remark = f.Status, Whitelisted, reason, remark
}

// Mutelist is a Prowler-style mutelist for the command-line tool:
//
//	Mutelist:
//	  Accounts:
//	    "*":                      # an account ID, or * for every account
//	      Checks:
//	        "ecs_sg_*":           # item IDs, as a glob
//	          Regions: ["*"]      # region IDs, or *
//	          Resources: ["sg-bp1.*"]   # instance IDs (regular expressions, whole-ID match)
//	          Tags: ["env=dev"]   # key=value regular expressions; all must match
//	          Exceptions:         # what stays unmuted despite the above
//	            Regions: ["cn-shanghai"]
//	          Reason: "lab account"
//
// YAML or JSON (JSON is YAML). A muted finding keeps its status in
// OriginalStatus and becomes WHITELISTED.
type Mutelist struct {
	accounts []muteAccount
}

type muteAccount struct {
	account string
	checks  []muteCheck
}

type muteCheck struct {
	glob       string
	regions    []string
	resources  []*regexp.Regexp
	tags       []*regexp.Regexp
	exceptions *muteException
	reason     string
}

type muteException struct {
	accounts, regions []string
	resources, tags   []*regexp.Regexp
}

// The file's shape.
type mutelistFile struct {
	Mutelist *struct {
		Accounts map[string]struct {
			Checks map[string]struct {
				Regions    []string `yaml:"Regions"`
				Resources  []string `yaml:"Resources"`
				Tags       []string `yaml:"Tags"`
				Exceptions *struct {
					Accounts  []string `yaml:"Accounts"`
					Regions   []string `yaml:"Regions"`
					Resources []string `yaml:"Resources"`
					Tags      []string `yaml:"Tags"`
				} `yaml:"Exceptions"`
				Reason      string `yaml:"Reason"`
				Description string `yaml:"Description"`
			} `yaml:"Checks"`
		} `yaml:"Accounts"`
	} `yaml:"Mutelist"`
}

// LoadMutelist reads a mutelist file.
func LoadMutelist(file string) (*Mutelist, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("checks: mutelist: %w", err)
	}
	m, err := ParseMutelist(b)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, file)
	}
	return m, nil
}

// ParseMutelist parses a mutelist in YAML or JSON. Unknown fields, invalid
// globs and regular expressions, and check globs that match no item are
// errors naming their place.
func ParseMutelist(data []byte) (*Mutelist, error) {
	var f mutelistFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("checks: mutelist: %w", err)
	}
	if f.Mutelist == nil {
		return nil, errors.New("checks: mutelist: no top-level Mutelist key")
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	m := &Mutelist{}
	for _, acct := range sortedKeys(f.Mutelist.Accounts) {
		a := muteAccount{account: acct}
		for _, glob := range sortedKeys(f.Mutelist.Accounts[acct].Checks) {
			e := f.Mutelist.Accounts[acct].Checks[glob]
			at := fmt.Sprintf("Accounts.%s.Checks.%s", acct, glob)
			if _, err := path.Match(glob, ""); err != nil {
				bad("%s: bad glob: %v", at, err)
				continue
			}
			if !matchesAnyItem(glob) {
				bad("%s: the glob matches no item id", at)
			}
			c := muteCheck{glob: glob, regions: e.Regions, reason: firstNonEmpty(e.Reason, e.Description)}
			c.resources = compileAll(e.Resources, at+".Resources", bad)
			c.tags = compileAll(e.Tags, at+".Tags", bad)
			if x := e.Exceptions; x != nil {
				c.exceptions = &muteException{accounts: x.Accounts, regions: x.Regions,
					resources: compileAll(x.Resources, at+".Exceptions.Resources", bad),
					tags:      compileAll(x.Tags, at+".Exceptions.Tags", bad)}
			}
			a.checks = append(a.checks, c)
		}
		m.accounts = append(m.accounts, a)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("checks: mutelist: %w", errors.Join(errs...))
	}
	return m, nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func matchesAnyItem(glob string) bool {
	for _, r := range All() {
		if ok, _ := path.Match(glob, r.ID); ok {
			return true
		}
	}
	return false
}

// compileAll compiles whole-string regular expressions; "*" alone matches
// everything.
func compileAll(pats []string, at string, bad func(string, ...any)) []*regexp.Regexp {
	out := make([]*regexp.Regexp, 0, len(pats))
	for i, p := range pats {
		if p == "*" {
			p = ".*"
		}
		re, err := regexp.Compile(`^(?:` + p + `)$`)
		if err != nil {
			bad("%s[%d]: %v", at, i, err)
			continue
		}
		out = append(out, re)
	}
	return out
}

func anyMatch(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

func listMatch(list []string, s string) bool {
	return slices.Contains(list, "*") || slices.Contains(list, s)
}

// tagsMatch reports whether every pattern matches one of the tags, as "k=v".
func tagsMatch(pats []*regexp.Regexp, tags map[string]string) bool {
	for _, re := range pats {
		hit := false
		for k, v := range tags {
			if re.MatchString(k + "=" + v) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

func (c *muteCheck) matches(f *Finding) bool {
	if ok, _ := path.Match(c.glob, f.ItemID); !ok {
		return false
	}
	if len(c.regions) > 0 && !listMatch(c.regions, f.Region) {
		return false
	}
	if len(c.resources) > 0 && !anyMatch(c.resources, f.InstanceID) {
		return false
	}
	if len(c.tags) > 0 && !tagsMatch(c.tags, f.Tags) {
		return false
	}
	return !c.exceptions.matches(f)
}

// matches reports whether an exception applies: every list it has matches
// (an empty list does not restrict), and it has at least one.
func (x *muteException) matches(f *Finding) bool {
	if x == nil || len(x.accounts)+len(x.regions)+len(x.resources)+len(x.tags) == 0 {
		return false
	}
	return (len(x.accounts) == 0 || listMatch(x.accounts, f.AccountID)) &&
		(len(x.regions) == 0 || listMatch(x.regions, f.Region)) &&
		(len(x.resources) == 0 || anyMatch(x.resources, f.InstanceID)) &&
		(len(x.tags) == 0 || tagsMatch(x.tags, f.Tags))
}

// Apply mutes the findings the mutelist covers and returns how many.
func (m *Mutelist) Apply(fs []Finding) int {
	if m == nil {
		return 0
	}
	n := 0
	for i := range fs {
		f := &fs[i]
	accounts:
		for _, a := range m.accounts {
			if a.account != "*" && a.account != f.AccountID {
				continue
			}
			for j := range a.checks {
				if a.checks[j].matches(f) {
					mute(f, ReasonMutelist, a.checks[j].reason)
					n++
					break accounts
				}
			}
		}
	}
	return n
}
