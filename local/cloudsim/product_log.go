package cloudsim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// logProduct is Log Service's data plane (the SLS REST API, documented as
// Sls 2020-12-30): projects, logstores and alert rules of a region, served
// as aliyun-log-go-sdk calls them (routing, signature and errors in
// sls.go). Its calls count as "Sls.<Action>" and Faults name it "Sls", like
// the app API (slsProduct), so denying "Sls" denies Log Service as a whole.
//
// Inventory (regions.<region>.log):
//
//	Projects   ListProject items (projectName, description, status, region,
//	           createTime, lastModifyTime, owner, dataRedundancyType)
//	Logstores  GetLogStore answers (logstoreName, ttl, hot_ttl, shardCount,
//	           autoSplit, maxSplitShard, enable_tracking, appendMeta,
//	           telemetryType, mode, createTime, lastModifyTime) plus
//	           "project", the project they belong to
//	Alerts     alert rules as ListAlerts and GetAlert answer them (name,
//	           displayName, description, status ENABLED/DISABLED,
//	           configuration with queryList, schedule, createTime,
//	           lastModifiedTime) plus "project"
//
// The Log Audit Service's rules (global.sls.Alerts) live in its central
// project, so ListAlerts over that project answers them too.
//
// Lists page with offset and size: ListProject and ListLogStores size ≤
// 500 (default 100 and 200), ListAlerts size ≤ 200; over the maximum is 400
// ParameterInvalid. ListProject answers {count, total, projects},
// ListLogStores {count, total, logstores} (names only), ListAlerts {count,
// total, results}. The maxima, the defaults and the statuses of
// ParameterInvalid were chosen without a live confirmation, except
// ListAlerts' maximum of 200, which the API reference (ListAlerts, Sls
// 2020-12-30) documents.
var logProduct = &product{
	name:    "Sls",
	version: "2020-12-30",
	key:     "log",
	collections: []collection{
		{name: "Projects", id: "projectName"},
		{name: "Logstores", required: []string{"logstoreName", "project"}},
		{name: "Alerts", required: []string{"name", "project"}},
	},
	validate: validateLog,
	actions: map[string]action{
		"ListProject":    {fn: logListProject},
		"GetProject":     {fn: logGetProject},
		"ListLogStores":  {fn: logListLogStores},
		"GetLogStore":    {fn: logGetLogStore},
		"UpdateLogStore": {fn: logUpdateLogStore, write: true},
		"ListAlerts":     {fn: logListAlerts},
		"GetAlert":       {fn: logGetAlert},
	},
}

// Errors of the SLS data plane.
func errProjectNotExist(p string) *APIError {
	return Errorf(http.StatusNotFound, "ProjectNotExist", "The Project does not exist : %s", p)
}

func errLogStoreNotExist(name string) *APIError {
	return Errorf(http.StatusNotFound, "LogStoreNotExist", "logstore %s does not exist", name)
}

func validateLog(v *validation, path string, cols Collections) {
	projects := ids(cols["Projects"], "projectName")
	for _, name := range []string{"Logstores", "Alerts"} {
		id := "logstoreName"
		if name == "Alerts" {
			id = "name"
		}
		seen := map[string]bool{}
		for i, raw := range cols[name] {
			at := path + "." + name + "[" + itoa(i) + "]"
			p := fieldString(raw, "project")
			if p != "" && !projects[p] {
				v.add(at+".project", "no project "+p+" in this region's Projects")
			}
			k := p + "/" + fieldString(raw, id)
			if seen[k] {
				v.add(at+"."+id, "duplicate "+fieldString(raw, id)+" in project "+p)
			}
			seen[k] = true
		}
	}
	for i, raw := range cols["Logstores"] {
		var s struct {
			TTL json.RawMessage `json:"ttl"`
		}
		decodeInto(raw, &s)
		if n, err := strconv.Atoi(string(s.TTL)); err != nil || n < 1 || n > 3650 {
			v.add(path+".Logstores["+itoa(i)+"].ttl", "want a number of days, 1 to 3650")
		}
	}
	for i, raw := range cols["Alerts"] {
		if s := fieldString(raw, "status"); s != "" && s != "ENABLED" && s != "DISABLED" {
			v.add(path+".Alerts["+itoa(i)+"].status", "want ENABLED or DISABLED, got "+s)
		}
	}
}

