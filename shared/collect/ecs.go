package collect

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// ECSInventory is one region's Elastic Compute Service inventory.
type ECSInventory struct {
	Region         string
	Instances      []Instance
	SecurityGroups []SecurityGroup
	Disks          []Disk
}

// Instance is an ECS instance (DescribeInstances), with its RAM role
// (DescribeInstanceRamRole) and Cloud Assistant status
// (DescribeCloudAssistantStatus).
type Instance struct {
	ID               string
	Name             string
	Region           string
	Zone             string
	Status           string // Running, Stopped, ...
	InstanceType     string
	VPCID            string
	VSwitchID        string
	PrivateIPs       []string
	PublicIPs        []string // PublicIpAddress.IpAddress: a public IP assigned with the instance
	EIP              string   // EipAddress.IpAddress: an elastic IP bound to it
	EIPAllocationID  string
	SecurityGroupIDs []string
	RAMRole          string // attached instance RAM role, "" if none
	// MetadataHTTPTokens is the metadata service's access mode:
	// "required" (tokens enforced, IMDSv2-style) or "optional".
	MetadataHTTPTokens   string
	MetadataHTTPEndpoint string // "enabled" or "disabled"
	OSType               string // "linux" or "windows"
	OSName               string
	ImageID              string
	Tags                 map[string]string
	// CloudAssistant is the agent's status; nil if the API did not report
	// the instance.
	CloudAssistant *CloudAssistantStatus
	Raw            json.RawMessage // the DescribeInstances item
}

// Public reports whether the instance is reachable from the internet by
// address: a public IP or an EIP.
func (i Instance) Public() bool { return len(i.PublicIPs) > 0 || i.EIP != "" }

// CloudAssistantStatus is a DescribeCloudAssistantStatus item.
type CloudAssistantStatus struct {
	Installed     bool // CloudAssistantStatus "true": the agent runs and reports
	Version       string
	LastHeartbeat string
	Raw           json.RawMessage
}

// decodeAssistant reads one InstanceCloudAssistantStatus item.
func decodeAssistant(raw json.RawMessage) (instanceID string, s *CloudAssistantStatus, err error) {
	var a struct {
		InstanceId, CloudAssistantStatus, CloudAssistantVersion, LastHeartbeatTime string
	}
	if err := decodeItem(raw, &a, "InstanceCloudAssistantStatus", func() string { return a.InstanceId }); err != nil {
		return "", nil, err
	}
	return a.InstanceId, &CloudAssistantStatus{Installed: strings.EqualFold(a.CloudAssistantStatus, "true"),
		Version: a.CloudAssistantVersion, LastHeartbeat: a.LastHeartbeatTime, Raw: raw}, nil
}

// SecurityGroup is a DescribeSecurityGroups item with its rules from
// DescribeSecurityGroupAttribute.
type SecurityGroup struct {
	ID                string
	Name              string
	Description       string
	VPCID             string
	Type              string // "normal" or "enterprise"
	InnerAccessPolicy string // "accept" or "drop", lower-cased
	Rules             []Rule
	Raw               json.RawMessage // the DescribeSecurityGroups item
}

// Ingress returns the group's inbound rules.
func (g *SecurityGroup) Ingress() []Rule { return g.direction("ingress") }

// Egress returns the group's outbound rules.
func (g *SecurityGroup) Egress() []Rule { return g.direction("egress") }

func (g *SecurityGroup) direction(d string) []Rule {
	var out []Rule
	for _, r := range g.Rules {
		if r.Direction == d {
			out = append(out, r)
		}
	}
	return out
}

// Rule is one security group rule (a Permission item). Direction, Policy,
// Protocol and NICType are lower-cased: the API spells policies both
// "Accept" and "accept".
type Rule struct {
	ID          string // SecurityGroupRuleId
	Direction   string // "ingress" or "egress"
	Policy      string // "accept" or "drop"
	Protocol    string // "tcp", "udp", "icmp", "icmpv6", "gre", "all"
	PortRange   string // as sent: "22/22", "-1/-1"
	FromPort    int    // -1 for all ports
	ToPort      int    // -1 for all ports
	Priority    int    // 1 (highest) to 100
	NICType     string // "intranet" or "internet"
	Description string

	SourceCIDR         string // SourceCidrIp
	SourceIPv6CIDR     string // Ipv6SourceCidrIp
	SourceGroupID      string
	SourcePrefixListID string
	DestCIDR           string // DestCidrIp
	DestIPv6CIDR       string // Ipv6DestCidrIp
	DestGroupID        string
	DestPrefixListID   string

	Raw json.RawMessage // the Permission item
}

