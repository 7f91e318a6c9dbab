package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// albProduct is Application Load Balancer (Alb 2020-06-16).
//
// Inventory (regions.<region>.alb):
//
//	LoadBalancers  ListLoadBalancers' LoadBalancers[] items
//	Listeners      ListListeners' Listeners[] items, plus the listener's ACL binding as
//	               GetListenerAttribute returns it ("AclConfig": {"AclType": "White",
//	               "AclRelations": [{"AclId", "Status"}]}); ListListeners strips it
//	Acls           ListAcls' Acls[] items, plus the entries as ListAclEntries returns them
//	               ("AclEntries": [{"Entry", "Description", "Status"}]); ListAcls strips them
//
// Write calls complete at once (the real ones are asynchronous and answer a
// JobId; here the next read already sees the change, with Status
// "Associated" / "Available").
var albProduct = &product{
	name:      "Alb",
	version:   "2020-06-16",
	key:       "alb",
	ramNative: true,
	collections: []collection{
		{name: "LoadBalancers", id: "LoadBalancerId"},
		{name: "Listeners", id: "ListenerId", required: []string{"LoadBalancerId"}},
		{name: "Acls", id: "AclId"},
	},
	validate: validateALB,
	actions: map[string]action{
		"ListLoadBalancers":          {fn: albListLoadBalancers},
		"ListListeners":              {fn: albListListeners},
		"GetListenerAttribute":       {fn: albGetListenerAttribute},
		"ListAcls":                   {fn: albListAcls},
		"ListAclEntries":             {fn: albListAclEntries},
		"ListAclRelations":           {fn: albListAclRelations},
		"AssociateAclsWithListener":  {fn: albAssociateAcls, write: true},
		"DissociateAclsFromListener": {fn: albDissociateAcls, write: true},
		"AddEntriesToAcl":            {fn: albAddEntriesToAcl, write: true},
	},
}

// Documented page limits: MaxResults 1–100, 20 by default, for every list.
var albPages = pageSpec{maxResultsDefault: 20, maxResultsMax: 100}

// Errors of the ALB API (404 chosen without a live confirmation).
var (
	errALBListenerNotFound = &APIError{Status: http.StatusNotFound, Code: "ResourceNotFound.Listener",
		Message: "The specified resource Listener is not found."}
	errALBAclNotFound = &APIError{Status: http.StatusNotFound, Code: "ResourceNotFound.Acl",
		Message: "The specified resource Acl is not found."}
)

// albAclConfig is a listener's ACL binding.
type albAclConfig struct {
	AclType      string
	AclRelations []struct{ AclId, Status string }
}

func albAclConfigOf(raw json.RawMessage) albAclConfig {
	var l struct{ AclConfig albAclConfig }
	decodeInto(raw, &l)
	return l.AclConfig
}

func validateALB(v *validation, path string, cols Collections) {
	lbs := ids(cols["LoadBalancers"], "LoadBalancerId")
	acls := ids(cols["Acls"], "AclId")
	for i, raw := range cols["Listeners"] {
		at := fmt.Sprintf("%s.Listeners[%d]", path, i)
		if id := fieldString(raw, "LoadBalancerId"); id != "" && !lbs[id] {
			v.add(at+".LoadBalancerId", fmt.Sprintf("unknown load balancer %q (not in %s.LoadBalancers)", id, path))
		}
		if _, ok := fields(raw)["AclConfig"]; !ok {
			continue
		}
		var l struct{ AclConfig *albAclConfig }
		if err := json.Unmarshal(raw, &l); err != nil || l.AclConfig == nil {
			v.add(at+".AclConfig", `want {"AclType": "White"|"Black", "AclRelations": [{"AclId", "Status"}]}`)
			continue
		}
		if t := l.AclConfig.AclType; len(l.AclConfig.AclRelations) > 0 && t != "White" && t != "Black" {
			v.add(at+".AclConfig.AclType", fmt.Sprintf("%q is not White or Black", t))
		}
		for j, r := range l.AclConfig.AclRelations {
			if !acls[r.AclId] {
				v.add(fmt.Sprintf("%s.AclConfig.AclRelations[%d].AclId", at, j), fmt.Sprintf("unknown ACL %q (not in %s.Acls)", r.AclId, path))
			}
		}
	}
	for i, raw := range cols["Acls"] {
		if _, ok := fields(raw)["AclEntries"]; !ok {
			continue
		}
		var a struct{ AclEntries []map[string]json.RawMessage }
		if err := json.Unmarshal(raw, &a); err != nil {
			v.add(fmt.Sprintf("%s.Acls[%d].AclEntries", path, i), `want [{"Entry", "Description", "Status"}]`)
			continue
		}
		for j, e := range a.AclEntries {
			if jsonString(e["Entry"]) == "" {
				v.add(fmt.Sprintf("%s.Acls[%d].AclEntries[%d].Entry", path, i, j), "missing")
			}
		}
	}
}

