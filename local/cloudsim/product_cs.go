package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// csProduct is Container Service for Kubernetes, ACK (CS 2015-12-15), a ROA
// API: GET /api/v1/clusters, GET /clusters/{ClusterId}, ... signed with
// "Authorization: acs" (roa.go).
//
// Inventory (regions.<region>.cs):
//
//	Clusters   DescribeClusterDetail objects (DescribeClustersV1 lists the same
//	           objects without "parameters"); master_url and meta_data are JSON
//	           strings, as the API sends them
//	Addons     DescribeClusterAddonsVersion values (component_name, version, ...)
//	           plus "cluster_id", the cluster they are installed in; the answer
//	           is keyed by component_name and leaves cluster_id out
//	NodePools  DescribeClusterNodePools "nodepools" items plus "cluster_id"
//	InspectConfigs  GetClusterInspectConfig answers (enabled, recurrence,
//	           disabledCheckItems) plus "clusterId"; a cluster without one has
//	           no inspection configured and answers 404 (chosen: the API
//	           reference shows only the success answer)
//
// Clusters are found by ID in any region, as ACK cluster IDs are global;
// DescribeClustersV1 lists every region's clusters unless region_id names
// one.
var csProduct = &product{
	name:    "CS",
	version: "2015-12-15",
	key:     "cs",
	collections: []collection{
		{name: "Clusters", id: "cluster_id", required: []string{"name", "cluster_type"}},
		{name: "Addons", required: []string{"cluster_id", "component_name"}},
		{name: "NodePools", required: []string{"cluster_id"}},
		{name: "InspectConfigs", id: "clusterId"},
	},
	validate: validateCS,
	routes: []roaRoute{
		{"GET", "/api/v1/clusters", "DescribeClustersV1"},
		{"GET", "/clusters/{ClusterId}", "DescribeClusterDetail"},
		{"GET", "/clusters/{ClusterId}/components/version", "DescribeClusterAddonsVersion"},
		{"GET", "/clusters/{ClusterId}/nodepools", "DescribeClusterNodePools"},
		{"GET", "/clusters/{ClusterId}/inspectConfig", "GetClusterInspectConfig"},
		{"PUT", "/api/v2/clusters/{ClusterId}", "ModifyCluster"},
		{"POST", "/clusters/{ClusterId}/components/install", "InstallClusterAddons"},
		{"POST", "/clusters/{ClusterId}/components/uninstall", "UnInstallClusterAddons"},
	},
	actions: map[string]action{
		"DescribeClustersV1":           {fn: csDescribeClustersV1},
		"DescribeClusterDetail":        {fn: csDescribeClusterDetail},
		"DescribeClusterAddonsVersion": {fn: csDescribeClusterAddonsVersion},
		"DescribeClusterNodePools":     {fn: csDescribeClusterNodePools},
		"GetClusterInspectConfig":      {fn: csGetClusterInspectConfig},
		"ModifyCluster":                {fn: csModifyCluster, write: true},
		"InstallClusterAddons":         {fn: csInstallClusterAddons, write: true},
		"UnInstallClusterAddons":       {fn: csUnInstallClusterAddons, write: true},
	},
}

// csClusterPages is DescribeClustersV1's paging: page_size defaults to 10;
// the maximum of 100 was chosen without a live confirmation (the SDK and
// the API reference give no maximum).
const (
	csPageDefault = 10
	csPageMax     = 100
)

// errClusterNotFound answers an unknown cluster ID. ACK's own code for it
// is ErrorClusterNotFound; status and message chosen without a live
// confirmation.
func errClusterNotFound(id string) *APIError {
	return Errorf(http.StatusNotFound, "ErrorClusterNotFound", "cluster %s not found", id)
}

