package otsim

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

func putChange(table string, pk *tablestore.PrimaryKey, exist tablestore.RowExistenceExpectation, columns ...any) *tablestore.PutRowChange {
	ch := &tablestore.PutRowChange{TableName: table, PrimaryKey: pk, Columns: cols(columns...)}
	ch.SetCondition(exist)
	return ch
}

func TestBatchWriteRowMixedResults(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "a", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	createTable(t, c, "b", pkCol{"name", tablestore.PrimaryKeyType_STRING})
	putRow(t, c, "a", key("id", int64(2)), cols("v", int64(20)))
	putRow(t, c, "a", key("id", int64(5)), cols("v", int64(50), "s", "text"))

	const ignore, exist, notExist = tablestore.RowExistenceExpectation_IGNORE, tablestore.RowExistenceExpectation_EXPECT_EXIST, tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST
	req := &tablestore.BatchWriteRowRequest{}
	type rowCase struct {
		table  string
		change tablestore.RowChange
		ok     bool
		code   string
	}
	del := &tablestore.DeleteRowChange{TableName: "a", PrimaryKey: key("id", int64(2))}
	del.SetCondition(exist)
	upd := &tablestore.UpdateRowChange{TableName: "a", PrimaryKey: key("id", int64(4))}
	upd.SetCondition(ignore)
	upd.IncrementColumn("v", 4)
	upd.SetReturnIncrementValue()
	upd.AppendIncrementColumnToReturn("v")
	badInc := &tablestore.UpdateRowChange{TableName: "a", PrimaryKey: key("id", int64(5))}
	badInc.SetCondition(ignore)
	badInc.IncrementColumn("s", 1)
	condPut := putChange("b", key("name", "x"), ignore, "v", int64(1))
	condPut.SetColumnCondition(single("v", tablestore.CT_EQUAL, int64(0), true))
	cases := []rowCase{
		{"a", putChange("a", key("id", int64(1)), notExist, "v", int64(10)), true, ""},
		{"a", del, true, ""},
		{"a", putChange("a", key("id", int64(3)), exist, "v", int64(30)), false, "OTSConditionCheckFail"},
		{"a", upd, true, ""},
		{"a", badInc, false, "OTSParameterInvalid"},
		{"a", putChange("a", key("id", "wrong-type"), ignore, "v", int64(1)), false, "OTSParameterInvalid"},
		{"b", putChange("b", key("name", "y"), ignore, "v", int64(2)), true, ""},
		{"b", condPut, false, "OTSConditionCheckFail"},
		{"missing", putChange("missing", key("id", int64(1)), ignore, "v", int64(1)), false, "OTSObjectNotExist"},
	}
	for _, rc := range cases {
		req.AddRowChange(rc.change)
	}
	resp, err := c.BatchWriteRow(req)
	if err != nil {
		t.Fatalf("BatchWriteRow: %v", err)
	}
	// Results come back per table in request order.
	idx := map[string]int{}
	for i, rc := range cases {
		results := resp.TableToRowsResult[rc.table]
		j := idx[rc.table]
		idx[rc.table]++
		if j >= len(results) {
			t.Fatalf("case %d: table %s has only %d results", i, rc.table, len(results))
		}
		r := results[j]
		if r.IsSucceed != rc.ok || (!rc.ok && r.Error.Code != rc.code) {
			t.Errorf("case %d (%s row %d): IsSucceed=%v error=%+v, want ok=%v code=%q", i, rc.table, j, r.IsSucceed, r.Error, rc.ok, rc.code)
		}
		if !rc.ok && r.Error.Message == "" {
			t.Errorf("case %d: per-row error without a message", i)
		}
	}
	if r := resp.TableToRowsResult["a"][3]; len(r.Columns) != 1 || r.Columns[0].ColumnName != "v" || r.Columns[0].Value != int64(4) {
		t.Errorf("batch increment with RT_AFTER_MODIFY returned %+v, want v=4", r.Columns)
	}
	checks := []struct {
		table string
		pk    *tablestore.PrimaryKey
		want  map[string]any
	}{
		{"a", key("id", int64(1)), map[string]any{"v": int64(10)}},
		{"a", key("id", int64(2)), nil},
		{"a", key("id", int64(3)), nil},
		{"a", key("id", int64(4)), map[string]any{"v": int64(4)}},
		{"a", key("id", int64(5)), map[string]any{"v": int64(50), "s": "text"}},
		{"b", key("name", "x"), nil},
		{"b", key("name", "y"), map[string]any{"v": int64(2)}},
	}
	for _, ck := range checks {
		got := getRow(t, c, ck.table, ck.pk)
		if (got == nil) != (ck.want == nil) || !sameMap(got, ck.want) {
			t.Errorf("after batch, %s%v = %v, want %v", ck.table, ck.pk.PrimaryKeys[0].Value, got, ck.want)
		}
	}
}

