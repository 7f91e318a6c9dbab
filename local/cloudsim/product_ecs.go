package cloudsim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// ecsProduct is Elastic Compute Service (Ecs 2014-05-26).
//
// Inventory (regions.<region>.ecs):
//
//	Instances                        DescribeInstances' Instances.Instance[] items
//	SecurityGroups                   DescribeSecurityGroups' items, plus the group's rules as
//	                                 DescribeSecurityGroupAttribute returns them
//	                                 ("Permissions": {"Permission": [...]}) and its InnerAccessPolicy
//	Disks                            DescribeDisks' Disks.Disk[] items
//	InstanceRamRoleSets              DescribeInstanceRamRole's items ({InstanceId, RamRoleName})
//	InstanceCloudAssistantStatusSet  DescribeCloudAssistantStatus' items; instances without one
//	                                 answer CloudAssistantStatus "false"
var ecsProduct = &product{
	name:    "Ecs",
	version: "2014-05-26",
	key:     "ecs",
	collections: []collection{
		{name: "Instances", id: "InstanceId"},
		{name: "SecurityGroups", id: "SecurityGroupId"},
		{name: "Disks", id: "DiskId"},
		{name: "InstanceRamRoleSets", id: "InstanceId", required: []string{"RamRoleName"}},
		{name: "InstanceCloudAssistantStatusSet", id: "InstanceId", required: []string{"CloudAssistantStatus"}},
	},
	validate: validateECS,
	actions: map[string]action{
		"DescribeRegions":                {fn: ecsDescribeRegions},
		"DescribeInstances":              {fn: ecsDescribeInstances},
		"DescribeSecurityGroups":         {fn: ecsDescribeSecurityGroups},
		"DescribeSecurityGroupAttribute": {fn: ecsDescribeSecurityGroupAttribute},
		"DescribeDisks":                  {fn: ecsDescribeDisks},
		"DescribeInstanceRamRole":        {fn: ecsDescribeInstanceRamRole},
		"DescribeCloudAssistantStatus":   {fn: ecsDescribeCloudAssistantStatus},
		"AuthorizeSecurityGroup":         {fn: ecsAuthorize("ingress"), write: true},
		"AuthorizeSecurityGroupEgress":   {fn: ecsAuthorize("egress"), write: true},
		"RevokeSecurityGroup":            {fn: ecsRevoke("ingress"), write: true},
		"RevokeSecurityGroupEgress":      {fn: ecsRevoke("egress"), write: true},
		"ModifyInstanceMetadataOptions":  {fn: ecsModifyInstanceMetadataOptions, write: true},
	},
}

// Documented page limits.
var (
	ecsInstancePages  = pageSpec{defaultSize: 10, maxSize: 100, maxResultsDefault: 10, maxResultsMax: 100}
	ecsGroupPages     = pageSpec{defaultSize: 10, maxSize: 50, maxResultsDefault: 10, maxResultsMax: 100}
	ecsDiskPages      = pageSpec{defaultSize: 10, maxSize: 100, maxResultsDefault: 10, maxResultsMax: 500}
	ecsRamRolePages   = pageSpec{defaultSize: 10, maxSize: 50}
	ecsAssistantPages = pageSpec{defaultSize: 10, maxSize: 50, maxResultsDefault: 10, maxResultsMax: 50}
	ecsRulePages      = pageSpec{maxResultsDefault: 500, maxResultsMax: 1000}
)

// Errors of the ECS API.
var (
	errInstanceNotFound = &APIError{Status: http.StatusNotFound, Code: "InvalidInstanceId.NotFound",
		Message: "The specified InstanceId does not exist."}
	errGroupNotFound = &APIError{Status: http.StatusNotFound, Code: "InvalidSecurityGroupId.NotFound",
		Message: "The specified SecurityGroupId does not exist."}
	errRuleIDNotFound = &APIError{Status: http.StatusNotFound, Code: "InvalidSecurityGroupRuleId.NotFound",
		Message: "The specified security group rule id does not exist."}
)

