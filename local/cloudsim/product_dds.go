package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// ddsProduct is ApsaraDB for MongoDB (Dds 2015-12-01).
//
// Inventory (regions.<region>.dds):
//
//	DBInstances  DescribeDBInstances' DBInstances.DBInstance[] items, replica sets and sharded
//	             clusters alike (DBInstanceType "replicate" or "sharding"; absent means
//	             replicate), plus the instance's settings as their Describe APIs return them:
//	               SecurityIpGroups  DescribeSecurityIps' {"SecurityIpGroup": [...]}
//	                                 (absent: the "default" group holding 127.0.0.1)
//	               SSL               DescribeDBInstanceSSL's answer (absent: SSLStatus "Closed")
//	               TDE               DescribeDBInstanceTDEInfo's answer (absent: TDEStatus "disabled")
//
// DescribeDBInstances strips the settings from its items.
var ddsProduct = &product{
	name:    "Dds",
	version: "2015-12-01",
	key:     "dds",
	collections: []collection{
		{name: "DBInstances", id: "DBInstanceId"},
	},
	validate: validateDDS,
	actions: map[string]action{
		"DescribeDBInstances":       {fn: ddsDescribeDBInstances},
		"DescribeSecurityIps":       {fn: ddsDescribeSecurityIps},
		"DescribeDBInstanceSSL":     {fn: ddsDescribeDBInstanceSSL},
		"DescribeDBInstanceTDEInfo": {fn: ddsDescribeDBInstanceTDEInfo},
		"ModifySecurityIps":         {fn: ddsModifySecurityIps, write: true},
	},
}

// ddsPages is DescribeDBInstances' documented paging: PageSize 30, 50 or
// 100 (default 30).
var ddsPages = pageSpec{defaultSize: 30, maxSize: 100}

var ddsSettings = []string{"SecurityIpGroups", "SSL", "TDE"}

// errDDSNotFound is MongoDB's answer for an unknown DBInstanceId.
var errDDSNotFound = &APIError{Status: http.StatusNotFound, Code: "InvalidDBInstanceId.NotFound",
	Message: "The specified instance is not found."}

func validateDDS(v *validation, path string, cols Collections) {
	for i, raw := range cols["DBInstances"] {
		at := fmt.Sprintf("%s.DBInstances[%d]", path, i)
		m := fields(raw)
		if t := strings.ToLower(jsonString(m["DBInstanceType"])); t != "" && t != "replicate" && t != "sharding" && t != "serverless" {
			v.add(at+".DBInstanceType", fmt.Sprintf("%q is not replicate, sharding or serverless", t))
		}
		validateSecurityIPGroups(v, at, m)
		validateEmbeddedObject(v, at, m, "SSL")
		validateEmbeddedObject(v, at, m, "TDE")
	}
}

// ddsDescribeDBInstances lists one architecture at a time, as the real API
// does: DBInstanceType replicate (the default: replica set and standalone
// instances), sharding or serverless. It also filters on DBInstanceId,
// DBInstanceStatus, DBInstanceClass, DBInstanceDescription, Engine,
// EngineVersion, NetworkType, ReplicationFactor, VpcId, VSwitchId, ZoneId
// and ChargeType, and answers DBInstances.DBInstance[], TotalCount,
// PageNumber and PageSize.
func ddsDescribeDBInstances(c *call) (map[string]any, *APIError) {
	typ := strings.ToLower(orDefault(c.param("DBInstanceType"), "replicate"))
	if typ != "replicate" && typ != "sharding" && typ != "serverless" {
		return nil, errInvalid("DBInstanceType")
	}
	filters := map[string]string{}
	for _, f := range []string{"DBInstanceId", "DBInstanceStatus", "DBInstanceClass", "DBInstanceDescription", "Engine",
		"EngineVersion", "NetworkType", "ReplicationFactor", "VpcId", "VSwitchId", "ZoneId", "ChargeType"} {
		if v := c.param(f); v != "" {
			filters[f] = v
		}
	}
	var objs []json.RawMessage
	for _, raw := range c.objects("dds", "DBInstances") {
		ok := strings.EqualFold(orDefault(fieldString(raw, "DBInstanceType"), "replicate"), typ)
		for f, want := range filters {
			field := f
			if f == "VpcId" {
				field = "VPCId" // the item spells it VPCId
			}
			ok = ok && strings.EqualFold(fieldString(raw, field), want)
		}
		if ok {
			objs = append(objs, raw)
		}
	}
	p, err := c.paginate(objs, ddsPages)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, len(p.items))
	for i, raw := range p.items {
		items[i] = without(raw, ddsSettings...)
	}
	resp := map[string]any{"DBInstances": list("DBInstance", items)}
	p.fill(resp, ddsPages)
	return resp, nil
}

// ddsInstance looks up the instance a call names in DBInstanceId.
func ddsInstance(c *call) (int, json.RawMessage, *APIError) {
	id := c.param("DBInstanceId")
	if id == "" {
		return -1, nil, errMissing("DBInstanceId")
	}
	i, raw, ok := c.find("dds", "DBInstances", id)
	if !ok {
		return -1, nil, errDDSNotFound
	}
	return i, raw, nil
}

// ddsDescribeSecurityIps answers SecurityIpGroups.SecurityIpGroup[] and,
// as the real API still does, the deprecated SecurityIps (every group's
// entries joined).
func ddsDescribeSecurityIps(c *call) (map[string]any, *APIError) {
	_, raw, err := ddsInstance(c)
	if err != nil {
		return nil, err
	}
	groups := securityIPGroups(raw)
	var all []string
	for _, g := range groups {
		s, _ := g["SecurityIpList"].(string)
		all = append(all, splitIPs(s)...)
	}
	return map[string]any{"SecurityIpGroups": securityIPGroupsAnswer(groups), "SecurityIps": strings.Join(all, ",")}, nil
}

// ddsDescribeDBInstanceSSL answers the SSL object; without one, SSLStatus
// is "Closed" (the live spelling of the off state is not confirmed).
func ddsDescribeDBInstanceSSL(c *call) (map[string]any, *APIError) {
	_, raw, err := ddsInstance(c)
	if err != nil {
		return nil, err
	}
	return embedded(raw, "SSL", map[string]any{"SSLStatus": "Closed", "CertCommonName": "", "SSLExpiredTime": ""}), nil
}

// ddsDescribeDBInstanceTDEInfo answers the TDE object; without one,
// TDEStatus is "disabled" (MongoDB spells it in lower case).
func ddsDescribeDBInstanceTDEInfo(c *call) (map[string]any, *APIError) {
	_, raw, err := ddsInstance(c)
	if err != nil {
		return nil, err
	}
	return embedded(raw, "TDE", map[string]any{"TDEStatus": "disabled"}), nil
}

// ddsModifySecurityIps changes one whitelist group; see
// modifySecurityIPGroups.
func ddsModifySecurityIps(c *call) (map[string]any, *APIError) {
	i, raw, err := ddsInstance(c)
	if err != nil {
		return nil, err
	}
	obj, err := modifySecurityIPGroups(c, raw)
	if err != nil {
		return nil, err
	}
	c.replace("dds", "DBInstances", i, obj)
	return map[string]any{}, nil
}