// lbFilter keeps the objects whose field is one of the values of a
// repeated parameter (name.1, name.2, ...), case-insensitively; no values
// keeps everything.
func lbFilter(c *call, objs []json.RawMessage, param, field string) []json.RawMessage {
	values := c.repeated(param)
	if len(values) == 0 {
		return objs
	}
	want := map[string]bool{}
	for _, v := range values {
		want[strings.ToLower(v)] = true
	}
	var kept []json.RawMessage
	for _, raw := range objs {
		if want[strings.ToLower(fieldString(raw, field))] {
			kept = append(kept, raw)
		}
	}
	return kept
}

// lbFilterEq keeps the objects whose field equals a single-valued parameter
// (case-insensitively) when the parameter is given.
func lbFilterEq(c *call, objs []json.RawMessage, param, field string) []json.RawMessage {
	want := c.param(param)
	if want == "" {
		return objs
	}
	var kept []json.RawMessage
	for _, raw := range objs {
		if strings.EqualFold(fieldString(raw, field), want) {
			kept = append(kept, raw)
		}
	}
	return kept
}

// lbTokenList answers one page of a NextToken list as {field: [...],
// TotalCount, MaxResults, NextToken}, each item minus strip.
func lbTokenList(c *call, objs []json.RawMessage, spec pageSpec, field string, strip ...string) (map[string]any, *APIError) {
	p, err := lbTokenPage(c, objs, spec)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, len(p.items))
	for i, raw := range p.items {
		items[i] = without(raw, strip...)
	}
	return map[string]any{field: items, "TotalCount": p.total, "MaxResults": p.pageSize, "NextToken": p.nextToken}, nil
}

// albListLoadBalancers filters on LoadBalancerIds.N, LoadBalancerNames.N,
// VpcIds.N, AddressType and LoadBalancerStatus.
func albListLoadBalancers(c *call) (map[string]any, *APIError) {
	objs := c.objects("alb", "LoadBalancers")
	objs = lbFilter(c, objs, "LoadBalancerIds", "LoadBalancerId")
	objs = lbFilter(c, objs, "LoadBalancerNames", "LoadBalancerName")
	objs = lbFilter(c, objs, "VpcIds", "VpcId")
	objs = lbFilterEq(c, objs, "AddressType", "AddressType")
	objs = lbFilterEq(c, objs, "LoadBalancerStatus", "LoadBalancerStatus")
	return lbTokenList(c, objs, albPages, "LoadBalancers")
}

// albListListeners filters on LoadBalancerIds.N, ListenerIds.N,
// ListenerProtocol and Status. The ACL binding is not part of this answer
// (GetListenerAttribute and ListAclRelations have it).
func albListListeners(c *call) (map[string]any, *APIError) {
	objs := c.objects("alb", "Listeners")
	objs = lbFilter(c, objs, "LoadBalancerIds", "LoadBalancerId")
	objs = lbFilter(c, objs, "ListenerIds", "ListenerId")
	objs = lbFilterEq(c, objs, "ListenerProtocol", "ListenerProtocol")
	objs = lbFilterEq(c, objs, "Status", "ListenerStatus")
	return lbTokenList(c, objs, albPages, "Listeners", "AclConfig")
}