// Covers reports whether the rule's port range includes port. All-port
// rules (-1/-1, or protocol "all") cover every port.
func (r Rule) Covers(port int) bool {
	if r.Protocol == "all" || (r.FromPort == -1 && r.ToPort == -1) {
		return true
	}
	return port >= r.FromPort && port <= r.ToPort
}

// FromAnywhere reports whether an ingress rule admits any address:
// 0.0.0.0/0 or ::/0.
func (r Rule) FromAnywhere() bool { return r.SourceCIDR == "0.0.0.0/0" || r.SourceIPv6CIDR == "::/0" }

// Disk is a DescribeDisks item.
type Disk struct {
	ID         string
	Name       string
	InstanceID string // "" when detached
	Type       string // "system" or "data"
	Category   string // cloud_essd, cloud_efficiency, ...
	Encrypted  bool
	KMSKeyID   string
	SizeGiB    int
	Status     string
	Zone       string
	Raw        json.RawMessage
}

// ECS collects one region's ECS inventory, once per Collector.
//
// Calls, each at its largest page size: DescribeInstances (MaxResults 100,
// NextToken), DescribeInstanceRamRole (100 instance IDs a call, as each
// instance page arrives), DescribeSecurityGroups (MaxResults 100,
// NextToken), DescribeSecurityGroupAttribute once per group (Direction all,
// MaxResults 1000, NextToken), DescribeDisks (MaxResults 500, NextToken)
// and DescribeCloudAssistantStatus (MaxResults 50, NextToken).
//
// A permission, throttling or activation failure of any of them returns a
// *NotEvaluatedError for the whole product; other failures an *Error.
func (c *Collector) ECS(ctx context.Context, account, region string) (*ECSInventory, error) {
	return regional(ctx, c, "ecs", account, region, c.collectECS)
}

// apiInstance is the part of a DescribeInstances item we read.
type apiInstance struct {
	InstanceId, InstanceName, RegionId, ZoneId, Status, InstanceType, OSType, OSName, ImageId string
	VpcAttributes                                                                             struct {
		VpcId, VSwitchId string
		PrivateIpAddress struct{ IpAddress []string }
	}
	PublicIpAddress  struct{ IpAddress []string }
	InnerIpAddress   struct{ IpAddress []string }
	EipAddress       struct{ IpAddress, AllocationId string }
	SecurityGroupIds struct{ SecurityGroupId []string }
	MetadataOptions  struct{ HttpTokens, HttpEndpoint string }
	Tags             struct {
		Tag []struct{ TagKey, TagValue string }
	}
}

type apiRule struct {
	SecurityGroupRuleId, Direction, Policy, IpProtocol, PortRange, NicType, Description string
	SourceCidrIp, Ipv6SourceCidrIp, SourceGroupId, SourcePrefixListId                   string
	DestCidrIp, Ipv6DestCidrIp, DestGroupId, DestPrefixListId                           string
	Priority                                                                            flexInt
}

