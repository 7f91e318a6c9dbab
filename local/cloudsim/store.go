package cloudsim

import (
	"encoding/json"
	"strings"
)

// store is an inventory plus an index from identifying field to position for
// each collection. The Server's lock guards it.
type store struct {
	inv   *Inventory
	index map[colKey]map[string]int // lower-cased ID → position
}

type colKey struct{ region, product, name string }

func newStore(inv *Inventory) *store {
	s := &store{inv: inv, index: map[colKey]map[string]int{}}
	for region, ps := range inv.Regions {
		s.indexProducts(region, ps)
	}
	s.indexProducts("", inv.Global)
	return s
}

func (s *store) indexProducts(region string, ps Products) {
	for key, cols := range ps {
		for name := range cols {
			s.reindex(colKey{region, key, name})
		}
	}
}

// reindex rebuilds one collection's index.
func (s *store) reindex(k colKey) {
	p := productByKey(k.product)
	if p == nil {
		return
	}
	spec := p.collection(k.name)
	if spec == nil || spec.id == "" {
		return
	}
	objs := s.objects(k.region, k.product, k.name)
	idx := make(map[string]int, len(objs))
	for i, o := range objs {
		if id := fieldString(o, spec.id); id != "" {
			idx[strings.ToLower(id)] = i
		}
	}
	s.index[k] = idx
}

func (s *store) products(region string) Products {
	if region == "" {
		return s.inv.Global
	}
	return s.inv.Regions[region]
}

func (s *store) objects(region, product, name string) []json.RawMessage {
	return s.products(region)[product][name]
}

// find returns the position and object with the given ID. IDs compare
// case-insensitively, as Alibaba resource IDs and RAM names do.
func (s *store) find(region, product, name, id string) (int, json.RawMessage, bool) {
	idx, ok := s.index[colKey{region, product, name}]
	if !ok {
		return -1, nil, false
	}
	i, ok := idx[strings.ToLower(id)]
	if !ok {
		return -1, nil, false
	}
	return i, s.objects(region, product, name)[i], true
}

func (s *store) replace(region, product, name string, i int, obj json.RawMessage) {
	s.products(region)[product][name][i] = obj
}

func (s *store) add(region, product, name string, obj json.RawMessage) {
	_ = s.inv.Add(region, product, name, obj) // a RawMessage never fails to marshal
	s.reindex(colKey{region, product, name})
}
