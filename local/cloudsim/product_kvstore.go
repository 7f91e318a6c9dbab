package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// kvstoreProduct is ApsaraDB for Redis / Tair (R-kvstore 2015-01-01).
//
// Inventory (regions.<region>.kvstore):
//
//	Instances  DescribeInstances' Instances.KVStoreInstance[] items, plus the instance's settings
//	           as their Describe APIs return them:
//	             SecurityIpGroups  DescribeSecurityIps' {"SecurityIpGroup": [...]}
//	                               (absent: the "default" group holding 127.0.0.1)
//	             SSL               DescribeInstanceSSL's answer (absent: SSLEnabled "Disable")
//	             TDE               DescribeInstanceTDEStatus' answer (absent: TDEStatus "Disabled")
//
// DescribeInstances strips the settings from its items.
var kvstoreProduct = &product{
	name:    "R-kvstore",
	version: "2015-01-01",
	key:     "kvstore",
	collections: []collection{
		{name: "Instances", id: "InstanceId"},
	},
	validate: validateKVStore,
	actions: map[string]action{
		"DescribeInstances":         {fn: kvstoreDescribeInstances},
		"DescribeSecurityIps":       {fn: kvstoreDescribeSecurityIps},
		"DescribeInstanceSSL":       {fn: kvstoreDescribeInstanceSSL},
		"DescribeInstanceTDEStatus": {fn: kvstoreDescribeInstanceTDEStatus},
		"ModifySecurityIps":         {fn: kvstoreModifySecurityIps, write: true},
	},
}

// kvstorePages is DescribeInstances' documented paging: PageSize 30, 50 or
// 100 (default 30). Sizes up to 100 that are not one of these are served
// as asked (live behaviour not confirmed).
var kvstorePages = pageSpec{defaultSize: 30, maxSize: 100}

var kvstoreSettings = []string{"SecurityIpGroups", "SSL", "TDE"}

// errKVStoreNotFound is the answer for an unknown InstanceId.
var errKVStoreNotFound = &APIError{Status: http.StatusNotFound, Code: "InvalidInstanceId.NotFound",
	Message: "The specified instance is not found."}

func validateKVStore(v *validation, path string, cols Collections) {
	for i, raw := range cols["Instances"] {
		at := fmt.Sprintf("%s.Instances[%d]", path, i)
		m := fields(raw)
		validateSecurityIPGroups(v, at, m)
		validateEmbeddedObject(v, at, m, "SSL")
		validateEmbeddedObject(v, at, m, "TDE")
	}
}

// validateSecurityIPGroups checks an embedded
// "SecurityIpGroups": {"SecurityIpGroup": [...]} (Redis and MongoDB).
func validateSecurityIPGroups(v *validation, at string, m map[string]json.RawMessage) {
	raw, ok := m["SecurityIpGroups"]
	if !ok {
		return
	}
	var w map[string]json.RawMessage
	if json.Unmarshal(raw, &w) != nil || w == nil {
		v.add(at+".SecurityIpGroups", `want {"SecurityIpGroup": [...]}`)
		return
	}
	validateEmbeddedGroups(v, at+".SecurityIpGroups.SecurityIpGroup", w["SecurityIpGroup"], "SecurityIpGroupName", "SecurityIpList")
}

// securityIPGroups returns the groups of an embedded SecurityIpGroups
// wrapper, or the default group.
func securityIPGroups(raw json.RawMessage) []map[string]any {
	def := []map[string]any{{"SecurityIpGroupName": "default", "SecurityIpGroupAttribute": "", "SecurityIpList": "127.0.0.1"}}
	w, ok := fields(raw)["SecurityIpGroups"]
	if !ok {
		return def
	}
	return whitelistGroups(w, "SecurityIpGroup", nil)
}

// securityIPGroupsAnswer wraps groups as DescribeSecurityIps answers them.
func securityIPGroupsAnswer(groups []map[string]any) map[string]any {
	items := make([]any, len(groups))
	for i, g := range groups {
		items[i] = g
	}
	return map[string]any{"SecurityIpGroup": items}
}

