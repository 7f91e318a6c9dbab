package otsim

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// sdkEncodings returns PlainBuffer blocks produced by the SDK's own encoders.
func sdkEncodings() map[string][]byte {
	out := map[string][]byte{}
	pk := key("s", "tenant-1", "i", int64(-9), "b", []byte{0, 0xFF})
	out["primary key"] = pk.Build(false)
	out["primary key with delete marker"] = pk.Build(true)

	inf := &tablestore.PrimaryKey{}
	inf.AddPrimaryKeyColumnWithMinValue("a")
	inf.AddPrimaryKeyColumnWithMaxValue("b")
	inf.AddPrimaryKeyColumnWithAutoIncrement("c")
	out["INF_MIN, INF_MAX, AUTO_INCREMENT"] = inf.Build(false)

	put := &tablestore.PutRowChange{TableName: "t", PrimaryKey: key("id", int64(7))}
	put.AddColumn("i", int64(math.MinInt64))
	put.AddColumn("d", math.Inf(-1))
	put.AddColumn("t", true)
	put.AddColumn("f", false)
	put.AddColumn("s", "héllo")
	put.AddColumn("e", "")
	put.AddColumn("bin", []byte{1, 2, 3})
	put.AddColumnWithTimestamp("ts", int64(1), 1700000000123)
	out["put row"] = put.Serialize()

	upd := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: key("id", "x")}
	upd.PutColumn("p", 1.5)
	upd.PutColumnWithTimestamp("pt", "v", 42)
	upd.DeleteColumn("da")
	upd.DeleteColumnWithTimestamp("do", 99)
	upd.IncrementColumn("inc", -3)
	out["update row"] = upd.Serialize()

	del := &tablestore.DeleteRowChange{TableName: "t", PrimaryKey: key("id", int64(1))}
	out["delete row"] = del.Serialize()
	return out
}

// TestPlainBufferMatchesSDK decodes (with checksum verification) every block
// the SDK encodes and re-encodes it: the bytes must be identical, which pins
// the layout and the CRC-8 algorithm to the SDK's.
func TestPlainBufferMatchesSDK(t *testing.T) {
	for name, b := range sdkEncodings() {
		t.Run(name, func(t *testing.T) {
			rows, err := decodeRows(b)
			if err != nil {
				t.Fatalf("decoding SDK bytes %s: %v", hex.EncodeToString(b), err)
			}
			if len(rows) != 1 {
				t.Fatalf("decoded %d rows, want 1", len(rows))
			}
			if got := encodeRows(rows...); !bytes.Equal(got, b) {
				t.Fatalf("re-encoded bytes differ from the SDK's\n got %s\nwant %s", hex.EncodeToString(got), hex.EncodeToString(b))
			}
		})
	}
}

func TestPlainBufferDecodedValues(t *testing.T) {
	rows, err := decodeRows(sdkEncodings()["update row"])
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	want := []pbCell{
		{name: "p", hasValue: true, val: doubleValue(1.5)},
		{name: "pt", hasValue: true, val: strValue("v"), hasTS: true, ts: 42},
		{name: "da", hasOp: true, op: opDeleteAll},
		{name: "do", hasOp: true, op: opDeleteOne, hasTS: true, ts: 99},
		{name: "inc", hasValue: true, val: intValue(-3), hasOp: true, op: opIncrement},
	}
	if !reflect.DeepEqual(r.cells, want) {
		t.Errorf("update cells decoded as\n%+v\nwant\n%+v", r.cells, want)
	}
	if !reflect.DeepEqual(r.pk, []pbCell{{name: "id", hasValue: true, val: strValue("x")}}) {
		t.Errorf("update pk decoded as %+v", r.pk)
	}
	rows, err = decodeRows(sdkEncodings()["INF_MIN, INF_MAX, AUTO_INCREMENT"])
	if err != nil {
		t.Fatal(err)
	}
	var types []byte
	for _, c := range rows[0].pk {
		types = append(types, c.val.t)
	}
	if !bytes.Equal(types, []byte{vtInfMin, vtInfMax, vtAutoIncrement}) {
		t.Errorf("special PK values decoded as types %v", types)
	}
}

