package otsim

import (
	"fmt"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

const maxFilterDepth = 32

// filter is a parsed otsprotocol.Filter tree.
type filter struct {
	typ otsprotocol.FilterType

	// FT_SINGLE_COLUMN_VALUE
	cmp             otsprotocol.ComparatorType
	column          string
	val             value
	filterIfMissing bool

	// FT_COMPOSITE_COLUMN_VALUE
	op   otsprotocol.LogicalOperator
	subs []*filter

	// FT_COLUMN_PAGINATION (read filters only, top level)
	offset, limit int32
}

// parseFilter decodes serialized Filter bytes. Pagination filters are only
// accepted at the top level of read filters (allowPagination).
func parseFilter(b []byte, allowPagination bool) (*filter, error) {
	var f otsprotocol.Filter
	if err := proto.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("invalid filter: %v", err)
	}
	return parseFilterMsg(&f, 0, allowPagination)
}

func parseFilterMsg(f *otsprotocol.Filter, depth int, allowPagination bool) (*filter, error) {
	if depth > maxFilterDepth {
		return nil, fmt.Errorf("filter nesting deeper than %d", maxFilterDepth)
	}
	if f == nil || f.Type == nil || f.Filter == nil {
		return nil, fmt.Errorf("filter is missing its type or body")
	}
	switch f.GetType() {
	case otsprotocol.FilterType_FT_SINGLE_COLUMN_VALUE:
		var sf otsprotocol.SingleColumnValueFilter
		if err := proto.Unmarshal(f.Filter, &sf); err != nil {
			return nil, fmt.Errorf("invalid SingleColumnValueFilter: %v", err)
		}
		cmp := sf.GetComparator()
		if cmp < otsprotocol.ComparatorType_CT_EQUAL || cmp > otsprotocol.ComparatorType_CT_LESS_EQUAL {
			return nil, fmt.Errorf("invalid comparator %d", cmp)
		}
		if sf.GetColumnName() == "" {
			return nil, fmt.Errorf("filter column name is empty")
		}
		if sf.ValueTransRule != nil {
			return nil, fmt.Errorf("value_trans_rule (regex filters) is not supported by otsim")
		}
		v, err := decodeValuePayload(sf.ColumnValue)
		if err != nil {
			return nil, fmt.Errorf("filter value of column %q: %v", sf.GetColumnName(), err)
		}
		if !v.isAttrType() {
			return nil, fmt.Errorf("filter value of column %q has type %s", sf.GetColumnName(), typeName(v.t))
		}
		return &filter{typ: f.GetType(), cmp: cmp, column: sf.GetColumnName(), val: v, filterIfMissing: sf.GetFilterIfMissing()}, nil
	case otsprotocol.FilterType_FT_COMPOSITE_COLUMN_VALUE:
		var cf otsprotocol.CompositeColumnValueFilter
		if err := proto.Unmarshal(f.Filter, &cf); err != nil {
			return nil, fmt.Errorf("invalid CompositeColumnValueFilter: %v", err)
		}
		out := &filter{typ: f.GetType(), op: cf.GetCombinator()}
		switch out.op {
		case otsprotocol.LogicalOperator_LO_NOT:
			if len(cf.SubFilters) != 1 {
				return nil, fmt.Errorf("LO_NOT needs exactly one sub filter, got %d", len(cf.SubFilters))
			}
		case otsprotocol.LogicalOperator_LO_AND, otsprotocol.LogicalOperator_LO_OR:
			if len(cf.SubFilters) == 0 {
				return nil, fmt.Errorf("%s needs at least one sub filter", out.op)
			}
		default:
			return nil, fmt.Errorf("invalid logical operator %d", out.op)
		}
		for _, sub := range cf.SubFilters {
			sf, err := parseFilterMsg(sub, depth+1, false)
			if err != nil {
				return nil, err
			}
			out.subs = append(out.subs, sf)
		}
		return out, nil
	case otsprotocol.FilterType_FT_COLUMN_PAGINATION:
		if !allowPagination {
			return nil, fmt.Errorf("a column pagination filter is only allowed as the top-level filter of a read")
		}
		var pf otsprotocol.ColumnPaginationFilter
		if err := proto.Unmarshal(f.Filter, &pf); err != nil {
			return nil, fmt.Errorf("invalid ColumnPaginationFilter: %v", err)
		}
		if pf.GetOffset() < 0 || pf.GetLimit() < 0 {
			return nil, fmt.Errorf("column pagination offset and limit must not be negative")
		}
		return &filter{typ: f.GetType(), offset: pf.GetOffset(), limit: pf.GetLimit()}, nil
	}
	return nil, fmt.Errorf("invalid filter type %d", f.GetType())
}

// match evaluates the filter against the given attribute cells (sorted by
// name). A missing column makes a single-column filter pass unless
// filter_if_missing is set. Values of different types are unequal and
// unordered: EQUAL and the ordering comparators fail, NOT_EQUAL passes.
func (f *filter) match(cells []cell) bool {
	switch f.typ {
	case otsprotocol.FilterType_FT_SINGLE_COLUMN_VALUE:
		r := row{cells: cells}
		c, ok := r.find(f.column)
		if !ok {
			return !f.filterIfMissing
		}
		d, ok := compareAttr(c.v, f.val)
		if !ok {
			return f.cmp == otsprotocol.ComparatorType_CT_NOT_EQUAL
		}
		switch f.cmp {
		case otsprotocol.ComparatorType_CT_EQUAL:
			return d == 0
		case otsprotocol.ComparatorType_CT_NOT_EQUAL:
			return d != 0
		case otsprotocol.ComparatorType_CT_GREATER_THAN:
			return d > 0
		case otsprotocol.ComparatorType_CT_GREATER_EQUAL:
			return d >= 0
		case otsprotocol.ComparatorType_CT_LESS_THAN:
			return d < 0
		case otsprotocol.ComparatorType_CT_LESS_EQUAL:
			return d <= 0
		}
		return false
	case otsprotocol.FilterType_FT_COMPOSITE_COLUMN_VALUE:
		switch f.op {
		case otsprotocol.LogicalOperator_LO_NOT:
			return !f.subs[0].match(cells)
		case otsprotocol.LogicalOperator_LO_AND:
			for _, s := range f.subs {
				if !s.match(cells) {
					return false
				}
			}
			return true
		default:
			for _, s := range f.subs {
				if s.match(cells) {
					return true
				}
			}
			return false
		}
	}
	return true // pagination never rejects a row
}

// paginate applies a column pagination filter to a row's cells.
func (f *filter) paginate(cells []cell) []cell {
	if f == nil || f.typ != otsprotocol.FilterType_FT_COLUMN_PAGINATION {
		return cells
	}
	off := int(f.offset)
	if off >= len(cells) {
		return nil
	}
	cells = cells[off:]
	if int(f.limit) < len(cells) {
		cells = cells[:f.limit]
	}
	return cells
}
