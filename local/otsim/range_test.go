package otsim

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// fillTable writes n rows id=0..n-1 ("k%06d" keys for STRING tables) with
// BatchWriteRow, using a few concurrent writers.
func fillTable(t testing.TB, c *tablestore.TableStoreClient, table string, n int, mk func(i int) (*tablestore.PrimaryKey, []tablestore.AttributeColumn)) {
	t.Helper()
	const batch = 200
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	sem := make(chan struct{}, 8)
	for lo := 0; lo < n; lo += batch {
		wg.Add(1)
		sem <- struct{}{}
		go func(lo int) {
			defer wg.Done()
			defer func() { <-sem }()
			req := &tablestore.BatchWriteRowRequest{}
			for i := lo; i < min(lo+batch, n); i++ {
				pk, cs := mk(i)
				ch := &tablestore.PutRowChange{TableName: table, PrimaryKey: pk, Columns: cs}
				ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
				req.AddRowChange(ch)
			}
			resp, err := c.BatchWriteRow(req)
			if err == nil {
				for _, r := range resp.TableToRowsResult[table] {
					if !r.IsSucceed {
						err = fmt.Errorf("row failed: %+v", r.Error)
						break
					}
				}
			}
			if err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		}(lo)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatalf("filling %s: %v", table, err)
	}
}

func intRow(i int) (*tablestore.PrimaryKey, []tablestore.AttributeColumn) {
	return key("id", int64(i)), cols("v", int64(i), "even", i%2 == 0)
}

type rangeQuery struct {
	start, end *tablestore.PrimaryKey
	dir        tablestore.Direction
	limit      int32
	columns    []string
	filter     tablestore.ColumnFilter
}

// scan pages through a GetRange until NextStartPrimaryKey is nil and returns
// the ids seen and the page sizes.
func scan(t testing.TB, c *tablestore.TableStoreClient, table string, q rangeQuery) (ids []int64, pages []int) {
	t.Helper()
	start := q.start
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatalf("GetRange did not terminate")
		}
		crit := &tablestore.RangeRowQueryCriteria{TableName: table, StartPrimaryKey: start, EndPrimaryKey: q.end, Direction: q.dir, MaxVersion: 1, Limit: q.limit, ColumnsToGet: q.columns}
		if q.filter != nil {
			crit.Filter = q.filter
		}
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: crit})
		if err != nil {
			t.Fatalf("GetRange page %d: %v", page, err)
		}
		pages = append(pages, len(resp.Rows))
		for _, r := range resp.Rows {
			// The id is the first INTEGER primary key column.
			for _, pk := range r.PrimaryKey.PrimaryKeys {
				if v, ok := pk.Value.(int64); ok {
					ids = append(ids, v)
					break
				}
			}
		}
		if resp.NextStartPrimaryKey == nil {
			return ids, pages
		}
		start = resp.NextStartPrimaryKey
	}
}

func minKey(names ...string) *tablestore.PrimaryKey {
	pk := &tablestore.PrimaryKey{}
	for _, n := range names {
		pk.AddPrimaryKeyColumnWithMinValue(n)
	}
	return pk
}

func maxKey(names ...string) *tablestore.PrimaryKey {
	pk := &tablestore.PrimaryKey{}
	for _, n := range names {
		pk.AddPrimaryKeyColumnWithMaxValue(n)
	}
	return pk
}