// ecsRule is the part of a Permission object rules are matched on.
type ecsRule struct {
	SecurityGroupRuleId string
	Direction           string
	IpProtocol          string
	PortRange           string
	SourceCidrIp        string
	Ipv6SourceCidrIp    string
	SourceGroupId       string
	SourcePrefixListId  string
	DestCidrIp          string
	Ipv6DestCidrIp      string
	DestGroupId         string
	DestPrefixListId    string
	Policy              string
	Priority            string
	NicType             string
}

// ecsGroup is the part of a security group object the handlers read.
type ecsGroup struct {
	SecurityGroupId   string
	SecurityGroupName string
	SecurityGroupType string
	VpcId             string
	Description       string
	InnerAccessPolicy string
	Permissions       struct {
		Permission []json.RawMessage
	}
}

func validateECS(v *validation, path string, cols Collections) {
	groups := ids(cols["SecurityGroups"], "SecurityGroupId")
	instances := ids(cols["Instances"], "InstanceId")
	for i, raw := range cols["Instances"] {
		var inst struct {
			SecurityGroupIds struct{ SecurityGroupId []string }
		}
		decodeInto(raw, &inst)
		for j, g := range inst.SecurityGroupIds.SecurityGroupId {
			if !groups[g] {
				v.add(fmt.Sprintf("%s.Instances[%d].SecurityGroupIds.SecurityGroupId[%d]", path, i, j),
					fmt.Sprintf("unknown security group %q (not in %s.SecurityGroups)", g, path))
			}
		}
	}
	for i, raw := range cols["SecurityGroups"] {
		m := fields(raw)
		perms, ok := m["Permissions"]
		if !ok {
			continue
		}
		at := fmt.Sprintf("%s.SecurityGroups[%d].Permissions", path, i)
		var p struct{ Permission []map[string]json.RawMessage }
		if err := json.Unmarshal(perms, &p); err != nil {
			v.add(at, `want {"Permission": [rule objects]}`)
			continue
		}
		for j, rule := range p.Permission {
			rat := fmt.Sprintf("%s.Permission[%d]", at, j)
			for _, f := range []string{"IpProtocol", "PortRange", "Direction"} {
				if jsonString(rule[f]) == "" {
					v.add(rat+"."+f, "missing")
				}
			}
			if d := strings.ToLower(jsonString(rule["Direction"])); d != "" && d != "ingress" && d != "egress" {
				v.add(rat+".Direction", fmt.Sprintf("%q is not ingress or egress", d))
			}
		}
	}
	for _, name := range []string{"Disks", "InstanceRamRoleSets", "InstanceCloudAssistantStatusSet"} {
		for i, raw := range cols[name] {
			if id := fieldString(raw, "InstanceId"); id != "" && !instances[id] {
				v.add(fmt.Sprintf("%s.%s[%d].InstanceId", path, name, i),
					fmt.Sprintf("unknown instance %q (not in %s.Instances)", id, path))
			}
		}
	}
}

// regionNames gives DescribeRegions' LocalName for well-known regions.
var regionNames = map[string][2]string{ // zh-CN, en-US
	"cn-hangzhou":    {"华东1（杭州）", "China (Hangzhou)"},
	"cn-shanghai":    {"华东2（上海）", "China (Shanghai)"},
	"cn-beijing":     {"华北2（北京）", "China (Beijing)"},
	"cn-shenzhen":    {"华南1（深圳）", "China (Shenzhen)"},
	"cn-qingdao":     {"华北1（青岛）", "China (Qingdao)"},
	"cn-zhangjiakou": {"华北3（张家口）", "China (Zhangjiakou)"},
	"cn-hongkong":    {"中国香港", "China (Hong Kong)"},
	"ap-southeast-1": {"新加坡", "Singapore"},
	"eu-central-1":   {"德国（法兰克福）", "Germany (Frankfurt)"},
	"us-west-1":      {"美国（硅谷）", "US (Silicon Valley)"},
}

