package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// VPCInventory is one region's Virtual Private Cloud inventory.
type VPCInventory struct {
	Region      string
	VPCs        []VPC
	VSwitches   []VSwitch
	RouteTables []RouteTable
	FlowLogs    []FlowLog
	EIPs        []EIP
	NATGateways []NATGateway
}

// VPC is a DescribeVpcs item.
type VPC struct {
	ID         string
	Name       string
	CIDR       string
	IPv6CIDR   string
	IsDefault  bool
	Status     string
	VSwitchIDs []string
	Raw        json.RawMessage
}

// VSwitch is a DescribeVSwitches item.
type VSwitch struct {
	ID           string
	Name         string
	VPCID        string
	Zone         string
	CIDR         string
	RouteTableID string
	Raw          json.RawMessage
}

// RouteTable is a DescribeRouteTableList item.
type RouteTable struct {
	ID         string
	Name       string
	VPCID      string
	Type       string // "System" or "Custom"
	VSwitchIDs []string
	Raw        json.RawMessage
}

// FlowLog is a DescribeFlowLogs item.
type FlowLog struct {
	ID           string
	Name         string
	ResourceType string // "VPC", "VSwitch" or "NetworkInterface"
	ResourceID   string
	TrafficType  string // "All", "Allow", "Drop"
	Active       bool   // Status "Active"
	ProjectName  string // the SLS project receiving the logs
	LogStoreName string
	Raw          json.RawMessage
}

// EIP is a DescribeEipAddresses item.
type EIP struct {
	AllocationID string
	IP           string
	Status       string // "InUse", "Available", ...
	InstanceID   string // what it is bound to, "" if none
	InstanceType string // "EcsInstance", "Nat", "SlbInstance", ...
	Bandwidth    int    // Mbit/s
	Raw          json.RawMessage
}

// NATGateway is a DescribeNatGateways item.
type NATGateway struct {
	ID           string
	Name         string
	VPCID        string
	Type         string // NatType
	Spec         string
	Status       string
	IPs          []string // IpLists.IpList[].IpAddress
	SNATTableIDs []string
	Raw          json.RawMessage
}

// VPC collects one region's VPC inventory, once per Collector, with
// PageNumber/PageSize paging at each API's largest page (50; 100 for
// DescribeEipAddresses); pages after the first go out concurrently. A
// permission, throttling or activation failure returns a
// *NotEvaluatedError for the whole product.
func (c *Collector) VPC(ctx context.Context, account, region string) (*VPCInventory, error) {
	return regional(ctx, c, "vpc", account, region, c.collectVPC)
}

// vpcList describes one VPC list API.
type vpcList[T any] struct {
	size    int
	request func() requests.AcsRequest // with PageSize set by list
	field   string                     // "Vpcs"
	item    string                     // "Vpc"
	decode  func(raw json.RawMessage) (T, error)
}

// listVPC fetches every page of one VPC API.
func listVPC[T any](ctx context.Context, c *Collector, account, region string, l vpcList[T]) ([]T, error) {
	var p pages[T]
	err := c.byNumber(ctx, account, region, l.size, func(n int) requests.AcsRequest {
		r := l.request()
		r.GetQueryParams()["PageSize"] = fmt.Sprint(l.size)
		r.GetQueryParams()["PageNumber"] = fmt.Sprint(n)
		return r
	}, func(n int, body []byte) (int, error) {
		var env map[string]json.RawMessage
		if err := json.Unmarshal(body, &env); err != nil {
			return 0, err
		}
		var total flexInt
		if err := json.Unmarshal(env["TotalCount"], &total); err != nil {
			return 0, fmt.Errorf("TotalCount: %v", err)
		}
		items, err := listOf(env[l.field], l.item, l.field)
		if err != nil {
			return 0, err
		}
		out := make([]T, 0, len(items))
		for _, raw := range items {
			v, err := l.decode(raw)
			if err != nil {
				return 0, err
			}
			out = append(out, v)
		}
		p.put(n, out)
		return int(total), nil
	})
	return p.all(), err
}