func validateCS(v *validation, path string, cols Collections) {
	region := strings.TrimPrefix(strings.TrimSuffix(path, ".cs"), "regions.")
	clusters := ids(cols["Clusters"], "cluster_id")
	for i, raw := range cols["Clusters"] {
		at := fmt.Sprintf("%s.Clusters[%d]", path, i)
		if r := fieldString(raw, "region_id"); r != "" && r != region {
			v.add(at+".region_id", fmt.Sprintf("%q does not match region %s", r, region))
		}
		for _, f := range []string{"master_url", "meta_data"} {
			if s := fieldString(raw, f); s != "" && json.Unmarshal([]byte(s), new(map[string]any)) != nil {
				v.add(at+"."+f, "want a JSON object encoded in a string, as the API sends it")
			}
		}
	}
	seen := map[string]int{}
	for i, raw := range cols["Addons"] {
		at := fmt.Sprintf("%s.Addons[%d]", path, i)
		c, name := fieldString(raw, "cluster_id"), fieldString(raw, "component_name")
		if c != "" && !clusters[c] {
			v.add(at+".cluster_id", fmt.Sprintf("unknown cluster %q (not in %s.Clusters)", c, path))
		}
		if first, dup := seen[c+"/"+name]; dup {
			v.add(at+".component_name", fmt.Sprintf("duplicate %q in cluster %s (first at %s.Addons[%d])", name, c, path, first))
		} else {
			seen[c+"/"+name] = i
		}
	}
	for i, raw := range cols["InspectConfigs"] {
		if c := fieldString(raw, "clusterId"); c != "" && !clusters[c] {
			v.add(fmt.Sprintf("%s.InspectConfigs[%d].clusterId", path, i), fmt.Sprintf("unknown cluster %q (not in %s.Clusters)", c, path))
		}
	}
	for i, raw := range cols["NodePools"] {
		at := fmt.Sprintf("%s.NodePools[%d]", path, i)
		if c := fieldString(raw, "cluster_id"); c != "" && !clusters[c] {
			v.add(at+".cluster_id", fmt.Sprintf("unknown cluster %q (not in %s.Clusters)", c, path))
		}
		var np struct {
			NodepoolInfo struct {
				NodepoolID string `json:"nodepool_id"`
			} `json:"nodepool_info"`
		}
		decodeInto(raw, &np)
		if np.NodepoolInfo.NodepoolID == "" {
			v.add(at+".nodepool_info.nodepool_id", "missing")
		}
	}
}

// csCluster finds a cluster by ID in any region.
func csCluster(c *call, id string) (region string, i int, raw json.RawMessage, ok bool) {
	for _, r := range c.st.inv.RegionIDs() {
		if i, raw, ok := c.st.find(r, "cs", "Clusters", id); ok {
			return r, i, raw, true
		}
	}
	return "", -1, nil, false
}

// csDescribeClustersV1 lists clusters: filters region_id, cluster_id, name
// (substring), cluster_type, cluster_spec and profile; page_number and
// page_size (1–100, default 10). Items leave out "parameters", which only
// DescribeClusterDetail returns.
func csDescribeClustersV1(c *call) (map[string]any, *APIError) {
	size, err := intParam(c.param("page_size"), csPageDefault, 1, csPageMax)
	if err != nil {
		return nil, errInvalid("page_size")
	}
	number, err := intParam(c.param("page_number"), 1, 1, 1<<30)
	if err != nil {
		return nil, errInvalid("page_number")
	}
	regions := c.st.inv.RegionIDs()
	if r := c.param("region_id"); r != "" {
		regions = []string{r}
	}
	var all []json.RawMessage
	for _, r := range regions {
		for _, raw := range c.st.objects(r, "cs", "Clusters") {
			m := fields(raw)
			ok := true
			for param, field := range map[string]string{"cluster_id": "cluster_id", "cluster_type": "cluster_type",
				"cluster_spec": "cluster_spec", "profile": "profile"} {
				if want := c.param(param); want != "" && !strings.EqualFold(jsonString(m[field]), want) {
					ok = false
				}
			}
			if name := c.param("name"); name != "" && !strings.Contains(jsonString(m["name"]), name) {
				ok = false
			}
			if ok {
				all = append(all, without(raw, "parameters"))
			}
		}
	}
	items := []json.RawMessage{}
	if off := (number - 1) * size; off < len(all) {
		items = all[off:min(off+size, len(all))]
	}
	return map[string]any{
		"clusters":  items,
		"page_info": map[string]any{"page_number": number, "page_size": size, "total_count": len(all)},
	}, nil
}

