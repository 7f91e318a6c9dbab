package cloudsim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// sasProduct is Security Center (Sas 2018-12-03), an account-level RPC API.
//
// Inventory (global.sas):
//
//	VersionConfig     the DescribeVersionConfig answer, one object (Version 1 Basic,
//	                  6 Anti-virus, 5 Advanced, 3 Enterprise, 7 Ultimate); absent, the
//	                  account is on the free Basic edition
//	Instances         DescribeCloudCenterInstances Instances[] items (ClientStatus
//	                  "online", "offline" or "pause")
//	NoticeConfigList  DescribeNoticeConfig NoticeConfigList[] items (Route is a bit set:
//	                  1 SMS, 2 email, 4 internal message; 0 notifies nobody)
//	VulConfig         DescribeVulConfig TargetConfigs[] items (Type cve, sys, cms, app,
//	                  emg, yum, scanMode, imageVulClean; Config and OverAllConfig "on" or
//	                  "off"); absent, the default: cve, sys, cms and emg scanned on every
//	                  server, the web scanner (app) off (chosen without a live confirmation)
//
// Security Center refuses a RAM identity with 403 NoPermission (chosen
// without a live confirmation; the answer carries AccessDeniedDetail).
var sasProduct = &product{
	name:      "Sas",
	version:   "2018-12-03",
	key:       "sas",
	global:    true,
	ramNative: true,
	collections: []collection{
		{name: "VersionConfig"},
		{name: "Instances", id: "Uuid", required: []string{"ClientStatus"}},
		{name: "NoticeConfigList", id: "Project"},
		{name: "VulConfig", id: "Type", required: []string{"Config"}},
	},
	actions: map[string]action{
		"DescribeVersionConfig":        {fn: sasDescribeVersionConfig},
		"DescribeCloudCenterInstances": {fn: sasDescribeCloudCenterInstances},
		"DescribeNoticeConfig":         {fn: sasDescribeNoticeConfig},
		"DescribeVulConfig":            {fn: sasDescribeVulConfig},
		"ModifyNoticeConfig":           {fn: sasModifyNoticeConfig, write: true},
		"OperateAgentClientInstall":    {fn: sasOperateAgentClientInstall, write: true},
	},
}

// DescribeCloudCenterInstances pages with CurrentPage/PageSize: default 20;
// the maximum of 100 was chosen without a live confirmation.
const (
	sasPageDefault = 20
	sasPageMax     = 100
)

// sasDescribeVersionConfig returns the account's edition; an account
// without a VersionConfig object is on Basic (Version 1), unpaid.
func sasDescribeVersionConfig(c *call) (map[string]any, *APIError) {
	objs := c.objects("sas", "VersionConfig")
	if len(objs) == 0 {
		return map[string]any{"Version": 1, "HighestVersion": 1, "IsPaidUser": false, "IsTrialVersion": 0,
			"AssetLevel": 0, "InstanceId": "", "IsOverBalance": false}, nil
	}
	var m map[string]any
	if err := json.Unmarshal(objs[0], &m); err != nil {
		return nil, errInternal
	}
	return m, nil
}

// sasDescribeCloudCenterInstances lists assets, CurrentPage/PageSize paged
// (PageSize 1–100, default 20). MachineTypes "ecs" keeps assets with an
// InstanceId starting "i-"; Criteria is accepted and not applied.
func sasDescribeCloudCenterInstances(c *call) (map[string]any, *APIError) {
	size, err := intParam(c.param("PageSize"), sasPageDefault, 1, sasPageMax)
	if err != nil {
		return nil, errInvalid("PageSize")
	}
	number, err := intParam(c.param("CurrentPage"), 1, 1, 1<<30)
	if err != nil {
		return nil, errInvalid("CurrentPage")
	}
	var all []json.RawMessage
	for _, raw := range c.objects("sas", "Instances") {
		if mt := c.param("MachineTypes"); mt == "ecs" && !strings.HasPrefix(fieldString(raw, "InstanceId"), "i-") {
			continue
		}
		all = append(all, raw)
	}
	items := []json.RawMessage{}
	if off := (number - 1) * size; off < len(all) {
		items = all[off:min(off+size, len(all))]
	}
	return map[string]any{
		"Success":   true,
		"Instances": items,
		"PageInfo":  map[string]any{"CurrentPage": number, "PageSize": size, "TotalCount": len(all), "Count": len(items)},
	}, nil
}