func (c *Collector) collectVPC(ctx context.Context, account, region string) (*VPCInventory, error) {
	out := &VPCInventory{Region: region}
	g := newGroup(ctx)
	g.run(func(ctx context.Context) (err error) {
		out.VPCs, err = listVPC(ctx, c, account, region, vpcList[VPC]{size: 50, field: "Vpcs", item: "Vpc",
			request: func() requests.AcsRequest { return vpc.CreateDescribeVpcsRequest() },
			decode: func(raw json.RawMessage) (VPC, error) {
				var a struct {
					VpcId, VpcName, CidrBlock, Ipv6CidrBlock, Status string
					IsDefault                                        flexBool
					VSwitchIds                                       struct{ VSwitchId []string }
				}
				err := decodeItem(raw, &a, "Vpcs.Vpc", func() string { return a.VpcId })
				return VPC{ID: a.VpcId, Name: a.VpcName, CIDR: a.CidrBlock, IPv6CIDR: a.Ipv6CidrBlock, IsDefault: bool(a.IsDefault),
					Status: a.Status, VSwitchIDs: a.VSwitchIds.VSwitchId, Raw: raw}, err
			}})
		return err
	})
	g.run(func(ctx context.Context) (err error) {
		out.VSwitches, err = listVPC(ctx, c, account, region, vpcList[VSwitch]{size: 50, field: "VSwitches", item: "VSwitch",
			request: func() requests.AcsRequest { return vpc.CreateDescribeVSwitchesRequest() },
			decode: func(raw json.RawMessage) (VSwitch, error) {
				var a struct {
					VSwitchId, VSwitchName, VpcId, ZoneId, CidrBlock string
					RouteTable                                       struct{ RouteTableId string }
				}
				err := decodeItem(raw, &a, "VSwitches.VSwitch", func() string { return a.VSwitchId })
				return VSwitch{ID: a.VSwitchId, Name: a.VSwitchName, VPCID: a.VpcId, Zone: a.ZoneId, CIDR: a.CidrBlock,
					RouteTableID: a.RouteTable.RouteTableId, Raw: raw}, err
			}})
		return err
	})
	g.run(func(ctx context.Context) (err error) {
		out.RouteTables, err = listVPC(ctx, c, account, region, vpcList[RouteTable]{size: 50, field: "RouterTableList", item: "RouterTableListType",
			request: func() requests.AcsRequest { return vpc.CreateDescribeRouteTableListRequest() },
			decode: func(raw json.RawMessage) (RouteTable, error) {
				var a struct {
					RouteTableId, RouteTableName, VpcId, RouteTableType string
					VSwitchIds                                          struct{ VSwitchId []string }
				}
				err := decodeItem(raw, &a, "RouterTableList.RouterTableListType", func() string { return a.RouteTableId })
				return RouteTable{ID: a.RouteTableId, Name: a.RouteTableName, VPCID: a.VpcId, Type: a.RouteTableType,
					VSwitchIDs: a.VSwitchIds.VSwitchId, Raw: raw}, err
			}})
		return err
	})
	g.run(func(ctx context.Context) (err error) {
		out.FlowLogs, err = listVPC(ctx, c, account, region, vpcList[FlowLog]{size: 50, field: "FlowLogs", item: "FlowLog",
			request: func() requests.AcsRequest { return vpc.CreateDescribeFlowLogsRequest() },
			decode: func(raw json.RawMessage) (FlowLog, error) {
				var a struct {
					FlowLogId, FlowLogName, ResourceType, ResourceId, TrafficType, Status, ProjectName, LogStoreName string
				}
				err := decodeItem(raw, &a, "FlowLogs.FlowLog", func() string { return a.FlowLogId })
				return FlowLog{ID: a.FlowLogId, Name: a.FlowLogName, ResourceType: a.ResourceType, ResourceID: a.ResourceId,
					TrafficType: a.TrafficType, Active: strings.EqualFold(a.Status, "Active"), ProjectName: a.ProjectName,
					LogStoreName: a.LogStoreName, Raw: raw}, err
			}})
		return err
	})
	g.run(func(ctx context.Context) (err error) {
		out.EIPs, err = listVPC(ctx, c, account, region, vpcList[EIP]{size: 100, field: "EipAddresses", item: "EipAddress",
			request: func() requests.AcsRequest { return vpc.CreateDescribeEipAddressesRequest() },
			decode: func(raw json.RawMessage) (EIP, error) {
				var a struct {
					AllocationId, IpAddress, Status, InstanceId, InstanceType string
					Bandwidth                                                 flexInt
				}
				err := decodeItem(raw, &a, "EipAddresses.EipAddress", func() string { return a.AllocationId })
				return EIP{AllocationID: a.AllocationId, IP: a.IpAddress, Status: a.Status, InstanceID: a.InstanceId,
					InstanceType: a.InstanceType, Bandwidth: int(a.Bandwidth), Raw: raw}, err
			}})
		return err
	})
	g.run(func(ctx context.Context) (err error) {
		out.NATGateways, err = listVPC(ctx, c, account, region, vpcList[NATGateway]{size: 50, field: "NatGateways", item: "NatGateway",
			request: func() requests.AcsRequest { return vpc.CreateDescribeNatGatewaysRequest() },
			decode: func(raw json.RawMessage) (NATGateway, error) {
				var a struct {
					NatGatewayId, Name, VpcId, NatType, Spec, Status string
					IpLists                                          struct{ IpList []struct{ IpAddress string } }
					SnatTableIds                                     struct{ SnatTableId []string }
				}
				err := decodeItem(raw, &a, "NatGateways.NatGateway", func() string { return a.NatGatewayId })
				n := NATGateway{ID: a.NatGatewayId, Name: a.Name, VPCID: a.VpcId, Type: a.NatType, Spec: a.Spec, Status: a.Status,
					SNATTableIDs: a.SnatTableIds.SnatTableId, Raw: raw}
				for _, ip := range a.IpLists.IpList {
					n.IPs = append(n.IPs, ip.IpAddress)
				}
				return n, err
			}})
		return err
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	return out, nil
}
