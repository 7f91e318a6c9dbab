package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/alb"
)

// ALBInventory is one region's Application Load Balancer inventory.
type ALBInventory struct {
	Region        string
	LoadBalancers []ALBLoadBalancer
	Listeners     []ALBListener
	ACLs          []ALBACL
}

// ALBLoadBalancer is a ListLoadBalancers item.
type ALBLoadBalancer struct {
	ID                 string
	Name               string
	Status             string // "Active", "Provisioning", ...
	AddressType        string // "internet" or "intranet", lower-cased
	Edition            string // "Basic", "Standard", "StandardWithWaf"
	VPCID              string
	DNSName            string
	DeletionProtection bool
	AccessLogProject   string // AccessLogConfig.LogProject, "" when access logs are off
	Raw                json.RawMessage
}

// Internet reports whether the load balancer faces the internet.
func (lb ALBLoadBalancer) Internet() bool { return lb.AddressType == "internet" }

// ALBListener is a ListListeners item with its ACL binding from
// GetListenerAttribute.
type ALBListener struct {
	ID               string
	LoadBalancerID   string
	Port             int
	Protocol         string // "http", "https", "quic", lower-cased
	Status           string // "Running", "Stopped", ...
	Description      string
	SecurityPolicyID string // TLS policy of HTTPS/QUIC listeners
	// ACLType is "white" or "black" (lower-cased), "" when no ACL is bound.
	ACLType      string
	ACLIDs       []string        // bound ACLs (relations in any status)
	Raw          json.RawMessage // the ListListeners item
	AttributeRaw json.RawMessage // the GetListenerAttribute answer, without RequestId
}

// ALBACL is a ListAcls item with its entries from ListAclEntries.
type ALBACL struct {
	ID      string
	Name    string
	Status  string
	Entries []LBACLEntry
	Raw     json.RawMessage
}

// ACL returns the ACL with the given ID, or nil.
func (inv *ALBInventory) ACL(id string) *ALBACL {
	for i := range inv.ACLs {
		if inv.ACLs[i].ID == id {
			return &inv.ACLs[i]
		}
	}
	return nil
}

// ALB collects one region's Application Load Balancer inventory, once per
// Collector.
//
// Calls: ListLoadBalancers, ListListeners and ListAcls (MaxResults 100,
// NextToken), GetListenerAttribute once per listener (for its AclConfig,
// which ListListeners does not carry) and ListAclEntries once per ACL
// (MaxResults 100, NextToken); the per-item calls start as each page
// arrives.
func (c *Collector) ALB(ctx context.Context, account, region string) (*ALBInventory, error) {
	return regional(ctx, c, "alb", account, region, c.collectALB)
}

