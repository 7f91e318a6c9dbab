package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"reflect"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cs"
)

// ACKInventory is one region's Container Service for Kubernetes (ACK)
// inventory.
type ACKInventory struct {
	Region   string
	Clusters []Cluster
}

// Cluster is an ACK cluster (DescribeClusterDetail) with its components
// (DescribeClusterAddonsVersion) and node pools (DescribeClusterNodePools).
type Cluster struct {
	ID              string
	Name            string
	Region          string
	Type            string // cluster_type: "ManagedKubernetes", "Kubernetes", "Ask", "ExternalKubernetes"
	Spec            string // cluster_spec: "ack.pro.small", "ack.standard"
	Profile         string // "Default", "Edge", "Serverless"
	State           string // "running", "stopped", "failed", ...
	Version         string // current_version
	VPCID           string
	VSwitchID       string
	SecurityGroupID string
	NetworkMode     string

	DeletionProtection bool
	// PublicEndpoint is the API server's internet endpoint
	// (master_url.api_server_endpoint); "" when the API server is not
	// exposed to the internet.
	PublicEndpoint string
	// PrivateEndpoint is the API server's VPC endpoint
	// (master_url.intranet_api_server_endpoint).
	PrivateEndpoint string
	// NetworkPlugin is the installed network component: "terway-eniip"
	// (Terway, several IPs per ENI), "terway-eni", "terway" or "flannel"; ""
	// if none is reported.
	NetworkPlugin string
	// NetworkPolicy reports whether Kubernetes network policies are
	// enforced: a Terway plugin configured with NetworkPolicy "true" (the
	// addon's config in meta_data, or the value its installation carries).
	NetworkPolicy bool
	// LogProject is the SLS project of the cluster's logs (meta_data
	// AuditProjectName), "" if none.
	LogProject string
	Tags       map[string]string
	// Inspection is the cluster's periodic inspection (Cluster Check)
	// setting, GetClusterInspectConfig; nil when none is configured.
	Inspection *ClusterInspection
	Addons     []Addon // sorted by name
	NodePools  []NodePool
	Raw        json.RawMessage // the DescribeClusterDetail answer
}

// Private reports whether the API server has no internet endpoint.
func (c Cluster) Private() bool { return c.PublicEndpoint == "" }

// Addon returns the named component, or nil.
func (c Cluster) Addon(name string) *Addon {
	for i := range c.Addons {
		if c.Addons[i].Name == name {
			return &c.Addons[i]
		}
	}
	return nil
}

// Installed reports whether the named component is installed.
func (c Cluster) Installed(name string) bool {
	a := c.Addon(name)
	return a != nil && a.Installed
}

// DashboardEnabled reports whether the Kubernetes web dashboard is
// installed (CIS 7.5 wants it not to be).
func (c Cluster) DashboardEnabled() bool { return c.Installed("kubernetes-dashboard") }

// LogServiceEnabled reports whether the cluster ships its logs to Log
// Service: the logtail-ds (or its successor loongcollector) component is
// installed.
func (c Cluster) LogServiceEnabled() bool {
	return c.Installed("logtail-ds") || c.Installed("loongcollector")
}

// ENIMultiIP reports whether pods get secondary IPs of shared ENIs (Terway
// in ENIIP mode, CIS 7.8).
func (c Cluster) ENIMultiIP() bool { return c.NetworkPlugin == "terway-eniip" }

// CloudMonitorEnabled reports whether every node pool installs the
// CloudMonitor agent (kubernetes_config.cms_enabled); false for a cluster
// without node pools.
func (c Cluster) CloudMonitorEnabled() bool {
	if len(c.NodePools) == 0 {
		return false
	}
	for _, p := range c.NodePools {
		if !p.CMSEnabled {
			return false
		}
	}
	return true
}

// ClusterInspection is a cluster's inspection configuration
// (GetClusterInspectConfig, CS 2015-12-15, GET
// /clusters/{clusterId}/inspectConfig).
type ClusterInspection struct {
	Enabled bool
	// Recurrence is an RFC 5545 rule; the API takes FREQ=DAILY with BYHOUR
	// and BYMINUTE.
	Recurrence         string
	DisabledCheckItems []string
	Raw                json.RawMessage // the answer without its requestId
}