// projectRegion finds the region holding a project ("" if none).
func (s *store) projectRegion(project string) string {
	for region := range s.inv.Regions {
		if _, _, ok := s.find(region, "log", "Projects", project); ok {
			return region
		}
	}
	return ""
}

// slsResource names a call's resource in a RAM denial message.
func slsResource(d *dispatch) string {
	r := "acs:log:" + d.region + ":*:project/"
	if p := d.params["project"]; p != "" {
		return r + p
	}
	return r + "*"
}

// logOffset reads offset and size, size bounded by max.
func logOffset(c *call, def, max int) (int, int, *APIError) {
	off, size := 0, def
	if s := c.param("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, Errorf(http.StatusBadRequest, "ParameterInvalid", "offset %q is invalid", s)
		}
		off = n
	}
	if s := c.param("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > max {
			return 0, 0, Errorf(http.StatusBadRequest, "ParameterInvalid", "size %q is invalid: want 0 to %d", s, max)
		}
		if n > 0 {
			size = n
		}
	}
	return off, size, nil
}

// window returns items[off:off+size] within bounds.
func window[T any](items []T, off, size int) []T {
	if off >= len(items) {
		return []T{}
	}
	return items[off:min(len(items), off+size)]
}

// logProjects lists the projects the call sees: its region's, or every
// region's when the call names none.
func logProjects(c *call) []json.RawMessage {
	if c.region != "" {
		return c.objects("log", "Projects")
	}
	var out []json.RawMessage
	for _, region := range sortedKeys(c.st.inv.Regions) {
		out = append(out, c.st.objects(region, "log", "Projects")...)
	}
	return out
}

// logProject finds the call's project in its region.
func logProject(c *call) (json.RawMessage, *APIError) {
	p := c.param("project")
	if c.region == "" {
		return nil, errProjectNotExist(p)
	}
	_, raw, ok := c.find("log", "Projects", p)
	if !ok {
		return nil, errProjectNotExist(p)
	}
	return raw, nil
}

// inProject returns the objects of a collection that belong to the call's
// project, without the "project" field.
func inProject(c *call, name string) []json.RawMessage {
	var out []json.RawMessage
	for _, raw := range c.objects("log", name) {
		if fieldString(raw, "project") == c.param("project") {
			out = append(out, without(raw, "project"))
		}
	}
	if name == "Alerts" { // the Log Audit Service's rules live in its project
		for _, raw := range c.st.objects("", "sls", "Alerts") {
			if fieldString(raw, "project") == c.param("project") {
				out = append(out, without(raw, "project"))
			}
		}
	}
	return out
}

// logListProject lists the region's projects (offset, size ≤ 500,
// description filters by substring).
func logListProject(c *call) (map[string]any, *APIError) {
	off, size, aerr := logOffset(c, 100, 500)
	if aerr != nil {
		return nil, aerr
	}
	var all []json.RawMessage
	for _, raw := range logProjects(c) {
		if d := c.param("description"); d == "" || strings.Contains(fieldString(raw, "description"), d) {
			all = append(all, raw)
		}
	}
	items := window(all, off, size)
	return map[string]any{"count": len(items), "total": len(all), "projects": items}, nil
}

// logGetProject returns the host's project.
func logGetProject(c *call) (map[string]any, *APIError) {
	raw, aerr := logProject(c)
	if aerr != nil {
		return nil, aerr
	}
	var m map[string]any
	decodeInto(raw, &m)
	return m, nil
}

