package cloudsim

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// Helpers shared by the database products (RDS, Redis/Tair, MongoDB,
// PolarDB): IP whitelists, embedded settings objects and the projections
// their list APIs answer with.

// errSecurityIPs is the answer to a malformed whitelist entry. The code is
// the one RDS documents for ModifySecurityIps; Redis, MongoDB and PolarDB
// are given the same (not confirmed against the live services).
func errSecurityIPs(entry string) *APIError {
	return Errorf(http.StatusBadRequest, "InvalidSecurityIPList.Malformed",
		"The specified parameter SecurityIPList is not valid: %q.", entry)
}

// errTooManyIPs answers a whitelist over the documented size (code chosen
// without a live confirmation).
func errTooManyIPs() *APIError {
	return Errorf(http.StatusBadRequest, "QuotaExceeded.SecurityIPList",
		"The whitelist may hold at most %d IP addresses and CIDR blocks.", maxWhitelistEntries)
}

// maxWhitelistEntries is the documented limit of entries per instance.
const maxWhitelistEntries = 1000

// parseSecurityIPs splits a comma-separated whitelist and checks each entry:
// an IPv4 or IPv6 address, a CIDR block, or "%" (MySQL's "any host", which
// RDS also accepts). Duplicates are dropped, order kept. An empty string is
// an empty list.
func parseSecurityIPs(s string) ([]string, *APIError) {
	var out []string
	seen := map[string]bool{}
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if e != "%" && net.ParseIP(e) == nil {
			if _, _, err := net.ParseCIDR(e); err != nil {
				return nil, errSecurityIPs(e)
			}
		}
		if !seen[strings.ToLower(e)] {
			seen[strings.ToLower(e)] = true
			out = append(out, e)
		}
	}
	if len(out) > maxWhitelistEntries {
		return nil, errTooManyIPs()
	}
	return out, nil
}

// applyWhitelistMode combines a group's entries with requested ones:
// Cover (the default) replaces, Append adds, Delete removes.
func applyWhitelistMode(have, req []string, mode string) ([]string, *APIError) {
	switch strings.ToLower(orDefault(mode, "Cover")) {
	case "cover":
		return req, nil
	case "append":
		out := append([]string(nil), have...)
		seen := map[string]bool{}
		for _, e := range have {
			seen[strings.ToLower(e)] = true
		}
		for _, e := range req {
			if !seen[strings.ToLower(e)] {
				seen[strings.ToLower(e)] = true
				out = append(out, e)
			}
		}
		return out, nil
	case "delete":
		drop := map[string]bool{}
		for _, e := range req {
			drop[strings.ToLower(e)] = true
		}
		out := []string{}
		for _, e := range have {
			if !drop[strings.ToLower(e)] {
				out = append(out, e)
			}
		}
		return out, nil
	}
	return nil, errInvalid("ModifyMode")
}

// splitIPs splits a stored comma-separated whitelist.
func splitIPs(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// whitelistGroups reads an embedded list of whitelist groups (objects)
// from field of obj, or returns def when the field is absent.
func whitelistGroups(obj json.RawMessage, field string, def []map[string]any) []map[string]any {
	raw, ok := fields(obj)[field]
	if !ok {
		return def
	}
	var groups []map[string]any
	decodeNumbers(raw, &groups)
	if groups == nil {
		groups = []map[string]any{}
	}
	return groups
}

// decodeNumbers decodes raw into v keeping numbers exact; errors leave v
// as it is (the inventory was validated).
func decodeNumbers(raw json.RawMessage, v any) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	_ = dec.Decode(v)
}

