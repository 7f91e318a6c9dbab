package collect

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/nlb"
)

// NLBInventory is one region's Network Load Balancer inventory. NLB
// listeners have no ACLs: the load balancer's security groups filter
// clients.
type NLBInventory struct {
	Region        string
	LoadBalancers []NLBLoadBalancer
	Listeners     []NLBListener
}

// NLBLoadBalancer is a ListLoadBalancers item.
type NLBLoadBalancer struct {
	ID                 string
	Name               string
	Status             string // "Active", ...
	AddressType        string // "internet" or "intranet", lower-cased
	VPCID              string
	DNSName            string
	SecurityGroupIDs   []string
	DeletionProtection bool
	Raw                json.RawMessage
}

// Internet reports whether the load balancer faces the internet.
func (lb NLBLoadBalancer) Internet() bool { return lb.AddressType == "internet" }

// NLBListener is a ListListeners item.
type NLBListener struct {
	ID               string
	LoadBalancerID   string
	Port             int    // 0 for port-range listeners (StartPort-EndPort)
	Protocol         string // "tcp", "udp", "tcpssl", lower-cased
	Status           string
	Description      string
	SecurityPolicyID string   // TLS policy of TCPSSL listeners
	CertificateIDs   []string // TCPSSL server certificates
	Raw              json.RawMessage
}

// NLB collects one region's Network Load Balancer inventory, once per
// Collector: ListLoadBalancers and ListListeners, MaxResults 100, NextToken.
func (c *Collector) NLB(ctx context.Context, account, region string) (*NLBInventory, error) {
	return regional(ctx, c, "nlb", account, region, c.collectNLB)
}

func (c *Collector) collectNLB(ctx context.Context, account, region string) (*NLBInventory, error) {
	var mu sync.Mutex
	out := &NLBInventory{Region: region}
	g := newGroup(ctx)
	g.run(func(ctx context.Context) error {
		return lbTokenList(ctx, c, account, region, func(token string) requests.AcsRequest {
			r := nlb.CreateListLoadBalancersRequest()
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, "LoadBalancers", func(raw json.RawMessage) error {
			var a struct {
				LoadBalancerId, LoadBalancerName, LoadBalancerStatus, AddressType, VpcId, DNSName string
				SecurityGroupIds                                                                  []string
				DeletionProtectionConfig                                                          struct{ Enabled bool }
			}
			if err := decodeItem(raw, &a, "LoadBalancers", func() string { return a.LoadBalancerId }); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			out.LoadBalancers = append(out.LoadBalancers, NLBLoadBalancer{ID: a.LoadBalancerId, Name: a.LoadBalancerName,
				Status: a.LoadBalancerStatus, AddressType: strings.ToLower(a.AddressType), VPCID: a.VpcId, DNSName: a.DNSName,
				SecurityGroupIDs: a.SecurityGroupIds, DeletionProtection: a.DeletionProtectionConfig.Enabled, Raw: raw})
			return nil
		})
	})
	g.run(func(ctx context.Context) error {
		return lbTokenList(ctx, c, account, region, func(token string) requests.AcsRequest {
			r := nlb.CreateListListenersRequest()
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, "Listeners", func(raw json.RawMessage) error {
			var a struct {
				ListenerId, LoadBalancerId, ListenerProtocol, ListenerStatus, ListenerDescription, SecurityPolicyId string
				ListenerPort                                                                                        flexInt
				CertificateIds                                                                                      []string
			}
			if err := decodeItem(raw, &a, "Listeners", func() string { return a.ListenerId }); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			out.Listeners = append(out.Listeners, NLBListener{ID: a.ListenerId, LoadBalancerID: a.LoadBalancerId, Port: int(a.ListenerPort),
				Protocol: strings.ToLower(a.ListenerProtocol), Status: a.ListenerStatus, Description: a.ListenerDescription,
				SecurityPolicyID: a.SecurityPolicyId, CertificateIDs: a.CertificateIds, Raw: raw})
			return nil
		})
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	return out, nil
}
