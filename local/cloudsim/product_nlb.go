package cloudsim

import "fmt"

// nlbProduct is Network Load Balancer (Nlb 2022-04-30). NLB has no
// listener ACLs; its load balancers carry SecurityGroupIds instead.
//
// Inventory (regions.<region>.nlb):
//
//	LoadBalancers  ListLoadBalancers' LoadBalancers[] items
//	Listeners      ListListeners' Listeners[] items
var nlbProduct = &product{
	name:      "Nlb",
	version:   "2022-04-30",
	key:       "nlb",
	ramNative: true,
	collections: []collection{
		{name: "LoadBalancers", id: "LoadBalancerId"},
		{name: "Listeners", id: "ListenerId", required: []string{"LoadBalancerId"}},
	},
	validate: func(v *validation, path string, cols Collections) {
		lbs := ids(cols["LoadBalancers"], "LoadBalancerId")
		for i, raw := range cols["Listeners"] {
			if id := fieldString(raw, "LoadBalancerId"); id != "" && !lbs[id] {
				v.add(fmt.Sprintf("%s.Listeners[%d].LoadBalancerId", path, i), fmt.Sprintf("unknown load balancer %q (not in %s.LoadBalancers)", id, path))
			}
		}
	},
	actions: map[string]action{
		"ListLoadBalancers": {fn: nlbListLoadBalancers},
		"ListListeners":     {fn: nlbListListeners},
	},
}

// nlbPages: MaxResults 1–100, 20 by default.
var nlbPages = pageSpec{maxResultsDefault: 20, maxResultsMax: 100}

// nlbAnswer adds the fields every NLB answer carries.
func nlbAnswer(resp map[string]any, err *APIError) (map[string]any, *APIError) {
	if err != nil {
		return nil, err
	}
	resp["Success"], resp["HttpStatusCode"] = true, 200
	return resp, nil
}

// nlbListLoadBalancers filters on LoadBalancerIds.N, LoadBalancerNames.N,
// VpcIds.N, AddressType and LoadBalancerStatus.
func nlbListLoadBalancers(c *call) (map[string]any, *APIError) {
	objs := c.objects("nlb", "LoadBalancers")
	objs = lbFilter(c, objs, "LoadBalancerIds", "LoadBalancerId")
	objs = lbFilter(c, objs, "LoadBalancerNames", "LoadBalancerName")
	objs = lbFilter(c, objs, "VpcIds", "VpcId")
	objs = lbFilterEq(c, objs, "AddressType", "AddressType")
	objs = lbFilterEq(c, objs, "LoadBalancerStatus", "LoadBalancerStatus")
	return nlbAnswer(lbTokenList(c, objs, nlbPages, "LoadBalancers"))
}

// nlbListListeners filters on LoadBalancerIds.N, ListenerIds.N and
// ListenerProtocol.
func nlbListListeners(c *call) (map[string]any, *APIError) {
	objs := c.objects("nlb", "Listeners")
	objs = lbFilter(c, objs, "LoadBalancerIds", "LoadBalancerId")
	objs = lbFilter(c, objs, "ListenerIds", "ListenerId")
	objs = lbFilterEq(c, objs, "ListenerProtocol", "ListenerProtocol")
	return nlbAnswer(lbTokenList(c, objs, nlbPages, "Listeners"))
}
