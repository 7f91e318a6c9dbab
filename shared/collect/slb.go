package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
)

// SLBInventory is one region's Classic Load Balancer (SLB) inventory.
type SLBInventory struct {
	Region        string
	LoadBalancers []SLBLoadBalancer
	Listeners     []SLBListener
	ACLs          []SLBACL
}

// SLBLoadBalancer is a DescribeLoadBalancers item with its backends from
// DescribeLoadBalancerAttribute.
type SLBLoadBalancer struct {
	ID               string
	Name             string
	Status           string // "active", "inactive", "locked"
	Address          string
	AddressType      string // "internet" or "intranet"
	IPVersion        string // "ipv4" or "ipv6"
	NetworkType      string // "vpc" or "classic"
	VPCID            string
	VSwitchID        string
	Spec             string
	DeleteProtection bool
	Tags             map[string]string
	Backends         []SLBBackend
	ListenerPorts    []int
	Raw              json.RawMessage // the DescribeLoadBalancers item
	AttributeRaw     json.RawMessage // the DescribeLoadBalancerAttribute answer, without RequestId
}

// Internet reports whether the load balancer has a public address.
func (lb SLBLoadBalancer) Internet() bool { return lb.AddressType == "internet" }

// SLBBackend is one BackendServers.BackendServer item.
type SLBBackend struct {
	ServerID    string // "i-..." for ECS
	Type        string // "ecs", "eni", "eci"
	IP          string
	Weight      int
	Description string
}

// SLBListener is a DescribeLoadBalancerListeners item. Protocol, ACLType
// and the listener config switches are lower-cased.
type SLBListener struct {
	ID             string // "<load balancer>:<protocol>:<port>"; listeners have no ID of their own
	LoadBalancerID string
	Port           int
	Protocol       string // "tcp", "udp", "http", "https"
	BackendPort    int
	Status         string // "running", "stopped"
	Description    string
	// ACLOn is AclStatus "on": the listener filters clients through ACLID.
	ACLOn   bool
	ACLType string // "white" (allow only the entries) or "black" (deny the entries)
	ACLID   string // the bound ACL, set even while ACLOn is false
	// CertificateID is the HTTPS server certificate; TLSCipherPolicy its
	// TLS policy ("tls_cipher_policy_1_2", ...).
	CertificateID   string
	TLSCipherPolicy string
	// RedirectsToHTTPS: an HTTP listener forwarding to HTTPS
	// (ListenerForward "on").
	RedirectsToHTTPS bool
	Raw              json.RawMessage
}

// SLBACL is a DescribeAccessControlLists item with its entries from
// DescribeAccessControlListAttribute.
type SLBACL struct {
	ID        string
	Name      string
	IPVersion string // "ipv4" or "ipv6"
	Entries   []LBACLEntry
	Raw       json.RawMessage // the DescribeAccessControlLists item
}

// LBACLEntry is one address or CIDR block of a load balancer ACL (SLB or
// ALB).
type LBACLEntry struct {
	CIDR    string // AclEntryIP (SLB) or Entry (ALB), e.g. "10.0.0.0/8" or "1.2.3.4"
	Comment string
	Raw     json.RawMessage
}

// ACL returns the ACL with the given ID, or nil.
func (inv *SLBInventory) ACL(id string) *SLBACL {
	for i := range inv.ACLs {
		if inv.ACLs[i].ID == id {
			return &inv.ACLs[i]
		}
	}
	return nil
}

// LoadBalancer returns the load balancer with the given ID, or nil.
func (inv *SLBInventory) LoadBalancer(id string) *SLBLoadBalancer {
	for i := range inv.LoadBalancers {
		if inv.LoadBalancers[i].ID == id {
			return &inv.LoadBalancers[i]
		}
	}
	return nil
}

