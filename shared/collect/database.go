package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/dds"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/polardb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/r_kvstore"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/rds"
)

// Shared by the database products: RDS, Redis/Tair (R-kvstore), MongoDB
// (Dds) and PolarDB.

// DBWhitelist is one IP whitelist group of a database: an RDS
// DBInstanceIPArray, a Redis or MongoDB SecurityIpGroup, a PolarDB
// DBClusterIPArray.
type DBWhitelist struct {
	Name string
	// Attribute is "hidden" for groups the console does not show (the
	// ones Alibaba services such as DMS and DTS add for themselves).
	Attribute   string
	IPType      string   // RDS: "ipv4" or "ipv6"; "" elsewhere
	NetworkType string   // RDS: "Classic", "VPC" or "MIX"; "" elsewhere
	Entries     []string // IP addresses and CIDR blocks, as listed
	Raw         json.RawMessage
}

// OpenEntries returns the entries that admit any address: 0.0.0.0/0 (and
// the bare 0.0.0.0 RDS reads the same way), ::/0, any other /0 block, and
// MySQL's "%".
func (w DBWhitelist) OpenEntries() []string {
	var out []string
	for _, e := range w.Entries {
		if openEntry(e) {
			out = append(out, e)
		}
	}
	return out
}

// OpenToInternet reports whether the group admits any address.
func (w DBWhitelist) OpenToInternet() bool { return len(w.OpenEntries()) > 0 }

func openEntry(e string) bool {
	e = strings.TrimSpace(e)
	if e == "0.0.0.0" || e == "%" {
		return true
	}
	if _, n, err := net.ParseCIDR(e); err == nil {
		ones, _ := n.Mask.Size()
		return ones == 0
	}
	return false
}

// anyOpen reports whether any group admits any address.
func anyOpen(ws []DBWhitelist) bool {
	for _, w := range ws {
		if w.OpenToInternet() {
			return true
		}
	}
	return false
}

// splitEntries splits a comma-separated whitelist.
func splitEntries(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// enabledWord reads the many spellings of "on" the database APIs use:
// "Yes", "on", "Enable", "Enabled", "Open", "true", "1".
func enabledWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "on", "enable", "enabled", "open", "opened", "true", "1":
		return true
	}
	return false
}

// dbGone reports whether err is a detail call's "no such resource" (the
// product's own NotFound code, not a missing API).
func dbGone(err error, codes ...string) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, code := range codes {
		if e.ErrorCode == code {
			return true
		}
	}
	return false
}

// dbFields decodes an answer's top level and checks that the named fields
// are present: an answer missing them is malformed.
func dbFields(body []byte, names ...string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("answer is not an object")
	}
	for _, n := range names {
		if v, ok := m[n]; !ok || string(v) == "null" {
			return nil, fmt.Errorf("%s missing", n)
		}
	}
	return m, nil
}

// dbEvidence is an answer without its RequestId, kept as evidence (the
// same settings give the same bytes on every scan).
func dbEvidence(m map[string]json.RawMessage) json.RawMessage {
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		if k != "RequestId" {
			out[k] = v
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil
	}
	return b
}

// dbString decodes a string field ("" when absent); a field of another
// type is malformed.
func dbString(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: want a string, got %s", name, truncate(raw, 40))
	}
	return s, nil
}

// dbSwitch decodes an answer whose string field name must be present:
// whether it reads as on (enabledWord), and the answer as evidence.
func dbSwitch(body []byte, name string) (bool, json.RawMessage, error) {
	m, err := dbFields(body, name)
	if err != nil {
		return false, nil, err
	}
	s, err := dbString(m, name)
	return enabledWord(s), dbEvidence(m), err
}

// dbTDE decodes a MongoDB or PolarDB TDE answer: TDEStatus (required) as
// on or off, the EncryptionKey, and the answer as evidence.
func dbTDE(body []byte) (bool, string, json.RawMessage, error) {
	m, err := dbFields(body, "TDEStatus")
	if err != nil {
		return false, "", nil, err
	}
	s, err := dbString(m, "TDEStatus")
	if err != nil {
		return false, "", nil, err
	}
	key, err := dbString(m, "EncryptionKey")
	return enabledWord(s), key, dbEvidence(m), err
}

// dbDescribe sends one detail call and decodes its answer; a decoding
// failure is a malformed *Error for that call.
func (c *Collector) dbDescribe(ctx context.Context, account, region string, req requests.AcsRequest, decode func(body []byte) error) error {
	body, err := c.do(ctx, account, region, req)
	if err != nil {
		return err
	}
	if err := decode(body); err != nil {
		return malformed(req, region, err)
	}
	return nil
}

// dbPage decodes a list page: the count field, and the items under
// wrapper.item, each decoded by newItem (which fails on an item without
// its ID).
func dbPage[T any](body []byte, countField, wrapper, item string, newItem func(raw json.RawMessage) (*T, error)) (int, []*T, error) {
	m, err := dbFields(body, countField)
	if err != nil {
		return 0, nil, err
	}
	var total flexInt
	if err := json.Unmarshal(m[countField], &total); err != nil {
		return 0, nil, fmt.Errorf("%s: %v", countField, err)
	}
	raws, err := listOf(m[wrapper], item, wrapper)
	if err != nil {
		return 0, nil, err
	}
	out := make([]*T, 0, len(raws))
	for _, raw := range raws {
		v, err := newItem(raw)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, v)
	}
	return int(total), out, nil
}

// detailGroup runs an item's detail calls concurrently and turns the
// product's "no such resource" codes into errGone.
func detailGroup(ctx context.Context, goneCodes []string, calls ...func(ctx context.Context) error) error {
	g := newGroup(ctx)
	for _, call := range calls {
		g.run(call)
	}
	err := g.wait()
	if err != nil && dbGone(err, goneCodes...) {
		return errGone
	}
	return err
}

// dbEndpoint is the production host of a database product in a region,
// from the SDK's endpoint tables (several regions share a central
// endpoint such as rds.aliyuncs.com; MongoDB answers on mongodb.*).
func dbEndpoint(product, region string) string {
	var table map[string]string
	prefix := strings.ToLower(product)
	switch product {
	case "Rds":
		table = rds.GetEndpointMap()
	case "R-kvstore":
		table = r_kvstore.GetEndpointMap()
	case "Dds":
		table, prefix = dds.GetEndpointMap(), "mongodb"
	case "polardb":
		table = polardb.GetEndpointMap()
	}
	if h := table[region]; h != "" {
		return h
	}
	if region == "" {
		return prefix + ".aliyuncs.com"
	}
	return prefix + "." + region + ".aliyuncs.com"
}
