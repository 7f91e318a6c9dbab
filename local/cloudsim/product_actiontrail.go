package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// actiontrailProduct is ActionTrail (Actiontrail 2020-07-06). Trails
// belong to the account: each has a HomeRegion (where it was created) and
// applies to every region (TrailRegion "All") or to its home region only.
//
// Inventory (global.actiontrail):
//
//	TrailList  DescribeTrails' TrailList[] items (Name, HomeRegion, TrailRegion, EventRW,
//	           Status "Enable"/"Disable"/"Fresh", OssBucketName, SlsProjectArn, ...), plus
//	           the delivery fields GetTrailStatus returns (LatestDeliveryTime,
//	           LatestDeliveryError, LatestDeliveryLogServiceTime,
//	           LatestDeliveryLogServiceError, OssBucketStatus, SlsLogStoreStatus);
//	           DescribeTrails strips those.
//
// A call's region is its RegionId parameter: DescribeTrails there answers
// the trails homed in it and, with IncludeShadowTrails, the multi-region
// trails homed elsewhere (IsShadowTrail 1). IsLogging is Status "Enable".
var actiontrailProduct = &product{
	name:      "Actiontrail",
	version:   "2020-07-06",
	key:       "actiontrail",
	global:    true,
	ramNative: true,
	collections: []collection{
		{name: "TrailList", id: "Name", required: []string{"HomeRegion"}},
	},
	validate: validateActionTrail,
	actions: map[string]action{
		"DescribeTrails": {fn: trailDescribe},
		"GetTrailStatus": {fn: trailStatus},
		"StartLogging":   {fn: trailLogging(true), write: true},
		"StopLogging":    {fn: trailLogging(false), write: true},
		"UpdateTrail":    {fn: trailUpdate, write: true},
	},
}

// trailStatusFields are kept in the inventory for GetTrailStatus and are
// not part of DescribeTrails' answer.
var trailStatusFields = []string{"LatestDeliveryTime", "LatestDeliveryError", "LatestDeliveryLogServiceTime",
	"LatestDeliveryLogServiceError", "OssBucketStatus", "SlsLogStoreStatus"}

// errTrailNotFound answers a trail that does not exist or is not visible
// from the call's region (the 404 status was not confirmed live).
var errTrailNotFound = &APIError{Status: http.StatusNotFound, Code: "TrailNotFoundException",
	Message: "The specified trail does not exist."}

// trail is the part of a trail object the handlers read.
type trail struct {
	Name, HomeRegion, TrailRegion, EventRW, Status string
	OssBucketName, SlsProjectArn                   string
	IsOrganizationTrail                            bool
}

func validateActionTrail(v *validation, path string, cols Collections) {
	for i, raw := range cols["TrailList"] {
		at := fmt.Sprintf("%s.TrailList[%d]", path, i)
		var t trail
		decodeInto(raw, &t)
		if t.HomeRegion != "" && !isRegionID(t.HomeRegion) {
			v.add(at+".HomeRegion", fmt.Sprintf("%q is not a region ID", t.HomeRegion))
		}
		if r := t.TrailRegion; r != "" && r != "All" && !isRegionID(r) {
			v.add(at+".TrailRegion", fmt.Sprintf("%q is not All or a region ID", r))
		}
		if e := t.EventRW; e != "" && e != "All" && e != "Read" && e != "Write" {
			v.add(at+".EventRW", fmt.Sprintf("%q is not All, Read or Write", e))
		}
		if s := t.Status; s != "" && s != "Enable" && s != "Disable" && s != "Fresh" {
			v.add(at+".Status", fmt.Sprintf("%q is not Enable, Disable or Fresh", s))
		}
	}
}

// trailVisible reports whether a trail shows in region, and whether as a
// shadow (a multi-region trail homed elsewhere).
func trailVisible(t trail, region string) (visible, shadow bool) {
	if region == "" || strings.EqualFold(t.HomeRegion, region) {
		return true, false
	}
	if orDefault(t.TrailRegion, "All") == "All" {
		return true, true
	}
	return false, false
}