// SLB collects one region's Classic Load Balancer inventory, once per
// Collector.
//
// Calls: DescribeLoadBalancers (PageSize 100, pages after the first
// concurrently), DescribeLoadBalancerAttribute once per load balancer (as
// each page arrives), DescribeLoadBalancerListeners for the whole region
// (MaxResults 100, NextToken), DescribeAccessControlLists (PageSize 50)
// and DescribeAccessControlListAttribute once per ACL (Page/PageSize 50
// over TotalAclEntry).
//
// A permission, throttling or activation failure of any of them returns a
// *NotEvaluatedError for the whole product; other failures an *Error.
func (c *Collector) SLB(ctx context.Context, account, region string) (*SLBInventory, error) {
	return regional(ctx, c, "slb", account, region, c.collectSLB)
}

// slbEndpoints reads the SDK's table once: GetEndpointMap fills it lazily,
// which is a data race when first called concurrently.
var slbEndpoints = sync.OnceValue(slb.GetEndpointMap)

// slbEndpoint is the SLB host for a region from the SDK's endpoint table
// (slb.aliyuncs.com for cn-hangzhou, cn-shanghai and most other early
// regions), else slb.<region>.aliyuncs.com.
func slbEndpoint(region string) string {
	if h := slbEndpoints()[region]; h != "" {
		return h
	}
	if region == "" {
		return "slb.aliyuncs.com"
	}
	return "slb." + region + ".aliyuncs.com"
}

// lbArray decodes a flat JSON array field, which must be present: an
// answer without its list is malformed, not empty.
func lbArray(raw json.RawMessage, field string) ([]json.RawMessage, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("%s missing", field)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("%s: %v", field, err)
	}
	return items, nil
}

// lbEvidence is an answer kept as evidence: the body minus its RequestId,
// which differs on every call.
func lbEvidence(body []byte) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	delete(m, "RequestId")
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// lbTokenList walks a NextToken list whose answer holds a flat array
// field, decoding each item.
func lbTokenList(ctx context.Context, c *Collector, account, region string, request func(token string) requests.AcsRequest,
	field string, item func(raw json.RawMessage) error) error {
	return c.byToken(ctx, account, region, request, func(body []byte) (string, error) {
		var env map[string]json.RawMessage
		if err := json.Unmarshal(body, &env); err != nil {
			return "", err
		}
		items, err := lbArray(env[field], field)
		if err != nil {
			return "", err
		}
		for _, raw := range items {
			if err := item(raw); err != nil {
				return "", err
			}
		}
		var next string
		if t, ok := env["NextToken"]; ok && string(t) != "null" {
			if err := json.Unmarshal(t, &next); err != nil {
				return "", fmt.Errorf("NextToken: %v", err)
			}
		}
		return next, nil
	})
}

