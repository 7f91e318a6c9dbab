package cloudsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultAccountID is the account an empty inventory belongs to. It is the
// demo stack's account (local/demo.AccountID).
const DefaultAccountID = "1234567890123456"

// Inventory is the state of one emulated Alibaba Cloud account. Every
// resource is kept as the JSON object the product's own Describe/List API
// returns for it, with the API's field names and nesting; INVENTORY.md
// describes the layout and each product's collections.
//
// The zero value is not useful; build one with ParseInventory,
// LoadInventory, Generate or a literal, and check hand-built ones with
// Validate.
type Inventory struct {
	// AccountID is the 16-digit account UID that owns every resource.
	AccountID string `json:"account_id"`
	// Regions maps a region ID ("cn-hangzhou") to its regional products.
	// A region present with no products is an enabled, empty region:
	// DescribeRegions lists exactly these keys.
	Regions map[string]Products `json:"regions"`
	// Global holds the account-level products (RAM).
	Global Products `json:"global,omitempty"`
}

// Products maps an inventory product key ("ecs", "vpc", "ram") to its
// collections.
type Products map[string]Collections

// Collections maps a collection name to its objects. The name is the
// response field that wraps the list in the product's Describe API
// ("Instances" for DescribeInstances' Instances.Instance[]).
type Collections map[string][]json.RawMessage

// InventoryError is one problem found in an inventory: the JSON path of the
// field at fault and what is wrong with it.
type InventoryError struct {
	Path    string // e.g. "regions.cn-hangzhou.ecs.Instances[3].InstanceId"
	Problem string // e.g. "missing"
}

// Error formats the problem as "inventory: <path>: <problem>".
func (e *InventoryError) Error() string {
	if e.Path == "" {
		return "inventory: " + e.Problem
	}
	return "inventory: " + e.Path + ": " + e.Problem
}

// maxReported bounds how many problems one validation reports.
const maxReported = 20

// LoadInventory reads and validates an inventory file.
func LoadInventory(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	inv, err := ParseInventory(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return inv, nil
}

// ParseInventory decodes and validates an inventory. Errors are
// *InventoryError values (joined when there are several) naming the JSON
// path at fault, e.g.
//
//	inventory: regions.cn-hangzhou.ecs.Instances[3].InstanceId: missing
func ParseInventory(data []byte) (*Inventory, error) {
	if err := json.Unmarshal(data, new(any)); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := lineCol(data, syn.Offset)
			return nil, &InventoryError{Problem: fmt.Sprintf("line %d, column %d: %v", line, col, syn)}
		}
		return nil, &InventoryError{Problem: err.Error()}
	}
	// Decode level by level, so a wrong type is reported with its full path.
	top, err := object(data, "")
	if err != nil {
		return nil, err
	}
	inv := &Inventory{Regions: map[string]Products{}}
	for key, raw := range top {
		switch key {
		case "account_id":
			if err := json.Unmarshal(raw, &inv.AccountID); err != nil {
				return nil, &InventoryError{Path: key, Problem: "want a string, got JSON " + kind(raw)}
			}
		case "regions":
			regions, err := object(raw, key)
			if err != nil {
				return nil, err
			}
			for region, rraw := range regions {
				ps, err := parseProducts(rraw, key+"."+region)
				if err != nil {
					return nil, err
				}
				inv.Regions[region] = ps
			}
		case "global":
			ps, err := parseProducts(raw, key)
			if err != nil {
				return nil, err
			}
			inv.Global = ps
		default:
			return nil, &InventoryError{Path: key, Problem: "unknown field (want account_id, regions, global)"}
		}
	}
	if err := inv.Validate(); err != nil {
		return nil, err
	}
	return inv, nil
}

func parseProducts(data []byte, path string) (Products, error) {
	m, err := object(data, path)
	if err != nil {
		return nil, err
	}
	ps := Products{}
	for key, raw := range m {
		cm, err := object(raw, path+"."+key)
		if err != nil {
			return nil, err
		}
		cols := Collections{}
		for name, craw := range cm {
			var objs []json.RawMessage
			if err := json.Unmarshal(craw, &objs); err != nil {
				return nil, &InventoryError{Path: path + "." + key + "." + name, Problem: "want a list of objects, got JSON " + kind(craw)}
			}
			cols[name] = objs
		}
		ps[key] = cols
	}
	return ps, nil
}

