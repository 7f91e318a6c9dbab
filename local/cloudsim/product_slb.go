package cloudsim

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// slbProduct is Server Load Balancer, Classic Load Balancer (Slb 2014-05-15).
//
// Inventory (regions.<region>.slb):
//
//	LoadBalancers  DescribeLoadBalancers' LoadBalancers.LoadBalancer[] items, plus the
//	               backends as DescribeLoadBalancerAttribute returns them
//	               ("BackendServers": {"BackendServer": [...]}); DescribeLoadBalancers strips them.
//	               The attribute's ListenerPorts* lists are derived from Listeners.
//	Listeners      DescribeLoadBalancerListeners' Listeners[] items (LoadBalancerId,
//	               ListenerPort, ListenerProtocol, AclStatus, AclType, AclId, the
//	               <PROTO>ListenerConfig object, ...)
//	Acls           DescribeAccessControlLists' Acls.Acl[] items, plus the entries as
//	               DescribeAccessControlListAttribute returns them
//	               ("AclEntrys": {"AclEntry": [{"AclEntryIP", "AclEntryComment"}]});
//	               DescribeAccessControlLists strips them. RelatedListeners is derived
//	               from Listeners.
var slbProduct = &product{
	name:    "Slb",
	version: "2014-05-15",
	key:     "slb",
	collections: []collection{
		{name: "LoadBalancers", id: "LoadBalancerId"},
		{name: "Listeners", required: []string{"LoadBalancerId", "ListenerProtocol"}},
		{name: "Acls", id: "AclId"},
	},
	validate: validateSLB,
	actions: map[string]action{
		"DescribeLoadBalancers":                 {fn: slbDescribeLoadBalancers},
		"DescribeLoadBalancerAttribute":         {fn: slbDescribeLoadBalancerAttribute},
		"DescribeLoadBalancerListeners":         {fn: slbDescribeLoadBalancerListeners},
		"DescribeAccessControlLists":            {fn: slbDescribeAccessControlLists},
		"DescribeAccessControlListAttribute":    {fn: slbDescribeAccessControlListAttribute},
		"SetListenerAccessControlStatus":        {fn: slbSetListenerAccessControlStatus, write: true},
		"SetLoadBalancerTCPListenerAttribute":   {fn: slbSetListenerAttribute("tcp"), write: true},
		"SetLoadBalancerUDPListenerAttribute":   {fn: slbSetListenerAttribute("udp"), write: true},
		"SetLoadBalancerHTTPListenerAttribute":  {fn: slbSetListenerAttribute("http"), write: true},
		"SetLoadBalancerHTTPSListenerAttribute": {fn: slbSetListenerAttribute("https"), write: true},
		"AddAccessControlListEntry":             {fn: slbAclEntries(true), write: true},
		"RemoveAccessControlListEntry":          {fn: slbAclEntries(false), write: true},
	},
}

// Documented page limits.
var (
	slbLoadBalancerPages = pageSpec{defaultSize: 10, maxSize: 100}
	slbListenerPages     = pageSpec{maxResultsDefault: 20, maxResultsMax: 100}
	slbAclPages          = pageSpec{defaultSize: 10, maxSize: 50}
	slbAclEntryPages     = pageSpec{defaultSize: 10, maxSize: 50} // Page, not PageNumber
)

// Errors of the SLB API. Codes as the CLB documentation lists them; the
// HTTP statuses were chosen without a live confirmation.
var (
	errSLBNotFound = &APIError{Status: http.StatusBadRequest, Code: "InvalidLoadBalancerId.NotFound",
		Message: "The specified LoadBalancerId does not exist."}
	errSLBListenerNotFound = &APIError{Status: http.StatusBadRequest, Code: "ListenerNotExist",
		Message: "The specified listener does not exist."}
	errSLBAclNotFound = &APIError{Status: http.StatusBadRequest, Code: "AclNotExist",
		Message: "The specified acl does not exist."}
	errSLBAclEntryExists = &APIError{Status: http.StatusBadRequest, Code: "AclEntryExist",
		Message: "The specified acl entry already exists."}
	errSLBAclEntryNotFound = &APIError{Status: http.StatusBadRequest, Code: "AclEntryNotExist",
		Message: "The specified acl entry does not exist."}
	errSLBAclEntryQuota = &APIError{Status: http.StatusBadRequest, Code: "QuotaExceeded.AclEntry",
		Message: "The number of acl entries exceeds the quota (300 per ACL)."}
)