// Frequency is the recurrence rule's FREQ ("DAILY"), upper-cased; "" if
// the rule names none.
func (i ClusterInspection) Frequency() string {
	for _, part := range strings.Split(i.Recurrence, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && strings.EqualFold(k, "FREQ") {
			return strings.ToUpper(v)
		}
	}
	return ""
}

// AtLeastWeekly reports whether inspections are on and recur every week
// or more often.
func (i *ClusterInspection) AtLeastWeekly() bool {
	if i == nil || !i.Enabled {
		return false
	}
	switch i.Frequency() {
	case "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY":
		return true
	}
	return false
}

// Addon is a cluster component (a DescribeClusterAddonsVersion value).
type Addon struct {
	Name        string
	Version     string // "" when not installed
	NextVersion string
	Installed   bool
	// Config is the component's configuration: the installation's value,
	// or else the config given at cluster creation (meta_data Addons).
	Config string
	Raw    json.RawMessage
}

// NodePool is a DescribeClusterNodePools item.
type NodePool struct {
	ID         string
	Name       string
	Type       string // "ess", "edge", "lingjun"
	CMSEnabled bool   // kubernetes_config.cms_enabled: nodes run the CloudMonitor agent
	Runtime    string
	Raw        json.RawMessage
}

// ackPageSize is DescribeClustersV1's page size: the largest we send. The
// API reference names no maximum; cloudsim enforces 100.
const ackPageSize = 100

// ACK collects one region's ACK clusters, once per Collector.
//
// Calls: DescribeClustersV1 (page_size 100, region_id set) for the cluster
// IDs, then for each cluster, concurrently, DescribeClusterDetail,
// DescribeClusterAddonsVersion and DescribeClusterNodePools. CS is a ROA
// API. A permission, throttling or activation failure returns a
// *NotEvaluatedError for the whole product.
func (c *Collector) ACK(ctx context.Context, account, region string) (*ACKInventory, error) {
	return regional(ctx, c, "ack", account, region, c.collectACK)
}