// modifySecurityIPGroups is ModifySecurityIps for Redis and MongoDB:
// SecurityIps (required) applied to SecurityIpGroupName (default
// "default") with ModifyMode Cover (the default), Append or Delete; a
// missing group is created, except by Delete.
func modifySecurityIPGroups(c *call, raw json.RawMessage) (json.RawMessage, *APIError) {
	if _, ok := c.params["SecurityIps"]; !ok {
		return nil, errMissing("SecurityIps")
	}
	ips, err := parseSecurityIPs(c.param("SecurityIps"))
	if err != nil {
		return nil, err
	}
	groups, err := setWhitelist(securityIPGroups(raw), "SecurityIpGroupName", "SecurityIpList",
		orDefault(c.param("SecurityIpGroupName"), "default"), ips, c.param("ModifyMode"),
		map[string]string{"SecurityIpGroupAttribute": c.param("SecurityIpGroupAttribute")})
	if err != nil {
		return nil, err
	}
	return patch(raw, func(m map[string]any) { m["SecurityIpGroups"] = securityIPGroupsAnswer(groups) }), nil
}

// kvstoreDescribeInstances filters on InstanceIds (comma-separated),
// InstanceStatus, InstanceType (Redis, Memcache), ArchitectureType,
// NetworkType, EngineVersion, InstanceClass, VpcId, VSwitchId, ZoneId,
// ChargeType and SearchKey (a substring of the ID or name); answers
// Instances.KVStoreInstance[], TotalCount, PageNumber and PageSize.
func kvstoreDescribeInstances(c *call) (map[string]any, *APIError) {
	objs := c.objects("kvstore", "Instances")
	filter := newDBListFilter(c, "InstanceIds", "InstanceStatus", "InstanceType", "ArchitectureType", "NetworkType",
		"EngineVersion", "InstanceClass", "VpcId", "VSwitchId", "ZoneId", "ChargeType")
	search := strings.ToLower(c.param("SearchKey"))
	if filter.set() || search != "" {
		var kept []json.RawMessage
		for _, raw := range objs {
			id := strings.ToLower(fieldString(raw, "InstanceId"))
			ok := filter.match(raw, id)
			if search != "" {
				ok = ok && (strings.Contains(id, search) || strings.Contains(strings.ToLower(fieldString(raw, "InstanceName")), search))
			}
			if ok {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := c.paginate(objs, kvstorePages)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, len(p.items))
	for i, raw := range p.items {
		items[i] = without(raw, kvstoreSettings...)
	}
	resp := map[string]any{"Instances": list("KVStoreInstance", items)}
	p.fill(resp, kvstorePages)
	return resp, nil
}

// kvstoreInstance looks up the instance a call names in InstanceId.
func kvstoreInstance(c *call) (int, json.RawMessage, *APIError) {
	id := c.param("InstanceId")
	if id == "" {
		return -1, nil, errMissing("InstanceId")
	}
	i, raw, ok := c.find("kvstore", "Instances", id)
	if !ok {
		return -1, nil, errKVStoreNotFound
	}
	return i, raw, nil
}

// kvstoreDescribeSecurityIps answers SecurityIpGroups.SecurityIpGroup[].
func kvstoreDescribeSecurityIps(c *call) (map[string]any, *APIError) {
	_, raw, err := kvstoreInstance(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"SecurityIpGroups": securityIPGroupsAnswer(securityIPGroups(raw))}, nil
}

// kvstoreDescribeInstanceSSL answers the SSL object; without one,
// SSLEnabled is "Disable".
func kvstoreDescribeInstanceSSL(c *call) (map[string]any, *APIError) {
	_, raw, err := kvstoreInstance(c)
	if err != nil {
		return nil, err
	}
	out := embedded(raw, "SSL", map[string]any{"SSLEnabled": "Disable", "CertCommonName": "", "SSLExpiredTime": ""})
	out["InstanceId"] = fieldString(raw, "InstanceId")
	return out, nil
}

// kvstoreDescribeInstanceTDEStatus answers TDEStatus ("Enabled" or
// "Disabled"). The SDK v1.63.107 has no typed request for this API.
func kvstoreDescribeInstanceTDEStatus(c *call) (map[string]any, *APIError) {
	_, raw, err := kvstoreInstance(c)
	if err != nil {
		return nil, err
	}
	return embedded(raw, "TDE", map[string]any{"TDEStatus": "Disabled"}), nil
}

// kvstoreModifySecurityIps changes one whitelist group; see
// modifySecurityIPGroups.
func kvstoreModifySecurityIps(c *call) (map[string]any, *APIError) {
	i, raw, err := kvstoreInstance(c)
	if err != nil {
		return nil, err
	}
	obj, err := modifySecurityIPGroups(c, raw)
	if err != nil {
		return nil, err
	}
	c.replace("kvstore", "Instances", i, obj)
	return map[string]any{}, nil
}