// csDescribeClusterDetail returns one cluster.
func csDescribeClusterDetail(c *call) (map[string]any, *APIError) {
	_, _, raw, ok := csCluster(c, c.param("ClusterId"))
	if !ok {
		return nil, errClusterNotFound(c.param("ClusterId"))
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errInternal
	}
	return m, nil
}

// csDescribeClusterAddonsVersion returns the cluster's components keyed by
// name. An installed component has a non-empty version.
func csDescribeClusterAddonsVersion(c *call) (map[string]any, *APIError) {
	id := c.param("ClusterId")
	region, _, _, ok := csCluster(c, id)
	if !ok {
		return nil, errClusterNotFound(id)
	}
	out := map[string]any{}
	for _, raw := range c.st.objects(region, "cs", "Addons") {
		if strings.EqualFold(fieldString(raw, "cluster_id"), id) {
			out[fieldString(raw, "component_name")] = without(raw, "cluster_id")
		}
	}
	return out, nil
}

// csDescribeClusterNodePools returns the cluster's node pools.
func csDescribeClusterNodePools(c *call) (map[string]any, *APIError) {
	id := c.param("ClusterId")
	region, _, _, ok := csCluster(c, id)
	if !ok {
		return nil, errClusterNotFound(id)
	}
	pools := []json.RawMessage{}
	for _, raw := range c.st.objects(region, "cs", "NodePools") {
		if strings.EqualFold(fieldString(raw, "cluster_id"), id) {
			pools = append(pools, without(raw, "cluster_id"))
		}
	}
	return map[string]any{"nodepools": pools}, nil
}

// csTask is the answer of ACK's asynchronous writes.
func csTask(c *call, id string) map[string]any {
	return map[string]any{"cluster_id": id, "request_id": c.requestID, "task_id": "T-" + randomHex(12)}
}

// csModifyCluster applies a JSON body's api_server_eip (false removes the
// public API server endpoint from master_url, true adds one),
// deletion_protection and cluster_name. Other fields are accepted and
// ignored. The public address given for api_server_eip=true is made up.
func csModifyCluster(c *call) (map[string]any, *APIError) {
	id := c.param("ClusterId")
	region, i, raw, ok := csCluster(c, id)
	if !ok {
		return nil, errClusterNotFound(id)
	}
	var body struct {
		APIServerEIP       *bool   `json:"api_server_eip"`
		DeletionProtection *bool   `json:"deletion_protection"`
		ClusterName        *string `json:"cluster_name"`
	}
	if len(c.body) > 0 && json.Unmarshal(c.body, &body) != nil {
		return nil, Errorf(http.StatusBadRequest, "ErrorParameterInvalid", "the request body is not valid JSON")
	}
	obj := patch(raw, func(m map[string]any) {
		if body.APIServerEIP != nil {
			urls := map[string]any{}
			if s, _ := m["master_url"].(string); s != "" {
				_ = json.Unmarshal([]byte(s), &urls) // validated at load
			}
			if *body.APIServerEIP {
				if s, _ := urls["api_server_endpoint"].(string); s == "" {
					urls["api_server_endpoint"] = "https://47.98.200." + strconv.Itoa(1+len(id)%250) + ":6443"
				}
			} else {
				urls["api_server_endpoint"] = ""
			}
			b, _ := json.Marshal(urls) // strings always marshal
			m["master_url"] = string(b)
		}
		if body.DeletionProtection != nil {
			m["deletion_protection"] = *body.DeletionProtection
		}
		if body.ClusterName != nil && *body.ClusterName != "" {
			m["name"] = *body.ClusterName
		}
		m["updated"] = c.now.Format("2006-01-02T15:04:05+08:00")
	})
	c.st.replace(region, "cs", "Clusters", i, obj)
	return csTask(c, id), nil
}

