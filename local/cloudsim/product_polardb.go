package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// polardbProduct is PolarDB (polardb 2017-08-01; the SDK spells the
// product name in lower case, and so do Calls and Faults keys).
//
// Inventory (regions.<region>.polardb):
//
//	DBClusters  DescribeDBClusters' Items.DBCluster[] items, plus the cluster's settings as their
//	            Describe APIs return them:
//	              DBClusterIPArray         DescribeDBClusterAccessWhitelist's Items.DBClusterIPArray[]
//	                                       items (absent: the "default" group holding 127.0.0.1)
//	              DBClusterSecurityGroups  its {"DBClusterSecurityGroup": [...]} (absent: none)
//	              SSL                      DescribeDBClusterSSL's answer ({"SSLAutoRotate", "Items": [per
//	                                       endpoint]}; absent: SSL Disabled)
//	              TDE                      DescribeDBClusterTDE's answer (absent: TDEStatus "Disabled")
//
// DescribeDBClusters strips the settings from its items.
var polardbProduct = &product{
	name:    "polardb",
	version: "2017-08-01",
	key:     "polardb",
	collections: []collection{
		{name: "DBClusters", id: "DBClusterId", required: []string{"DBType"}},
	},
	validate: validatePolarDB,
	actions: map[string]action{
		"DescribeDBClusters":               {fn: polardbDescribeDBClusters},
		"DescribeDBClusterAccessWhitelist": {fn: polardbDescribeDBClusterAccessWhitelist},
		"DescribeDBClusterSSL":             {fn: polardbDescribeDBClusterSSL},
		"DescribeDBClusterTDE":             {fn: polardbDescribeDBClusterTDE},
		"ModifyDBClusterAccessWhitelist":   {fn: polardbModifyDBClusterAccessWhitelist, write: true},
	},
}

// polardbPages is DescribeDBClusters' documented paging: PageSize 30, 50
// or 100 (default 30).
var polardbPages = pageSpec{defaultSize: 30, maxSize: 100}

var polardbSettings = []string{"DBClusterIPArray", "DBClusterSecurityGroups", "SSL", "TDE"}

// errPolarDBNotFound is PolarDB's answer for an unknown DBClusterId.
var errPolarDBNotFound = &APIError{Status: http.StatusNotFound, Code: "InvalidDBClusterId.NotFound",
	Message: "The DBClusterId provided does not exist in our records."}

func validatePolarDB(v *validation, path string, cols Collections) {
	for i, raw := range cols["DBClusters"] {
		at := fmt.Sprintf("%s.DBClusters[%d]", path, i)
		m := fields(raw)
		if g, ok := m["DBClusterIPArray"]; ok {
			validateEmbeddedGroups(v, at+".DBClusterIPArray", g, "DBClusterIPArrayName", "SecurityIps")
		}
		for _, f := range []string{"DBClusterSecurityGroups", "SSL", "TDE"} {
			validateEmbeddedObject(v, at, m, f)
		}
		if s, ok := m["SSL"]; ok {
			var ssl struct{ Items []map[string]json.RawMessage }
			if json.Unmarshal(s, &ssl) != nil {
				v.add(at+".SSL.Items", "want a list of endpoint objects")
			}
		}
	}
}

