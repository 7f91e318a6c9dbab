package otsim

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

// FuzzPlainBuffer feeds arbitrary bytes to the PlainBuffer decoder: it must
// never panic, and whatever it accepts must survive an encode/decode round
// trip unchanged.
func FuzzPlainBuffer(f *testing.F) {
	for _, b := range sdkEncodings() {
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{0x75, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = decodeValuePayload(data)
		rows, err := decodeRows(data)
		if err != nil {
			return
		}
		again, err := decodeRows(encodeRows(rows...))
		if err != nil {
			t.Fatalf("re-encoded rows do not decode: %v", err)
		}
		if !reflect.DeepEqual(rows, again) {
			t.Fatalf("round trip changed the rows:\n%+v\n%+v", rows, again)
		}
	})
}

// fuzzURIs are the URIs FuzzHandlers addresses by index; the last one is not
// implemented.
var fuzzURIs = []string{
	"/CreateTable", "/ListTable", "/DeleteTable", "/DescribeTable", "/UpdateTable",
	"/PutRow", "/GetRow", "/UpdateRow", "/DeleteRow", "/BatchGetRow", "/BatchWriteRow", "/GetRange",
	"/Search",
}

func responseFor(uri string) proto.Message {
	switch uri {
	case "/CreateTable":
		return &otsprotocol.CreateTableResponse{}
	case "/ListTable":
		return &otsprotocol.ListTableResponse{}
	case "/DeleteTable":
		return &otsprotocol.DeleteTableResponse{}
	case "/DescribeTable":
		return &otsprotocol.DescribeTableResponse{}
	case "/UpdateTable":
		return &otsprotocol.UpdateTableResponse{}
	case "/PutRow":
		return &otsprotocol.PutRowResponse{}
	case "/GetRow":
		return &otsprotocol.GetRowResponse{}
	case "/UpdateRow":
		return &otsprotocol.UpdateRowResponse{}
	case "/DeleteRow":
		return &otsprotocol.DeleteRowResponse{}
	case "/BatchGetRow":
		return &otsprotocol.BatchGetRowResponse{}
	case "/BatchWriteRow":
		return &otsprotocol.BatchWriteRowResponse{}
	case "/GetRange":
		return &otsprotocol.GetRangeResponse{}
	}
	return nil
}

// fuzzServer builds a listener-less server holding table "t" (id INTEGER)
// with rows 1..3 and table "s" (k STRING, n INTEGER) with one row.
func fuzzServer(t testing.TB) *Server {
	s, err := newServer(defaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name string, pks ...*otsprotocol.PrimaryKeySchema) {
		b, _ := proto.Marshal(&otsprotocol.CreateTableRequest{
			TableMeta:          &otsprotocol.TableMeta{TableName: proto.String(name), PrimaryKey: pks},
			ReservedThroughput: &otsprotocol.ReservedThroughput{CapacityUnit: &otsprotocol.CapacityUnit{Read: proto.Int32(0), Write: proto.Int32(0)}},
		})
		if _, e := s.createTable(b); e != nil {
			t.Fatal(e)
		}
	}
	mk("t", &otsprotocol.PrimaryKeySchema{Name: proto.String("id"), Type: otsprotocol.PrimaryKeyType_INTEGER.Enum()})
	mk("s", &otsprotocol.PrimaryKeySchema{Name: proto.String("k"), Type: otsprotocol.PrimaryKeyType_STRING.Enum()},
		&otsprotocol.PrimaryKeySchema{Name: proto.String("n"), Type: otsprotocol.PrimaryKeyType_INTEGER.Enum()})
	for i := int64(1); i <= 3; i++ {
		if _, e := s.putRow(seedPut("t", intValue(i))); e != nil {
			t.Fatal(e)
		}
	}
	return s
}

func seedPut(tableName string, id value) []byte {
	row := encodeRows(pbRow{pk: []pbCell{{name: "id", hasValue: true, val: id}},
		cells: []pbCell{{name: "v", hasValue: true, val: intValue(7)}, {name: "s", hasValue: true, val: strValue("x")}}})
	b, _ := proto.Marshal(&otsprotocol.PutRowRequest{TableName: proto.String(tableName), Row: row,
		Condition: &otsprotocol.Condition{RowExistence: otsprotocol.RowExistenceExpectation_IGNORE.Enum()}})
	return b
}

