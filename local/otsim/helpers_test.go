package otsim

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

// startServer starts an emulator and closes it when the test ends.
func startServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := NewServer(opts)
	if err != nil {
		t.Fatalf("NewServer(%+v): %v", opts, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

type pkCol struct {
	name string
	typ  tablestore.PrimaryKeyType
}

func createTable(t testing.TB, c *tablestore.TableStoreClient, name string, pks ...pkCol) {
	t.Helper()
	if err := tryCreateTable(c, name, -1, pks...); err != nil {
		t.Fatalf("CreateTable(%s): %v", name, err)
	}
}

func tryCreateTable(c *tablestore.TableStoreClient, name string, ttl int, pks ...pkCol) error {
	meta := &tablestore.TableMeta{TableName: name}
	for _, p := range pks {
		meta.AddPrimaryKeyColumn(p.name, p.typ)
	}
	_, err := c.CreateTable(&tablestore.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: ttl, MaxVersion: 1},
		ReservedThroughput: &tablestore.ReservedThroughput{},
	})
	return err
}

// key builds a primary key from name/value pairs.
func key(kv ...any) *tablestore.PrimaryKey {
	pk := &tablestore.PrimaryKey{}
	for i := 0; i < len(kv); i += 2 {
		pk.AddPrimaryKeyColumn(kv[i].(string), kv[i+1])
	}
	return pk
}

// cols builds an ordered list of attribute columns from name/value pairs.
func cols(kv ...any) []tablestore.AttributeColumn {
	var out []tablestore.AttributeColumn
	for i := 0; i < len(kv); i += 2 {
		out = append(out, tablestore.AttributeColumn{ColumnName: kv[i].(string), Value: kv[i+1]})
	}
	return out
}

func putRow(t testing.TB, c *tablestore.TableStoreClient, tableName string, pk *tablestore.PrimaryKey, columns []tablestore.AttributeColumn) {
	t.Helper()
	if err := tryPut(c, tableName, pk, columns, tablestore.RowExistenceExpectation_IGNORE, nil); err != nil {
		t.Fatalf("PutRow(%s): %v", tableName, err)
	}
}

func tryPut(c *tablestore.TableStoreClient, tableName string, pk *tablestore.PrimaryKey, columns []tablestore.AttributeColumn, exist tablestore.RowExistenceExpectation, cond tablestore.ColumnFilter) error {
	ch := &tablestore.PutRowChange{TableName: tableName, PrimaryKey: pk, Columns: columns}
	ch.SetCondition(exist)
	if cond != nil {
		ch.SetColumnCondition(cond)
	}
	_, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch})
	return err
}

// getRow returns the row's attribute columns as a map, or nil if absent.
func getRow(t testing.TB, c *tablestore.TableStoreClient, tableName string, pk *tablestore.PrimaryKey, columnsToGet ...string) map[string]any {
	t.Helper()
	resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{
		TableName: tableName, PrimaryKey: pk, MaxVersion: 1, ColumnsToGet: columnsToGet,
	}})
	if err != nil {
		t.Fatalf("GetRow(%s): %v", tableName, err)
	}
	return rowMap(resp.PrimaryKey.PrimaryKeys, resp.Columns)
}

func rowMap(pk []*tablestore.PrimaryKeyColumn, columns []*tablestore.AttributeColumn) map[string]any {
	if len(pk) == 0 {
		return nil
	}
	m := map[string]any{}
	for _, c := range columns {
		m[c.ColumnName] = c.Value
	}
	return m
}

// otsError extracts the SDK error or fails.
func asOts(t testing.TB, err error, what string) *tablestore.OtsError {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: expected an OTS error, got success", what)
	}
	var oe *tablestore.OtsError
	if !errors.As(err, &oe) {
		t.Fatalf("%s: expected *tablestore.OtsError, got %T: %v", what, err, err)
	}
	return oe
}

func wantOts(t testing.TB, err error, code string, status int, what string) *tablestore.OtsError {
	t.Helper()
	oe := asOts(t, err, what)
	if oe.Code != code || oe.HttpStatusCode != status {
		t.Fatalf("%s: got %s/%d (%q), want %s/%d", what, oe.Code, oe.HttpStatusCode, oe.Message, code, status)
	}
	if oe.RequestId == "" {
		t.Errorf("%s: error without x-ots-requestid", what)
	}
	return oe
}

func sameMap(got, want map[string]any) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			return false
		}
	}
	return true
}

// rawRequest sends a correctly signed request with an arbitrary body to the
// handler in-process and returns the recorded response.
func rawRequest(h http.Handler, opts Options, uri string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "http://otsim"+uri, bytes.NewReader(body))
	signHeaders(req, opts, uri, body)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func signHeaders(req *http.Request, opts Options, uri string, body []byte) {
	sum := md5.Sum(body)
	req.Header.Set("x-ots-date", "2026-01-02T03:04:05.000Z")
	req.Header.Set("x-ots-apiversion", "2015-12-31")
	req.Header.Set("x-ots-accesskeyid", opts.AccessKeyID)
	req.Header.Set("x-ots-instancename", opts.Instance)
	req.Header.Set("x-ots-contentmd5", base64.StdEncoding.EncodeToString(sum[:]))
	req.Header.Set("x-ots-signature", signRequest(opts.AccessKeySecret, uri, req.Header))
}

// decodeErrorBody decodes a protobuf error response.
func decodeErrorBody(t testing.TB, rec *httptest.ResponseRecorder) *otsprotocol.Error {
	t.Helper()
	var e otsprotocol.Error
	if err := proto.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("status %d: body is not an otsprotocol.Error: %v (%q)", rec.Code, err, rec.Body.String())
	}
	return &e
}

func defaultOpts() Options {
	return Options{Instance: DefaultInstance, AccessKeyID: DefaultAccessKeyID, AccessKeySecret: DefaultAccessKeySecret}
}

func keyName(i int) string { return fmt.Sprintf("k%06d", i) }

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
