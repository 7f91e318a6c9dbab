package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// ramProduct is Resource Access Management (Ram 2015-05-01). This round it
// holds the account's roles, which STS (AssumeRole) and Resource Manager
// (CreateServiceLinkedRole) use, and answers GetRole.
//
// Inventory (global.ram):
//
//	Roles  ListRoles' Roles.Role[] items plus AssumeRolePolicyDocument (a
//	       JSON string, as GetRole returns it). Arn and RoleId may be left
//	       out: they default to acs:ram::<account>:role/<lower-case name>
//	       and a stable 16-digit ID.
var ramProduct = &product{
	name:      "Ram",
	version:   "2015-05-01",
	key:       "ram",
	global:    true,
	ramNative: true,
	collections: []collection{
		{name: "Roles", id: "RoleName", required: []string{"AssumeRolePolicyDocument"}},
	},
	validate: validateRAM,
	actions: map[string]action{
		"GetRole": {fn: ramGetRole},
	},
}

func validateRAM(v *validation, path string, cols Collections) {
	for i, raw := range cols["Roles"] {
		doc := fieldString(raw, "AssumeRolePolicyDocument")
		if doc == "" {
			continue // reported as missing already
		}
		if _, err := parseTrustPolicy(doc); err != nil {
			v.add(fmt.Sprintf("%s.Roles[%d].AssumeRolePolicyDocument", path, i), err.Error())
		}
	}
}

// ramGetRole answers GetRole.
func ramGetRole(c *call) (map[string]any, *APIError) {
	name := c.param("RoleName")
	if name == "" {
		return nil, errMissing("RoleName")
	}
	_, raw, ok := c.find("ram", "Roles", name)
	if !ok {
		return nil, &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.Role", Message: "The role does not exist."}
	}
	return map[string]any{"Role": roleView(raw, c.st.inv.AccountID)}, nil
}

// roleArn is the ARN Alibaba gives a role: the name in lower case.
func roleArn(account, name string) string {
	return "acs:ram::" + account + ":role/" + strings.ToLower(name)
}

// roleView fills the derived Arn and RoleId of a stored role.
func roleView(raw json.RawMessage, account string) json.RawMessage {
	m := fields(raw)
	if _, ok := m["Arn"]; ok {
		if _, ok := m["RoleId"]; ok {
			return raw
		}
	}
	return patch(raw, func(m map[string]any) {
		name, _ := m["RoleName"].(string)
		if _, ok := m["Arn"]; !ok {
			m["Arn"] = roleArn(account, name)
		}
		if _, ok := m["RoleId"]; !ok {
			m["RoleId"] = numericID(roleArn(account, name))
		}
	})
}

// stringList is a policy value that may be one string or a list.
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings")
	}
	*s = many
	return nil
}

// trustPolicy is a role's AssumeRolePolicyDocument.
type trustPolicy struct {
	Version   string
	Statement []struct {
		Effect    string
		Action    stringList
		Principal struct {
			RAM       stringList
			Service   stringList
			Federated stringList
		}
		Condition map[string]map[string]stringList
	}
}

func parseTrustPolicy(doc string) (*trustPolicy, error) {
	var p trustPolicy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("not a trust policy: %v", err)
	}
	if len(p.Statement) == 0 {
		return nil, fmt.Errorf("trust policy has no Statement")
	}
	for i, st := range p.Statement {
		if e := strings.ToLower(st.Effect); e != "allow" && e != "deny" {
			return nil, fmt.Errorf("trust policy Statement[%d].Effect %q is not Allow or Deny", i, st.Effect)
		}
	}
	return &p, nil
}

// trustResult is the outcome of checking a trust policy.
type trustResult int

const (
	trustDenied           trustResult = iota // no statement trusts the caller
	trustAllowed                             // an Allow statement matched fully
	trustExternalMismatch                    // the caller is trusted but sts:ExternalId does not match
)

// evaluate checks whether caller may assume the role with externalID. It
// honours Allow and Deny statements whose Action covers sts:AssumeRole,
// RAM principals (an account's ":root" trusts every identity of that
// account; a user or role ARN trusts that identity and sessions of that
// role) and the StringEquals sts:ExternalId condition. Other condition
// keys are ignored.
func (p *trustPolicy) evaluate(caller *identity, externalID string) trustResult {
	result := trustDenied
	for _, st := range p.Statement {
		if !actionCovers(st.Action) || !principalMatches(st.Principal.RAM, caller) {
			continue
		}
		extOK := true
		for op, conds := range st.Condition {
			for key, vals := range conds {
				if strings.EqualFold(key, "sts:ExternalId") && strings.EqualFold(op, "StringEquals") {
					found := false
					for _, v := range vals {
						found = found || v == externalID
					}
					extOK = extOK && found
				}
			}
		}
		if strings.EqualFold(st.Effect, "deny") {
			if extOK {
				return trustDenied
			}
			continue
		}
		switch {
		case extOK:
			result = trustAllowed
		case result == trustDenied:
			result = trustExternalMismatch
		}
	}
	return result
}

func actionCovers(actions stringList) bool {
	for _, a := range actions {
		if a == "*" || strings.EqualFold(a, "sts:AssumeRole") || strings.EqualFold(a, "sts:*") {
			return true
		}
	}
	return false
}

func principalMatches(principals stringList, caller *identity) bool {
	for _, p := range principals {
		switch {
		case p == "*":
			return true
		case strings.EqualFold(p, "acs:ram::"+caller.accountID+":root"):
			return true
		case strings.EqualFold(p, caller.arn):
			return true
		case caller.kind == "AssumedRoleUser" && strings.EqualFold(p, roleArn(caller.accountID, caller.roleName)):
			return true
		}
	}
	return false
}