// handlerSeeds returns valid and invalid request bodies per URI index.
func handlerSeeds() []struct {
	uri  uint8
	body []byte
} {
	idx := map[string]uint8{}
	for i, u := range fuzzURIs {
		idx[u] = uint8(i)
	}
	pkT := func(id int64) []byte {
		return key("id", id).Build(false)
	}
	m := func(msg proto.Message) []byte {
		b, _ := proto.Marshal(msg)
		return b
	}
	cond := func(e otsprotocol.RowExistenceExpectation, col tablestore.ColumnFilter) *otsprotocol.Condition {
		c := &otsprotocol.Condition{RowExistence: e.Enum()}
		if col != nil {
			c.ColumnCondition = col.Serialize()
		}
		return c
	}
	upd := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: key("id", int64(1))}
	upd.IncrementColumn("v", 1)
	upd.DeleteColumn("s")
	minPK, maxPK := &tablestore.PrimaryKey{}, &tablestore.PrimaryKey{}
	minPK.AddPrimaryKeyColumnWithMinValue("id")
	maxPK.AddPrimaryKeyColumnWithMaxValue("id")
	var seeds []struct {
		uri  uint8
		body []byte
	}
	add := func(uri string, body []byte) {
		seeds = append(seeds, struct {
			uri  uint8
			body []byte
		}{idx[uri], body})
	}
	add("/CreateTable", m(&otsprotocol.CreateTableRequest{
		TableMeta:          &otsprotocol.TableMeta{TableName: proto.String("n"), PrimaryKey: []*otsprotocol.PrimaryKeySchema{{Name: proto.String("id"), Type: otsprotocol.PrimaryKeyType_BINARY.Enum()}}},
		ReservedThroughput: &otsprotocol.ReservedThroughput{CapacityUnit: &otsprotocol.CapacityUnit{}},
		TableOptions:       &otsprotocol.TableOptions{TimeToLive: proto.Int32(-1), MaxVersions: proto.Int32(1)},
	}))
	add("/ListTable", nil)
	add("/DeleteTable", m(&otsprotocol.DeleteTableRequest{TableName: proto.String("s")}))
	add("/DescribeTable", m(&otsprotocol.DescribeTableRequest{TableName: proto.String("t")}))
	add("/UpdateTable", m(&otsprotocol.UpdateTableRequest{TableName: proto.String("t"), TableOptions: &otsprotocol.TableOptions{TimeToLive: proto.Int32(86400)}}))
	add("/PutRow", seedPut("t", intValue(9)))
	add("/GetRow", m(&otsprotocol.GetRowRequest{TableName: proto.String("t"), PrimaryKey: pkT(1), MaxVersions: proto.Int32(1),
		Filter: tablestore.NewSingleColumnCondition("v", tablestore.CT_GREATER_THAN, int64(3)).Serialize()}))
	add("/UpdateRow", m(&otsprotocol.UpdateRowRequest{TableName: proto.String("t"), RowChange: upd.Serialize(),
		Condition:     cond(otsprotocol.RowExistenceExpectation_EXPECT_EXIST, tablestore.NewSingleColumnCondition("v", tablestore.CT_LESS_THAN, int64(100))),
		ReturnContent: &otsprotocol.ReturnContent{ReturnType: otsprotocol.ReturnType_RT_AFTER_MODIFY.Enum(), ReturnColumnNames: []string{"v"}}}))
	add("/DeleteRow", m(&otsprotocol.DeleteRowRequest{TableName: proto.String("t"), PrimaryKey: key("id", int64(2)).Build(true),
		Condition: cond(otsprotocol.RowExistenceExpectation_IGNORE, nil)}))
	add("/BatchGetRow", m(&otsprotocol.BatchGetRowRequest{Tables: []*otsprotocol.TableInBatchGetRowRequest{
		{TableName: proto.String("t"), PrimaryKey: [][]byte{pkT(1), pkT(5)}, MaxVersions: proto.Int32(1)}}}))
	add("/BatchWriteRow", m(&otsprotocol.BatchWriteRowRequest{Tables: []*otsprotocol.TableInBatchWriteRowRequest{
		{TableName: proto.String("t"), Rows: []*otsprotocol.RowInBatchWriteRowRequest{
			{Type: otsprotocol.OperationType_UPDATE.Enum(), RowChange: upd.Serialize(), Condition: cond(otsprotocol.RowExistenceExpectation_IGNORE, nil)},
			{Type: otsprotocol.OperationType_DELETE.Enum(), RowChange: key("id", int64(3)).Build(true), Condition: cond(otsprotocol.RowExistenceExpectation_EXPECT_EXIST, nil)},
		}}}}))
	add("/GetRange", m(&otsprotocol.GetRangeRequest{TableName: proto.String("t"), Direction: otsprotocol.Direction_BACKWARD.Enum(),
		InclusiveStartPrimaryKey: maxPK.Build(false), ExclusiveEndPrimaryKey: minPK.Build(false), MaxVersions: proto.Int32(1), Limit: proto.Int32(2)}))
	add("/Search", []byte{0x0a, 0x01, 't'})
	add("/PutRow", []byte{0xff, 0x00, 0x75})
	add("/GetRange", []byte("\x0a\x01t\x10\x00"))
	return seeds
}