// TestPlainBufferRejectsDamage checks that every truncation and every single
// byte flip of valid blocks is either rejected with an errPlainBuffer error or
// (for flips the checksum cannot see) decodes cleanly, and never panics.
func TestPlainBufferRejectsDamage(t *testing.T) {
	for name, b := range sdkEncodings() {
		for n := 0; n < len(b); n++ {
			if _, err := decodeOneRow(b[:n]); err == nil || !errors.Is(err, errPlainBuffer) {
				t.Errorf("%s truncated to %d bytes: err = %v, want an errPlainBuffer error", name, n, err)
			}
		}
		rejected := 0
		for i := range b {
			for _, x := range []byte{0x01, 0x80, 0xFF} {
				d := append([]byte(nil), b...)
				d[i] ^= x
				if _, err := decodeRows(d); err != nil {
					rejected++
				}
			}
		}
		if rejected < len(b)*3*9/10 {
			t.Errorf("%s: only %d of %d corrupted copies were rejected", name, rejected, len(b)*3)
		}
	}
}

func TestPlainBufferValuePayload(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"integer", append([]byte{vtInteger}, 1, 0, 0, 0, 0, 0, 0, 0), true},
		{"short integer", []byte{vtInteger, 1, 0}, false},
		{"bool", []byte{vtBoolean, 1}, true},
		{"bool 2", []byte{vtBoolean, 2}, false},
		{"string", []byte{vtString, 2, 0, 0, 0, 'h', 'i'}, true},
		{"string length too big", []byte{vtString, 0xFF, 0xFF, 0xFF, 0xFF, 'h'}, false},
		{"string trailing byte", []byte{vtString, 1, 0, 0, 0, 'h', 'i'}, false},
		{"unknown type", []byte{0x42}, false},
		{"empty", nil, false},
	}
	for _, tc := range tests {
		_, err := decodeValuePayload(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestRowIndex(t *testing.T) {
	var ix rowIndex
	const n = 5000
	// Insert in a scrambled order, then remove every third key.
	for i := 0; i < n; i++ {
		j := (i * 7919) % n
		ix.put(&row{pk: []value{intValue(int64(j))}})
	}
	for i := 0; i < n; i += 3 {
		if !ix.remove([]value{intValue(int64(i))}) {
			t.Fatalf("remove(%d) reported a missing key", i)
		}
	}
	if ix.remove([]value{intValue(0)}) {
		t.Fatalf("second remove(0) reported success")
	}
	var got []int64
	for p := (pos{}); ix.valid(p); p = ix.next(p) {
		got = append(got, ix.at(p).pk[0].i)
	}
	var want []int64
	for i := 0; i < n; i++ {
		if i%3 != 0 {
			want = append(want, int64(i))
		}
	}
	if !equalIDs(got, want) || ix.len() != len(want) {
		t.Fatalf("index holds %d keys (len %d), want %d in order", len(got), ix.len(), len(want))
	}
	var back []int64
	for p := ix.prev(ix.end()); ix.valid(p); p = ix.prev(p) {
		back = append(back, ix.at(p).pk[0].i)
	}
	for i := range back {
		if back[i] != want[len(want)-1-i] {
			t.Fatalf("backward iteration differs at %d", i)
		}
	}
	for _, c := range ix.chunks {
		if len(c) == 0 || len(c) > chunkMax {
			t.Fatalf("chunk of size %d", len(c))
		}
	}
}

func TestStoredRowSize(t *testing.T) {
	tb := &table{pkNames: []string{"tenant", "n"}}
	pk := []value{strValue("acme"), intValue(3)}
	for _, cells := range [][]cell{nil, {{name: "a", v: strValue("xyz"), ts: 1}, {name: "flag", v: boolValue(true), ts: 2}, {name: "d", v: doubleValue(1)}}} {
		w := &pbWriter{}
		w.storedRow(tb, pk, cells)
		if got := storedRowSize(tb, pk, cells); got != len(w.buf) {
			t.Errorf("storedRowSize = %d, encoded row is %d bytes (%d cells)", got, len(w.buf), len(cells))
		}
	}
}
