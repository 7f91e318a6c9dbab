package checks

import (
	"encoding/json"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// presence maps each product key to where it lives in collect.Inventory.
// A product added to collect.Inventory gets a line here and its kinds below;
// whether it is account-level is collect.AccountLevel's to say.
var presence = map[string]productInfo{
	"ecs":         {present: func(i *collect.Inventory) bool { return i.ECS != nil }},
	"vpc":         {present: func(i *collect.Inventory) bool { return i.VPC != nil }},
	"ack":         {present: func(i *collect.Inventory) bool { return i.ACK != nil }},
	"oss":         {present: func(i *collect.Inventory) bool { return i.OSS != nil }},
	"rds":         {present: func(i *collect.Inventory) bool { return i.RDS != nil }},
	"redis":       {present: func(i *collect.Inventory) bool { return i.Redis != nil }},
	"mongodb":     {present: func(i *collect.Inventory) bool { return i.MongoDB != nil }},
	"polardb":     {present: func(i *collect.Inventory) bool { return i.PolarDB != nil }},
	"slb":         {present: func(i *collect.Inventory) bool { return i.SLB != nil }},
	"alb":         {present: func(i *collect.Inventory) bool { return i.ALB != nil }},
	"nlb":         {present: func(i *collect.Inventory) bool { return i.NLB != nil }},
	"kms":         {present: func(i *collect.Inventory) bool { return i.KMS != nil }},
	"sls":         {present: func(i *collect.Inventory) bool { return i.SLS != nil }},
	"sas":         {present: func(i *collect.Inventory) bool { return i.SAS != nil }},
	"actiontrail": {present: func(i *collect.Inventory) bool { return i.ActionTrail != nil }},
	"ram":         {present: func(i *collect.Inventory) bool { return i.RAM != nil }},
}

// ECS.

var instances = kind[collect.Instance]{
	product: "ecs",
	list:    func(inv *collect.Inventory) []collect.Instance { return inv.ECS.Instances },
	describe: func(x *collect.Instance, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, x.Region, x.Raw, x.Tags
	},
}

var securityGroups = kind[collect.SecurityGroup]{
	product: "ecs",
	list:    func(inv *collect.Inventory) []collect.SecurityGroup { return inv.ECS.SecurityGroups },
	describe: func(x *collect.SecurityGroup, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, nil
	},
}

var disks = kind[collect.Disk]{
	product: "ecs",
	list:    func(inv *collect.Inventory) []collect.Disk { return inv.ECS.Disks },
	describe: func(x *collect.Disk, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, nil
	},
}

// VPC.

var vpcs = kind[collect.VPC]{
	product: "vpc",
	list:    func(inv *collect.Inventory) []collect.VPC { return inv.VPC.VPCs },
	describe: func(x *collect.VPC, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, nil
	},
}

var eips = kind[collect.EIP]{
	product: "vpc",
	list:    func(inv *collect.Inventory) []collect.EIP { return inv.VPC.EIPs },
	describe: func(x *collect.EIP, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.AllocationID, x.IP, "", x.Raw, nil
	},
}

var flowLogs = kind[collect.FlowLog]{
	product: "vpc",
	list:    func(inv *collect.Inventory) []collect.FlowLog { return inv.VPC.FlowLogs },
	describe: func(x *collect.FlowLog, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, nil
	},
}

// ACK.

var clusters = kind[collect.Cluster]{
	product: "ack",
	list:    func(inv *collect.Inventory) []collect.Cluster { return inv.ACK.Clusters },
	describe: func(x *collect.Cluster, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, x.Region, x.Raw, x.Tags
	},
}

// OSS.

var buckets = kind[collect.OSSBucket]{
	product: "oss",
	list:    func(inv *collect.Inventory) []collect.OSSBucket { return inv.OSS.Buckets },
	describe: func(x *collect.OSSBucket, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, x.Region, x.Raw, nil
	},
}

// Databases.

var rdsInstances = kind[collect.RDSInstance]{
	product: "rds",
	list:    func(inv *collect.Inventory) []collect.RDSInstance { return inv.RDS.Instances },
	describe: func(x *collect.RDSInstance, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, x.Region, x.Raw, nil
	},
}

var redisInstances = kind[collect.RedisInstance]{
	product: "redis",
	list:    func(inv *collect.Inventory) []collect.RedisInstance { return inv.Redis.Instances },
	describe: func(x *collect.RedisInstance, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, x.Region, x.Raw, nil
	},
}

var mongoInstances = kind[collect.MongoDBInstance]{
	product: "mongodb",
	list:    func(inv *collect.Inventory) []collect.MongoDBInstance { return inv.MongoDB.Instances },
	describe: func(x *collect.MongoDBInstance, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, x.Region, x.Raw, nil
	},
}

var polarClusters = kind[collect.PolarDBCluster]{
	product: "polardb",
	list:    func(inv *collect.Inventory) []collect.PolarDBCluster { return inv.PolarDB.Clusters },
	describe: func(x *collect.PolarDBCluster, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, x.Region, x.Raw, nil
	},
}

// Load balancers.

var slbs = kind[collect.SLBLoadBalancer]{
	product: "slb",
	list:    func(inv *collect.Inventory) []collect.SLBLoadBalancer { return inv.SLB.LoadBalancers },
	describe: func(x *collect.SLBLoadBalancer, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, x.Tags
	},
}

var slbListeners = kind[collect.SLBListener]{
	product: "slb",
	list:    func(inv *collect.Inventory) []collect.SLBListener { return inv.SLB.Listeners },
	describe: func(x *collect.SLBListener, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Description, "", x.Raw, nil
	},
}

var slbACLs = kind[collect.SLBACL]{
	product: "slb",
	list:    func(inv *collect.Inventory) []collect.SLBACL { return inv.SLB.ACLs },
	describe: func(x *collect.SLBACL, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, nil
	},
}

var albs = kind[collect.ALBLoadBalancer]{
	product: "alb",
	list:    func(inv *collect.Inventory) []collect.ALBLoadBalancer { return inv.ALB.LoadBalancers },
	describe: func(x *collect.ALBLoadBalancer, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, nil
	},
}

var albListeners = kind[collect.ALBListener]{
	product: "alb",
	list:    func(inv *collect.Inventory) []collect.ALBListener { return inv.ALB.Listeners },
	describe: func(x *collect.ALBListener, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Description, "", x.Raw, nil
	},
}

var nlbs = kind[collect.NLBLoadBalancer]{
	product: "nlb",
	list:    func(inv *collect.Inventory) []collect.NLBLoadBalancer { return inv.NLB.LoadBalancers },
	describe: func(x *collect.NLBLoadBalancer, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, nil
	},
}

var nlbListeners = kind[collect.NLBListener]{
	product: "nlb",
	list:    func(inv *collect.Inventory) []collect.NLBListener { return inv.NLB.Listeners },
	describe: func(x *collect.NLBListener, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Description, "", x.Raw, nil
	},
}

// KMS.

var kmsKeys = kind[collect.KMSKey]{
	product: "kms",
	list:    func(inv *collect.Inventory) []collect.KMSKey { return inv.KMS.Keys },
	describe: func(x *collect.KMSKey, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Description, "", x.Raw, nil
	},
}

// Account-level products.

var trails = kind[collect.Trail]{
	product: "actiontrail",
	list:    func(inv *collect.Inventory) []collect.Trail { return inv.ActionTrail.Trails },
	describe: func(x *collect.Trail, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, x.Region, x.Raw, nil
	},
}

var trailAccount = kind[collect.ActionTrailInventory]{
	product: "actiontrail",
	single:  func(inv *collect.Inventory) *collect.ActionTrailInventory { return inv.ActionTrail },
	describe: func(x *collect.ActionTrailInventory, in *Input) (string, string, string, json.RawMessage, map[string]string) {
		return in.AccountID, "ActionTrail", "", nil, nil
	},
}

var slsAccount = kind[collect.SLSInventory]{
	product: "sls",
	single:  func(inv *collect.Inventory) *collect.SLSInventory { return inv.SLS },
	describe: func(x *collect.SLSInventory, in *Input) (string, string, string, json.RawMessage, map[string]string) {
		if x.Audit != nil {
			return in.AccountID, "Log Audit Service", "", x.Audit.Raw, nil
		}
		return in.AccountID, "Log Service", "", x.ServiceRaw, nil
	},
}

var sasAccount = kind[collect.SASInventory]{
	product: "sas",
	single:  func(inv *collect.Inventory) *collect.SASInventory { return inv.SAS },
	describe: func(x *collect.SASInventory, in *Input) (string, string, string, json.RawMessage, map[string]string) {
		return in.AccountID, "Security Center", "", x.VersionRaw, nil
	},
}

var sasAssets = kind[collect.SASAsset]{
	product: "sas",
	list:    func(inv *collect.Inventory) []collect.SASAsset { return inv.SAS.Assets },
	describe: func(x *collect.SASAsset, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		id := x.InstanceID
		if id == "" {
			id = x.UUID
		}
		return id, x.InstanceName, x.Region, x.Raw, nil
	},
}

var ramUsers = kind[collect.RAMUser]{
	product: "ram",
	list:    func(inv *collect.Inventory) []collect.RAMUser { return inv.RAM.Users },
	describe: func(x *collect.RAMUser, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.Name, x.PrincipalName, "", x.Raw, nil
	},
}

var ramRoles = kind[collect.RAMRole]{
	product: "ram",
	list:    func(inv *collect.Inventory) []collect.RAMRole { return inv.RAM.Roles },
	describe: func(x *collect.RAMRole, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.Name, x.ARN, "", x.Raw, nil
	},
}

var ramPolicies = kind[collect.RAMPolicy]{
	product: "ram",
	list:    func(inv *collect.Inventory) []collect.RAMPolicy { return inv.RAM.Policies },
	describe: func(x *collect.RAMPolicy, _ *Input) (string, string, string, json.RawMessage, map[string]string) {
		return x.ID, x.Name, "", x.Raw, nil
	},
}

var passwordPolicy = kind[collect.RAMPasswordPolicy]{
	product: "ram",
	single:  func(inv *collect.Inventory) *collect.RAMPasswordPolicy { return &inv.RAM.PasswordPolicy },
	describe: func(x *collect.RAMPasswordPolicy, in *Input) (string, string, string, json.RawMessage, map[string]string) {
		return in.AccountID, "RAM password policy", "", x.Raw, nil
	},
}

var securityPreference = kind[collect.RAMSecurityPreference]{
	product: "ram",
	single:  func(inv *collect.Inventory) *collect.RAMSecurityPreference { return &inv.RAM.SecurityPreference },
	describe: func(x *collect.RAMSecurityPreference, in *Input) (string, string, string, json.RawMessage, map[string]string) {
		return in.AccountID, "RAM security preference", "", x.Raw, nil
	},
}

var rootAccount = kind[collect.RAMRoot]{
	product: "ram",
	single:  func(inv *collect.Inventory) *collect.RAMRoot { return &inv.RAM.Root },
	describe: func(x *collect.RAMRoot, in *Input) (string, string, string, json.RawMessage, map[string]string) {
		return in.AccountID, "root account", "", x.Raw, nil
	},
}
