package cloudsim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// GenOptions sizes a generated account.
type GenOptions struct {
	// Instances is the number of ECS instances, spread evenly over Regions.
	Instances int
	// Seed makes the account reproducible: the same options give the same
	// inventory, byte for byte.
	Seed int64
	// MisconfigRate is the probability (0–1) that each security group,
	// instance, disk and VPC gets one of the known misconfigurations:
	// SSH (22) or RDP (3389) open to 0.0.0.0/0 (or ::/0), metadata without
	// enforced tokens (HttpTokens optional), unencrypted disks, no Cloud
	// Assistant, a VPC without a flow log; in Log Service, logstores kept
	// under 365 days and CIS ActionTrail alert rules missing or disabled.
	MisconfigRate float64
	// Regions to fill (default cn-hangzhou).
	Regions []string
	// AccountID of the account (default DefaultAccountID).
	AccountID string
	// AuditRole, when Trusted is set, adds the read-only role CSPMAuditRole that
	// the CSPM platform assumes: its trust policy names the Trusted account's root
	// and demands ExternalID in sts:ExternalId.
	AuditRole struct{ Trusted, ExternalID string }
}

// Generate builds an account of any size: per region, VPCs of three
// vSwitches (one per zone) with a route table, a NAT gateway and usually a
// flow log; web, app and db security groups of about 50 instances each;
// instances (40% web, 40% app, 20% db; a quarter of app servers run
// Windows) with system disks, db data disks, EIPs on half the web tier, a
// RAM role on the app tier and Cloud Assistant on most; a Log Service
// project per region with three logstores, and CIS alert rules in the
// first region's (see logs). Objects carry the
// fields checks read, spelled as the APIs return them; they are kept as
// compact JSON (about 2 KB per instance with its disks, group share, EIP and
// statuses), so 100,000 instances take about 200 MB and 2.5 s
// (BenchmarkGenerate100k).
func Generate(o GenOptions) *Inventory {
	if len(o.Regions) == 0 {
		o.Regions = []string{"cn-hangzhou"}
	}
	if o.AccountID == "" {
		o.AccountID = DefaultAccountID
	}
	g := &generator{o: o, rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed)),
		inv: &Inventory{AccountID: o.AccountID, Regions: map[string]Products{}}, base: time.Date(2024, 1, 15, 8, 0, 0, 0, time.UTC)}
	for i, region := range o.Regions {
		n := o.Instances / len(o.Regions)
		if i < o.Instances%len(o.Regions) {
			n++
		}
		g.region(region, n)
	}
	g.logs()
	g.add("", "ram", "Roles", map[string]any{
		"RoleName": "AppServerRole", "Description": "Instance role of the app tier",
		"AssumeRolePolicyDocument": `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["ecs.aliyuncs.com"]}}],"Version":"1"}`,
		"CreateDate":               "2024-01-15T08:00:00Z", "MaxSessionDuration": 3600,
	})
	if a := o.AuditRole; a.Trusted != "" {
		trust, _ := json.Marshal(map[string]any{"Version": "1", "Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": map[string]any{"RAM": []string{"acs:ram::" + a.Trusted + ":root"}},
			"Condition": map[string]any{"StringEquals": map[string]string{"sts:ExternalId": a.ExternalID}}}}})
		g.add("", "ram", "Roles", map[string]any{
			"RoleName": "CSPMAuditRole", "Description": "read-only role assumed by the CSPM platform",
			"AssumeRolePolicyDocument": string(trust), "CreateDate": "2024-01-15T08:00:00Z", "MaxSessionDuration": 3600,
		})
	}
	return g.inv
}

type generator struct {
	o    GenOptions
	rng  *rand.Rand
	inv  *Inventory
	seq  uint64
	base time.Time
}

// regionPrefixes are the two or three letters real resource IDs carry per
// region ("i-bp1...", "sg-uf6...").
var regionPrefixes = map[string]string{
	"cn-hangzhou": "bp", "cn-shanghai": "uf", "cn-beijing": "2ze", "cn-shenzhen": "wz9",
	"cn-qingdao": "m5e", "cn-zhangjiakou": "8vb", "cn-hongkong": "j6c", "ap-southeast-1": "t4n",
}