// albGetListenerAttribute returns one listener with its AclConfig.
func albGetListenerAttribute(c *call) (map[string]any, *APIError) {
	id := c.param("ListenerId")
	if id == "" {
		return nil, errMissing("ListenerId")
	}
	_, raw, ok := c.find("alb", "Listeners", id)
	if !ok {
		return nil, errALBListenerNotFound
	}
	resp := map[string]any{}
	for k, v := range fields(raw) {
		resp[k] = v
	}
	if _, ok := resp["AclConfig"]; !ok {
		resp["AclConfig"] = map[string]any{"AclRelations": []any{}}
	}
	return resp, nil
}

// albListAcls filters on AclIds.N, AclNames.N and AddressIPVersion.
func albListAcls(c *call) (map[string]any, *APIError) {
	objs := c.objects("alb", "Acls")
	objs = lbFilter(c, objs, "AclIds", "AclId")
	objs = lbFilter(c, objs, "AclNames", "AclName")
	objs = lbFilterEq(c, objs, "AddressIPVersion", "AddressIPVersion")
	return lbTokenList(c, objs, albPages, "Acls", "AclEntries")
}

// albListAclEntries pages one ACL's entries.
func albListAclEntries(c *call) (map[string]any, *APIError) {
	id := c.param("AclId")
	if id == "" {
		return nil, errMissing("AclId")
	}
	_, raw, ok := c.find("alb", "Acls", id)
	if !ok {
		return nil, errALBAclNotFound
	}
	var a struct{ AclEntries []json.RawMessage }
	decodeInto(raw, &a)
	return lbTokenList(c, a.AclEntries, albPages, "AclEntries")
}

// albListAclRelations lists the listeners bound to up to five ACLs
// (AclIds.N, required).
func albListAclRelations(c *call) (map[string]any, *APIError) {
	aclIDs := c.repeated("AclIds")
	if len(aclIDs) == 0 {
		return nil, errMissing("AclIds")
	}
	if len(aclIDs) > 5 {
		return nil, errInvalid("AclIds")
	}
	listeners := c.objects("alb", "Listeners")
	relations := []map[string]any{}
	for _, aclID := range aclIDs {
		_, araw, ok := c.find("alb", "Acls", aclID)
		if !ok {
			return nil, errALBAclNotFound
		}
		related := []map[string]any{}
		for _, lraw := range listeners {
			for _, r := range albAclConfigOf(lraw).AclRelations {
				if strings.EqualFold(r.AclId, aclID) {
					var l struct {
						ListenerId, ListenerProtocol, LoadBalancerId string
						ListenerPort                                 int
					}
					decodeInto(lraw, &l)
					related = append(related, map[string]any{"ListenerId": l.ListenerId, "ListenerPort": l.ListenerPort,
						"ListenerProtocol": l.ListenerProtocol, "LoadBalancerId": l.LoadBalancerId, "Status": orDefault(r.Status, "Associated")})
				}
			}
		}
		relations = append(relations, map[string]any{"AclId": fieldString(araw, "AclId"), "RelatedListeners": related})
	}
	return map[string]any{"AclRelations": relations}, nil
}

// albJobID is the asynchronous job ID write calls answer.
func albJobID() string { return "job-" + randomHex(20) }