// lbFanOut runs fn for every value sent on in, with n workers, inside g.
func lbFanOut[T any](g *group, n int, in <-chan T, fn func(ctx context.Context, v T) error) {
	for w := 0; w < n; w++ {
		g.run(func(ctx context.Context) error {
			for v := range in {
				if err := fn(ctx, v); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// lbSend passes v on unless ctx ends first.
func lbSend[T any](ctx context.Context, ch chan<- T, v T) error {
	select {
	case ch <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type apiSLBListener struct {
	LoadBalancerId, ListenerProtocol, Status, Description, AclStatus, AclType, AclId string
	ListenerPort, BackendServerPort                                                  flexInt
	HTTPSListenerConfig                                                              struct{ ServerCertificateId, TLSCipherPolicy string }
	TCPSListenerConfig                                                               struct{ ServerCertificateId, TLSCipherPolicy string }
	HTTPListenerConfig                                                               struct{ ListenerForward string }
}

func (c *Collector) collectSLB(ctx context.Context, account, region string) (*SLBInventory, error) {
	var (
		mu        sync.Mutex
		lbs       []SLBLoadBalancer
		listeners []SLBListener
		acls      []SLBACL
	)
	g := newGroup(ctx)

	g.run(func(ctx context.Context) (err error) {
		lbs, err = listDescribe(ctx, c, account, region, 100, func(n int) requests.AcsRequest {
			r := slb.CreateDescribeLoadBalancersRequest()
			r.PageSize = requests.NewInteger(100)
			r.PageNumber = requests.NewInteger(n)
			return r
		}, func(body []byte) (int, []*SLBLoadBalancer, error) {
			total, items, err := countedPage(body, "TotalCount", "LoadBalancers", "LoadBalancer")
			if err != nil {
				return 0, nil, err
			}
			page := make([]*SLBLoadBalancer, 0, len(items))
			for _, raw := range items {
				var a struct {
					LoadBalancerId, LoadBalancerName, LoadBalancerStatus, Address, AddressType, AddressIPVersion string
					NetworkType, VpcId, VSwitchId, LoadBalancerSpec, DeleteProtection                            string
					Tags                                                                                         struct {
						Tag []struct{ TagKey, TagValue string }
					}
				}
				if err := decodeItem(raw, &a, "LoadBalancers.LoadBalancer", func() string { return a.LoadBalancerId }); err != nil {
					return 0, nil, err
				}
				lb := SLBLoadBalancer{ID: a.LoadBalancerId, Name: a.LoadBalancerName, Status: strings.ToLower(a.LoadBalancerStatus),
					Address: a.Address, AddressType: strings.ToLower(a.AddressType), IPVersion: strings.ToLower(a.AddressIPVersion),
					NetworkType: strings.ToLower(a.NetworkType), VPCID: a.VpcId, VSwitchID: a.VSwitchId, Spec: a.LoadBalancerSpec,
					DeleteProtection: strings.EqualFold(a.DeleteProtection, "on"), Raw: raw}
				if len(a.Tags.Tag) > 0 {
					lb.Tags = make(map[string]string, len(a.Tags.Tag))
					for _, t := range a.Tags.Tag {
						lb.Tags[t.TagKey] = t.TagValue
					}
				}
				page = append(page, &lb)
			}
			return total, page, nil
		}, func(ctx context.Context, lb *SLBLoadBalancer) error {
			a, err := c.slbAttribute(ctx, account, region, lb.ID)
			if err != nil {
				return err
			}
			lb.Backends, lb.ListenerPorts, lb.AttributeRaw = a.Backends, a.ListenerPorts, a.AttributeRaw
			return nil
		})
		return err
	})
	g.run(func(ctx context.Context) error {
		return lbTokenList(ctx, c, account, region, func(token string) requests.AcsRequest {
			r := slb.CreateDescribeLoadBalancerListenersRequest()
			r.MaxResults = requests.NewInteger(100)
			r.NextToken = token
			return r
		}, "Listeners", func(raw json.RawMessage) error {
			var a apiSLBListener
			if err := json.Unmarshal(raw, &a); err != nil {
				return fmt.Errorf("Listeners: %v", err)
			}
			if a.LoadBalancerId == "" || a.ListenerPort == 0 || a.ListenerProtocol == "" {
				return fmt.Errorf("Listeners item without LoadBalancerId, ListenerPort or ListenerProtocol: %s", truncate(raw, 120))
			}
			l := SLBListener{LoadBalancerID: a.LoadBalancerId, Port: int(a.ListenerPort), Protocol: strings.ToLower(a.ListenerProtocol),
				BackendPort: int(a.BackendServerPort), Status: strings.ToLower(a.Status), Description: a.Description,
				ACLOn: strings.EqualFold(a.AclStatus, "on"), ACLType: strings.ToLower(a.AclType), ACLID: a.AclId,
				RedirectsToHTTPS: strings.EqualFold(a.HTTPListenerConfig.ListenerForward, "on"), Raw: raw}
			l.ID = fmt.Sprintf("%s:%s:%d", l.LoadBalancerID, l.Protocol, l.Port)
			switch l.Protocol {
			case "https":
				l.CertificateID, l.TLSCipherPolicy = a.HTTPSListenerConfig.ServerCertificateId, a.HTTPSListenerConfig.TLSCipherPolicy
			case "tcpssl":
				l.CertificateID, l.TLSCipherPolicy = a.TCPSListenerConfig.ServerCertificateId, a.TCPSListenerConfig.TLSCipherPolicy
			}
			mu.Lock()
			listeners = append(listeners, l)
			mu.Unlock()
			return nil
		})
	})
	g.run(func(ctx context.Context) (err error) {
		acls, err = listDescribe(ctx, c, account, region, 50, func(n int) requests.AcsRequest {
			r := slb.CreateDescribeAccessControlListsRequest()
			r.PageSize = requests.NewInteger(50)
			r.PageNumber = requests.NewInteger(n)
			return r
		}, func(body []byte) (int, []*SLBACL, error) {
			total, items, err := countedPage(body, "TotalCount", "Acls", "Acl")
			if err != nil {
				return 0, nil, err
			}
			page := make([]*SLBACL, 0, len(items))
			for _, raw := range items {
				var a struct{ AclId, AclName, AddressIPVersion string }
				if err := decodeItem(raw, &a, "Acls.Acl", func() string { return a.AclId }); err != nil {
					return 0, nil, err
				}
				page = append(page, &SLBACL{ID: a.AclId, Name: a.AclName, IPVersion: strings.ToLower(a.AddressIPVersion), Raw: raw})
			}
			return total, page, nil
		}, func(ctx context.Context, acl *SLBACL) (err error) {
			acl.Entries, err = c.slbACLEntries(ctx, account, region, acl.ID)
			return err
		})
		return err
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	return &SLBInventory{Region: region, LoadBalancers: lbs, Listeners: listeners, ACLs: acls}, nil
}

// slbAttribute reads one load balancer's backends and listener ports.
func (c *Collector) slbAttribute(ctx context.Context, account, region, id string) (SLBLoadBalancer, error) {
	r := slb.CreateDescribeLoadBalancerAttributeRequest()
	r.LoadBalancerId = id
	body, err := c.do(ctx, account, region, r)
	if err != nil {
		return SLBLoadBalancer{}, err
	}
	var a struct {
		LoadBalancerId string
		BackendServers *struct {
			BackendServer []json.RawMessage
		}
		ListenerPorts struct{ ListenerPort []flexInt }
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return SLBLoadBalancer{}, malformed(r, region, err)
	}
	if a.LoadBalancerId == "" || a.BackendServers == nil {
		return SLBLoadBalancer{}, malformed(r, region, fmt.Errorf("LoadBalancerId or BackendServers missing"))
	}
	out := SLBLoadBalancer{AttributeRaw: lbEvidence(body)}
	for _, raw := range a.BackendServers.BackendServer {
		var b struct {
			ServerId, Type, ServerIp, Description string
			Weight                                flexInt
		}
		if err := decodeItem(raw, &b, "BackendServers.BackendServer", func() string { return b.ServerId }); err != nil {
			return SLBLoadBalancer{}, malformed(r, region, err)
		}
		out.Backends = append(out.Backends, SLBBackend{ServerID: b.ServerId, Type: strings.ToLower(b.Type), IP: b.ServerIp,
			Weight: int(b.Weight), Description: b.Description})
	}
	for _, p := range a.ListenerPorts.ListenerPort {
		out.ListenerPorts = append(out.ListenerPorts, int(p))
	}
	return out, nil
}

// slbACLEntries reads every entry of one ACL, 50 a page, paging while
// TotalAclEntry says there are more.
func (c *Collector) slbACLEntries(ctx context.Context, account, region, id string) ([]LBACLEntry, error) {
	var out []LBACLEntry
	for n := 1; n <= maxPages; n++ {
		r := slb.CreateDescribeAccessControlListAttributeRequest()
		r.AclId = id
		r.PageSize = requests.NewInteger(50)
		r.Page = requests.NewInteger(n)
		body, err := c.do(ctx, account, region, r)
		if err != nil {
			return nil, err
		}
		total, items, err := countedPage(body, "TotalAclEntry", "AclEntrys", "AclEntry")
		if err != nil {
			return nil, malformed(r, region, err)
		}
		for _, raw := range items {
			var e struct{ AclEntryIP, AclEntryComment string }
			if err := decodeItem(raw, &e, "AclEntrys.AclEntry", func() string { return e.AclEntryIP }); err != nil {
				return nil, malformed(r, region, err)
			}
			out = append(out, LBACLEntry{CIDR: e.AclEntryIP, Comment: e.AclEntryComment, Raw: raw})
		}
		if len(items) == 0 || n*50 >= total {
			return out, nil
		}
	}
	return out, nil
}