// id returns a unique, deterministic resource ID: kind-<region
// prefix><13 base-36 digits of a bijective mix of seed and sequence>.
func (g *generator) id(kind, region string) string {
	g.seq++
	p := regionPrefixes[region]
	if p == "" {
		p = "gw"
	}
	s := strconv.FormatUint(mix(uint64(g.o.Seed)*0x9e3779b97f4a7c15+g.seq), 36)
	return kind + "-" + p + strings.Repeat("0", 13-len(s)) + s
}

func (g *generator) bad() bool { return g.o.MisconfigRate > 0 && g.rng.Float64() < g.o.MisconfigRate }

func (g *generator) when() string {
	return timestamp(g.base.Add(time.Duration(g.rng.IntN(500*24*60)) * time.Minute))
}

func (g *generator) add(region, product, collection string, obj any) {
	b, err := json.Marshal(obj)
	if err != nil {
		panic(fmt.Sprintf("cloudsim: generate: %v", err)) // only maps of plain values are marshaled
	}
	_ = g.inv.Add(region, product, collection, json.RawMessage(b)) // a RawMessage never fails to marshal
}

func zones(region string) []string {
	if region == "cn-hangzhou" {
		return []string{"cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"}
	}
	return []string{region + "-a", region + "-b", region + "-c"}
}

type genGroup struct {
	id, tier string
}

// region fills one region with n instances.
func (g *generator) region(region string, n int) {
	g.inv.Regions[region] = Products{}
	const perVPC, perGroup = 1000, 50
	vpcs := max(1, (n+perVPC-1)/perVPC)
	zs := zones(region)
	left := n
	for v := 0; v < vpcs; v++ {
		count := left / (vpcs - v)
		left -= count
		vpcID, rtID, vrID := g.id("vpc", region), g.id("vtb", region), g.id("vrt", region)
		cidr := fmt.Sprintf("10.%d.0.0/16", v%256)
		var vsw []string
		for z := range zs {
			id := g.id("vsw", region)
			vsw = append(vsw, id)
			g.add(region, "vpc", "VSwitches", map[string]any{
				"VSwitchId": id, "VpcId": vpcID, "ZoneId": zs[z], "CidrBlock": fmt.Sprintf("10.%d.%d.0/24", v%256, z),
				"VSwitchName": fmt.Sprintf("vsw-%d-%s", v, zs[z][len(zs[z])-1:]), "Status": "Available", "IsDefault": false,
				"RouteTable": map[string]any{"RouteTableId": rtID, "RouteTableType": "System"}, "CreationTime": g.when(),
				"AvailableIpAddressCount": 250,
			})
		}
		natID := g.id("ngw", region)
		g.add(region, "vpc", "Vpcs", map[string]any{
			"VpcId": vpcID, "VpcName": fmt.Sprintf("gen-vpc-%d", v), "RegionId": region, "CidrBlock": cidr, "Status": "Available",
			"IsDefault": false, "VRouterId": vrID, "CreationTime": g.when(),
			"VSwitchIds": map[string]any{"VSwitchId": vsw}, "RouterTableIds": map[string]any{"RouterTableIds": []string{rtID}},
			"NatGatewayIds": map[string]any{"NatGatewayIds": []string{natID}},
		})
		g.add(region, "vpc", "RouterTableList", map[string]any{
			"RouteTableId": rtID, "VpcId": vpcID, "RouterId": vrID, "RouterType": "VRouter", "RouteTableType": "System",
			"RouteTableName": "", "Status": "Available", "CreationTime": g.when(),
			"VSwitchIds": map[string]any{"VSwitchId": vsw},
		})
		g.add(region, "vpc", "NatGateways", map[string]any{
			"NatGatewayId": natID, "VpcId": vpcID, "Name": fmt.Sprintf("gen-nat-%d", v), "RegionId": region,
			"NatType": "Enhanced", "Spec": "Small", "Status": "Available", "NetworkType": "internet",
			"InstanceChargeType": "PostPaid", "CreationTime": g.when(),
		})
		if !g.bad() {
			g.add(region, "vpc", "FlowLogs", map[string]any{
				"FlowLogId": g.id("fl", region), "FlowLogName": fmt.Sprintf("gen-vpc-%d-flow", v), "RegionId": region,
				"ResourceType": "VPC", "ResourceId": vpcID, "TrafficType": "All", "Status": "Active",
				"ProjectName": "gen-logs-" + region, "LogStoreName": "vpc-flow", "AggregationInterval": 10, "CreationTime": g.when(),
			})
		}
		g.vpcInstances(region, vpcID, cidr, vsw, zs, count, perGroup)
	}
}