// FuzzHandlers sends arbitrary bodies, correctly signed, to every URI through
// HTTPHandler. Whatever the body, the handler must not panic (a recovered
// panic would show as 500), every error must be a protobuf otsprotocol.Error
// and must leave the store untouched, and every success must decode as the
// URI's response message with all required fields set.
func FuzzHandlers(f *testing.F) {
	for _, sd := range handlerSeeds() {
		f.Add(sd.uri, sd.body)
	}
	opts := defaultOpts()
	f.Fuzz(func(t *testing.T, uriIndex uint8, body []byte) {
		s := fuzzServer(t)
		uri := fuzzURIs[int(uriIndex)%len(fuzzURIs)]
		before := s.version
		rec := rawRequest(s.HTTPHandler(), opts, uri, body)
		if rec.Header().Get("x-ots-requestid") == "" {
			t.Fatalf("%s: response without x-ots-requestid", uri)
		}
		if rec.Code == http.StatusOK {
			resp := responseFor(uri)
			if resp == nil {
				t.Fatalf("%s: unimplemented URI answered 200", uri)
			}
			if err := proto.Unmarshal(rec.Body.Bytes(), resp); err != nil {
				t.Fatalf("%s: 200 response does not decode as %T: %v", uri, resp, err)
			}
			return
		}
		if rec.Code == http.StatusInternalServerError {
			t.Fatalf("%s: internal error (recovered panic?): %q", uri, rec.Body.String())
		}
		var e otsprotocol.Error
		if err := proto.Unmarshal(rec.Body.Bytes(), &e); err != nil || !strings.HasPrefix(e.GetCode(), "OTS") || e.GetMessage() == "" {
			t.Fatalf("%s: status %d with a body that is not an OTS error (%v): %q", uri, rec.Code, err, rec.Body.String())
		}
		if s.version != before {
			t.Fatalf("%s: error %s %q but the store changed", uri, e.GetCode(), e.GetMessage())
		}
	})
}

// TestWriteFuzzSeeds regenerates testdata/fuzz when OTSIM_WRITE_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("OTSIM_WRITE_SEEDS") != "1" {
		t.Skip("set OTSIM_WRITE_SEEDS=1 to regenerate testdata/fuzz")
	}
	write := func(target, name, content string) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte("go test fuzz v1\n"+content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	enc := sdkEncodings()
	names := make([]string, 0, len(enc))
	for name := range enc {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		write("FuzzPlainBuffer", fmt.Sprintf("sdk-%02d", i), fmt.Sprintf("[]byte(%q)\n", enc[name]))
	}
	write("FuzzPlainBuffer", "truncated", fmt.Sprintf("[]byte(%q)\n", sdkEncodings()["put row"][:20]))
	for i, sd := range handlerSeeds() {
		write("FuzzHandlers", fmt.Sprintf("seed-%02d", i), fmt.Sprintf("byte(%q)\n[]byte(%q)\n", rune(sd.uri), sd.body))
	}
}