// ecsDescribeRegions lists the inventory's regions.
func ecsDescribeRegions(c *call) (map[string]any, *APIError) {
	en := strings.HasPrefix(c.param("AcceptLanguage"), "en")
	var regions []any
	for _, r := range c.st.inv.RegionIDs() {
		name := r
		if n, ok := regionNames[r]; ok {
			name = n[0]
			if en {
				name = n[1]
			}
		}
		regions = append(regions, map[string]any{
			"RegionId": r, "LocalName": name, "RegionEndpoint": "ecs." + r + ".aliyuncs.com", "Status": "available",
		})
	}
	if regions == nil {
		regions = []any{}
	}
	return map[string]any{"Regions": map[string]any{"Region": regions}}, nil
}

// ecsDescribeInstances filters on InstanceIds (JSON array, ≤100), VpcId,
// VSwitchId, ZoneId, Status, SecurityGroupId, InstanceName, InstanceType,
// InstanceNetworkType, ImageId, HttpTokens and HttpEndpoint.
func ecsDescribeInstances(c *call) (map[string]any, *APIError) {
	objs := c.objects("ecs", "Instances")
	idList, ok := jsonIDList(c.param("InstanceIds"))
	if !ok || len(idList) > 100 {
		return nil, errInvalid("InstanceIds")
	}
	filters := map[string]string{}
	for _, f := range []string{"VpcId", "VSwitchId", "ZoneId", "Status", "SecurityGroupId", "InstanceName",
		"InstanceType", "InstanceNetworkType", "ImageId", "HttpTokens", "HttpEndpoint"} {
		if v := c.param(f); v != "" {
			filters[f] = v
		}
	}
	if c.params["InstanceIds"] != "" || len(filters) > 0 {
		want := map[string]bool{}
		for _, id := range idList {
			want[strings.ToLower(id)] = true
		}
		var kept []json.RawMessage
		for _, raw := range objs {
			var k struct {
				InstanceId, InstanceName, ZoneId, Status, InstanceType, InstanceNetworkType, ImageId string
				VpcAttributes                                                                        struct{ VpcId, VSwitchId string }
				SecurityGroupIds                                                                     struct{ SecurityGroupId []string }
				MetadataOptions                                                                      struct{ HttpTokens, HttpEndpoint string }
			}
			decodeInto(raw, &k)
			if c.params["InstanceIds"] != "" && !want[strings.ToLower(k.InstanceId)] {
				continue
			}
			got := map[string]string{
				"VpcId": k.VpcAttributes.VpcId, "VSwitchId": k.VpcAttributes.VSwitchId, "ZoneId": k.ZoneId,
				"Status": k.Status, "InstanceName": k.InstanceName, "InstanceType": k.InstanceType,
				"InstanceNetworkType": k.InstanceNetworkType, "ImageId": k.ImageId,
				"HttpTokens": k.MetadataOptions.HttpTokens, "HttpEndpoint": k.MetadataOptions.HttpEndpoint,
			}
			match := true
			for f, want := range filters {
				if f == "SecurityGroupId" {
					match = match && slices.Contains(k.SecurityGroupIds.SecurityGroupId, want)
				} else {
					match = match && strings.EqualFold(got[f], want)
				}
			}
			if match {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := c.paginate(objs, ecsInstancePages)
	if err != nil {
		return nil, err
	}
	resp := map[string]any{"Instances": list("Instance", p.items)}
	p.fill(resp, ecsInstancePages)
	return resp, nil
}

// ecsDescribeSecurityGroups filters on SecurityGroupId, SecurityGroupIds
// (JSON array, ≤100), VpcId, SecurityGroupName and SecurityGroupType. The
// rules and InnerAccessPolicy are not part of this API's answer.
func ecsDescribeSecurityGroups(c *call) (map[string]any, *APIError) {
	objs := c.objects("ecs", "SecurityGroups")
	idList, ok := jsonIDList(c.param("SecurityGroupIds"))
	if !ok || len(idList) > 100 {
		return nil, errInvalid("SecurityGroupIds")
	}
	if one := c.param("SecurityGroupId"); one != "" {
		idList = append(idList, one)
	}
	vpc, name, typ := c.param("VpcId"), c.param("SecurityGroupName"), c.param("SecurityGroupType")
	if len(idList) > 0 || vpc != "" || name != "" || typ != "" {
		want := map[string]bool{}
		for _, id := range idList {
			want[strings.ToLower(id)] = true
		}
		var kept []json.RawMessage
		for _, raw := range objs {
			var g ecsGroup
			decodeInto(raw, &g)
			if (len(want) == 0 || want[strings.ToLower(g.SecurityGroupId)]) &&
				(vpc == "" || strings.EqualFold(g.VpcId, vpc)) && (name == "" || g.SecurityGroupName == name) &&
				(typ == "" || strings.EqualFold(orDefault(g.SecurityGroupType, "normal"), typ)) {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := c.paginate(objs, ecsGroupPages)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, len(p.items))
	for i, raw := range p.items {
		items[i] = without(raw, "Permissions", "InnerAccessPolicy")
	}
	resp := map[string]any{"RegionId": c.region, "SecurityGroups": list("SecurityGroup", items)}
	p.fill(resp, ecsGroupPages)
	return resp, nil
}

// ecsDescribeSecurityGroupAttribute returns a group's rules. Direction is
// all (default), ingress or egress; NicType filters when given. Without
// MaxResults or NextToken every rule comes back in one answer; with them
// the rules are paged (MaxResults 10–1000, default 500).
func ecsDescribeSecurityGroupAttribute(c *call) (map[string]any, *APIError) {
	id := c.param("SecurityGroupId")
	if id == "" {
		return nil, errMissing("SecurityGroupId")
	}
	_, raw, ok := c.find("ecs", "SecurityGroups", id)
	if !ok {
		return nil, errGroupNotFound
	}
	dir := strings.ToLower(orDefault(c.param("Direction"), "all"))
	if dir != "all" && dir != "ingress" && dir != "egress" {
		return nil, errInvalid("Direction")
	}
	nic := c.param("NicType")
	var g ecsGroup
	decodeInto(raw, &g)
	rules := []json.RawMessage{}
	for _, r := range g.Permissions.Permission {
		var k ecsRule
		decodeInto(r, &k)
		if (dir == "all" || strings.EqualFold(k.Direction, dir)) && (nic == "" || strings.EqualFold(k.NicType, nic)) {
			rules = append(rules, r)
		}
	}
	resp := map[string]any{
		"RegionId": c.region, "SecurityGroupId": g.SecurityGroupId, "SecurityGroupName": g.SecurityGroupName,
		"Description": g.Description, "VpcId": g.VpcId, "InnerAccessPolicy": orDefault(g.InnerAccessPolicy, "Accept"),
	}
	if c.param("MaxResults") != "" || c.param("NextToken") != "" {
		p, err := c.paginate(rules, ecsRulePages)
		if err != nil {
			return nil, err
		}
		rules = p.items
		resp["NextToken"] = p.nextToken
	}
	resp["Permissions"] = list("Permission", rules)
	return resp, nil
}

// ecsDescribeDisks filters on DiskIds (JSON array, ≤100), InstanceId,
// DiskType (system, data, all), Category, Encrypted, ZoneId and Status.
func ecsDescribeDisks(c *call) (map[string]any, *APIError) {
	objs := c.objects("ecs", "Disks")
	idList, ok := jsonIDList(c.param("DiskIds"))
	if !ok || len(idList) > 100 {
		return nil, errInvalid("DiskIds")
	}
	inst, typ, cat, enc, zone, status := c.param("InstanceId"), c.param("DiskType"), c.param("Category"),
		c.param("Encrypted"), c.param("ZoneId"), c.param("Status")
	if strings.EqualFold(typ, "all") {
		typ = ""
	}
	if c.params["DiskIds"] != "" || inst != "" || typ != "" || cat != "" || enc != "" || zone != "" || status != "" {
		want := map[string]bool{}
		for _, id := range idList {
			want[strings.ToLower(id)] = true
		}
		var kept []json.RawMessage
		for _, raw := range objs {
			var d struct {
				DiskId, InstanceId, Type, Category, ZoneId, Status string
				Encrypted                                          bool
			}
			decodeInto(raw, &d)
			if (c.params["DiskIds"] == "" || want[strings.ToLower(d.DiskId)]) &&
				(inst == "" || strings.EqualFold(d.InstanceId, inst)) && (typ == "" || strings.EqualFold(d.Type, typ)) &&
				(cat == "" || strings.EqualFold(d.Category, cat)) && (zone == "" || d.ZoneId == zone) &&
				(status == "" || strings.EqualFold(d.Status, status)) && (enc == "" || strconv.FormatBool(d.Encrypted) == strings.ToLower(enc)) {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := c.paginate(objs, ecsDiskPages)
	if err != nil {
		return nil, err
	}
	resp := map[string]any{"Disks": list("Disk", p.items)}
	p.fill(resp, ecsDiskPages)
	return resp, nil
}

// ecsDescribeInstanceRamRole lists instance/role attachments, filtered on
// InstanceIds (JSON array, ≤100) and RamRoleName; PageSize ≤ 50.
func ecsDescribeInstanceRamRole(c *call) (map[string]any, *APIError) {
	objs := c.objects("ecs", "InstanceRamRoleSets")
	idList, ok := jsonIDList(c.param("InstanceIds"))
	if !ok || len(idList) > 100 {
		return nil, errInvalid("InstanceIds")
	}
	role := c.param("RamRoleName")
	if c.params["InstanceIds"] != "" || role != "" {
		want := map[string]bool{}
		for _, id := range idList {
			want[strings.ToLower(id)] = true
		}
		var kept []json.RawMessage
		for _, raw := range objs {
			var s struct{ InstanceId, RamRoleName string }
			decodeInto(raw, &s)
			if (c.params["InstanceIds"] == "" || want[strings.ToLower(s.InstanceId)]) &&
				(role == "" || strings.EqualFold(s.RamRoleName, role)) {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := c.paginate(objs, ecsRamRolePages)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"RegionId": c.region, "TotalCount": p.total,
		"InstanceRamRoleSets": list("InstanceRamRoleSet", p.items),
	}, nil
}

// ecsDescribeCloudAssistantStatus answers one item per instance: the
// inventory's InstanceCloudAssistantStatusSet entry, or
// CloudAssistantStatus "false" when there is none. InstanceId.N (≤50)
// selects instances (and then MaxResults does not apply, as documented);
// OSType filters.
func ecsDescribeCloudAssistantStatus(c *call) (map[string]any, *APIError) {
	wanted := c.repeated("InstanceId")
	if len(wanted) > 50 {
		return nil, errInvalid("InstanceId")
	}
	osType := c.param("OSType")
	instances := c.objects("ecs", "Instances")
	status := func(inst json.RawMessage) json.RawMessage {
		id := fieldString(inst, "InstanceId")
		if _, s, ok := c.find("ecs", "InstanceCloudAssistantStatusSet", id); ok {
			return s
		}
		b, _ := json.Marshal(map[string]any{ // a map of strings always marshals
			"InstanceId": id, "CloudAssistantStatus": "false", "OSType": strings.ToLower(fieldString(inst, "OSType")),
		})
		return b
	}
	if len(wanted) > 0 {
		var items []json.RawMessage
		for _, id := range wanted {
			if _, inst, ok := c.find("ecs", "Instances", id); ok {
				items = append(items, status(inst))
			}
		}
		return map[string]any{"TotalCount": len(items), "PageNumber": 1, "PageSize": len(items), "NextToken": "",
			"InstanceCloudAssistantStatusSet": list("InstanceCloudAssistantStatus", items)}, nil
	}
	if osType != "" {
		var kept []json.RawMessage
		for _, inst := range instances {
			if strings.EqualFold(fieldString(inst, "OSType"), osType) {
				kept = append(kept, inst)
			}
		}
		instances = kept
	}
	p, err := c.paginate(instances, ecsAssistantPages)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, len(p.items))
	for i, inst := range p.items {
		items[i] = status(inst)
	}
	resp := map[string]any{"InstanceCloudAssistantStatusSet": list("InstanceCloudAssistantStatus", items)}
	p.fill(resp, ecsAssistantPages)
	return resp, nil
}

// ruleFields are the Permission fields a rule request may set.
var ruleFields = []string{"IpProtocol", "PortRange", "SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId",
	"SourcePrefixListId", "SourcePortRange", "SourceGroupOwnerAccount", "DestCidrIp", "Ipv6DestCidrIp",
	"DestGroupId", "DestPrefixListId", "DestGroupOwnerAccount", "Policy", "Priority", "NicType", "Description"}

// ruleRequests returns the rules a request describes: Permissions.N.* or,
// for the legacy form, the top-level fields.
func ruleRequests(c *call) []map[string]string {
	perms := c.repeatedObjects("Permissions")
	if len(perms) > 0 {
		return perms
	}
	if c.param("IpProtocol") == "" {
		return nil
	}
	one := map[string]string{}
	for _, f := range ruleFields {
		if v := c.param(f); v != "" {
			one[f] = v
		}
	}
	return []map[string]string{one}
}

// peerFields are the fields naming the other side of a rule, by direction.
var peerFields = map[string][]string{
	"ingress": {"SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId", "SourcePrefixListId"},
	"egress":  {"DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestPrefixListId"},
}

var protocols = map[string]bool{"tcp": true, "udp": true, "icmp": true, "icmpv6": true, "gre": true, "all": true}

// checkRule validates a requested rule and fills defaults (Policy accept,
// Priority 1, PortRange -1/-1 for protocols without ports).
func checkRule(dir string, r map[string]string) *APIError {
	proto := strings.ToLower(r["IpProtocol"])
	if !protocols[proto] {
		return Errorf(http.StatusBadRequest, "InvalidIpProtocol.Malformed", "The specified parameter IpProtocol is not valid.")
	}
	if r["PortRange"] == "" && (proto == "icmp" || proto == "icmpv6" || proto == "gre" || proto == "all") {
		r["PortRange"] = "-1/-1"
	}
	if !validPortRange(r["PortRange"]) {
		return Errorf(http.StatusBadRequest, "InvalidPortRange.Malformed", "The specified parameter PortRange is not valid.")
	}
	peers := 0
	for _, f := range peerFields[dir] {
		if r[f] != "" {
			peers++
		}
	}
	if peers == 0 {
		return errMissing(peerFields[dir][0])
	}
	if p := strings.ToLower(orDefault(r["Policy"], "accept")); p != "accept" && p != "drop" {
		return errInvalid("Policy")
	}
	if pr, err := strconv.Atoi(orDefault(r["Priority"], "1")); err != nil || pr < 1 || pr > 100 {
		return errInvalid("Priority")
	}
	return nil
}

func validPortRange(s string) bool {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	from, err1 := strconv.Atoi(a)
	to, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return (from == -1 && to == -1) || (from >= 1 && to <= 65535 && from <= to)
}

// ruleMatches reports whether an existing rule is the one a request names:
// same direction, protocol, port range and peer, and the same policy,
// priority and NIC type where the request gives them.
func ruleMatches(dir string, have ecsRule, want map[string]string) bool {
	if !strings.EqualFold(have.Direction, dir) ||
		!strings.EqualFold(have.IpProtocol, want["IpProtocol"]) ||
		normPorts(have.PortRange) != normPorts(orDefault(want["PortRange"], "-1/-1")) {
		return false
	}
	haveF := map[string]string{
		"SourceCidrIp": have.SourceCidrIp, "Ipv6SourceCidrIp": have.Ipv6SourceCidrIp,
		"SourceGroupId": have.SourceGroupId, "SourcePrefixListId": have.SourcePrefixListId,
		"DestCidrIp": have.DestCidrIp, "Ipv6DestCidrIp": have.Ipv6DestCidrIp,
		"DestGroupId": have.DestGroupId, "DestPrefixListId": have.DestPrefixListId,
	}
	for _, f := range peerFields[dir] {
		if !strings.EqualFold(haveF[f], want[f]) {
			return false
		}
	}
	if !strings.EqualFold(orDefault(have.Policy, "accept"), orDefault(want["Policy"], "accept")) {
		return false
	}
	if want["Priority"] != "" && orDefault(have.Priority, "1") != want["Priority"] {
		return false
	}
	if want["NicType"] != "" && have.NicType != "" && !strings.EqualFold(have.NicType, want["NicType"]) {
		return false
	}
	return true
}

func normPorts(s string) string {
	if s == "" {
		return "-1/-1"
	}
	return s
}

// ecsAuthorize adds rules. Adding a rule identical to an existing one is a
// no-op success (not confirmed against the live service).
func ecsAuthorize(dir string) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		id := c.param("SecurityGroupId")
		if id == "" {
			return nil, errMissing("SecurityGroupId")
		}
		i, raw, ok := c.find("ecs", "SecurityGroups", id)
		if !ok {
			return nil, errGroupNotFound
		}
		reqs := ruleRequests(c)
		if len(reqs) == 0 {
			return nil, errMissing("Permissions")
		}
		for _, r := range reqs {
			if err := checkRule(dir, r); err != nil {
				return nil, err
			}
		}
		var g ecsGroup
		decodeInto(raw, &g)
		var added []map[string]any
	next:
		for _, r := range reqs {
			for _, have := range g.Permissions.Permission {
				var k ecsRule
				decodeInto(have, &k)
				if ruleMatches(dir, k, r) {
					continue next
				}
			}
			rule := map[string]any{
				"SecurityGroupRuleId": "sgr-" + randomHex(10), "Direction": dir,
				"IpProtocol": strings.ToUpper(r["IpProtocol"]), "PortRange": r["PortRange"],
				"Policy":   titleCase(orDefault(r["Policy"], "accept")),
				"Priority": orDefault(r["Priority"], "1"), "NicType": orDefault(r["NicType"], "intranet"),
				"CreateTime": timestamp(c.now), "Description": r["Description"],
			}
			for _, f := range ruleFields {
				if _, set := rule[f]; !set {
					rule[f] = r[f]
				}
			}
			added = append(added, rule)
		}
		if len(added) > 0 {
			c.replace("ecs", "SecurityGroups", i, patch(raw, func(m map[string]any) {
				perms, _ := m["Permissions"].(map[string]any)
				if perms == nil {
					perms = map[string]any{}
				}
				list, _ := perms["Permission"].([]any)
				for _, a := range added {
					list = append(list, a)
				}
				perms["Permission"] = list
				m["Permissions"] = perms
			}))
		}
		return map[string]any{}, nil
	}
}

// ecsRevoke removes rules named by SecurityGroupRuleId.N, Permissions.N.* or
// the legacy top-level fields. Naming a rule that does not exist is a no-op
// success, except by rule ID, which answers
// InvalidSecurityGroupRuleId.NotFound (neither confirmed against the live
// service).
func ecsRevoke(dir string) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		id := c.param("SecurityGroupId")
		if id == "" {
			return nil, errMissing("SecurityGroupId")
		}
		i, raw, ok := c.find("ecs", "SecurityGroups", id)
		if !ok {
			return nil, errGroupNotFound
		}
		ruleIDs := c.repeated("SecurityGroupRuleId")
		reqs := ruleRequests(c)
		if len(ruleIDs) == 0 && len(reqs) == 0 {
			return nil, errMissing("Permissions")
		}
		var g ecsGroup
		decodeInto(raw, &g)
		byID := map[string]bool{}
		for _, r := range ruleIDs {
			byID[strings.ToLower(r)] = false
		}
		var keep []json.RawMessage
		removed := 0
		for _, have := range g.Permissions.Permission {
			var k ecsRule
			decodeInto(have, &k)
			drop := false
			if _, named := byID[strings.ToLower(k.SecurityGroupRuleId)]; named && k.SecurityGroupRuleId != "" && strings.EqualFold(k.Direction, dir) {
				byID[strings.ToLower(k.SecurityGroupRuleId)] = true
				drop = true
			}
			for _, r := range reqs {
				if ruleMatches(dir, k, r) {
					drop = true
				}
			}
			if drop {
				removed++
			} else {
				keep = append(keep, have)
			}
		}
		for _, found := range byID {
			if !found {
				return nil, errRuleIDNotFound
			}
		}
		if removed > 0 {
			c.replace("ecs", "SecurityGroups", i, patch(raw, func(m map[string]any) {
				perms, _ := m["Permissions"].(map[string]any)
				if perms == nil {
					perms = map[string]any{}
				}
				if keep == nil {
					keep = []json.RawMessage{}
				}
				perms["Permission"] = keep
				m["Permissions"] = perms
			}))
		}
		return map[string]any{}, nil
	}
}

// ecsModifyInstanceMetadataOptions sets HttpTokens (optional, required),
// HttpEndpoint (enabled, disabled) and HttpPutResponseHopLimit (1–64) in
// the instance's MetadataOptions.
func ecsModifyInstanceMetadataOptions(c *call) (map[string]any, *APIError) {
	id := c.param("InstanceId")
	if id == "" {
		return nil, errMissing("InstanceId")
	}
	i, raw, ok := c.find("ecs", "Instances", id)
	if !ok {
		return nil, errInstanceNotFound
	}
	tokens, endpoint, hops := strings.ToLower(c.param("HttpTokens")), strings.ToLower(c.param("HttpEndpoint")), c.param("HttpPutResponseHopLimit")
	if tokens != "" && tokens != "optional" && tokens != "required" {
		return nil, errInvalid("HttpTokens")
	}
	if endpoint != "" && endpoint != "enabled" && endpoint != "disabled" {
		return nil, errInvalid("HttpEndpoint")
	}
	hop := 0
	if hops != "" {
		n, err := strconv.Atoi(hops)
		if err != nil || n < 1 || n > 64 {
			return nil, errInvalid("HttpPutResponseHopLimit")
		}
		hop = n
	}
	c.replace("ecs", "Instances", i, patch(raw, func(m map[string]any) {
		mo, _ := m["MetadataOptions"].(map[string]any)
		if mo == nil {
			mo = map[string]any{"HttpEndpoint": "enabled", "HttpTokens": "optional", "HttpPutResponseHopLimit": 1}
		}
		if tokens != "" {
			mo["HttpTokens"] = tokens
		}
		if endpoint != "" {
			mo["HttpEndpoint"] = endpoint
		}
		if hop > 0 {
			mo["HttpPutResponseHopLimit"] = hop
		}
		m["MetadataOptions"] = mo
	}))
	return map[string]any{}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// titleCase turns "accept" into "Accept", the spelling the API returns.
func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)[:n]
}