func (c *Collector) collectALB(ctx context.Context, account, region string) (*ALBInventory, error) {
	var (
		mu         sync.Mutex
		out        = &ALBInventory{Region: region}
		aclConfigs = map[string]ALBListener{}
		entries    = map[string][]LBACLEntry{}
	)
	g := newGroup(ctx)
	listenerIDs := make(chan string)
	aclIDs := make(chan string)
	g.run(func(ctx context.Context) error {
		return lbTokenList(ctx, c, account, region, func(token string) requests.AcsRequest {
			r := alb.CreateListLoadBalancersRequest()
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, "LoadBalancers", func(raw json.RawMessage) error {
			var a struct {
				LoadBalancerId, LoadBalancerName, LoadBalancerStatus, AddressType, LoadBalancerEdition, VpcId, DNSName string
				DeletionProtectionConfig                                                                               struct{ Enabled bool }
				AccessLogConfig                                                                                        struct{ LogProject string }
			}
			if err := decodeItem(raw, &a, "LoadBalancers", func() string { return a.LoadBalancerId }); err != nil {
				return err
			}
			mu.Lock()
			out.LoadBalancers = append(out.LoadBalancers, ALBLoadBalancer{ID: a.LoadBalancerId, Name: a.LoadBalancerName,
				Status: a.LoadBalancerStatus, AddressType: strings.ToLower(a.AddressType), Edition: a.LoadBalancerEdition,
				VPCID: a.VpcId, DNSName: a.DNSName, DeletionProtection: a.DeletionProtectionConfig.Enabled,
				AccessLogProject: a.AccessLogConfig.LogProject, Raw: raw})
			mu.Unlock()
			return nil
		})
	})
	g.run(func(ctx context.Context) error {
		defer close(listenerIDs)
		return lbTokenList(ctx, c, account, region, func(token string) requests.AcsRequest {
			r := alb.CreateListListenersRequest()
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, "Listeners", func(raw json.RawMessage) error {
			var a struct {
				ListenerId, LoadBalancerId, ListenerProtocol, ListenerStatus, ListenerDescription, SecurityPolicyId string
				ListenerPort                                                                                        flexInt
			}
			if err := decodeItem(raw, &a, "Listeners", func() string { return a.ListenerId }); err != nil {
				return err
			}
			mu.Lock()
			out.Listeners = append(out.Listeners, ALBListener{ID: a.ListenerId, LoadBalancerID: a.LoadBalancerId, Port: int(a.ListenerPort),
				Protocol: strings.ToLower(a.ListenerProtocol), Status: a.ListenerStatus, Description: a.ListenerDescription,
				SecurityPolicyID: a.SecurityPolicyId, Raw: raw})
			mu.Unlock()
			return lbSend(ctx, listenerIDs, a.ListenerId)
		})
	})
	lbFanOut(g, c.cfg.Concurrency, listenerIDs, func(ctx context.Context, id string) error {
		r := alb.CreateGetListenerAttributeRequest()
		r.ListenerId = id
		body, err := c.do(ctx, account, region, r)
		if err != nil {
			return err
		}
		var a struct {
			ListenerId string
			AclConfig  *struct {
				AclType      string
				AclRelations []struct{ AclId string }
			}
		}
		if err := json.Unmarshal(body, &a); err != nil {
			return malformed(r, region, err)
		}
		if a.ListenerId == "" {
			return malformed(r, region, fmt.Errorf("ListenerId missing"))
		}
		l := ALBListener{AttributeRaw: lbEvidence(body)}
		if a.AclConfig != nil {
			for _, rel := range a.AclConfig.AclRelations {
				l.ACLIDs = append(l.ACLIDs, rel.AclId)
			}
			if len(l.ACLIDs) > 0 {
				l.ACLType = strings.ToLower(a.AclConfig.AclType)
			}
		}
		mu.Lock()
		aclConfigs[id] = l
		mu.Unlock()
		return nil
	})
	g.run(func(ctx context.Context) error {
		defer close(aclIDs)
		return lbTokenList(ctx, c, account, region, func(token string) requests.AcsRequest {
			r := alb.CreateListAclsRequest()
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, "Acls", func(raw json.RawMessage) error {
			var a struct{ AclId, AclName, AclStatus string }
			if err := decodeItem(raw, &a, "Acls", func() string { return a.AclId }); err != nil {
				return err
			}
			mu.Lock()
			out.ACLs = append(out.ACLs, ALBACL{ID: a.AclId, Name: a.AclName, Status: a.AclStatus, Raw: raw})
			mu.Unlock()
			return lbSend(ctx, aclIDs, a.AclId)
		})
	})
	lbFanOut(g, c.cfg.Concurrency, aclIDs, func(ctx context.Context, id string) error {
		var es []LBACLEntry
		err := lbTokenList(ctx, c, account, region, func(token string) requests.AcsRequest {
			r := alb.CreateListAclEntriesRequest()
			r.AclId = id
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, "AclEntries", func(raw json.RawMessage) error {
			var e struct{ Entry, Description string }
			if err := decodeItem(raw, &e, "AclEntries", func() string { return e.Entry }); err != nil {
				return err
			}
			es = append(es, LBACLEntry{CIDR: e.Entry, Comment: e.Description, Raw: raw})
			return nil
		})
		if err != nil {
			return err
		}
		mu.Lock()
		entries[id] = es
		mu.Unlock()
		return nil
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	for i := range out.Listeners {
		a := aclConfigs[out.Listeners[i].ID]
		out.Listeners[i].ACLType, out.Listeners[i].ACLIDs, out.Listeners[i].AttributeRaw = a.ACLType, a.ACLIDs, a.AttributeRaw
	}
	for i := range out.ACLs {
		out.ACLs[i].Entries = entries[out.ACLs[i].ID]
	}
	return out, nil
}