// vpcInstances creates the security groups and instances of one VPC.
func (g *generator) vpcInstances(region, vpcID, cidr string, vsw, zs []string, n, perGroup int) {
	tiers := []struct {
		name  string
		share int // percent
	}{{"web", 40}, {"app", 40}, {"db", 20}}
	groupsOf := map[string][]string{}
	counts := map[string]int{}
	left := n
	for i, t := range tiers {
		c := n * t.share / 100
		if i == len(tiers)-1 {
			c = left
		}
		left -= c
		counts[t.name] = c
		for k := 0; k < max(1, (c+perGroup-1)/perGroup); k++ {
			groupsOf[t.name] = append(groupsOf[t.name], g.id("sg", region))
		}
	}
	for _, t := range tiers {
		for k, sg := range groupsOf[t.name] {
			g.group(region, vpcID, cidr, sg, t.name, k, groupsOf)
		}
	}
	for _, t := range tiers {
		for k := 0; k < counts[t.name]; k++ {
			z := g.rng.IntN(len(zs))
			sg := groupsOf[t.name][k/perGroup%len(groupsOf[t.name])]
			g.instance(region, vpcID, vsw[z], zs[z], sg, t.name, k)
		}
	}
}

func (g *generator) rule(dir, proto, ports, peerField, peer, policy string, prio int) map[string]any {
	r := map[string]any{
		"SecurityGroupRuleId": g.id("sgr", ""), "Direction": dir, "IpProtocol": proto, "PortRange": ports,
		"Policy": policy, "Priority": strconv.Itoa(prio), "NicType": "intranet", "CreateTime": g.when(),
		"SourceCidrIp": "", "Ipv6SourceCidrIp": "", "SourceGroupId": "", "DestCidrIp": "", "Ipv6DestCidrIp": "", "DestGroupId": "",
		"Description": "",
	}
	r[peerField] = peer
	return r
}

// group writes one security group with its tier's rules, sometimes with SSH
// or RDP opened to the internet.
func (g *generator) group(region, vpcID, cidr, id, tier string, k int, groupsOf map[string][]string) {
	var rules []any
	switch tier {
	case "web":
		rules = append(rules,
			g.rule("ingress", "TCP", "80/80", "SourceCidrIp", "0.0.0.0/0", "Accept", 1),
			g.rule("ingress", "TCP", "443/443", "SourceCidrIp", "0.0.0.0/0", "Accept", 1),
			g.rule("ingress", "TCP", "22/22", "SourceCidrIp", cidr, "Accept", 1))
	case "app":
		rules = append(rules,
			g.rule("ingress", "TCP", "8080/8080", "SourceGroupId", groupsOf["web"][0], "Accept", 1),
			g.rule("ingress", "TCP", "22/22", "SourceCidrIp", cidr, "Accept", 1))
	case "db":
		rules = append(rules,
			g.rule("ingress", "TCP", "3306/3306", "SourceGroupId", groupsOf["app"][0], "Accept", 1),
			g.rule("ingress", "ICMP", "-1/-1", "SourceCidrIp", cidr, "Accept", 100))
	}
	if g.bad() {
		switch g.rng.IntN(3) {
		case 0:
			rules = append(rules, g.rule("ingress", "TCP", "22/22", "SourceCidrIp", "0.0.0.0/0", "Accept", 1))
		case 1:
			rules = append(rules, g.rule("ingress", "TCP", "3389/3389", "SourceCidrIp", "0.0.0.0/0", "Accept", 1))
		default:
			rules = append(rules, g.rule("ingress", "TCP", "22/22", "Ipv6SourceCidrIp", "::/0", "accept", 1))
		}
	}
	rules = append(rules, g.rule("egress", "ALL", "-1/-1", "DestCidrIp", "0.0.0.0/0", "Accept", 100))
	g.add(region, "ecs", "SecurityGroups", map[string]any{
		"SecurityGroupId": id, "SecurityGroupName": fmt.Sprintf("gen-%s-%d", tier, k), "Description": tier + " tier",
		"SecurityGroupType": "normal", "VpcId": vpcID, "CreationTime": g.when(), "ServiceManaged": false,
		"ResourceGroupId": "", "Tags": map[string]any{"Tag": []any{map[string]any{"TagKey": "tier", "TagValue": tier}}},
		"InnerAccessPolicy": "Accept", "Permissions": map[string]any{"Permission": rules},
	})
}

