package collect

import (
	"encoding/json"
	"reflect"
	"strings"
)

// Asset is one collected resource, flattened for the asset table.
type Asset struct {
	Product string // "ecs", the Inventory field in lower case
	Type    string // the list it came from: "Instances", "SecurityGroups", ...
	ID      string
	Name    string
	Region  string
	Raw     json.RawMessage // the API object, as evidence
}

var rawType = reflect.TypeOf(json.RawMessage(nil))

// Assets lists every top-level resource in inv that keeps its raw API object: each
// product inventory's lists whose items have an ID and a Raw field. It reads the
// inventory's shape, so a product added to Inventory yields assets with no change here.
func (inv *Inventory) Assets() []Asset {
	var out []Asset
	v := reflect.ValueOf(inv).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.Pointer || f.IsNil() || f.Elem().Kind() != reflect.Struct {
			continue
		}
		product := strings.ToLower(v.Type().Field(i).Name)
		pv := f.Elem()
		for j := range pv.NumField() {
			list := pv.Field(j)
			if list.Kind() != reflect.Slice {
				continue
			}
			typ := pv.Type().Field(j).Name
			for k := range list.Len() {
				item := reflect.Indirect(list.Index(k))
				if item.Kind() != reflect.Struct {
					break
				}
				raw, id := item.FieldByName("Raw"), item.FieldByName("ID")
				if !raw.IsValid() || raw.Type() != rawType || !id.IsValid() || id.Kind() != reflect.String {
					break
				}
				a := Asset{Product: product, Type: typ, ID: id.String(), Region: inv.Region, Raw: raw.Interface().(json.RawMessage)}
				if n := item.FieldByName("Name"); n.IsValid() && n.Kind() == reflect.String {
					a.Name = n.String()
				}
				if r := item.FieldByName("Region"); r.IsValid() && r.Kind() == reflect.String && r.String() != "" {
					a.Region = r.String()
				}
				out = append(out, a)
			}
		}
	}
	return out
}