func seq(from, to, step int) []int64 {
	var out []int64
	for i := from; step > 0 && i < to || step < 0 && i > to; i += step {
		out = append(out, int64(i))
	}
	return out
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGetRangePaging(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "r", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	const n = 12000
	fillTable(t, c, "r", n, intRow)

	fwd, bwd := tablestore.FORWARD, tablestore.BACKWARD
	tests := []struct {
		name      string
		q         rangeQuery
		wantIDs   []int64
		wantPages []int
	}{
		{"forward full scan hits the 5000-row cap", rangeQuery{start: minKey("id"), end: maxKey("id"), dir: fwd}, seq(0, n, 1), []int{5000, 5000, 2000}},
		{"backward full scan hits the 5000-row cap", rangeQuery{start: maxKey("id"), end: minKey("id"), dir: bwd}, seq(n-1, -1, -1), []int{5000, 5000, 2000}},
		{"forward limit 1000", rangeQuery{start: minKey("id"), end: maxKey("id"), dir: fwd, limit: 1000}, seq(0, n, 1), []int{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}},
		{"backward limit 5000 (last page ends exactly)", rangeQuery{start: maxKey("id"), end: minKey("id"), dir: bwd, limit: 4000}, seq(n-1, -1, -1), []int{4000, 4000, 4000}},
		{"limit above the cap is capped", rangeQuery{start: minKey("id"), end: maxKey("id"), dir: fwd, limit: 9000}, seq(0, n, 1), []int{5000, 5000, 2000}},
		{"start inclusive, end exclusive", rangeQuery{start: key("id", int64(100)), end: key("id", int64(200)), dir: fwd}, seq(100, 200, 1), []int{100}},
		{"backward start inclusive, end exclusive", rangeQuery{start: key("id", int64(199)), end: key("id", int64(100)), dir: bwd, limit: 30}, seq(199, 100, -1), []int{30, 30, 30, 9}},
		{"backward from a missing key", rangeQuery{start: key("id", int64(n+50)), end: key("id", int64(n-3)), dir: bwd}, seq(n-1, n-3, -1), []int{2}},
		{"empty range", rangeQuery{start: key("id", int64(5)), end: key("id", int64(5)), dir: fwd}, nil, []int{0}},
		{"range beyond the data", rangeQuery{start: key("id", int64(n)), end: maxKey("id"), dir: fwd}, nil, []int{0}},
		{"filter keeps even ids", rangeQuery{start: key("id", int64(0)), end: key("id", int64(20)), dir: fwd, columns: []string{"v", "even"}, filter: single("even", tablestore.CT_EQUAL, true, true)}, seq(0, 20, 2), []int{10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids, pages := scan(t, c, "r", tc.q)
			if !equalIDs(ids, tc.wantIDs) {
				t.Errorf("got %d ids (first %v), want %d ids (first %v)", len(ids), head(ids), len(tc.wantIDs), head(tc.wantIDs))
			}
			if fmt.Sprint(pages) != fmt.Sprint(tc.wantPages) {
				t.Errorf("page sizes %v, want %v", pages, tc.wantPages)
			}
		})
	}

	// columns_to_get projects columns on range reads.
	resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
		TableName: "r", StartPrimaryKey: key("id", int64(7)), EndPrimaryKey: key("id", int64(8)), Direction: fwd, MaxVersion: 1, ColumnsToGet: []string{"v"},
	}})
	if err != nil || len(resp.Rows) != 1 || len(resp.Rows[0].Columns) != 1 || resp.Rows[0].Columns[0].ColumnName != "v" || resp.Rows[0].Columns[0].Value != int64(7) {
		t.Errorf("GetRange columns_to_get [v] for id 7: %+v, %v", resp, err)
	}

	// Start after end in FORWARD is rejected.
	_, err = c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
		TableName: "r", StartPrimaryKey: key("id", int64(9)), EndPrimaryKey: key("id", int64(1)), Direction: fwd, MaxVersion: 1,
	}})
	wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "FORWARD GetRange with start > end")
}

func head(ids []int64) []int64 {
	return ids[:min(len(ids), 5)]
}