// instance writes one instance with its disks, EIP, RAM role and Cloud
// Assistant status.
func (g *generator) instance(region, vpcID, vswID, zone, sg, tier string, k int) {
	id := g.id("i", region)
	osType, osName, image := "linux", "Alibaba Cloud Linux  3.2104 LTS 64位", "aliyun_3_x64_20G_alibase_20240528.vhd"
	if tier == "app" && g.rng.IntN(4) == 0 {
		osType, osName, image = "windows", "Windows Server  2022 数据中心版 64位中文版", "win2022_21H2_x64_dtc_zh-cn_40G_alibase_20240515.vhd"
	}
	tokens := "required"
	if g.bad() {
		tokens = "optional"
	}
	privIP := fmt.Sprintf("10.%d.%d.%d", g.rng.IntN(256), g.rng.IntN(3), 2+g.rng.IntN(250))
	var publicIPs []string
	eip := map[string]any{"AllocationId": "", "IpAddress": "", "InternetChargeType": "", "Bandwidth": 0}
	if tier == "web" {
		switch g.rng.IntN(10) {
		case 0, 1, 2, 3, 4:
			alloc, ip := g.id("eip", region), fmt.Sprintf("47.%d.%d.%d", 96+g.rng.IntN(32), g.rng.IntN(256), 1+g.rng.IntN(254))
			eip = map[string]any{"AllocationId": alloc, "IpAddress": ip, "InternetChargeType": "PayByTraffic", "Bandwidth": 100}
			g.add(region, "vpc", "EipAddresses", map[string]any{
				"AllocationId": alloc, "IpAddress": ip, "RegionId": region, "Status": "InUse", "InstanceId": id,
				"InstanceType": "EcsInstance", "InstanceRegionId": region, "Bandwidth": "100", "InternetChargeType": "PayByTraffic",
				"ChargeType": "PostPaid", "Name": "", "AllocationTime": g.when(), "ISP": "BGP",
			})
		case 5:
			publicIPs = []string{fmt.Sprintf("118.%d.%d.%d", 178+g.rng.IntN(8), g.rng.IntN(256), 1+g.rng.IntN(254))}
		}
	}
	if publicIPs == nil {
		publicIPs = []string{}
	}
	name := fmt.Sprintf("gen-%s-%05d", tier, k)
	g.add(region, "ecs", "Instances", map[string]any{
		"InstanceId": id, "InstanceName": name, "HostName": name, "RegionId": region, "ZoneId": zone,
		"Status": "Running", "InstanceType": "ecs.g7.large", "Cpu": 2, "Memory": 8192, "ImageId": image,
		"OSType": osType, "OSName": osName, "InstanceNetworkType": "vpc", "InstanceChargeType": "PostPaid",
		"InternetChargeType": "PayByTraffic", "InternetMaxBandwidthOut": 0, "CreationTime": g.when(), "ExpiredTime": "2099-12-31T15:59Z",
		"VpcAttributes": map[string]any{"VpcId": vpcID, "VSwitchId": vswID, "NatIpAddress": "",
			"PrivateIpAddress": map[string]any{"IpAddress": []string{privIP}}},
		"PublicIpAddress":  map[string]any{"IpAddress": publicIPs},
		"InnerIpAddress":   map[string]any{"IpAddress": []string{}},
		"EipAddress":       eip,
		"SecurityGroupIds": map[string]any{"SecurityGroupId": []string{sg}},
		"MetadataOptions":  map[string]any{"HttpEndpoint": "enabled", "HttpTokens": tokens, "HttpPutResponseHopLimit": 1},
		"Tags":             map[string]any{"Tag": []any{map[string]any{"TagKey": "tier", "TagValue": tier}}},
	})
	disk := func(typ string, size int) {
		enc := !g.bad()
		kms := ""
		if enc {
			kms = "key-hzz65f1b8f4ka1a2b3c4d"
		}
		g.add(region, "ecs", "Disks", map[string]any{
			"DiskId": g.id("d", region), "DiskName": name + "-" + typ, "RegionId": region, "ZoneId": zone,
			"InstanceId": id, "Type": typ, "Category": "cloud_essd", "PerformanceLevel": "PL0", "Size": size,
			"Encrypted": enc, "KMSKeyId": kms, "Status": "In_use", "Device": "/dev/xvd" + map[string]string{"system": "a", "data": "b"}[typ],
			"DeleteWithInstance": typ == "system", "Portable": typ == "data", "CreationTime": g.when(),
		})
	}
	disk("system", 40)
	if tier == "db" {
		disk("data", 500)
	}
	if tier == "app" {
		g.add(region, "ecs", "InstanceRamRoleSets", map[string]any{"InstanceId": id, "RamRoleName": "AppServerRole"})
	}
	if !g.bad() {
		g.add(region, "ecs", "InstanceCloudAssistantStatusSet", map[string]any{
			"InstanceId": id, "CloudAssistantStatus": "true", "CloudAssistantVersion": "2.2.3.857", "OSType": osType,
			"LastHeartbeatTime": "2024-06-01T08:00:00Z", "InvocationCount": 0, "ActiveTaskCount": 0, "SupportSessionManager": true,
		})
	}
}