// polardbDescribeDBClusters filters on DBClusterIds (comma-separated),
// DBType, DBVersion, DBClusterStatus, PayType and DBClusterDescription (a
// substring), and answers Items.DBCluster[], TotalRecordCount,
// PageRecordCount and PageNumber.
func polardbDescribeDBClusters(c *call) (map[string]any, *APIError) {
	objs := c.objects("polardb", "DBClusters")
	filter := newDBListFilter(c, "DBClusterIds", "DBType", "DBVersion", "DBClusterStatus", "PayType")
	desc := strings.ToLower(c.param("DBClusterDescription"))
	if filter.set() || desc != "" {
		var kept []json.RawMessage
		for _, raw := range objs {
			ok := filter.match(raw, strings.ToLower(fieldString(raw, "DBClusterId")))
			ok = ok && (desc == "" || strings.Contains(strings.ToLower(fieldString(raw, "DBClusterDescription")), desc))
			if ok {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := c.paginate(objs, polardbPages)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, len(p.items))
	for i, raw := range p.items {
		items[i] = without(raw, polardbSettings...)
	}
	return map[string]any{"Items": list("DBCluster", items), "TotalRecordCount": p.total,
		"PageRecordCount": len(items), "PageNumber": p.pageNumber}, nil
}

// polardbCluster looks up the cluster a call names in DBClusterId.
func polardbCluster(c *call) (int, json.RawMessage, *APIError) {
	id := c.param("DBClusterId")
	if id == "" {
		return -1, nil, errMissing("DBClusterId")
	}
	i, raw, ok := c.find("polardb", "DBClusters", id)
	if !ok {
		return -1, nil, errPolarDBNotFound
	}
	return i, raw, nil
}

func polardbIPArrays(raw json.RawMessage) []map[string]any {
	return whitelistGroups(raw, "DBClusterIPArray", []map[string]any{{
		"DBClusterIPArrayName": "default", "DBClusterIPArrayAttribute": "", "SecurityIps": "127.0.0.1",
	}})
}

func polardbSecurityGroups(raw json.RawMessage) []map[string]any {
	w, ok := fields(raw)["DBClusterSecurityGroups"]
	if !ok {
		return nil
	}
	return whitelistGroups(w, "DBClusterSecurityGroup", nil)
}

func anyList(ms []map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

// polardbDescribeDBClusterAccessWhitelist answers the IP whitelist groups
// (Items.DBClusterIPArray[]) and the ECS security groups
// (DBClusterSecurityGroups.DBClusterSecurityGroup[]).
func polardbDescribeDBClusterAccessWhitelist(c *call) (map[string]any, *APIError) {
	_, raw, err := polardbCluster(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"Items":                   map[string]any{"DBClusterIPArray": anyList(polardbIPArrays(raw))},
		"DBClusterSecurityGroups": map[string]any{"DBClusterSecurityGroup": anyList(polardbSecurityGroups(raw))},
	}, nil
}

// polardbDescribeDBClusterSSL answers the SSL object; without one, one
// endpoint entry with SSLEnabled "Disabled". EndpointId filters Items.
func polardbDescribeDBClusterSSL(c *call) (map[string]any, *APIError) {
	_, raw, err := polardbCluster(c)
	if err != nil {
		return nil, err
	}
	out := embedded(raw, "SSL", map[string]any{"SSLAutoRotate": "Disable", "Items": []any{
		map[string]any{"DBEndpointId": "", "SSLEnabled": "Disabled", "SSLConnectionString": "", "SSLExpireTime": ""},
	}})
	if ep := c.param("EndpointId"); ep != "" {
		items, _ := out["Items"].([]any)
		kept := []any{}
		for _, it := range items {
			if m, _ := it.(map[string]any); m != nil && strings.EqualFold(fmt.Sprint(m["DBEndpointId"]), ep) {
				kept = append(kept, it)
			}
		}
		out["Items"] = kept
	}
	return out, nil
}

// polardbDescribeDBClusterTDE answers the TDE object; without one,
// TDEStatus is "Disabled".
func polardbDescribeDBClusterTDE(c *call) (map[string]any, *APIError) {
	_, raw, err := polardbCluster(c)
	if err != nil {
		return nil, err
	}
	out := embedded(raw, "TDE", map[string]any{"TDEStatus": "Disabled", "EncryptionKey": "", "EncryptNewTables": "OFF"})
	out["DBClusterId"] = fieldString(raw, "DBClusterId")
	return out, nil
}

// polardbModifyDBClusterAccessWhitelist changes the IP whitelist
// (WhiteListType IP, the default: SecurityIps applied to
// DBClusterIPArrayName, default "default", with ModifyMode Cover, Append
// or Delete) or the security groups (WhiteListType SecurityGroup:
// SecurityGroupIds, comma-separated, at most 3, each an ECS security
// group of the region, with the same modes).
func polardbModifyDBClusterAccessWhitelist(c *call) (map[string]any, *APIError) {
	i, raw, err := polardbCluster(c)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(orDefault(c.param("WhiteListType"), "IP")) {
	case "ip":
		if _, ok := c.params["SecurityIps"]; !ok {
			return nil, errMissing("SecurityIps")
		}
		ips, err := parseSecurityIPs(c.param("SecurityIps"))
		if err != nil {
			return nil, err
		}
		groups, err := setWhitelist(polardbIPArrays(raw), "DBClusterIPArrayName", "SecurityIps",
			orDefault(c.param("DBClusterIPArrayName"), "default"), ips, c.param("ModifyMode"),
			map[string]string{"DBClusterIPArrayAttribute": c.param("DBClusterIPArrayAttribute")})
		if err != nil {
			return nil, err
		}
		c.replace("polardb", "DBClusters", i, patch(raw, func(m map[string]any) { m["DBClusterIPArray"] = groups }))
	case "securitygroup":
		var req []string
		for _, id := range strings.Split(c.param("SecurityGroupIds"), ",") {
			if id = strings.TrimSpace(id); id != "" {
				req = append(req, id)
			}
		}
		if _, ok := c.params["SecurityGroupIds"]; !ok {
			return nil, errMissing("SecurityGroupIds")
		}
		names := map[string]string{}
		for _, id := range req {
			_, g, ok := c.find("ecs", "SecurityGroups", id)
			if !ok {
				return nil, errGroupNotFound
			}
			names[strings.ToLower(id)] = fieldString(g, "SecurityGroupName")
		}
		var have []string
		for _, g := range polardbSecurityGroups(raw) {
			if id, _ := g["SecurityGroupId"].(string); id != "" {
				have = append(have, id)
			}
		}
		next, err := applyWhitelistMode(have, req, c.param("ModifyMode"))
		if err != nil {
			return nil, err
		}
		if len(next) > 3 {
			return nil, errInvalid("SecurityGroupIds")
		}
		sgs := []any{}
		for _, id := range next {
			name, ok := names[strings.ToLower(id)]
			if !ok {
				for _, g := range polardbSecurityGroups(raw) {
					if gid, _ := g["SecurityGroupId"].(string); strings.EqualFold(gid, id) {
						name, _ = g["SecurityGroupName"].(string)
					}
				}
			}
			sgs = append(sgs, map[string]any{"SecurityGroupId": id, "SecurityGroupName": name})
		}
		c.replace("polardb", "DBClusters", i, patch(raw, func(m map[string]any) {
			m["DBClusterSecurityGroups"] = map[string]any{"DBClusterSecurityGroup": sgs}
		}))
	default:
		return nil, errInvalid("WhiteListType")
	}
	return map[string]any{}, nil
}