// trailDescribe lists the trails of the call's region: NameList
// (comma-separated) selects by name, IncludeShadowTrails adds multi-region
// trails homed elsewhere, IncludeOrganizationTrail adds organization
// trails. No paging: every trail comes in one answer.
func trailDescribe(c *call) (map[string]any, *APIError) {
	region := c.param("RegionId")
	shadows := strings.EqualFold(c.param("IncludeShadowTrails"), "true")
	org := strings.EqualFold(c.param("IncludeOrganizationTrail"), "true")
	var names map[string]bool
	if s := c.param("NameList"); s != "" {
		names = map[string]bool{}
		for _, n := range strings.Split(s, ",") {
			names[strings.TrimSpace(n)] = true
		}
	}
	out := []json.RawMessage{}
	for _, raw := range c.objects("actiontrail", "TrailList") {
		var t trail
		decodeInto(raw, &t)
		visible, shadow := trailVisible(t, region)
		if !visible || (shadow && !shadows) || (t.IsOrganizationTrail && !org) || (names != nil && !names[t.Name]) {
			continue
		}
		isShadow := 0
		if shadow {
			isShadow = 1
		}
		out = append(out, patch(without(raw, trailStatusFields...), func(m map[string]any) {
			m["IsShadowTrail"] = isShadow
			if _, ok := m["TrailRegion"]; !ok {
				m["TrailRegion"] = "All"
			}
		}))
	}
	return map[string]any{"TrailList": out}, nil
}

// trailFind finds a trail visible from the call's region.
func trailFind(c *call) (int, json.RawMessage, *APIError) {
	name := c.param("Name")
	if name == "" {
		return -1, nil, errMissing("Name")
	}
	i, raw, ok := c.find("actiontrail", "TrailList", name)
	if !ok {
		return -1, nil, errTrailNotFound
	}
	var t trail
	decodeInto(raw, &t)
	if visible, _ := trailVisible(t, c.param("RegionId")); !visible {
		return -1, nil, errTrailNotFound
	}
	return i, raw, nil
}

// trailStatus answers GetTrailStatus: IsLogging from Status, the start and
// stop times, and the delivery fields kept with the trail. OssBucketStatus
// and SlsLogStoreStatus default to whether a destination is set.
func trailStatus(c *call) (map[string]any, *APIError) {
	_, raw, aerr := trailFind(c)
	if aerr != nil {
		return nil, aerr
	}
	var t trail
	decodeInto(raw, &t)
	m := fields(raw)
	resp := map[string]any{
		"IsLogging":         t.Status == "Enable",
		"OssBucketStatus":   t.OssBucketName != "",
		"SlsLogStoreStatus": t.SlsProjectArn != "",
	}
	for _, f := range append([]string{"StartLoggingTime", "StopLoggingTime"}, trailStatusFields...) {
		if v, ok := m[f]; ok {
			resp[f] = v
		} else if _, set := resp[f]; !set {
			resp[f] = ""
		}
	}
	return resp, nil
}

// trailLogging starts or stops a trail (from any region it is visible in;
// whether the live service insists on the home region is not confirmed).
func trailLogging(start bool) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		i, raw, aerr := trailFind(c)
		if aerr != nil {
			return nil, aerr
		}
		c.replace("actiontrail", "TrailList", i, patch(raw, func(m map[string]any) {
			if start {
				m["Status"], m["StartLoggingTime"] = "Enable", timestamp(c.now)
			} else {
				m["Status"], m["StopLoggingTime"] = "Disable", timestamp(c.now)
			}
			m["UpdateTime"] = timestamp(c.now)
		}))
		return map[string]any{}, nil
	}
}

// trailUpdate changes TrailRegion (All or a region ID), EventRW (All, Read,
// Write), OssBucketName, OssKeyPrefix, OssWriteRoleArn, SlsProjectArn and
// SlsWriteRoleArn. It answers the trail's new settings.
func trailUpdate(c *call) (map[string]any, *APIError) {
	i, raw, aerr := trailFind(c)
	if aerr != nil {
		return nil, aerr
	}
	if r := c.param("TrailRegion"); r != "" && r != "All" && !isRegionID(r) {
		return nil, errInvalid("TrailRegion")
	}
	if e := c.param("EventRW"); e != "" && e != "All" && e != "Read" && e != "Write" {
		return nil, errInvalid("EventRW")
	}
	updated := patch(raw, func(m map[string]any) {
		for _, f := range []string{"TrailRegion", "EventRW", "OssBucketName", "OssKeyPrefix", "OssWriteRoleArn", "SlsProjectArn", "SlsWriteRoleArn"} {
			if v, ok := c.params[f]; ok {
				m[f] = v
			}
		}
		m["UpdateTime"] = timestamp(c.now)
	})
	c.replace("actiontrail", "TrailList", i, updated)
	resp := map[string]any{}
	for _, f := range []string{"Name", "HomeRegion", "TrailRegion", "EventRW", "OssBucketName", "OssKeyPrefix", "OssWriteRoleArn", "SlsProjectArn", "SlsWriteRoleArn"} {
		resp[f] = fieldString(updated, f)
	}
	return resp, nil
}
