package otsim

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

func TestAuthentication(t *testing.T) {
	s := startServer(t, Options{})
	createTable(t, s.Client(), "t", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	tests := []struct {
		name                 string
		instance, ak, secret string
		code                 string
		status               int
	}{
		{"correct credentials", DefaultInstance, DefaultAccessKeyID, DefaultAccessKeySecret, "", 200},
		{"bad secret (bad signature)", DefaultInstance, DefaultAccessKeyID, "wrong-secret", "OTSAuthFailed", http.StatusForbidden},
		{"unknown access key", DefaultInstance, "other-ak", DefaultAccessKeySecret, "OTSAuthFailed", http.StatusForbidden},
		{"wrong instance", "other-instance", DefaultAccessKeyID, DefaultAccessKeySecret, "OTSAuthFailed", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tablestore.NewClient(s.URL(), tc.instance, tc.ak, tc.secret)
			_, err := c.ListTable()
			if tc.code == "" {
				if err != nil {
					t.Fatalf("ListTable: %v", err)
				}
				return
			}
			wantOts(t, err, tc.code, tc.status, "ListTable with "+tc.name)
			err = tryPut(c, "t", key("id", int64(1)), cols("a", int64(1)), tablestore.RowExistenceExpectation_IGNORE, nil)
			wantOts(t, err, tc.code, tc.status, "PutRow with "+tc.name)
		})
	}
	if got := getRow(t, s.Client(), "t", key("id", int64(1))); got != nil {
		t.Errorf("an unauthenticated PutRow wrote a row: %v", got)
	}
	// An STS token adds a signed x-ots-ststoken header; the token itself is
	// not checked.
	sts := tablestore.NewClientWithConfig(s.URL(), DefaultInstance, DefaultAccessKeyID, DefaultAccessKeySecret, "sts-token", nil)
	if _, err := sts.ListTable(); err != nil {
		t.Errorf("ListTable with an STS token: %v", err)
	}
}

func TestRawProtocolErrors(t *testing.T) {
	s := startServer(t, Options{})
	createTable(t, s.Client(), "t", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	opts := defaultOpts()
	h := s.HTTPHandler()

	putBody := func(row []byte) []byte {
		b, _ := proto.Marshal(&otsprotocol.PutRowRequest{TableName: proto.String("t"), Row: row,
			Condition: &otsprotocol.Condition{RowExistence: otsprotocol.RowExistenceExpectation_IGNORE.Enum()}})
		return b
	}
	validRow := encodeRows(pbRow{pk: []pbCell{{name: "id", hasValue: true, val: intValue(1)}}, cells: []pbCell{{name: "a", hasValue: true, val: intValue(5)}}})
	badCRC := append([]byte(nil), validRow...)
	badCRC[len(badCRC)-1] ^= 0xFF

	tests := []struct {
		name   string
		method string
		uri    string
		body   []byte
		mutate func(r *http.Request)
		code   string
		status int
	}{
		{"unsupported URI", "POST", "/Search", nil, nil, "OTSUnsupportOperation", 400},
		{"unsupported stream URI", "POST", "/ListStream", nil, nil, "OTSUnsupportOperation", 400},
		{"GET method", "GET", "/ListTable", nil, nil, "OTSMethodNotAllowed", 405},
		{"content md5 mismatch", "POST", "/ListTable", nil, func(r *http.Request) { r.Header.Set("x-ots-contentmd5", "AAAAAAAAAAAAAAAAAAAAAA==") }, "OTSAuthFailed", 403},
		{"missing signature", "POST", "/ListTable", nil, func(r *http.Request) { r.Header.Del("x-ots-signature") }, "OTSAuthFailed", 403},
		{"signed header tampered", "POST", "/ListTable", nil, func(r *http.Request) { r.Header.Set("x-ots-date", "2030-01-01T00:00:00.000Z") }, "OTSAuthFailed", 403},
		{"garbage protobuf", "POST", "/PutRow", []byte{0xFF, 0xFF, 0xFF}, nil, "OTSParameterInvalid", 400},
		{"truncated PlainBuffer row", "POST", "/PutRow", putBody(validRow[:len(validRow)-5]), nil, "OTSParameterInvalid", 400},
		{"PlainBuffer checksum mismatch", "POST", "/PutRow", putBody(badCRC), nil, "OTSParameterInvalid", 400},
		{"PlainBuffer bad header", "POST", "/PutRow", putBody(append([]byte{0x76, 0, 0, 0}, validRow[4:]...)), nil, "OTSParameterInvalid", 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, "http://otsim"+tc.uri, strings.NewReader(string(tc.body)))
			signHeaders(req, opts, tc.uri, tc.body)
			if tc.mutate != nil {
				tc.mutate(req)
			}
			rec := newRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if rec.Header().Get("x-ots-requestid") == "" {
				t.Errorf("response without x-ots-requestid")
			}
			e := decodeErrorBody(t, rec)
			if e.GetCode() != tc.code || e.GetMessage() == "" {
				t.Errorf("error %s %q, want code %s with a message", e.GetCode(), e.GetMessage(), tc.code)
			}
		})
	}
	if got := getRow(t, s.Client(), "t", key("id", int64(1))); got != nil {
		t.Errorf("a malformed request wrote a row: %v", got)
	}
	// The untouched valid row is accepted through the same raw path.
	rec := rawRequest(h, opts, "/PutRow", putBody(validRow))
	if rec.Code != 200 {
		t.Fatalf("valid raw PutRow: status %d %q", rec.Code, rec.Body.String())
	}
	if got := getRow(t, s.Client(), "t", key("id", int64(1))); !sameMap(got, map[string]any{"a": int64(5)}) {
		t.Errorf("raw PutRow stored %v", got)
	}
	// Unsupported SDK operations surface as OTSUnsupportOperation.
	_, err := s.Client().ListSearchIndex(&tablestore.ListSearchIndexRequest{TableName: "t"})
	wantOts(t, err, "OTSUnsupportOperation", 400, "ListSearchIndex")
}

func TestPersistenceRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.otsim")
	s1, err := NewServer(Options{DataFile: path})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	c := s1.Client()
	meta := &tablestore.TableMeta{TableName: "p"}
	meta.AddPrimaryKeyColumn("k", tablestore.PrimaryKeyType_STRING)
	meta.AddPrimaryKeyColumn("n", tablestore.PrimaryKeyType_INTEGER)
	if _, err := c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: 2 * 86400, MaxVersion: 2}, ReservedThroughput: &tablestore.ReservedThroughput{}}); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	createTable(t, c, "empty", pkCol{"b", tablestore.PrimaryKeyType_BINARY})
	row := cols("i", int64(-5), "d", 2.5, "b", true, "s", "str", "bin", []byte{1, 2})
	for i := 0; i < 300; i++ {
		putRow(t, c, "p", key("k", keyName(i%7), "n", int64(i)), row)
	}
	// Debounced save happens without Close.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("data file not written within 5s of the last write")
		}
		time.Sleep(20 * time.Millisecond)
	}
	ch := &tablestore.DeleteRowChange{TableName: "p", PrimaryKey: key("k", keyName(0), "n", int64(0))}
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: ch}); err != nil {
		t.Fatalf("DeleteRow: %v", err)
	}
	if err := s1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(matches) > 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}

	s2 := startServer(t, Options{DataFile: path})
	c2 := s2.Client()
	d, err := c2.DescribeTable(&tablestore.DescribeTableRequest{TableName: "p"})
	if err != nil {
		t.Fatalf("DescribeTable after reload: %v", err)
	}
	if d.TableOption.TimeToAlive != 2*86400 || d.TableOption.MaxVersion != 2 || len(d.TableMeta.SchemaEntry) != 2 {
		t.Errorf("table options/schema lost across reload: %+v %+v", d.TableOption, d.TableMeta.SchemaEntry)
	}
	l, _ := c2.ListTable()
	if strings.Join(l.TableNames, ",") != "empty,p" {
		t.Errorf("tables after reload: %v", l.TableNames)
	}
	ids, _ := scan(t, c2, "p", rangeQuery{start: minKey("k", "n"), end: maxKey("k", "n"), dir: tablestore.FORWARD})
	if len(ids) != 299 {
		t.Errorf("%d rows after reload, want 299", len(ids))
	}
	if got := getRow(t, c2, "p", key("k", keyName(3), "n", int64(3))); !sameMap(got, map[string]any{"i": int64(-5), "d": 2.5, "b": true, "s": "str", "bin": []byte{1, 2}}) {
		t.Errorf("row after reload: %v", got)
	}
	if got := getRow(t, c2, "p", key("k", keyName(0), "n", int64(0))); got != nil {
		t.Errorf("row deleted before Close is back after reload: %v", got)
	}
}

func TestPersistenceCorruptFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	s, err := NewServer(Options{DataFile: good})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	createTable(t, s.Client(), "t", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	putRow(t, s.Client(), "t", key("id", int64(1)), cols("a", "b"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatalf("read data file: %v", err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"not an otsim file", []byte("{\"hello\": 1}\n")},
		{"truncated", data[:len(data)/2]},
		{"garbage after the header", append([]byte(fileMagic), 0xde, 0xad, 0xbe, 0xef)},
		{"trailing bytes", append(append([]byte(nil), data...), 1, 2, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(p, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := NewServer(Options{DataFile: p})
			if err == nil {
				s.Close()
				t.Fatalf("NewServer accepted a corrupt data file")
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "corrupt") {
				t.Errorf("error %q should name the file and say it is corrupt", err)
			}
		})
	}
	// An empty file is an empty store.
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	startServer(t, Options{DataFile: empty})
}

func TestConcurrentCappedIncrement(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "quota", pkCol{"tenant", tablestore.PrimaryKeyType_STRING})
	const workers, capValue = 32, 150
	var (
		mu       sync.Mutex
		returned = map[int64]int{}
		wg       sync.WaitGroup
		failures = make(chan error, workers)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ch := &tablestore.UpdateRowChange{TableName: "quota", PrimaryKey: key("tenant", "acme")}
				ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
				ch.SetColumnCondition(single("used", tablestore.CT_LESS_THAN, int64(capValue), false))
				ch.IncrementColumn("used", 1)
				ch.SetReturnIncrementValue()
				ch.AppendIncrementColumnToReturn("used")
				resp, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: ch})
				if err != nil {
					var oe *tablestore.OtsError
					if errors.As(err, &oe) && oe.Code == "OTSConditionCheckFail" {
						return
					}
					failures <- err
					return
				}
				mu.Lock()
				returned[resp.Columns[0].Value.(int64)]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Errorf("unexpected increment error: %v", err)
	}
	if len(returned) != capValue {
		t.Errorf("%d distinct values returned, want exactly %d", len(returned), capValue)
	}
	for v := int64(1); v <= capValue; v++ {
		if returned[v] != 1 {
			t.Errorf("value %d returned %d times, want once", v, returned[v])
		}
	}
	if got := getRow(t, c, "quota", key("tenant", "acme"))["used"]; got != int64(capValue) {
		t.Errorf("final used = %v, want %d", got, capValue)
	}
}
