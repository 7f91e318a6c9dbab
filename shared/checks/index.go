package checks

import (
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// index holds lookups built once per Input, on first use, for rules that
// relate resources (an instance's security groups, a VPC's flow logs).
type index struct {
	groups   map[string]*collect.SecurityGroup // region|group ID
	flowLogs map[string]bool                   // region|resource ID with an active flow log
	vpcs     map[string]*collect.VPC           // region|VPC ID

	ramPolicies map[string]*collect.RAMPolicy // policy name
	ramGroups   map[string]*collect.RAMGroup  // group name
	buckets     map[string]*collect.OSSBucket // bucket name, every region
	sasAgents   map[string]*collect.SASAsset  // ECS instance ID
}

func (in *Input) index() *index {
	in.once.Do(func() {
		x := &index{groups: map[string]*collect.SecurityGroup{}, flowLogs: map[string]bool{}, vpcs: map[string]*collect.VPC{},
			ramPolicies: map[string]*collect.RAMPolicy{}, ramGroups: map[string]*collect.RAMGroup{},
			buckets: map[string]*collect.OSSBucket{}, sasAgents: map[string]*collect.SASAsset{}}
		for _, inv := range in.Regions {
			if inv.ECS != nil {
				for i := range inv.ECS.SecurityGroups {
					g := &inv.ECS.SecurityGroups[i]
					x.groups[inv.Region+"|"+g.ID] = g
				}
			}
			if inv.VPC != nil {
				for i := range inv.VPC.FlowLogs {
					if f := &inv.VPC.FlowLogs[i]; f.Active {
						x.flowLogs[inv.Region+"|"+f.ResourceID] = true
					}
				}
				for i := range inv.VPC.VPCs {
					v := &inv.VPC.VPCs[i]
					x.vpcs[inv.Region+"|"+v.ID] = v
				}
			}
		}
		if inv := in.global("ram"); inv != nil {
			for i := range inv.RAM.Policies {
				x.ramPolicies[inv.RAM.Policies[i].Name] = &inv.RAM.Policies[i]
			}
			for i := range inv.RAM.Groups {
				x.ramGroups[inv.RAM.Groups[i].Name] = &inv.RAM.Groups[i]
			}
		}
		if inv := in.global("sas"); inv != nil {
			for i := range inv.SAS.Assets {
				if a := &inv.SAS.Assets[i]; a.InstanceID != "" {
					x.sasAgents[a.InstanceID] = a
				}
			}
		}
		for _, inv := range in.Regions {
			if inv.OSS != nil {
				for i := range inv.OSS.Buckets {
					x.buckets[inv.OSS.Buckets[i].Name] = &inv.OSS.Buckets[i]
				}
			}
		}
		in.idx = x
	})
	return in.idx
}

// group returns a security group of the env's region.
func (e *env) group(id string) *collect.SecurityGroup {
	return e.in.index().groups[e.inv.Region+"|"+id]
}

// vpc returns a VPC of the env's region.
func (e *env) vpc(id string) *collect.VPC { return e.in.index().vpcs[e.inv.Region+"|"+id] }

// flowLogged reports whether a VPC, vSwitch or ENI of the env's region has an
// active flow log.
func (e *env) flowLogged(id string) bool { return e.in.index().flowLogs[e.inv.Region+"|"+id] }

// bucket returns the OSS bucket of that name, from any collected region.
func (e *env) bucket(name string) *collect.OSSBucket { return e.in.index().buckets[name] }

// sasAgent returns Security Center's record of an ECS instance, or nil.
func (e *env) sasAgent(instanceID string) *collect.SASAsset {
	return e.in.index().sasAgents[instanceID]
}