// setWhitelist applies a ModifySecurityIps-style change to a list of
// groups: nameField/listField name the group's name and entry fields, and
// extra fields are set on a group the call creates or changes. A group
// that does not exist is created (with Cover or Append). It returns the
// new list and the total number of entries across groups.
func setWhitelist(groups []map[string]any, nameField, listField, name string, req []string, mode string,
	extra map[string]string) ([]map[string]any, *APIError) {
	idx := -1
	for i, g := range groups {
		if n, _ := g[nameField].(string); strings.EqualFold(n, name) {
			idx = i
			break
		}
	}
	var have []string
	if idx >= 0 {
		s, _ := groups[idx][listField].(string)
		have = splitIPs(s)
	} else if strings.EqualFold(mode, "delete") {
		return nil, Errorf(http.StatusNotFound, "InvalidSecurityIPArrayName.NotFound",
			"The specified whitelist group %q does not exist.", name)
	}
	next, err := applyWhitelistMode(have, req, mode)
	if err != nil {
		return nil, err
	}
	if idx < 0 {
		groups = append(groups, map[string]any{nameField: name})
		idx = len(groups) - 1
	}
	groups[idx][listField] = strings.Join(next, ",")
	for k, v := range extra {
		if v != "" {
			groups[idx][k] = v
		} else if _, ok := groups[idx][k]; !ok {
			groups[idx][k] = ""
		}
	}
	total := 0
	for _, g := range groups {
		s, _ := g[listField].(string)
		total += len(splitIPs(s))
	}
	if total > maxWhitelistEntries {
		return nil, errTooManyIPs()
	}
	return groups, nil
}

// embedded returns the object stored in field of obj, or def when absent.
func embedded(obj json.RawMessage, field string, def map[string]any) map[string]any {
	raw, ok := fields(obj)[field]
	if !ok {
		out := make(map[string]any, len(def))
		for k, v := range def {
			out[k] = v
		}
		return out
	}
	var m map[string]any
	decodeNumbers(raw, &m)
	if m == nil {
		m = map[string]any{}
	}
	for k, v := range def {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	return m
}

// project keeps only the named top-level fields of an object (a list API
// answers with fewer fields than the inventory object holds).
func project(raw json.RawMessage, keep []string) json.RawMessage {
	m := fields(raw)
	out := make(map[string]json.RawMessage, len(keep))
	for _, k := range keep {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return raw
	}
	return b
}

// validateEmbeddedGroups checks an embedded whitelist: a list of objects
// with a non-empty string nameField and a string listField whose entries
// parse.
func validateEmbeddedGroups(v *validation, at string, raw json.RawMessage, nameField, listField string) {
	var groups []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &groups); err != nil {
		v.add(at, fmt.Sprintf("want a list of {%q, %q} objects", nameField, listField))
		return
	}
	for j, g := range groups {
		gat := fmt.Sprintf("%s[%d]", at, j)
		if jsonString(g[nameField]) == "" {
			v.add(gat+"."+nameField, "missing")
		}
		var list string
		if err := json.Unmarshal(g[listField], &list); err != nil {
			v.add(gat+"."+listField, "want a comma-separated string")
			continue
		}
		if _, err := parseSecurityIPs(list); err != nil {
			v.add(gat+"."+listField, err.Message)
		}
	}
}

// validateEmbeddedObject checks that field, when present, is an object.
func validateEmbeddedObject(v *validation, at string, m map[string]json.RawMessage, field string) {
	raw, ok := m[field]
	if !ok {
		return
	}
	var o map[string]json.RawMessage
	if err := json.Unmarshal(raw, &o); err != nil || o == nil {
		v.add(at+"."+field, "want an object")
	}
}

// dbListFilter is a database list call's filters: the IDs it names in a
// comma-separated parameter (lower-cased; nil when not given) and the
// fields it asks to equal a value (case-insensitively).
type dbListFilter struct {
	ids    map[string]bool
	equals map[string]string
}

// newDBListFilter reads idParam and the field filters among names that the
// call sets.
func newDBListFilter(c *call, idParam string, names ...string) dbListFilter {
	f := dbListFilter{equals: map[string]string{}}
	if s := c.param(idParam); s != "" {
		f.ids = map[string]bool{}
		for _, id := range strings.Split(s, ",") {
			f.ids[strings.ToLower(strings.TrimSpace(id))] = true
		}
	}
	for _, n := range names {
		if v := c.param(n); v != "" {
			f.equals[n] = v
		}
	}
	return f
}

// set reports whether the call filters at all.
func (f dbListFilter) set() bool { return f.ids != nil || len(f.equals) > 0 }

// match reports whether the object, whose lower-cased ID is id, passes.
func (f dbListFilter) match(raw json.RawMessage, id string) bool {
	ok := f.ids == nil || f.ids[id]
	for name, want := range f.equals {
		ok = ok && strings.EqualFold(fieldString(raw, name), want)
	}
	return ok
}