func (c *Collector) collectECS(ctx context.Context, account, region string) (*ECSInventory, error) {
	var (
		mu         sync.Mutex
		instances  []Instance
		groups     []SecurityGroup
		disks      []Disk
		ramRoles   = map[string]string{}
		assistants = map[string]*CloudAssistantStatus{}
		rules      = map[string][]Rule{}
		inner      = map[string]string{}
	)
	g := newGroup(ctx)
	batches := make(chan []string)
	groupIDs := make(chan string)

	// Instances, feeding their IDs to the RAM role lookups page by page.
	g.run(func(ctx context.Context) error {
		defer close(batches)
		return c.byToken(ctx, account, region, func(token string) requests.AcsRequest {
			r := ecs.CreateDescribeInstancesRequest()
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, func(body []byte) (string, error) {
			next, items, err := tokenPage(body, "Instances", "Instance")
			if err != nil {
				return "", err
			}
			page := make([]Instance, 0, len(items))
			ids := make([]string, 0, len(items))
			for _, raw := range items {
				var a apiInstance
				if err := decodeItem(raw, &a, "Instances.Instance", func() string { return a.InstanceId }); err != nil {
					return "", err
				}
				page = append(page, newInstance(a, raw, region))
				ids = append(ids, a.InstanceId)
			}
			mu.Lock()
			instances = append(instances, page...)
			mu.Unlock()
			if len(ids) > 0 {
				select {
				case batches <- ids:
				case <-ctx.Done():
					return "", ctx.Err()
				}
			}
			return next, nil
		})
	})
	// RAM roles of each page of instances.
	for w := 0; w < 2; w++ {
		g.run(func(ctx context.Context) error {
			for ids := range batches {
				got, err := c.ramRoles(ctx, account, region, ids)
				if err != nil {
					return err
				}
				mu.Lock()
				for k, v := range got {
					ramRoles[k] = v
				}
				mu.Unlock()
			}
			return nil
		})
	}
	// Security groups, feeding their IDs to the rule lookups.
	g.run(func(ctx context.Context) error {
		defer close(groupIDs)
		return c.byToken(ctx, account, region, func(token string) requests.AcsRequest {
			r := ecs.CreateDescribeSecurityGroupsRequest()
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, func(body []byte) (string, error) {
			next, items, err := tokenPage(body, "SecurityGroups", "SecurityGroup")
			if err != nil {
				return "", err
			}
			for _, raw := range items {
				var a struct {
					SecurityGroupId, SecurityGroupName, Description, VpcId, SecurityGroupType string
				}
				if err := decodeItem(raw, &a, "SecurityGroups.SecurityGroup", func() string { return a.SecurityGroupId }); err != nil {
					return "", err
				}
				mu.Lock()
				groups = append(groups, SecurityGroup{ID: a.SecurityGroupId, Name: a.SecurityGroupName, Description: a.Description,
					VPCID: a.VpcId, Type: strings.ToLower(a.SecurityGroupType), Raw: raw})
				mu.Unlock()
				select {
				case groupIDs <- a.SecurityGroupId:
				case <-ctx.Done():
					return "", ctx.Err()
				}
			}
			return next, nil
		})
	})
	for w := 0; w < c.cfg.Concurrency; w++ {
		g.run(func(ctx context.Context) error {
			for id := range groupIDs {
				rs, policy, err := c.groupRules(ctx, account, region, id)
				if err != nil {
					return err
				}
				mu.Lock()
				rules[id], inner[id] = rs, policy
				mu.Unlock()
			}
			return nil
		})
	}
	// Disks.
	g.run(func(ctx context.Context) error {
		return c.byToken(ctx, account, region, func(token string) requests.AcsRequest {
			r := ecs.CreateDescribeDisksRequest()
			r.MaxResults = requests.NewInteger(500)
			r.NextToken = token
			return r
		}, func(body []byte) (string, error) {
			next, items, err := tokenPage(body, "Disks", "Disk")
			if err != nil {
				return "", err
			}
			for _, raw := range items {
				var a struct {
					DiskId, DiskName, InstanceId, Type, Category, KMSKeyId, Status, ZoneId string
					Encrypted                                                              flexBool
					Size                                                                   flexInt
				}
				if err := decodeItem(raw, &a, "Disks.Disk", func() string { return a.DiskId }); err != nil {
					return "", err
				}
				mu.Lock()
				disks = append(disks, Disk{ID: a.DiskId, Name: a.DiskName, InstanceID: a.InstanceId, Type: strings.ToLower(a.Type),
					Category: a.Category, Encrypted: bool(a.Encrypted), KMSKeyID: a.KMSKeyId, SizeGiB: int(a.Size),
					Status: a.Status, Zone: a.ZoneId, Raw: raw})
				mu.Unlock()
			}
			return next, nil
		})
	})
	// Cloud Assistant.
	g.run(func(ctx context.Context) error {
		return c.byToken(ctx, account, region, func(token string) requests.AcsRequest {
			r := ecs.CreateDescribeCloudAssistantStatusRequest()
			r.MaxResults = requests.NewInteger(50)
			r.NextToken = token
			return r
		}, func(body []byte) (string, error) {
			next, items, err := tokenPage(body, "InstanceCloudAssistantStatusSet", "InstanceCloudAssistantStatus")
			if err != nil {
				return "", err
			}
			for _, raw := range items {
				id, s, err := decodeAssistant(raw)
				if err != nil {
					return "", err
				}
				mu.Lock()
				assistants[id] = s
				mu.Unlock()
			}
			return next, nil
		})
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	for i := range instances {
		instances[i].RAMRole = ramRoles[instances[i].ID]
		instances[i].CloudAssistant = assistants[instances[i].ID]
	}
	for i := range groups {
		groups[i].Rules = rules[groups[i].ID]
		groups[i].InnerAccessPolicy = inner[groups[i].ID]
	}
	return &ECSInventory{Region: region, Instances: instances, SecurityGroups: groups, Disks: disks}, nil
}

func newInstance(a apiInstance, raw json.RawMessage, region string) Instance {
	inst := Instance{
		ID: a.InstanceId, Name: a.InstanceName, Region: orDefault(a.RegionId, region), Zone: a.ZoneId, Status: a.Status,
		InstanceType: a.InstanceType, VPCID: a.VpcAttributes.VpcId, VSwitchID: a.VpcAttributes.VSwitchId,
		PrivateIPs: append(a.VpcAttributes.PrivateIpAddress.IpAddress, a.InnerIpAddress.IpAddress...),
		PublicIPs:  a.PublicIpAddress.IpAddress, EIP: a.EipAddress.IpAddress, EIPAllocationID: a.EipAddress.AllocationId,
		SecurityGroupIDs: a.SecurityGroupIds.SecurityGroupId, MetadataHTTPTokens: strings.ToLower(a.MetadataOptions.HttpTokens),
		MetadataHTTPEndpoint: strings.ToLower(a.MetadataOptions.HttpEndpoint), OSType: strings.ToLower(a.OSType),
		OSName: a.OSName, ImageID: a.ImageId, Raw: raw,
	}
	if len(a.Tags.Tag) > 0 {
		inst.Tags = make(map[string]string, len(a.Tags.Tag))
		for _, t := range a.Tags.Tag {
			inst.Tags[t.TagKey] = t.TagValue
		}
	}
	return inst
}

// ramRoles looks up the RAM roles of up to 100 instances
// (DescribeInstanceRamRole, PageSize 50, paging while TotalCount says
// there is more).
func (c *Collector) ramRoles(ctx context.Context, account, region string, ids []string) (map[string]string, error) {
	idJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for n := 1; n <= maxPages; n++ {
		r := ecs.CreateDescribeInstanceRamRoleRequest()
		r.InstanceIds = string(idJSON)
		r.PageSize = requests.NewInteger(50)
		r.PageNumber = requests.NewInteger(n)
		body, err := c.do(ctx, account, region, r)
		if err != nil {
			return nil, err
		}
		var env struct {
			TotalCount          flexInt
			InstanceRamRoleSets json.RawMessage
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, malformed(r, region, err)
		}
		items, err := listOf(env.InstanceRamRoleSets, "InstanceRamRoleSet", "InstanceRamRoleSets")
		if err != nil {
			return nil, malformed(r, region, err)
		}
		for _, raw := range items {
			var a struct{ InstanceId, RamRoleName string }
			if err := decodeItem(raw, &a, "InstanceRamRoleSet", func() string { return a.InstanceId }); err != nil {
				return nil, malformed(r, region, err)
			}
			out[a.InstanceId] = a.RamRoleName
		}
		if len(items) == 0 || n*50 >= int(env.TotalCount) {
			return out, nil
		}
	}
	return out, nil
}

// groupRules reads one group's rules in both directions.
func (c *Collector) groupRules(ctx context.Context, account, region, id string) ([]Rule, string, error) {
	var rules []Rule
	var inner string
	err := c.byToken(ctx, account, region, func(token string) requests.AcsRequest {
		r := ecs.CreateDescribeSecurityGroupAttributeRequest()
		r.SecurityGroupId = id
		r.Direction = "all"
		r.MaxResults = requests.NewInteger(1000)
		r.NextToken = token
		return r
	}, func(body []byte) (string, error) {
		var env struct {
			NextToken         string
			InnerAccessPolicy string
			Permissions       json.RawMessage
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return "", err
		}
		items, err := listOf(env.Permissions, "Permission", "Permissions")
		if err != nil {
			return "", err
		}
		inner = strings.ToLower(env.InnerAccessPolicy)
		for _, raw := range items {
			var a apiRule
			if err := json.Unmarshal(raw, &a); err != nil {
				return "", err
			}
			rules = append(rules, newRule(a, raw))
		}
		return env.NextToken, nil
	})
	return rules, inner, err
}

func newRule(a apiRule, raw json.RawMessage) Rule {
	r := Rule{
		ID: a.SecurityGroupRuleId, Direction: strings.ToLower(a.Direction), Policy: strings.ToLower(orDefault(a.Policy, "accept")),
		Protocol: strings.ToLower(a.IpProtocol), PortRange: a.PortRange, Priority: int(a.Priority),
		NICType: strings.ToLower(a.NicType), Description: a.Description,
		SourceCIDR: a.SourceCidrIp, SourceIPv6CIDR: a.Ipv6SourceCidrIp, SourceGroupID: a.SourceGroupId,
		SourcePrefixListID: a.SourcePrefixListId, DestCIDR: a.DestCidrIp, DestIPv6CIDR: a.Ipv6DestCidrIp,
		DestGroupID: a.DestGroupId, DestPrefixListID: a.DestPrefixListId, Raw: raw,
	}
	r.FromPort, r.ToPort = parsePorts(a.PortRange)
	if r.Priority == 0 {
		r.Priority = 1
	}
	return r
}

// parsePorts splits "22/22"; anything unparsable counts as all ports, the
// conservative reading for exposure checks.
func parsePorts(s string) (int, int) {
	a, b, ok := strings.Cut(s, "/")
	from, err1 := strconv.Atoi(a)
	to, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return -1, -1
	}
	return from, to
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
