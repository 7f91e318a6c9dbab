package cloudsim

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// products lists every emulated product. Adding a product is one file
// (product_<key>.go) declaring a *product, plus one entry in init below.
var products []*product

// init fills products. It is assigned here rather than in the declaration
// because handlers reach products (through productByKey), which would make
// the declaration an initialization cycle.
func init() {
	products = []*product{
		ecsProduct,
		vpcProduct,
		ramProduct,
		imsProduct,
		stsProduct,
		resourceManagerProduct,
		slsProduct,
		logProduct,
		csProduct,
		sasProduct,
		slbProduct,
		albProduct,
		nlbProduct,
		actiontrailProduct,
		kmsProduct,
		rdsProduct,
		kvstoreProduct,
		ddsProduct,
		polardbProduct,
		ossProduct,
		ossAccountProduct,
	}
}

// product is one emulated Alibaba Cloud product: its API identity, the
// inventory collections it owns and its actions.
type product struct {
	// name is the API product name the SDK uses ("Ecs", "Vpc"): the first
	// half of Calls() and Faults keys.
	name string
	// version is the API version, which identifies the product on the wire
	// (x-acs-version header and Version parameter).
	version string
	// key is the inventory key ("ecs"), or "" for products that keep no
	// state of their own (STS reads RAM's roles).
	key string
	// global marks account-level products, whose state lives under
	// Inventory.Global and whose calls ignore RegionId.
	global bool
	// collections are what the inventory may hold under key.
	collections []collection
	// validate, when set, runs cross-checks on one region's (or the
	// global) collections after the per-object checks.
	validate func(v *validation, path string, cols Collections)
	// ramNative products refuse permission with NoPermission (403 plus
	// AccessDeniedDetail) instead of Forbidden.RAM.
	ramNative bool
	// actions maps an API action name to its handler.
	actions map[string]action
	// routes maps ROA requests (method + path) to actions; products with
	// routes are ROA-style (see roa.go).
	routes []roaRoute
}

// collection describes one inventory collection of a product.
type collection struct {
	name     string   // the response field wrapping the list, e.g. "Instances"
	id       string   // the identifying field, unique per region, e.g. "InstanceId"
	required []string // other fields that must be non-empty strings
}

// action is one API action.
type action struct {
	// fn serves the call. It returns the response body, which is
	// marshaled with encoding/json after RequestId is added, or an
	// *APIError.
	fn func(c *call) (map[string]any, *APIError)
	// write actions run under the server's write lock.
	write bool
}

func (p *product) collection(name string) *collection {
	for i := range p.collections {
		if p.collections[i].name == name {
			return &p.collections[i]
		}
	}
	return nil
}

func (p *product) collectionNames() []string {
	out := make([]string, len(p.collections))
	for i, c := range p.collections {
		out[i] = c.name
	}
	return out
}

func productByKey(key string) *product {
	for _, p := range products {
		if p.key == key && key != "" {
			return p
		}
	}
	return nil
}

func productKeys(global bool) []string {
	var out []string
	for _, p := range products {
		if p.key != "" && p.global == global {
			out = append(out, p.key)
		}
	}
	sort.Strings(out)
	return out
}

// route finds the product and action for a request. Products are told apart
// by API version; should two products share a version, the action name
// decides.
func route(version, actionName string) (*product, action, bool) {
	for _, p := range products {
		if p.version != version {
			continue
		}
		if a, ok := p.actions[actionName]; ok {
			return p, a, true
		}
	}
	return nil, action{}, false
}

// productForVersion returns the first product with the version, for
// counting calls to unknown actions.
func productForVersion(version string) *product {
	for _, p := range products {
		if p.version == version {
			return p
		}
	}
	return nil
}

// call is one API request as a handler sees it.
type call struct {
	product   *product
	action    string
	region    string // RegionId ("" for global products)
	params    map[string]string
	body      []byte // ROA request body
	requestID string
	caller    *identity
	now       time.Time
	srv       *Server
	st        *store // the caller's account state (an empty one for foreign accounts)
}

// param returns a request parameter ("" if absent).
func (c *call) param(name string) string { return c.params[name] }

// repeated returns the values of a repeated parameter sent as name.1,
// name.2, ... in index order.
func (c *call) repeated(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := c.params[name+"."+itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

// repeatedObjects returns the objects of a repeated struct parameter sent as
// name.1.Field, name.2.Field, ... in index order.
func (c *call) repeatedObjects(name string) []map[string]string {
	byIndex := map[int]map[string]string{}
	prefix := name + "."
	max := 0
	for k, v := range c.params {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		dot := strings.IndexByte(rest, '.')
		if dot <= 0 {
			continue
		}
		n := 0
		for _, ch := range rest[:dot] {
			if ch < '0' || ch > '9' {
				n = -1
				break
			}
			n = n*10 + int(ch-'0')
		}
		if n <= 0 {
			continue
		}
		if byIndex[n] == nil {
			byIndex[n] = map[string]string{}
		}
		byIndex[n][rest[dot+1:]] = v
		if n > max {
			max = n
		}
	}
	var out []map[string]string
	for i := 1; i <= max; i++ {
		if m := byIndex[i]; m != nil {
			out = append(out, m)
		}
	}
	return out
}

// objects returns a collection of product key in the call's region (or the
// global one for account-level products).
func (c *call) objects(key, name string) []json.RawMessage {
	return c.st.objects(c.scope(key), key, name)
}

// find looks an object up by its identifying field.
func (c *call) find(key, name, id string) (int, json.RawMessage, bool) {
	return c.st.find(c.scope(key), key, name, id)
}

// replace stores a changed object at index i.
func (c *call) replace(key, name string, i int, obj json.RawMessage) {
	c.st.replace(c.scope(key), key, name, i, obj)
}

// add appends an object to a collection.
func (c *call) add(key, name string, obj json.RawMessage) {
	c.st.add(c.scope(key), key, name, obj)
}

func (c *call) scope(key string) string {
	if p := productByKey(key); p != nil && p.global {
		return ""
	}
	return c.region
}

// timestamp formats t as Alibaba APIs do ("2006-01-02T15:04:05Z").
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
