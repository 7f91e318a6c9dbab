package collect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// PolicyDocument is a RAM policy document, parsed: a permission policy's
// version (GetPolicy's DefaultPolicyVersion.PolicyDocument) or a role's
// trust policy (GetRole's AssumeRolePolicyDocument). The grammar allows a
// single value wherever a list is allowed ("Action": "ecs:*" or
// ["ecs:*"], "Statement": {...} or [{...}]); both read as lists here.
type PolicyDocument struct {
	Version   string
	Statement []PolicyStatement
}

// PolicyStatement is one statement. Effect is normalized to "Allow" or
// "Deny"; actions, resources and principals keep their spelling (RAM
// matches actions case-insensitively, resources case-sensitively).
type PolicyStatement struct {
	Effect      string
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	// Principal is a trust policy's principal by type ("RAM", "Service",
	// "Federated"); a bare "*" principal is {"*": ["*"]}. Nil in
	// permission policies.
	Principal map[string][]string
	// Condition is the statement's Condition block as written (operator →
	// key → value or values), nil if none.
	Condition json.RawMessage
}

// ParsePolicyDocument parses a policy document. Field names match
// case-insensitively, Version may be a number, and any string-valued field
// may be one string or a list. A document that is not a JSON object, has no
// statement, or has a statement with an Effect other than Allow or Deny is
// an error.
func ParsePolicyDocument(doc string) (*PolicyDocument, error) {
	var p struct {
		Version   json.RawMessage
		Statement json.RawMessage
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("policy document is not a JSON object: %v", err)
	}
	out := &PolicyDocument{Version: strings.Trim(string(p.Version), `"`)}
	var raws []json.RawMessage
	switch st := bytes.TrimSpace(p.Statement); {
	case len(st) == 0 || string(st) == "null":
		return nil, fmt.Errorf("policy document has no Statement")
	case st[0] == '{':
		raws = []json.RawMessage{st}
	default:
		if err := json.Unmarshal(st, &raws); err != nil {
			return nil, fmt.Errorf("Statement: want an object or a list of objects: %v", err)
		}
	}
	if len(raws) == 0 {
		return nil, fmt.Errorf("policy document has no Statement")
	}
	for i, raw := range raws {
		var a struct {
			Effect                                   string
			Action, NotAction, Resource, NotResource json.RawMessage
			Principal                                json.RawMessage
			Condition                                json.RawMessage
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fmt.Errorf("Statement[%d]: %v", i, err)
		}
		s := PolicyStatement{}
		switch {
		case strings.EqualFold(a.Effect, "Allow"):
			s.Effect = "Allow"
		case strings.EqualFold(a.Effect, "Deny"):
			s.Effect = "Deny"
		default:
			return nil, fmt.Errorf("Statement[%d].Effect %q is not Allow or Deny", i, a.Effect)
		}
		for _, f := range []struct {
			name string
			raw  json.RawMessage
			dst  *[]string
		}{{"Action", a.Action, &s.Action}, {"NotAction", a.NotAction, &s.NotAction},
			{"Resource", a.Resource, &s.Resource}, {"NotResource", a.NotResource, &s.NotResource}} {
			v, err := stringOrList(f.raw)
			if err != nil {
				return nil, fmt.Errorf("Statement[%d].%s: %v", i, f.name, err)
			}
			*f.dst = v
		}
		if pr := bytes.TrimSpace(a.Principal); len(pr) > 0 && string(pr) != "null" {
			s.Principal = map[string][]string{}
			if pr[0] == '"' {
				v, _ := stringOrList(pr) // a JSON string always decodes
				s.Principal["*"] = v
			} else {
				var m map[string]json.RawMessage
				if err := json.Unmarshal(pr, &m); err != nil {
					return nil, fmt.Errorf("Statement[%d].Principal: want \"*\" or an object: %v", i, err)
				}
				for k, vraw := range m {
					v, err := stringOrList(vraw)
					if err != nil {
						return nil, fmt.Errorf("Statement[%d].Principal.%s: %v", i, k, err)
					}
					s.Principal[k] = v
				}
			}
		}
		if c := bytes.TrimSpace(a.Condition); len(c) > 0 && string(c) != "null" {
			s.Condition = append(json.RawMessage(nil), c...)
		}
		out.Statement = append(out.Statement, s)
	}
	return out, nil
}

// stringOrList decodes a string or a list of strings; absent is nil.
func stringOrList(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("want a string or a list of strings, got %s", truncate(raw, 60))
	}
	return many, nil
}

// Allows reports whether the statement grants (Effect Allow).
func (s PolicyStatement) Allows() bool { return s.Effect == "Allow" }

// AllActions reports whether the statement's Action covers every action:
// "*" or "*:*" (and no NotAction).
func (s PolicyStatement) AllActions() bool {
	return len(s.NotAction) == 0 && (containsFold(s.Action, "*") || containsFold(s.Action, "*:*"))
}

// AllResources reports whether the statement's Resource is "*" (and no
// NotResource).
func (s PolicyStatement) AllResources() bool {
	return len(s.NotResource) == 0 && containsFold(s.Resource, "*")
}

// FullAdmin reports whether the statement allows every action on every
// resource ("*" or "*:*" on "*"), as CIS 1.15 defines full administrative
// privileges. Conditions are not weighed: a conditioned grant still counts.
func (s PolicyStatement) FullAdmin() bool { return s.Allows() && s.AllActions() && s.AllResources() }

// FullAdmin reports whether any statement grants full administrative
// privileges (see PolicyStatement.FullAdmin).
func (d *PolicyDocument) FullAdmin() bool {
	if d == nil {
		return false
	}
	for _, s := range d.Statement {
		if s.FullAdmin() {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}
