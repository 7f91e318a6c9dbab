package cloudsim

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

// resourceManagerProduct is Resource Management (ResourceManager
// 2020-03-31). This round: CreateServiceLinkedRole, which adds the role to
// global.ram.Roles.
var resourceManagerProduct = &product{
	name:      "ResourceManager",
	version:   "2020-03-31",
	global:    true,
	ramNative: true,
	actions: map[string]action{
		"CreateServiceLinkedRole": {fn: rmCreateServiceLinkedRole, write: true},
	},
}

// serviceLinkedRoles maps the service names this emulator knows to their
// service-linked role and its preset description.
var serviceLinkedRoles = map[string]struct{ role, description string }{
	"cspm.sas.aliyuncs.com": {"AliyunServiceRoleForSasCspm",
		"Security Center CSPM uses this role to read the configuration of your cloud resources."},
	"sas.aliyuncs.com": {"AliyunServiceRoleForSas",
		"Security Center uses this role to access your resources in other services."},
	"actiontrail.aliyuncs.com": {"AliyunServiceRoleForActionTrail",
		"ActionTrail uses this role to deliver events to your resources in other services."},
	"config.aliyuncs.com": {"AliyunServiceRoleForConfig",
		"Cloud Config uses this role to read the configuration of your resources."},
}

var suffixRE = regexp.MustCompile(`^[A-Za-z0-9.-]{1,64}$`)

// rmCreateServiceLinkedRole creates the service's role. A second call
// answers 409 EntityAlreadyExists.Role, as RAM does for an existing role; an
// unknown service answers 400 InvalidParameter.ServiceName (code not
// confirmed against the live service).
func rmCreateServiceLinkedRole(c *call) (map[string]any, *APIError) {
	service := c.param("ServiceName")
	if service == "" {
		return nil, errMissing("ServiceName")
	}
	slr, ok := serviceLinkedRoles[strings.ToLower(service)]
	if !ok {
		return nil, Errorf(http.StatusBadRequest, "InvalidParameter.ServiceName",
			"The service %s does not support service-linked roles.", service)
	}
	name := slr.role
	if sfx := c.param("CustomSuffix"); sfx != "" {
		if !suffixRE.MatchString(sfx) {
			return nil, errInvalid("CustomSuffix")
		}
		name += "_" + sfx
	}
	if _, _, exists := c.find("ram", "Roles", name); exists {
		return nil, &APIError{Status: http.StatusConflict, Code: "EntityAlreadyExists.Role", Message: "The role already exists."}
	}
	account := c.st.inv.AccountID
	trust, _ := json.Marshal(map[string]any{ // a map of strings always marshals
		"Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow",
			"Principal": map[string]any{"Service": []string{strings.ToLower(service)}},
		}},
		"Version": "1",
	})
	desc := slr.description
	if d := c.param("Description"); d != "" {
		desc = d
	}
	role := map[string]any{
		"RoleId":                   numericID(roleArn(account, name)),
		"RoleName":                 name,
		"Arn":                      roleArn(account, name),
		"Description":              desc,
		"AssumeRolePolicyDocument": string(trust),
		"CreateDate":               timestamp(c.now),
		"UpdateDate":               timestamp(c.now),
		"IsServiceLinkedRole":      true,
		"RolePrincipalName":        name + "@role." + account + ".onaliyunservice.com",
		"MaxSessionDuration":       3600,
	}
	raw, _ := json.Marshal(role) // strings, numbers and booleans always marshal
	c.add("ram", "Roles", raw)
	return map[string]any{"Role": json.RawMessage(raw)}, nil
}