// slbListener is the part of a listener object the handlers read.
type slbListener struct {
	LoadBalancerId   string
	ListenerPort     int
	ListenerProtocol string
	AclStatus        string
	AclType          string
	AclId            string
	Description      string
}

func decodeSLBListener(raw json.RawMessage) slbListener {
	var l slbListener
	decodeInto(raw, &l)
	return l
}

func validateSLB(v *validation, path string, cols Collections) {
	lbs := ids(cols["LoadBalancers"], "LoadBalancerId")
	acls := ids(cols["Acls"], "AclId")
	seen := map[string]int{}
	for i, raw := range cols["Listeners"] {
		at := fmt.Sprintf("%s.Listeners[%d]", path, i)
		m := fields(raw)
		var port int
		if err := json.Unmarshal(m["ListenerPort"], &port); err != nil || port < 1 || port > 65535 {
			v.add(at+".ListenerPort", "want a port number 1-65535")
		}
		l := decodeSLBListener(raw)
		if l.LoadBalancerId != "" && !lbs[l.LoadBalancerId] {
			v.add(at+".LoadBalancerId", fmt.Sprintf("unknown load balancer %q (not in %s.LoadBalancers)", l.LoadBalancerId, path))
		}
		if p := strings.ToLower(l.ListenerProtocol); p != "" && p != "tcp" && p != "udp" && p != "http" && p != "https" {
			v.add(at+".ListenerProtocol", fmt.Sprintf("%q is not tcp, udp, http or https", l.ListenerProtocol))
		}
		if l.AclId != "" && !acls[l.AclId] {
			v.add(at+".AclId", fmt.Sprintf("unknown ACL %q (not in %s.Acls)", l.AclId, path))
		}
		if s := l.AclStatus; s != "" && s != "on" && s != "off" {
			v.add(at+".AclStatus", fmt.Sprintf("%q is not on or off", s))
		}
		key := strings.ToLower(l.LoadBalancerId + "|" + l.ListenerProtocol + "|" + strconv.Itoa(l.ListenerPort))
		if first, dup := seen[key]; dup {
			v.add(at, fmt.Sprintf("duplicate listener %s %s/%d (first at %s.Listeners[%d])", l.LoadBalancerId, l.ListenerProtocol, l.ListenerPort, path, first))
		} else {
			seen[key] = i
		}
	}
	for i, raw := range cols["Acls"] {
		var a struct {
			AclEntrys *struct{ AclEntry []map[string]json.RawMessage }
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			v.add(fmt.Sprintf("%s.Acls[%d].AclEntrys", path, i), `want {"AclEntry": [{"AclEntryIP", "AclEntryComment"}]}`)
			continue
		}
		if a.AclEntrys == nil {
			continue
		}
		for j, e := range a.AclEntrys.AclEntry {
			if jsonString(e["AclEntryIP"]) == "" {
				v.add(fmt.Sprintf("%s.Acls[%d].AclEntrys.AclEntry[%d].AclEntryIP", path, i, j), "missing")
			}
		}
	}
}