// sasDescribeNoticeConfig returns the notification settings.
func sasDescribeNoticeConfig(c *call) (map[string]any, *APIError) {
	items := c.objects("sas", "NoticeConfigList")
	if items == nil {
		items = []json.RawMessage{}
	}
	return map[string]any{"NoticeConfigList": items}, nil
}

// sasModifyNoticeConfig sets one item's Route (0–7) and TimeLimit (0 any
// time, 1 daytime only), creating the item when the project has none.
func sasModifyNoticeConfig(c *call) (map[string]any, *APIError) {
	project := c.param("Project")
	if project == "" {
		return nil, errMissing("Project")
	}
	route, err := intParam(c.param("Route"), -1, 0, 7)
	if err != nil || route < 0 {
		return nil, errInvalid("Route")
	}
	limit, err := intParam(c.param("TimeLimit"), 0, 0, 1)
	if err != nil {
		return nil, errInvalid("TimeLimit")
	}
	if i, raw, ok := c.find("sas", "NoticeConfigList", project); ok {
		c.replace("sas", "NoticeConfigList", i, patch(raw, func(m map[string]any) {
			m["Route"], m["TimeLimit"] = route, limit
		}))
		return map[string]any{}, nil
	}
	uid, _ := strconv.ParseInt(c.st.inv.AccountID, 10, 64)
	raw, _ := json.Marshal(map[string]any{"Project": project, "Route": route, "TimeLimit": limit, "AliUid": uid, "CurrentPage": 1})
	c.add("sas", "NoticeConfigList", raw)
	return map[string]any{}, nil
}

// sasOperateAgentClientInstall installs the agent on the assets named by
// InstanceIds or Uuids (comma-separated): their ClientStatus becomes
// "online". An asset Security Center does not know answers 400
// InvalidParameter.
func sasOperateAgentClientInstall(c *call) (map[string]any, *APIError) {
	want := map[string]bool{}
	for _, p := range []string{"InstanceIds", "Uuids"} {
		for _, id := range strings.Split(c.param(p), ",") {
			if id = strings.TrimSpace(id); id != "" {
				want[strings.ToLower(id)] = true
			}
		}
	}
	if len(want) == 0 {
		return nil, errMissing("InstanceIds")
	}
	objs := c.objects("sas", "Instances")
	found := map[string]bool{}
	var hit []int
	for i, raw := range objs {
		inst, uuid := strings.ToLower(fieldString(raw, "InstanceId")), strings.ToLower(fieldString(raw, "Uuid"))
		if want[inst] || want[uuid] {
			found[inst], found[uuid] = true, true
			hit = append(hit, i)
		}
	}
	for id := range want {
		if !found[id] {
			return nil, Errorf(http.StatusBadRequest, "InvalidParameter", "The asset %s is not found in Security Center.", id)
		}
	}
	done := []any{}
	for _, i := range hit {
		raw := objs[i]
		c.replace("sas", "Instances", i, patch(raw, func(m map[string]any) { m["ClientStatus"] = "online" }))
		done = append(done, map[string]any{"InstanceId": fieldString(raw, "InstanceId"), "Uuid": fieldString(raw, "Uuid")})
	}
	return map[string]any{"AegisCelintInstallResposeList": done}, nil
}

// sasDefaultVulConfig is DescribeVulConfig's answer for an account that
// never changed its vulnerability settings (chosen; see sasProduct).
var sasDefaultVulConfig = []map[string]any{
	{"Type": "cve", "Config": "on", "OverAllConfig": "on"},
	{"Type": "sys", "Config": "on", "OverAllConfig": "on"},
	{"Type": "cms", "Config": "on", "OverAllConfig": "on"},
	{"Type": "emg", "Config": "on", "OverAllConfig": "on"},
	{"Type": "app", "Config": "off", "OverAllConfig": "off"},
	{"Type": "scanMode", "Config": "real"},
}

// sasDescribeVulConfig returns the vulnerability scan settings
// ({TargetConfigs, TotalCount}); Type filters to one type.
func sasDescribeVulConfig(c *call) (map[string]any, *APIError) {
	var items []any
	if objs := c.objects("sas", "VulConfig"); len(objs) > 0 {
		for _, raw := range objs {
			items = append(items, raw)
		}
	} else {
		for _, m := range sasDefaultVulConfig {
			items = append(items, m)
		}
	}
	if t := c.param("Type"); t != "" {
		var kept []any
		for _, it := range items {
			b, _ := json.Marshal(it) // plain values and raw objects always marshal
			if fieldString(b, "Type") == t {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	if items == nil {
		items = []any{}
	}
	return map[string]any{"TargetConfigs": items, "TotalCount": len(items)}, nil
}