// object decodes a JSON object, reporting anything else at path.
func object(data []byte, path string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil && kind(data) != "object" {
		return nil, &InventoryError{Path: path, Problem: "want an object, got JSON " + kind(data)}
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	return m, nil
}

// kind names a JSON value's type.
func kind(data []byte) string {
	b := bytes.TrimSpace(data)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func lineCol(data []byte, off int64) (line, col int) {
	off-- // Offset counts the offending byte
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:max(off, 0)] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// Validate checks an inventory against the emulated products' schemas:
// known products and collections, every object a JSON object with its
// identifying and required fields, IDs unique per region, RegionId (when
// present) equal to the region it is filed under, and each product's own
// cross-checks (for example that an instance's security groups exist).
func (inv *Inventory) Validate() error {
	v := &validation{}
	if inv.AccountID == "" {
		v.add("account_id", "missing")
	} else if !isAccountID(inv.AccountID) {
		v.add("account_id", fmt.Sprintf("%q is not a 16-digit account UID", inv.AccountID))
	}
	for _, region := range sortedKeys(inv.Regions) {
		if !isRegionID(region) {
			v.add("regions."+region, "not a region ID (want lower-case letters, digits and hyphens, e.g. cn-hangzhou)")
			continue
		}
		v.products("regions."+region, region, inv.Regions[region], false)
	}
	v.products("global", "", inv.Global, true)
	return v.err()
}

type validation struct {
	problems []error
	dropped  int
}

func (v *validation) add(path, problem string) {
	if len(v.problems) >= maxReported {
		v.dropped++
		return
	}
	v.problems = append(v.problems, &InventoryError{Path: path, Problem: problem})
}

func (v *validation) err() error {
	if v.dropped > 0 {
		v.problems = append(v.problems, &InventoryError{Problem: fmt.Sprintf("%d more problems not shown", v.dropped)})
	}
	return errors.Join(v.problems...)
}

func (v *validation) products(path, region string, ps Products, global bool) {
	for _, key := range sortedKeys(ps) {
		p := productByKey(key)
		switch {
		case p == nil:
			v.add(path+"."+key, "unknown product (want one of "+strings.Join(productKeys(global), ", ")+")")
			continue
		case p.global != global && global:
			v.add(path+"."+key, "regional product under global (file it under regions.<region>)")
			continue
		case p.global != global:
			v.add(path+"."+key, "account-level product under a region (file it under global)")
			continue
		}
		cols := ps[key]
		for _, name := range sortedKeys(cols) {
			spec := p.collection(name)
			if spec == nil {
				v.add(path+"."+key+"."+name, "unknown collection (want one of "+strings.Join(p.collectionNames(), ", ")+")")
				continue
			}
			v.collection(path+"."+key+"."+name, region, spec, cols[name])
		}
		if p.validate != nil {
			p.validate(v, path+"."+key, cols)
		}
	}
}

func (v *validation) collection(path, region string, spec *collection, objs []json.RawMessage) {
	seen := make(map[string]int, len(objs))
	for i, raw := range objs {
		at := fmt.Sprintf("%s[%d]", path, i)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			v.add(at, "not a JSON object")
			continue
		}
		for _, f := range append([]string{spec.id}, spec.required...) {
			if f == "" {
				continue
			}
			fv, ok := m[f]
			if !ok {
				v.add(at+"."+f, "missing")
				continue
			}
			var s string
			if err := json.Unmarshal(fv, &s); err != nil {
				v.add(at+"."+f, "want a string, got "+string(fv))
			} else if s == "" {
				v.add(at+"."+f, "empty")
			}
		}
		if spec.id != "" {
			id := jsonString(m[spec.id])
			if first, dup := seen[strings.ToLower(id)]; dup && id != "" {
				v.add(at+"."+spec.id, fmt.Sprintf("duplicate %q (first at %s[%d])", id, path, first))
			} else if id != "" {
				seen[strings.ToLower(id)] = i
			}
		}
		if region != "" {
			if rid, ok := m["RegionId"]; ok {
				if r := jsonString(rid); r != region {
					v.add(at+".RegionId", fmt.Sprintf("%q does not match region %s", r, region))
				}
			}
		}
	}
}

// ids returns the value of field in every object that has it.
func ids(objs []json.RawMessage, field string) map[string]bool {
	out := make(map[string]bool, len(objs))
	for _, raw := range objs {
		if id := fieldString(raw, field); id != "" {
			out[id] = true
		}
	}
	return out
}

// Clone returns a deep copy of the inventory.
func (inv *Inventory) Clone() *Inventory {
	out := &Inventory{AccountID: inv.AccountID, Regions: make(map[string]Products, len(inv.Regions))}
	for r, ps := range inv.Regions {
		out.Regions[r] = ps.clone()
	}
	if inv.Global != nil {
		out.Global = inv.Global.clone()
	}
	return out
}

func (ps Products) clone() Products {
	out := make(Products, len(ps))
	for k, cols := range ps {
		c := make(Collections, len(cols))
		for name, objs := range cols {
			cp := make([]json.RawMessage, len(objs))
			for i, o := range objs {
				cp[i] = append(json.RawMessage(nil), o...)
			}
			c[name] = cp
		}
		out[k] = c
	}
	return out
}

// Objects returns one collection: region "" means Global. The slice is the
// inventory's own; do not modify it while a Server uses the inventory.
func (inv *Inventory) Objects(region, product, collection string) []json.RawMessage {
	ps := inv.Global
	if region != "" {
		ps = inv.Regions[region]
	}
	return ps[product][collection]
}

// Add appends objects to a collection, creating the region, product and
// collection as needed (region "" means Global). Each object is marshaled
// with encoding/json, so pass API-shaped maps or structs, or
// json.RawMessage values. It does not validate; call Validate when done.
func (inv *Inventory) Add(region, product, collection string, objs ...any) error {
	ps := inv.Global
	if region != "" {
		if inv.Regions == nil {
			inv.Regions = map[string]Products{}
		}
		ps = inv.Regions[region]
		if ps == nil {
			ps = Products{}
			inv.Regions[region] = ps
		}
	} else if ps == nil {
		ps = Products{}
		inv.Global = ps
	}
	cols := ps[product]
	if cols == nil {
		cols = Collections{}
		ps[product] = cols
	}
	for _, o := range objs {
		raw, ok := o.(json.RawMessage)
		if !ok {
			b, err := json.Marshal(o)
			if err != nil {
				return fmt.Errorf("inventory: add to %s.%s: %w", product, collection, err)
			}
			raw = b
		}
		cols[collection] = append(cols[collection], raw)
	}
	return nil
}

// WriteFile saves the inventory as indented JSON.
func (inv *Inventory) WriteFile(path string) error {
	b, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// RegionIDs returns the inventory's regions, sorted.
func (inv *Inventory) RegionIDs() []string { return sortedKeys(inv.Regions) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func isAccountID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isRegionID(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