// slbDescribeLoadBalancers filters on LoadBalancerId (comma-separated, ≤20),
// LoadBalancerName, AddressType, NetworkType, VpcId, VSwitchId, Address,
// LoadBalancerStatus and ServerId (a backend server). PageSize ≤ 100.
func slbDescribeLoadBalancers(c *call) (map[string]any, *APIError) {
	objs := c.objects("slb", "LoadBalancers")
	var idSet map[string]bool
	if s := c.param("LoadBalancerId"); s != "" {
		parts := strings.Split(s, ",")
		if len(parts) > 20 {
			return nil, errInvalid("LoadBalancerId")
		}
		idSet = map[string]bool{}
		for _, p := range parts {
			idSet[strings.ToLower(strings.TrimSpace(p))] = true
		}
	}
	filters := map[string]string{}
	for _, f := range []string{"LoadBalancerName", "AddressType", "NetworkType", "VpcId", "VSwitchId", "Address", "LoadBalancerStatus"} {
		if v := c.param(f); v != "" {
			filters[f] = v
		}
	}
	server := c.param("ServerId")
	if idSet != nil || len(filters) > 0 || server != "" {
		var kept []json.RawMessage
		for _, raw := range objs {
			m := fields(raw)
			ok := idSet == nil || idSet[strings.ToLower(jsonString(m["LoadBalancerId"]))]
			for f, want := range filters {
				ok = ok && strings.EqualFold(jsonString(m[f]), want)
			}
			if ok && server != "" {
				var b struct {
					BackendServers struct{ BackendServer []struct{ ServerId string } }
				}
				decodeInto(raw, &b)
				found := false
				for _, s := range b.BackendServers.BackendServer {
					found = found || strings.EqualFold(s.ServerId, server)
				}
				ok = found
			}
			if ok {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := c.paginate(objs, slbLoadBalancerPages)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, len(p.items))
	for i, raw := range p.items {
		items[i] = without(raw, "BackendServers")
	}
	resp := map[string]any{"LoadBalancers": list("LoadBalancer", items)}
	p.fill(resp, slbLoadBalancerPages)
	return resp, nil
}

// slbListenersOf returns a load balancer's listeners in inventory order.
func slbListenersOf(c *call, lb string) []slbListener {
	var out []slbListener
	for _, raw := range c.objects("slb", "Listeners") {
		if l := decodeSLBListener(raw); strings.EqualFold(l.LoadBalancerId, lb) {
			out = append(out, l)
		}
	}
	return out
}

// slbDescribeLoadBalancerAttribute returns one load balancer with its
// backends and listener ports.
func slbDescribeLoadBalancerAttribute(c *call) (map[string]any, *APIError) {
	id := c.param("LoadBalancerId")
	if id == "" {
		return nil, errMissing("LoadBalancerId")
	}
	_, raw, ok := c.find("slb", "LoadBalancers", id)
	if !ok {
		return nil, errSLBNotFound
	}
	resp := map[string]any{}
	for k, v := range fields(raw) {
		resp[k] = v
	}
	if _, ok := resp["BackendServers"]; !ok {
		resp["BackendServers"] = list("BackendServer", nil)
	}
	ports := []int{}
	legacy := []map[string]any{}
	withDesc := []map[string]any{}
	for _, l := range slbListenersOf(c, id) {
		proto := strings.ToLower(l.ListenerProtocol)
		ports = append(ports, l.ListenerPort)
		legacy = append(legacy, map[string]any{"ListenerPort": l.ListenerPort, "ListenerProtocol": proto})
		withDesc = append(withDesc, map[string]any{"ListenerPort": l.ListenerPort, "ListenerProtocol": proto, "Description": l.Description})
	}
	resp["ListenerPorts"] = map[string]any{"ListenerPort": ports}
	resp["ListenerPortsAndProtocal"] = map[string]any{"ListenerPortAndProtocal": legacy}
	resp["ListenerPortsAndProtocol"] = map[string]any{"ListenerPortAndProtocol": withDesc}
	return resp, nil
}

// lbTokenPage pages a NextToken/MaxResults list whose API has no
// PageNumber mode: without NextToken or MaxResults the first
// maxResultsDefault items come back.
func lbTokenPage(c *call, items []json.RawMessage, spec pageSpec) (*page, *APIError) {
	if c.param("NextToken") == "" && c.param("MaxResults") == "" {
		c.params["MaxResults"] = itoa(spec.maxResultsDefault)
	}
	return c.paginate(items, spec)
}

// slbDescribeLoadBalancerListeners lists listeners of the region, filtered
// on LoadBalancerId.N (≤10), ListenerProtocol, ListenerPort and Description;
// NextToken + MaxResults ≤ 100 (20 by default).
func slbDescribeLoadBalancerListeners(c *call) (map[string]any, *APIError) {
	objs := c.objects("slb", "Listeners")
	lbs := c.repeated("LoadBalancerId")
	if len(lbs) > 10 {
		return nil, errInvalid("LoadBalancerId")
	}
	proto, port, desc := strings.ToLower(c.param("ListenerProtocol")), c.param("ListenerPort"), c.param("Description")
	if len(lbs) > 0 || proto != "" || port != "" || desc != "" {
		want := map[string]bool{}
		for _, id := range lbs {
			want[strings.ToLower(id)] = true
		}
		var kept []json.RawMessage
		for _, raw := range objs {
			l := decodeSLBListener(raw)
			if (len(lbs) == 0 || want[strings.ToLower(l.LoadBalancerId)]) && (proto == "" || strings.EqualFold(l.ListenerProtocol, proto)) &&
				(port == "" || strconv.Itoa(l.ListenerPort) == port) && (desc == "" || l.Description == desc) {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := lbTokenPage(c, objs, slbListenerPages)
	if err != nil {
		return nil, err
	}
	items := p.items
	if items == nil {
		items = []json.RawMessage{}
	}
	return map[string]any{"Listeners": items, "TotalCount": p.total, "MaxResults": p.pageSize, "NextToken": p.nextToken}, nil
}

// slbDescribeAccessControlLists filters on AclName (substring, as the API's
// fuzzy match) and AddressIPVersion; PageSize ≤ 50.
func slbDescribeAccessControlLists(c *call) (map[string]any, *APIError) {
	objs := c.objects("slb", "Acls")
	name, ver := c.param("AclName"), c.param("AddressIPVersion")
	if name != "" || ver != "" {
		var kept []json.RawMessage
		for _, raw := range objs {
			m := fields(raw)
			if (name == "" || strings.Contains(jsonString(m["AclName"]), name)) &&
				(ver == "" || strings.EqualFold(orDefault(jsonString(m["AddressIPVersion"]), "ipv4"), ver)) {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	p, err := c.paginate(objs, slbAclPages)
	if err != nil {
		return nil, err
	}
	items := make([]json.RawMessage, len(p.items))
	for i, raw := range p.items {
		items[i] = without(raw, "AclEntrys")
	}
	resp := map[string]any{"Acls": list("Acl", items), "Count": len(items)}
	p.fill(resp, slbAclPages)
	return resp, nil
}

// slbAclEntry is one ACL entry.
type slbAclEntry struct {
	AclEntryIP      string
	AclEntryComment string
}

func slbEntriesOf(raw json.RawMessage) []slbAclEntry {
	var a struct {
		AclEntrys struct{ AclEntry []slbAclEntry }
	}
	decodeInto(raw, &a)
	return a.AclEntrys.AclEntry
}

// slbDescribeAccessControlListAttribute returns an ACL, one page of its
// entries (Page and PageSize ≤ 50, 10 by default; TotalAclEntry counts
// them all) filtered on AclEntryComment, and the listeners using it.
func slbDescribeAccessControlListAttribute(c *call) (map[string]any, *APIError) {
	id := c.param("AclId")
	if id == "" {
		return nil, errMissing("AclId")
	}
	_, raw, ok := c.find("slb", "Acls", id)
	if !ok {
		return nil, errSLBAclNotFound
	}
	size, err := intParam(c.param("PageSize"), slbAclEntryPages.defaultSize, 1, slbAclEntryPages.maxSize)
	if err != nil {
		return nil, errInvalid("PageSize")
	}
	number, err := intParam(c.param("Page"), 1, 1, 1<<30)
	if err != nil {
		return nil, errInvalid("Page")
	}
	comment := c.param("AclEntryComment")
	var entries []slbAclEntry
	for _, e := range slbEntriesOf(raw) {
		if comment == "" || e.AclEntryComment == comment {
			entries = append(entries, e)
		}
	}
	pageEntries := []slbAclEntry{}
	if off := (number - 1) * size; off < len(entries) {
		pageEntries = entries[off:min(off+size, len(entries))]
	}
	resp := map[string]any{}
	for k, v := range fields(raw) {
		resp[k] = v
	}
	resp["AclEntrys"] = map[string]any{"AclEntry": pageEntries}
	resp["TotalAclEntry"] = len(entries)
	related := []map[string]any{}
	for _, lraw := range c.objects("slb", "Listeners") {
		if l := decodeSLBListener(lraw); strings.EqualFold(l.AclId, id) {
			related = append(related, map[string]any{"LoadBalancerId": l.LoadBalancerId, "ListenerPort": l.ListenerPort,
				"Protocol": strings.ToLower(l.ListenerProtocol), "AclType": l.AclType})
		}
	}
	resp["RelatedListeners"] = map[string]any{"RelatedListener": related}
	return resp, nil
}

// slbFindListener finds a listener by load balancer, port and (when given)
// protocol.
func slbFindListener(c *call, lb, port, proto string) (int, json.RawMessage, *APIError) {
	if lb == "" {
		return -1, nil, errMissing("LoadBalancerId")
	}
	if port == "" {
		return -1, nil, errMissing("ListenerPort")
	}
	if _, _, ok := c.find("slb", "LoadBalancers", lb); !ok {
		return -1, nil, errSLBNotFound
	}
	for i, raw := range c.objects("slb", "Listeners") {
		l := decodeSLBListener(raw)
		if strings.EqualFold(l.LoadBalancerId, lb) && strconv.Itoa(l.ListenerPort) == port &&
			(proto == "" || strings.EqualFold(l.ListenerProtocol, proto)) {
			return i, raw, nil
		}
	}
	return -1, nil, errSLBListenerNotFound
}

// slbSetListenerAccessControlStatus turns a listener's access control on
// (AccessControlStatus open_white_list) or off (close). In the ACL model
// this is the listener's AclStatus; turning it on needs an ACL already
// bound to the listener (AclId) and makes it a whitelist. This mapping of
// the legacy whitelist API onto ACLs was chosen without a live
// confirmation.
func slbSetListenerAccessControlStatus(c *call) (map[string]any, *APIError) {
	status := c.param("AccessControlStatus")
	if status == "" {
		return nil, errMissing("AccessControlStatus")
	}
	if status != "open_white_list" && status != "close" {
		return nil, errInvalid("AccessControlStatus")
	}
	i, raw, aerr := slbFindListener(c, c.param("LoadBalancerId"), c.param("ListenerPort"), c.param("ListenerProtocol"))
	if aerr != nil {
		return nil, aerr
	}
	l := decodeSLBListener(raw)
	if status == "open_white_list" && l.AclId == "" {
		return nil, errMissing("AclId")
	}
	c.replace("slb", "Listeners", i, patch(raw, func(m map[string]any) {
		if status == "open_white_list" {
			m["AclStatus"], m["AclType"] = "on", "white"
		} else {
			m["AclStatus"] = "off"
		}
	}))
	return map[string]any{}, nil
}

// slbSetListenerAttribute changes a listener's access control (AclStatus
// on/off, AclType white/black, AclId) and Description; the protocol is the
// action's (SetLoadBalancerHTTPListenerAttribute changes HTTP listeners).
// Other listener settings are accepted and ignored.
func slbSetListenerAttribute(proto string) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		i, raw, aerr := slbFindListener(c, c.param("LoadBalancerId"), c.param("ListenerPort"), proto)
		if aerr != nil {
			return nil, aerr
		}
		status, typ, aclID := c.param("AclStatus"), c.param("AclType"), c.param("AclId")
		if status != "" && status != "on" && status != "off" {
			return nil, errInvalid("AclStatus")
		}
		if typ != "" && typ != "white" && typ != "black" {
			return nil, errInvalid("AclType")
		}
		if aclID != "" {
			if _, _, ok := c.find("slb", "Acls", aclID); !ok {
				return nil, errSLBAclNotFound
			}
		}
		l := decodeSLBListener(raw)
		if status == "on" {
			if aclID == "" && l.AclId == "" {
				return nil, errMissing("AclId")
			}
			if typ == "" && l.AclType == "" {
				return nil, errMissing("AclType")
			}
		}
		_, descSet := c.params["Description"]
		c.replace("slb", "Listeners", i, patch(raw, func(m map[string]any) {
			if status != "" {
				m["AclStatus"] = status
			}
			if typ != "" {
				m["AclType"] = typ
			}
			if aclID != "" {
				m["AclId"] = aclID
				m["AclIds"] = []string{aclID}
			}
			if descSet {
				m["Description"] = c.param("Description")
			}
		}))
		return map[string]any{}, nil
	}
}

// slbAclEntries adds or removes ACL entries: AclEntrys is a JSON array of
// {"entry": "CIDR or IP", "comment": "..."} (at most 50 a call; an ACL holds
// at most 300). Adding an entry that exists answers AclEntryExist and
// removing one that does not AclEntryNotExist (codes from the CLB error
// list; not confirmed live).
func slbAclEntries(add bool) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		id := c.param("AclId")
		if id == "" {
			return nil, errMissing("AclId")
		}
		if c.param("AclEntrys") == "" {
			return nil, errMissing("AclEntrys")
		}
		var req []struct {
			Entry   string `json:"entry"`
			Comment string `json:"comment"`
		}
		if err := json.Unmarshal([]byte(c.param("AclEntrys")), &req); err != nil || len(req) == 0 || len(req) > 50 {
			return nil, errInvalid("AclEntrys")
		}
		i, raw, ok := c.find("slb", "Acls", id)
		if !ok {
			return nil, errSLBAclNotFound
		}
		entries := slbEntriesOf(raw)
		index := map[string]int{}
		for j, e := range entries {
			index[e.AclEntryIP] = j
		}
		for _, r := range req {
			if !slbValidEntry(r.Entry) {
				return nil, errInvalid("AclEntrys")
			}
			_, exists := index[r.Entry]
			switch {
			case add && exists:
				return nil, errSLBAclEntryExists
			case !add && !exists:
				return nil, errSLBAclEntryNotFound
			}
		}
		if add {
			if len(entries)+len(req) > 300 {
				return nil, errSLBAclEntryQuota
			}
			for _, r := range req {
				entries = append(entries, slbAclEntry{AclEntryIP: r.Entry, AclEntryComment: r.Comment})
			}
		} else {
			drop := map[string]bool{}
			for _, r := range req {
				drop[r.Entry] = true
			}
			kept := []slbAclEntry{}
			for _, e := range entries {
				if !drop[e.AclEntryIP] {
					kept = append(kept, e)
				}
			}
			entries = kept
		}
		if entries == nil {
			entries = []slbAclEntry{}
		}
		c.replace("slb", "Acls", i, patch(raw, func(m map[string]any) {
			m["AclEntrys"] = map[string]any{"AclEntry": entries}
		}))
		return map[string]any{}, nil
	}
}

// slbValidEntry accepts an IPv4/IPv6 address or CIDR block.
func slbValidEntry(s string) bool {
	if _, _, err := net.ParseCIDR(s); err == nil {
		return true
	}
	return net.ParseIP(s) != nil
}
