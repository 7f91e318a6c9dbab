package otsim

import (
	"strconv"
	"strings"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
)

// value is one Tablestore value. INTEGER keeps its number in i, BOOLEAN keeps
// 0/1 in i, DOUBLE keeps its IEEE-754 bits in i, STRING and BINARY keep their
// bytes in s. INF_MIN / INF_MAX only appear in range bounds.
type value struct {
	t byte
	i int64
	s string
}

func intValue(i int64) value     { return value{t: vtInteger, i: i} }
func strValue(s string) value    { return value{t: vtString, s: s} }
func blobValue(b []byte) value   { return value{t: vtBlob, s: string(b)} }
func boolValue(b bool) value     { return value{t: vtBoolean, i: b2i(b)} }
func infMin() value              { return value{t: vtInfMin} }
func infMax() value              { return value{t: vtInfMax} }
func (v value) isInf() bool      { return v.t == vtInfMin || v.t == vtInfMax }
func (v value) isAttrType() bool { return isAttrType(v.t) }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func isAttrType(t byte) bool {
	switch t {
	case vtInteger, vtDouble, vtBoolean, vtString, vtBlob:
		return true
	}
	return false
}

func typeName(t byte) string {
	switch t {
	case vtInteger:
		return "INTEGER"
	case vtDouble:
		return "DOUBLE"
	case vtBoolean:
		return "BOOLEAN"
	case vtString:
		return "STRING"
	case vtBlob:
		return "BINARY"
	case vtNull:
		return "NULL"
	case vtInfMin:
		return "INF_MIN"
	case vtInfMax:
		return "INF_MAX"
	case vtAutoIncrement:
		return "AUTO_INCREMENT"
	}
	return "UNKNOWN(0x" + strconv.FormatUint(uint64(t), 16) + ")"
}

// pkVariant maps a primary key schema type to its PlainBuffer variant type.
func pkVariant(t otsprotocol.PrimaryKeyType) byte {
	switch t {
	case otsprotocol.PrimaryKeyType_INTEGER:
		return vtInteger
	case otsprotocol.PrimaryKeyType_STRING:
		return vtString
	case otsprotocol.PrimaryKeyType_BINARY:
		return vtBlob
	}
	return 0xFF
}

// String renders a value for error messages.
func (v value) String() string {
	switch v.t {
	case vtInteger:
		return strconv.FormatInt(v.i, 10)
	case vtDouble:
		return strconv.FormatFloat(v.float(), 'g', -1, 64)
	case vtBoolean:
		return strconv.FormatBool(v.i != 0)
	case vtString:
		return strconv.Quote(v.s)
	case vtBlob:
		var b strings.Builder
		b.WriteString("0x")
		for i := 0; i < len(v.s); i++ {
			b.WriteString(strconv.FormatUint(uint64(v.s[i])>>4, 16))
			b.WriteString(strconv.FormatUint(uint64(v.s[i])&0xF, 16))
		}
		return b.String()
	}
	return typeName(v.t)
}

// comparePK orders primary key column values: INF_MIN sorts before and
// INF_MAX after everything, INTEGER compares numerically, STRING and BINARY
// compare bytewise. Values of different concrete types (never stored in one
// table) order by type code so the ordering stays total.
func comparePK(a, b value) int {
	if a.t == b.t {
		switch a.t {
		case vtInteger:
			switch {
			case a.i < b.i:
				return -1
			case a.i > b.i:
				return 1
			}
			return 0
		case vtString, vtBlob:
			return strings.Compare(a.s, b.s)
		}
		return 0 // INF_MIN==INF_MIN, INF_MAX==INF_MAX
	}
	if a.t == vtInfMin || b.t == vtInfMax {
		return -1
	}
	if a.t == vtInfMax || b.t == vtInfMin {
		return 1
	}
	if a.t < b.t {
		return -1
	}
	return 1
}

// compareKeys compares two primary keys column by column.
func compareKeys(a, b []value) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := comparePK(a[i], b[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// compareAttr compares two attribute values for filters and conditions. ok is
// false when the values are not comparable (different types, or NaN).
func compareAttr(a, b value) (c int, ok bool) {
	if a.t != b.t {
		return 0, false
	}
	switch a.t {
	case vtInteger, vtBoolean:
		switch {
		case a.i < b.i:
			return -1, true
		case a.i > b.i:
			return 1, true
		}
		return 0, true
	case vtDouble:
		x, y := a.float(), b.float()
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		case x == y:
			return 0, true
		}
		return 0, false
	case vtString, vtBlob:
		return strings.Compare(a.s, b.s), true
	}
	return 0, false
}