func TestBatchWriteRowRequestErrors(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "a", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})

	big := &tablestore.BatchWriteRowRequest{}
	for i := 0; i < 201; i++ {
		big.AddRowChange(putChange("a", key("id", int64(i)), tablestore.RowExistenceExpectation_IGNORE, "v", int64(i)))
	}
	_, err := c.BatchWriteRow(big)
	wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "BatchWriteRow with 201 rows")

	dup := &tablestore.BatchWriteRowRequest{}
	dup.AddRowChange(putChange("a", key("id", int64(1)), tablestore.RowExistenceExpectation_IGNORE, "v", int64(1)))
	dup.AddRowChange(putChange("a", key("id", int64(1)), tablestore.RowExistenceExpectation_IGNORE, "v", int64(2)))
	_, err = c.BatchWriteRow(dup)
	wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "BatchWriteRow with a duplicated key")
	if got := getRow(t, c, "a", key("id", int64(1))); got != nil {
		t.Errorf("rejected batch wrote a row: %v", got)
	}

	ok := &tablestore.BatchWriteRowRequest{}
	for i := 0; i < 200; i++ {
		ok.AddRowChange(putChange("a", key("id", int64(i)), tablestore.RowExistenceExpectation_IGNORE, "v", int64(i)))
	}
	resp, err := c.BatchWriteRow(ok)
	if err != nil {
		t.Fatalf("BatchWriteRow with 200 rows: %v", err)
	}
	for i, r := range resp.TableToRowsResult["a"] {
		if !r.IsSucceed {
			t.Fatalf("row %d of a 200-row batch failed: %+v", i, r.Error)
		}
	}

	// is_atomic is all-or-nothing.
	atomic := &tablestore.BatchWriteRowRequest{IsAtomic: true}
	atomic.AddRowChange(putChange("a", key("id", int64(1000)), tablestore.RowExistenceExpectation_IGNORE, "v", int64(1)))
	atomic.AddRowChange(putChange("a", key("id", int64(1)), tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST, "v", int64(1)))
	_, err = c.BatchWriteRow(atomic)
	wantOts(t, err, "OTSConditionCheckFail", http.StatusForbidden, "atomic BatchWriteRow with a failing row")
	if got := getRow(t, c, "a", key("id", int64(1000))); got != nil {
		t.Errorf("failed atomic batch wrote a row: %v", got)
	}
}

func TestBatchGetRow(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "a", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	for i := 0; i < 5; i++ {
		putRow(t, c, "a", key("id", int64(i)), cols("v", int64(i*10), "w", fmt.Sprint(i)))
	}
	req := &tablestore.BatchGetRowRequest{}
	qa := &tablestore.MultiRowQueryCriteria{TableName: "a", MaxVersion: 1, ColumnsToGet: []string{"v"}}
	qa.AddRow(key("id", int64(1)))
	qa.AddRow(key("id", int64(99)))
	qa.AddRow(key("id", "bad-type"))
	qa.AddRow(key("id", int64(3)))
	qm := &tablestore.MultiRowQueryCriteria{TableName: "missing", MaxVersion: 1}
	qm.AddRow(key("id", int64(1)))
	req.MultiRowQueryCriteria = append(req.MultiRowQueryCriteria, qa, qm)
	resp, err := c.BatchGetRow(req)
	if err != nil {
		t.Fatalf("BatchGetRow: %v", err)
	}
	ra := resp.TableToRowsResult["a"]
	if len(ra) != 4 {
		t.Fatalf("table a: %d results, want 4", len(ra))
	}
	wantA := []struct {
		ok   bool
		code string
		row  map[string]any
	}{
		{true, "", map[string]any{"v": int64(10)}},
		{true, "", nil},
		{false, "OTSParameterInvalid", nil},
		{true, "", map[string]any{"v": int64(30)}},
	}
	for i, w := range wantA {
		r := ra[i]
		if r.IsSucceed != w.ok || r.Error.Code != w.code {
			t.Errorf("a[%d]: ok=%v error=%+v, want ok=%v code=%q", i, r.IsSucceed, r.Error, w.ok, w.code)
			continue
		}
		got := rowMap(r.PrimaryKey.PrimaryKeys, r.Columns)
		if (got == nil) != (w.row == nil) || !sameMap(got, w.row) {
			t.Errorf("a[%d]: row %v, want %v", i, got, w.row)
		}
	}
	rm := resp.TableToRowsResult["missing"]
	if len(rm) != 1 || rm[0].IsSucceed || rm[0].Error.Code != "OTSObjectNotExist" {
		t.Errorf("missing table result %+v, want one OTSObjectNotExist row", rm)
	}

	big := &tablestore.BatchGetRowRequest{}
	qb := &tablestore.MultiRowQueryCriteria{TableName: "a", MaxVersion: 1}
	for i := 0; i < 101; i++ {
		qb.AddRow(key("id", int64(i)))
	}
	big.MultiRowQueryCriteria = append(big.MultiRowQueryCriteria, qb)
	_, err = c.BatchGetRow(big)
	wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "BatchGetRow with 101 rows")
}
