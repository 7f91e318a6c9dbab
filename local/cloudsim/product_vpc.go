package cloudsim

import (
	"encoding/json"
	"fmt"
	"strings"
)

// vpcProduct is Virtual Private Cloud (Vpc 2016-04-28).
//
// Inventory (regions.<region>.vpc), each collection holding the items of the
// named API's answer:
//
//	Vpcs             DescribeVpcs            Vpcs.Vpc[]
//	VSwitches        DescribeVSwitches       VSwitches.VSwitch[]
//	RouterTableList  DescribeRouteTableList  RouterTableList.RouterTableListType[]
//	FlowLogs         DescribeFlowLogs        FlowLogs.FlowLog[]
//	EipAddresses     DescribeEipAddresses    EipAddresses.EipAddress[]
//	NatGateways      DescribeNatGateways     NatGateways.NatGateway[]
var vpcProduct = &product{
	name:    "Vpc",
	version: "2016-04-28",
	key:     "vpc",
	collections: []collection{
		{name: "Vpcs", id: "VpcId"},
		{name: "VSwitches", id: "VSwitchId", required: []string{"VpcId"}},
		{name: "RouterTableList", id: "RouteTableId", required: []string{"VpcId"}},
		{name: "FlowLogs", id: "FlowLogId", required: []string{"ResourceId", "ResourceType"}},
		{name: "EipAddresses", id: "AllocationId", required: []string{"IpAddress"}},
		{name: "NatGateways", id: "NatGatewayId", required: []string{"VpcId"}},
	},
	validate: validateVPC,
	actions: map[string]action{
		"DescribeVpcs": {fn: vpcLister("Vpcs", "Vpc", pageSpec{defaultSize: 10, maxSize: 50},
			map[string]string{"VpcName": "VpcName", "IsDefault": "IsDefault"}, "VpcId")},
		"DescribeVSwitches": {fn: vpcLister("VSwitches", "VSwitch", pageSpec{defaultSize: 10, maxSize: 50},
			map[string]string{"VpcId": "VpcId", "VSwitchId": "VSwitchId", "ZoneId": "ZoneId", "VSwitchName": "VSwitchName", "IsDefault": "IsDefault"}, "")},
		"DescribeRouteTableList": {fn: vpcLister("RouterTableList", "RouterTableListType", pageSpec{defaultSize: 10, maxSize: 50},
			map[string]string{"VpcId": "VpcId", "RouteTableId": "RouteTableId", "RouteTableName": "RouteTableName",
				"RouterId": "RouterId", "RouterType": "RouterType", "RouteTableType": "RouteTableType"}, "")},
		"DescribeFlowLogs": {fn: vpcLister("FlowLogs", "FlowLog", pageSpec{defaultSize: 20, maxSize: 50},
			map[string]string{"FlowLogId": "FlowLogId", "FlowLogName": "FlowLogName", "ResourceId": "ResourceId",
				"ResourceType": "ResourceType", "Status": "Status", "TrafficType": "TrafficType",
				"ProjectName": "ProjectName", "LogStoreName": "LogStoreName"}, "")},
		"DescribeEipAddresses": {fn: vpcLister("EipAddresses", "EipAddress", pageSpec{defaultSize: 10, maxSize: 100},
			map[string]string{"AllocationId": "AllocationId", "EipAddress": "IpAddress", "Status": "Status",
				"AssociatedInstanceId": "InstanceId", "AssociatedInstanceType": "InstanceType", "EipName": "Name"}, "")},
		"DescribeNatGateways": {fn: vpcLister("NatGateways", "NatGateway", pageSpec{defaultSize: 10, maxSize: 50},
			map[string]string{"VpcId": "VpcId", "NatGatewayId": "NatGatewayId", "Name": "Name", "Status": "Status",
				"NatType": "NatType", "Spec": "Spec"}, "")},
	},
}

func validateVPC(v *validation, path string, cols Collections) {
	vpcs := ids(cols["Vpcs"], "VpcId")
	for _, name := range []string{"VSwitches", "RouterTableList", "NatGateways"} {
		for i, raw := range cols[name] {
			if id := fieldString(raw, "VpcId"); id != "" && !vpcs[id] {
				v.add(fmt.Sprintf("%s.%s[%d].VpcId", path, name, i), fmt.Sprintf("unknown VPC %q (not in %s.Vpcs)", id, path))
			}
		}
	}
}

// vpcLister serves a PageNumber/PageSize list of one collection. filters
// maps request parameters to the top-level fields they must equal
// (case-insensitively); commaIDs names a parameter holding up to 20
// comma-separated IDs (DescribeVpcs' VpcId).
func vpcLister(collection, item string, spec pageSpec, filters map[string]string, commaIDs string) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		objs := c.objects("vpc", collection)
		active := map[string]string{}
		for param, field := range filters {
			if v := c.param(param); v != "" {
				active[field] = v
			}
		}
		var idSet map[string]bool
		if commaIDs != "" && c.param(commaIDs) != "" {
			parts := strings.Split(c.param(commaIDs), ",")
			if len(parts) > 20 {
				return nil, errInvalid(commaIDs)
			}
			idSet = map[string]bool{}
			for _, p := range parts {
				idSet[strings.ToLower(strings.TrimSpace(p))] = true
			}
		}
		if len(active) > 0 || idSet != nil {
			var kept []json.RawMessage
			for _, raw := range objs {
				m := fields(raw)
				ok := idSet == nil || idSet[strings.ToLower(jsonString(m[commaIDs]))]
				for field, want := range active {
					got := jsonString(m[field])
					if got == "" && len(m[field]) > 0 {
						got = string(m[field]) // booleans and numbers
					}
					ok = ok && strings.EqualFold(got, want)
				}
				if ok {
					kept = append(kept, raw)
				}
			}
			objs = kept
		}
		p, err := c.paginate(objs, spec)
		if err != nil {
			return nil, err
		}
		resp := map[string]any{collection: list(item, p.items)}
		switch collection {
		case "FlowLogs":
			// DescribeFlowLogs spells its counters as strings.
			resp["TotalCount"], resp["PageNumber"], resp["PageSize"] = itoa(p.total), itoa(p.pageNumber), itoa(p.pageSize)
			resp["Success"] = "true"
		case "RouterTableList":
			p.fill(resp, spec)
			resp["Success"], resp["Code"], resp["Message"] = true, "200", "successful"
		default:
			p.fill(resp, spec)
		}
		return resp, nil
	}
}