func TestGetRangeCompositeKeyAndInf(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "m", pkCol{"tenant", tablestore.PrimaryKeyType_STRING}, pkCol{"n", tablestore.PrimaryKeyType_INTEGER})
	for _, tenant := range []string{"a", "b", "c"} {
		for i := -2; i < 3; i++ {
			putRow(t, c, "m", key("tenant", tenant, "n", int64(i)), cols("v", tenant+fmt.Sprint(i)))
		}
	}
	get := func(start, end *tablestore.PrimaryKey, dir tablestore.Direction) []string {
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: "m", StartPrimaryKey: start, EndPrimaryKey: end, Direction: dir, MaxVersion: 1}})
		if err != nil {
			t.Fatalf("GetRange: %v", err)
		}
		var out []string
		for _, r := range resp.Rows {
			out = append(out, r.Columns[0].Value.(string))
		}
		return out
	}
	tenantMin := func(tn string) *tablestore.PrimaryKey {
		pk := key("tenant", tn)
		pk.AddPrimaryKeyColumnWithMinValue("n")
		return pk
	}
	tenantMax := func(tn string) *tablestore.PrimaryKey {
		pk := key("tenant", tn)
		pk.AddPrimaryKeyColumnWithMaxValue("n")
		return pk
	}
	tests := []struct {
		name       string
		start, end *tablestore.PrimaryKey
		dir        tablestore.Direction
		want       string
	}{
		{"one tenant via INF_MIN..INF_MAX", tenantMin("b"), tenantMax("b"), tablestore.FORWARD, "b-2 b-1 b0 b1 b2"},
		{"one tenant backward", tenantMax("b"), tenantMin("b"), tablestore.BACKWARD, "b2 b1 b0 b-1 b-2"},
		{"integer order with negatives", key("tenant", "a", "n", int64(-1)), key("tenant", "a", "n", int64(2)), tablestore.FORWARD, "a-1 a0 a1"},
		{"across tenants", key("tenant", "a", "n", int64(2)), key("tenant", "c", "n", int64(-1)), tablestore.FORWARD, "a2 b-2 b-1 b0 b1 b2 c-2"},
		{"everything", minKey("tenant", "n"), maxKey("tenant", "n"), tablestore.FORWARD, "a-2 a-1 a0 a1 a2 b-2 b-1 b0 b1 b2 c-2 c-1 c0 c1 c2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(get(tc.start, tc.end, tc.dir), " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGetRangeByteCap(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "big", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	blob := strings.Repeat("x", 256<<10) // 256 KB per row
	const n = 24                         // 6 MB in total
	for i := 0; i < n; i++ {
		putRow(t, c, "big", key("id", int64(i)), cols("blob", blob))
	}
	ids, pages := scan(t, c, "big", rangeQuery{start: minKey("id"), end: maxKey("id"), dir: tablestore.FORWARD})
	if !equalIDs(ids, seq(0, n, 1)) {
		t.Fatalf("byte-capped scan returned ids %v", ids)
	}
	if len(pages) < 2 || pages[0] > 16 {
		t.Errorf("page sizes %v: want the first page cut at 4 MB (≤16 rows of 256 KB)", pages)
	}
}

func TestHundredThousandRows(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100k rows")
	}
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "huge", pkCol{"k", tablestore.PrimaryKeyType_STRING})
	const n = 100_000
	t0 := time.Now()
	fillTable(t, c, "huge", n, func(i int) (*tablestore.PrimaryKey, []tablestore.AttributeColumn) {
		// Reverse-interleaved order exercises inserts in the middle of the index.
		j := (i*7919 + 13) % n
		return key("k", keyName(j)), cols("v", int64(j))
	})
	load := time.Since(t0)
	t1 := time.Now()
	const probes = 20
	for p := 0; p < probes; p++ {
		from := (p * 4999) % (n - 200)
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: "huge", StartPrimaryKey: key("k", keyName(from)), EndPrimaryKey: maxKey("k"), Direction: tablestore.FORWARD, MaxVersion: 1, Limit: 100}})
		if err != nil {
			t.Fatalf("GetRange: %v", err)
		}
		if len(resp.Rows) != 100 || resp.Rows[0].Columns[0].Value != int64(from) || resp.Rows[99].Columns[0].Value != int64(from+99) {
			t.Fatalf("GetRange from %s: %d rows, first %v", keyName(from), len(resp.Rows), resp.Rows[0].Columns)
		}
	}
	per := time.Since(t1) / probes
	t.Logf("loaded %d rows in %v; 100-row GetRange from the middle: %v each", n, load, per)
	if per > 500*time.Millisecond {
		t.Errorf("100-row GetRange over %d rows took %v: the index is not doing a seek", n, per)
	}
}