// albAssociateAcls binds ACLs (AclIds.N, at most 3) to a listener as a
// White or Black list (AclType). A listener holds one AclType: binding
// with a different type than the bound ACLs answers
// Conflict.AclType (not confirmed live).
func albAssociateAcls(c *call) (map[string]any, *APIError) {
	id, typ := c.param("ListenerId"), c.param("AclType")
	if id == "" {
		return nil, errMissing("ListenerId")
	}
	if typ == "" {
		return nil, errMissing("AclType")
	}
	if typ != "White" && typ != "Black" {
		return nil, errInvalid("AclType")
	}
	aclIDs := c.repeated("AclIds")
	if len(aclIDs) == 0 {
		return nil, errMissing("AclIds")
	}
	if len(aclIDs) > 3 {
		return nil, errInvalid("AclIds")
	}
	i, raw, ok := c.find("alb", "Listeners", id)
	if !ok {
		return nil, errALBListenerNotFound
	}
	for _, a := range aclIDs {
		if _, _, ok := c.find("alb", "Acls", a); !ok {
			return nil, errALBAclNotFound
		}
	}
	cfg := albAclConfigOf(raw)
	if len(cfg.AclRelations) > 0 && cfg.AclType != typ {
		return nil, Errorf(http.StatusBadRequest, "Conflict.AclType", "The listener already uses %s ACLs.", cfg.AclType)
	}
	have := map[string]bool{}
	for _, r := range cfg.AclRelations {
		have[strings.ToLower(r.AclId)] = true
	}
	c.replace("alb", "Listeners", i, patch(raw, func(m map[string]any) {
		rels := []any{}
		for _, r := range cfg.AclRelations {
			rels = append(rels, map[string]any{"AclId": r.AclId, "Status": orDefault(r.Status, "Associated")})
		}
		for _, a := range aclIDs {
			if !have[strings.ToLower(a)] {
				rels = append(rels, map[string]any{"AclId": a, "Status": "Associated"})
				have[strings.ToLower(a)] = true
			}
		}
		m["AclConfig"] = map[string]any{"AclType": typ, "AclRelations": rels}
	}))
	return map[string]any{"JobId": albJobID()}, nil
}

// albDissociateAcls unbinds ACLs (AclIds.N) from a listener.
func albDissociateAcls(c *call) (map[string]any, *APIError) {
	id := c.param("ListenerId")
	if id == "" {
		return nil, errMissing("ListenerId")
	}
	aclIDs := c.repeated("AclIds")
	if len(aclIDs) == 0 {
		return nil, errMissing("AclIds")
	}
	i, raw, ok := c.find("alb", "Listeners", id)
	if !ok {
		return nil, errALBListenerNotFound
	}
	drop := map[string]bool{}
	for _, a := range aclIDs {
		drop[strings.ToLower(a)] = true
	}
	cfg := albAclConfigOf(raw)
	c.replace("alb", "Listeners", i, patch(raw, func(m map[string]any) {
		rels := []any{}
		for _, r := range cfg.AclRelations {
			if !drop[strings.ToLower(r.AclId)] {
				rels = append(rels, map[string]any{"AclId": r.AclId, "Status": orDefault(r.Status, "Associated")})
			}
		}
		conf := map[string]any{"AclRelations": rels}
		if len(rels) > 0 {
			conf["AclType"] = cfg.AclType
		}
		m["AclConfig"] = conf
	}))
	return map[string]any{"JobId": albJobID()}, nil
}

// albAddEntriesToAcl adds AclEntries.N.Entry (with .Description), at most
// 20 a call. An entry already present answers Conflict.AclEntry (not
// confirmed live).
func albAddEntriesToAcl(c *call) (map[string]any, *APIError) {
	id := c.param("AclId")
	if id == "" {
		return nil, errMissing("AclId")
	}
	reqs := c.repeatedObjects("AclEntries")
	if len(reqs) == 0 {
		return nil, errMissing("AclEntries")
	}
	if len(reqs) > 20 {
		return nil, errInvalid("AclEntries")
	}
	i, raw, ok := c.find("alb", "Acls", id)
	if !ok {
		return nil, errALBAclNotFound
	}
	var a struct{ AclEntries []struct{ Entry string } }
	decodeInto(raw, &a)
	have := map[string]bool{}
	for _, e := range a.AclEntries {
		have[e.Entry] = true
	}
	for n, r := range reqs {
		if !slbValidEntry(r["Entry"]) {
			return nil, errInvalid("AclEntries." + strconv.Itoa(n+1) + ".Entry")
		}
		if have[r["Entry"]] {
			return nil, Errorf(http.StatusBadRequest, "Conflict.AclEntry", "The entry %s already exists in the ACL.", r["Entry"])
		}
	}
	c.replace("alb", "Acls", i, patch(raw, func(m map[string]any) {
		entries, _ := m["AclEntries"].([]any)
		for _, r := range reqs {
			entries = append(entries, map[string]any{"Entry": r["Entry"], "Description": r["Description"], "Status": "Available"})
		}
		m["AclEntries"] = entries
	}))
	return map[string]any{"JobId": albJobID()}, nil
}