func (c *Collector) collectACK(ctx context.Context, account, region string) (*ACKInventory, error) {
	var ids pages[string]
	err := c.byNumber(ctx, account, region, ackPageSize, func(n int) requests.AcsRequest {
		r := cs.CreateDescribeClustersV1Request()
		r.PageSize = requests.NewInteger(ackPageSize)
		r.PageNumber = requests.NewInteger(n)
		r.QueryParams["region_id"] = region
		return r
	}, func(n int, body []byte) (int, error) {
		var env struct {
			Clusters *[]json.RawMessage `json:"clusters"`
			PageInfo *struct {
				TotalCount *flexInt `json:"total_count"`
			} `json:"page_info"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return 0, err
		}
		if env.Clusters == nil || env.PageInfo == nil || env.PageInfo.TotalCount == nil {
			return 0, fmt.Errorf("clusters or page_info.total_count missing")
		}
		var page []string
		for _, raw := range *env.Clusters {
			var a struct {
				ClusterID string `json:"cluster_id"`
				RegionID  string `json:"region_id"`
			}
			if err := decodeItem(raw, &a, "clusters[]", func() string { return a.ClusterID }); err != nil {
				return 0, err
			}
			if a.RegionID == "" || a.RegionID == region { // the API may list other regions' clusters
				page = append(page, a.ClusterID)
			}
		}
		ids.put(n, page)
		return int(*env.PageInfo.TotalCount), nil
	})
	if err != nil {
		return nil, err
	}
	list := ids.all()
	clusters := make([]Cluster, len(list))
	err = c.fanOut(ctx, len(list), func(ctx context.Context, i int) error {
		cl, err := c.ackCluster(ctx, account, region, list[i])
		if err == nil {
			clusters[i] = *cl
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ACKInventory{Region: region, Clusters: clusters}, nil
}

// fanOut runs fn for 0..n-1 with at most Config.Concurrency at once; the
// first error stops the rest.
func (c *Collector) fanOut(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	if n == 0 {
		return nil
	}
	g := newGroup(ctx)
	next := make(chan int)
	g.run(func(ctx context.Context) error {
		defer close(next)
		for i := 0; i < n; i++ {
			select {
			case next <- i:
			case <-ctx.Done():
				return nil
			}
		}
		return nil
	})
	for w := 0; w < min(c.cfg.Concurrency, n); w++ {
		g.run(func(ctx context.Context) error {
			for i := range next {
				if err := fn(ctx, i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.wait()
}

// getJSON sends a request and decodes its JSON answer into v; a decoding
// error is a malformed answer.
func (c *Collector) getJSON(ctx context.Context, account, region string, req requests.AcsRequest, v any) error {
	body, err := c.do(ctx, account, region, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return malformed(req, region, err)
	}
	return nil
}

// apiCluster is the part of a DescribeClusterDetail answer we read.
type apiCluster struct {
	ClusterID          string   `json:"cluster_id"`
	Name               string   `json:"name"`
	RegionID           string   `json:"region_id"`
	ClusterType        string   `json:"cluster_type"`
	ClusterSpec        string   `json:"cluster_spec"`
	Profile            string   `json:"profile"`
	State              string   `json:"state"`
	CurrentVersion     string   `json:"current_version"`
	VPCID              string   `json:"vpc_id"`
	VSwitchID          string   `json:"vswitch_id"`
	SecurityGroupID    string   `json:"security_group_id"`
	NetworkMode        string   `json:"network_mode"`
	DeletionProtection flexBool `json:"deletion_protection"`
	MasterURL          string   `json:"master_url"`
	MetaData           string   `json:"meta_data"`
	Tags               []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"tags"`
}

// ackCluster reads one cluster's detail, components, node pools and
// inspection configuration, concurrently.
func (c *Collector) ackCluster(ctx context.Context, account, region, id string) (*Cluster, error) {
	var (
		detail  json.RawMessage
		addons  map[string]json.RawMessage
		poolEnv struct {
			Nodepools *[]json.RawMessage `json:"nodepools"`
		}
	)
	dr := cs.CreateDescribeClusterDetailRequest()
	dr.ClusterId = id
	ar := cs.CreateDescribeClusterAddonsVersionRequest()
	ar.ClusterId = id
	pr := cs.CreateDescribeClusterNodePoolsRequest()
	pr.ClusterId = id
	g := newGroup(ctx)
	g.run(func(ctx context.Context) error { return c.getJSON(ctx, account, region, dr, &detail) })
	g.run(func(ctx context.Context) error { return c.getJSON(ctx, account, region, ar, &addons) })
	g.run(func(ctx context.Context) error { return c.getJSON(ctx, account, region, pr, &poolEnv) })
	var inspection *ClusterInspection
	g.run(func(ctx context.Context) (err error) {
		inspection, err = c.ackInspection(ctx, account, region, id)
		return err
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	var a apiCluster
	if err := decodeItem(detail, &a, "cluster", func() string { return a.ClusterID }); err != nil {
		return nil, malformed(dr, region, err)
	}
	cl := &Cluster{ID: a.ClusterID, Name: a.Name, Region: a.RegionID, Type: a.ClusterType, Spec: a.ClusterSpec,
		Profile: a.Profile, State: a.State, Version: a.CurrentVersion, VPCID: a.VPCID, VSwitchID: a.VSwitchID,
		SecurityGroupID: a.SecurityGroupID, NetworkMode: a.NetworkMode, DeletionProtection: bool(a.DeletionProtection),
		Inspection: inspection, Raw: detail}
	if cl.Region == "" {
		cl.Region = region
	}
	if len(a.Tags) > 0 {
		cl.Tags = map[string]string{}
		for _, t := range a.Tags {
			cl.Tags[t.Key] = t.Value
		}
	}
	if a.MasterURL != "" {
		var u struct {
			Public  string `json:"api_server_endpoint"`
			Private string `json:"intranet_api_server_endpoint"`
		}
		if err := json.Unmarshal([]byte(a.MasterURL), &u); err != nil {
			return nil, malformed(dr, region, fmt.Errorf("master_url: %v", err))
		}
		cl.PublicEndpoint, cl.PrivateEndpoint = u.Public, u.Private
	}
	created := map[string]string{} // addon → config given at creation
	if a.MetaData != "" {
		var meta struct {
			Addons []struct {
				Name   string `json:"name"`
				Config string `json:"config"`
			}
			AuditProjectName string
		}
		if err := json.Unmarshal([]byte(a.MetaData), &meta); err != nil {
			return nil, malformed(dr, region, fmt.Errorf("meta_data: %v", err))
		}
		cl.LogProject = meta.AuditProjectName
		for _, ad := range meta.Addons {
			created[ad.Name] = ad.Config
		}
	}
	if addons == nil {
		return nil, malformed(ar, region, fmt.Errorf("no components object"))
	}
	for name, raw := range addons {
		var v struct {
			ComponentName string `json:"component_name"`
			Version       string `json:"version"`
			NextVersion   string `json:"next_version"`
			Value         string `json:"value"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, malformed(ar, region, fmt.Errorf("component %s: %v", name, err))
		}
		ad := Addon{Name: name, Version: v.Version, NextVersion: v.NextVersion, Installed: v.Version != "",
			Config: v.Value, Raw: raw}
		if ad.Config == "" {
			ad.Config = created[name]
		}
		cl.Addons = append(cl.Addons, ad)
	}
	sort.Slice(cl.Addons, func(i, j int) bool { return cl.Addons[i].Name < cl.Addons[j].Name })
	for _, plugin := range []string{"terway-eniip", "terway-eni", "terway", "flannel"} {
		if ad := cl.Addon(plugin); ad != nil && ad.Installed {
			cl.NetworkPlugin = plugin
			cl.NetworkPolicy = strings.HasPrefix(plugin, "terway") && configTrue(ad.Config, "NetworkPolicy")
			break
		}
	}
	if poolEnv.Nodepools == nil {
		return nil, malformed(pr, region, fmt.Errorf("nodepools missing"))
	}
	for _, raw := range *poolEnv.Nodepools {
		var p struct {
			Info struct {
				ID   string `json:"nodepool_id"`
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"nodepool_info"`
			Config struct {
				CMSEnabled flexBool `json:"cms_enabled"`
				Runtime    string   `json:"runtime"`
			} `json:"kubernetes_config"`
		}
		if err := decodeItem(raw, &p, "nodepools[]", func() string { return p.Info.ID }); err != nil {
			return nil, malformed(pr, region, err)
		}
		cl.NodePools = append(cl.NodePools, NodePool{ID: p.Info.ID, Name: p.Info.Name, Type: p.Info.Type,
			CMSEnabled: bool(p.Config.CMSEnabled), Runtime: p.Config.Runtime, Raw: raw})
	}
	return cl, nil
}

// ackInspection reads a cluster's inspection configuration. The typed SDK
// predates GetClusterInspectConfig, so it goes as a CommonRequest. A
// cluster that never had inspection configured is taken to answer 404
// (any not-found answer): no configuration, not an error; what the API
// answers then is not confirmed.
func (c *Collector) ackInspection(ctx context.Context, account, region, id string) (*ClusterInspection, error) {
	r := commonRequest("CS", "2015-12-15", "GetClusterInspectConfig", "GET", "/clusters/[clusterId]/inspectConfig",
		map[string]string{"clusterId": id})
	body, err := c.do(ctx, account, region, r)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var v struct {
		Enabled            *flexBool `json:"enabled"`
		Recurrence         string    `json:"recurrence"`
		DisabledCheckItems []string  `json:"disabledCheckItems"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, malformed(r, region, err)
	}
	if v.Enabled == nil {
		return nil, malformed(r, region, fmt.Errorf("cluster %s: enabled missing", id))
	}
	raw := body
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) == nil {
		delete(m, "requestId")
		if b, err := json.Marshal(m); err == nil {
			raw = b
		}
	}
	return &ClusterInspection{Enabled: bool(*v.Enabled), Recurrence: v.Recurrence, DisabledCheckItems: v.DisabledCheckItems, Raw: raw}, nil
}

// configTrue reports whether a component's JSON config sets key to true
// ("true" or true).
func configTrue(config, key string) bool {
	var m map[string]any
	if json.Unmarshal([]byte(config), &m) != nil {
		return false
	}
	switch v := m[key].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// roaDomain returns the domain to give a request. The SDK builds ROA URLs
// as scheme://Domain:Port/path, so a "host:port" endpoint (cloudsim's) must
// be split, the port going to the request's Port field; RPC URLs take a
// "host:port" domain as is.
func roaDomain(req requests.AcsRequest, endpoint string) string {
	if req.GetStyle() != requests.ROA {
		return endpoint
	}
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		return endpoint
	}
	if roa, ok := req.(*requests.RoaRequest); ok { // a CommonRequest's (common.go)
		roa.Port = port
		return host
	}
	v := reflect.ValueOf(req)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return endpoint
	}
	f := v.FieldByName("RoaRequest")
	if !f.IsValid() {
		return endpoint
	}
	roa, ok := f.Interface().(*requests.RoaRequest)
	if !ok || roa == nil {
		return endpoint
	}
	roa.Port = port
	return host
}