// genAlerts are the alert rules generated accounts may have, after the CIS
// section 2 recommendations (queries over ActionTrail logs).
var genAlerts = []struct{ name, query string }{
	{"ram-role-changes", "event.serviceName: Ram and (event.eventName: CreateRole or DeleteRole or AttachPolicyToRole)"},
	{"vpc-route-changes", "event.serviceName: Vpc and (event.eventName: CreateRouteEntry or DeleteRouteEntry)"},
	{"kms-key-deletion", "event.serviceName: Kms and (event.eventName: DisableKey or ScheduleKeyDeletion)"},
	{"oss-bucket-policy", "event.serviceName: Oss and (event.eventName: PutBucketPolicy or DeleteBucketPolicy)"},
	{"security-group-changes", "event.serviceName: Ecs and (event.eventName: AuthorizeSecurityGroup or RevokeSecurityGroup)"},
}

// logs gives each region a Log Service project ("gen-logs-<region>") with
// the flow-log, ActionTrail and application logstores, and the first
// region's project the alert rules. It draws from its own random source, so
// the rest of the account is the same with or without it.
func (g *generator) logs() {
	rng := rand.New(rand.NewPCG(uint64(g.o.Seed), 0x5151))
	bad := func() bool { return g.o.MisconfigRate > 0 && rng.Float64() < g.o.MisconfigRate }
	created := g.base.Unix()
	for i, region := range g.o.Regions {
		project := "gen-logs-" + region
		g.add(region, "log", "Projects", map[string]any{
			"projectName": project, "description": "generated", "status": "Normal", "region": region,
			"owner": g.o.AccountID, "dataRedundancyType": "LRS",
			"createTime": strconv.FormatInt(created, 10), "lastModifyTime": strconv.FormatInt(created, 10),
		})
		for _, store := range []string{"vpc-flow", "actiontrail", "app"} {
			ttl := 365
			if bad() {
				ttl = []int{7, 30, 90, 180}[rng.IntN(4)]
			}
			g.add(region, "log", "Logstores", map[string]any{
				"project": project, "logstoreName": store, "ttl": ttl, "shardCount": 2, "autoSplit": true,
				"maxSplitShard": 64, "enable_tracking": false, "appendMeta": true, "telemetryType": "None",
				"mode": "standard", "createTime": created, "lastModifyTime": created,
			})
		}
		if i > 0 {
			continue
		}
		for _, a := range genAlerts {
			if bad() {
				continue // missing
			}
			status := "ENABLED"
			if bad() {
				status = "DISABLED"
			}
			g.add(region, "log", "Alerts", map[string]any{
				"project": project, "name": a.name, "displayName": a.name, "description": "", "status": status,
				"createTime": created, "lastModifiedTime": created,
				"configuration": map[string]any{"version": "2.0", "type": "default", "threshold": 1,
					"queryList": []any{map[string]any{"storeType": "log", "project": project, "store": "actiontrail",
						"timeSpanType": "Relative", "start": "-15m", "end": "now", "query": a.query + " | select count(*) as cnt"}},
					"conditionConfiguration": map[string]any{"condition": "cnt > 0"}},
				"schedule": map[string]any{"type": "FixedRate", "interval": "15m"},
			})
		}
	}
}