// logListLogStores lists the project's logstore names (offset, size ≤
// 500, logstoreName filters by substring, telemetryType by type).
func logListLogStores(c *call) (map[string]any, *APIError) {
	if _, aerr := logProject(c); aerr != nil {
		return nil, aerr
	}
	off, size, aerr := logOffset(c, 200, 500)
	if aerr != nil {
		return nil, aerr
	}
	var names []string
	for _, raw := range inProject(c, "Logstores") {
		name := fieldString(raw, "logstoreName")
		if f := c.param("logstoreName"); f != "" && !strings.Contains(name, f) {
			continue
		}
		if t := c.param("telemetryType"); t != "" && !strings.EqualFold(t, orDefault(fieldString(raw, "telemetryType"), "None")) {
			continue
		}
		names = append(names, name)
	}
	items := window(names, off, size)
	return map[string]any{"count": len(items), "total": len(names), "logstores": items}, nil
}

// logFindStore finds a logstore of the call's project.
func logFindStore(c *call) (int, json.RawMessage, *APIError) {
	if _, aerr := logProject(c); aerr != nil {
		return -1, nil, aerr
	}
	for i, raw := range c.objects("log", "Logstores") {
		if fieldString(raw, "project") == c.param("project") && fieldString(raw, "logstoreName") == c.param("logstore") {
			return i, raw, nil
		}
	}
	return -1, nil, errLogStoreNotExist(c.param("logstore"))
}

// logGetLogStore returns a logstore.
func logGetLogStore(c *call) (map[string]any, *APIError) {
	_, raw, aerr := logFindStore(c)
	if aerr != nil {
		return nil, aerr
	}
	var m map[string]any
	decodeInto(without(raw, "project"), &m)
	return m, nil
}

// logUpdateLogStore changes a logstore's ttl and hot_ttl (the body is the
// logstore, as UpdateLogStore and UpdateLogStoreV2 send it); other fields
// are kept.
func logUpdateLogStore(c *call) (map[string]any, *APIError) {
	i, raw, aerr := logFindStore(c)
	if aerr != nil {
		return nil, aerr
	}
	var b struct {
		TTL    *int `json:"ttl"`
		HotTTL *int `json:"hot_ttl"`
	}
	if err := json.Unmarshal(c.body, &b); err != nil {
		return nil, Errorf(http.StatusBadRequest, "PostBodyInvalid", "the body is not a logstore: %v", err)
	}
	if b.TTL != nil && (*b.TTL < 1 || *b.TTL > 3650) {
		return nil, Errorf(http.StatusBadRequest, "ParameterInvalid", "ttl %d is invalid: want 1 to 3650", *b.TTL)
	}
	c.replace("log", "Logstores", i, patch(raw, func(m map[string]any) {
		if b.TTL != nil {
			m["ttl"] = *b.TTL
		}
		if b.HotTTL != nil {
			m["hot_ttl"] = *b.HotTTL
		}
		m["lastModifyTime"] = c.now.Unix()
	}))
	return map[string]any{}, nil
}

// logListAlerts lists the project's alert rules (jobType Alert; offset,
// size ≤ 200, jobName filters by substring).
func logListAlerts(c *call) (map[string]any, *APIError) {
	if _, aerr := logProject(c); aerr != nil {
		return nil, aerr
	}
	if t := c.param("jobType"); t != "" && t != "Alert" {
		return map[string]any{"count": 0, "total": 0, "results": []any{}}, nil
	}
	off, size, aerr := logOffset(c, 100, 200)
	if aerr != nil {
		return nil, aerr
	}
	var all []json.RawMessage
	for _, raw := range inProject(c, "Alerts") {
		if n := c.param("jobName"); n == "" || strings.Contains(fieldString(raw, "name"), n) {
			all = append(all, raw)
		}
	}
	items := window(all, off, size)
	return map[string]any{"count": len(items), "total": len(all), "results": items}, nil
}

// logGetAlert returns one alert rule.
func logGetAlert(c *call) (map[string]any, *APIError) {
	if _, aerr := logProject(c); aerr != nil {
		return nil, aerr
	}
	for _, raw := range inProject(c, "Alerts") {
		if fieldString(raw, "name") == c.param("alert") {
			var m map[string]any
			decodeInto(raw, &m)
			return m, nil
		}
	}
	return nil, Errorf(http.StatusNotFound, "JobNotExist", "job %s does not exist", c.param("alert"))
}