// csAddonBody decodes InstallClusterAddons' and UnInstallClusterAddons'
// body: a JSON array of {"name", "version", "config"}.
func csAddonBody(c *call) ([]struct{ Name, Version, Config string }, *APIError) {
	var list []struct{ Name, Version, Config string }
	if err := json.Unmarshal(c.body, &list); err != nil || len(list) == 0 {
		return nil, Errorf(http.StatusBadRequest, "ErrorParameterInvalid", "the body must be a JSON array of addons with a name")
	}
	for _, a := range list {
		if a.Name == "" {
			return nil, Errorf(http.StatusBadRequest, "ErrorParameterInvalid", "addon name is empty")
		}
	}
	return list, nil
}

// csInstallClusterAddons installs (or reinstalls) components; a version
// left empty installs "v1.0.0". The component's config is kept in "value".
func csInstallClusterAddons(c *call) (map[string]any, *APIError) {
	id := c.param("ClusterId")
	region, _, _, ok := csCluster(c, id)
	if !ok {
		return nil, errClusterNotFound(id)
	}
	list, aerr := csAddonBody(c)
	if aerr != nil {
		return nil, aerr
	}
	for _, a := range list {
		version := orDefault(a.Version, "v1.0.0")
		entry := map[string]any{"cluster_id": id, "component_name": a.Name, "version": version, "next_version": "",
			"changed": "false", "can_upgrade": false, "policy": "overwrite", "ready_to_upgrade": "false",
			"exist": true, "required": false, "message": "", "value": a.Config}
		raw, _ := json.Marshal(entry) // strings and booleans always marshal
		replaced := false
		for j, old := range c.st.objects(region, "cs", "Addons") {
			if strings.EqualFold(fieldString(old, "cluster_id"), id) && fieldString(old, "component_name") == a.Name {
				c.st.replace(region, "cs", "Addons", j, raw)
				replaced = true
				break
			}
		}
		if !replaced {
			c.st.add(region, "cs", "Addons", raw)
		}
	}
	return csTask(c, id), nil
}

// csUnInstallClusterAddons removes components. A component that is not
// installed answers 400 ErrorComponentNotFound (code chosen without a live
// confirmation).
func csUnInstallClusterAddons(c *call) (map[string]any, *APIError) {
	id := c.param("ClusterId")
	region, _, _, ok := csCluster(c, id)
	if !ok {
		return nil, errClusterNotFound(id)
	}
	list, aerr := csAddonBody(c)
	if aerr != nil {
		return nil, aerr
	}
	objs := c.st.objects(region, "cs", "Addons")
	drop := map[int]bool{}
	for _, a := range list {
		found := false
		for j, old := range objs {
			if strings.EqualFold(fieldString(old, "cluster_id"), id) && fieldString(old, "component_name") == a.Name &&
				fieldString(old, "version") != "" {
				drop[j], found = true, true
			}
		}
		if !found {
			return nil, Errorf(http.StatusBadRequest, "ErrorComponentNotFound", "component %s is not installed in cluster %s", a.Name, id)
		}
	}
	kept := make([]json.RawMessage, 0, len(objs))
	for j, o := range objs {
		if !drop[j] {
			kept = append(kept, o)
		}
	}
	c.st.products(region)["cs"]["Addons"] = kept
	return csTask(c, id), nil
}

// csGetClusterInspectConfig returns a cluster's inspection configuration
// ({requestId, enabled, recurrence, disabledCheckItems}, as the API
// reference shows it); 404 InspectConfigNotFound when the cluster has none
// (code and status chosen).
func csGetClusterInspectConfig(c *call) (map[string]any, *APIError) {
	id := c.param("ClusterId")
	region, _, _, ok := csCluster(c, id)
	if !ok {
		return nil, errClusterNotFound(id)
	}
	_, raw, ok := c.st.find(region, "cs", "InspectConfigs", id)
	if !ok {
		return nil, Errorf(http.StatusNotFound, "InspectConfigNotFound", "cluster %s has no inspection config", id)
	}
	var m map[string]any
	decodeInto(without(raw, "clusterId"), &m)
	m["requestId"] = c.requestID
	return m, nil
}
