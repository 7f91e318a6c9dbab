package otsim

import (
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

func TestPutGetRowValueTypes(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "ints", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	createTable(t, c, "strs", pkCol{"id", tablestore.PrimaryKeyType_STRING})
	createTable(t, c, "bins", pkCol{"id", tablestore.PrimaryKeyType_BINARY})
	createTable(t, c, "multi", pkCol{"pa", tablestore.PrimaryKeyType_STRING}, pkCol{"pb", tablestore.PrimaryKeyType_INTEGER}, pkCol{"pc", tablestore.PrimaryKeyType_BINARY})

	all := cols(
		"i", int64(-42), "big", int64(math.MaxInt64), "d", 3.25, "neg", -0.5, "t", true, "f", false,
		"s", "héllo", "empty", "", "b", []byte{0, 1, 2, 255}, "eb", []byte{},
	)
	want := map[string]any{
		"i": int64(-42), "big": int64(math.MaxInt64), "d": 3.25, "neg": -0.5, "t": true, "f": false,
		"s": "héllo", "empty": "", "b": []byte{0, 1, 2, 255}, "eb": []byte{},
	}
	tests := []struct {
		table string
		pk    *tablestore.PrimaryKey
	}{
		{"ints", key("id", int64(-7))},
		{"strs", key("id", "row/1")},
		{"bins", key("id", []byte{9, 8, 7})},
		{"multi", key("pa", "x", "pb", int64(1), "pc", []byte("z"))},
	}
	for _, tc := range tests {
		t.Run(tc.table, func(t *testing.T) {
			before := time.Now().UnixMilli()
			putRow(t, c, tc.table, tc.pk, all)
			resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: tc.table, PrimaryKey: tc.pk, MaxVersion: 1}})
			if err != nil {
				t.Fatalf("GetRow: %v", err)
			}
			got := rowMap(resp.PrimaryKey.PrimaryKeys, resp.Columns)
			if !sameMap(got, want) {
				t.Fatalf("GetRow columns = %v, want %v", got, want)
			}
			for i, p := range resp.PrimaryKey.PrimaryKeys {
				if p.ColumnName != tc.pk.PrimaryKeys[i].ColumnName || !sameMap(map[string]any{"v": p.Value}, map[string]any{"v": tc.pk.PrimaryKeys[i].Value}) {
					t.Errorf("returned PK column %d = %s=%v, want %s=%v", i, p.ColumnName, p.Value, tc.pk.PrimaryKeys[i].ColumnName, tc.pk.PrimaryKeys[i].Value)
				}
			}
			for _, col := range resp.Columns {
				if col.Timestamp < before-1000 || col.Timestamp > time.Now().UnixMilli()+1000 {
					t.Errorf("column %s timestamp %d is not the write time in milliseconds (~%d)", col.ColumnName, col.Timestamp, before)
				}
			}
			if got := getRow(t, c, tc.table, tc.pk, "s", "i", "absent"); !sameMap(got, map[string]any{"s": "héllo", "i": int64(-42)}) {
				t.Errorf("GetRow with columns_to_get [s i absent] = %v", got)
			}
		})
	}

	// Explicit timestamps are kept; PutRow replaces the whole row.
	ch := &tablestore.PutRowChange{TableName: "ints", PrimaryKey: key("id", int64(1))}
	ch.AddColumnWithTimestamp("v", "old", 1700000000000)
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatalf("PutRow with timestamp: %v", err)
	}
	resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "ints", PrimaryKey: key("id", int64(1)), MaxVersion: 1}})
	if err != nil || len(resp.Columns) != 1 || resp.Columns[0].Timestamp != 1700000000000 {
		t.Fatalf("explicit timestamp not kept: %+v, %v", resp, err)
	}
	putRow(t, c, "ints", key("id", int64(1)), cols("w", int64(2)))
	if got := getRow(t, c, "ints", key("id", int64(1))); !sameMap(got, map[string]any{"w": int64(2)}) {
		t.Errorf("PutRow did not replace the row: %v", got)
	}

	if got := getRow(t, c, "ints", key("id", int64(999))); got != nil {
		t.Errorf("GetRow of a missing row = %v, want nil", got)
	}
	// PK-only row exists.
	putRow(t, c, "ints", key("id", int64(2)), nil)
	if got := getRow(t, c, "ints", key("id", int64(2))); got == nil || len(got) != 0 {
		t.Errorf("GetRow of a PK-only row = %v, want an empty, existing row", got)
	}

	// PutRow with RT_PK returns the key.
	rc := &tablestore.PutRowChange{TableName: "strs", PrimaryKey: key("id", "rt"), Columns: cols("a", int64(1))}
	rc.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	rc.SetReturnPk()
	pr, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: rc})
	if err != nil || len(pr.PrimaryKey.PrimaryKeys) != 1 || pr.PrimaryKey.PrimaryKeys[0].Value != "rt" {
		t.Errorf("PutRow RT_PK = %+v, %v; want key id=rt", pr, err)
	}
}

func TestPrimaryKeySchemaErrors(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "t", pkCol{"a", tablestore.PrimaryKeyType_STRING}, pkCol{"b", tablestore.PrimaryKeyType_INTEGER})
	tests := []struct {
		name string
		pk   *tablestore.PrimaryKey
	}{
		{"too few columns", key("a", "x")},
		{"too many columns", key("a", "x", "b", int64(1), "c", int64(2))},
		{"wrong name", key("a", "x", "z", int64(1))},
		{"wrong order", key("b", int64(1), "a", "x")},
		{"wrong type", key("a", "x", "b", "1")},
		{"binary for string", key("a", []byte("x"), "b", int64(1))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tryPut(c, "t", tc.pk, cols("v", int64(1)), tablestore.RowExistenceExpectation_IGNORE, nil)
			wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "PutRow with "+tc.name)
		})
	}
	err := tryPut(c, "t", key("a", "x", "b", int64(1)), cols("a", int64(1)), tablestore.RowExistenceExpectation_IGNORE, nil)
	wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "PutRow with an attribute named like a PK column")
}

func single(col string, cmp tablestore.ComparatorType, v any, ifMissing bool) *tablestore.SingleColumnCondition {
	c := tablestore.NewSingleColumnCondition(col, cmp, v)
	c.FilterIfMissing = ifMissing
	return c
}

func composite(op tablestore.LogicalOperator, fs ...tablestore.ColumnFilter) *tablestore.CompositeColumnValueFilter {
	c := tablestore.NewCompositeColumnCondition(op)
	for _, f := range fs {
		c.AddFilter(f)
	}
	return c
}

func TestRowConditions(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "t", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	existing := key("id", int64(1))
	missing := key("id", int64(2))
	base := cols("n", int64(10), "s", "abc", "d", 1.5, "ok", true)

	type op func(pk *tablestore.PrimaryKey, exist tablestore.RowExistenceExpectation, cond tablestore.ColumnFilter) error
	ops := map[string]op{
		"PutRow": func(pk *tablestore.PrimaryKey, exist tablestore.RowExistenceExpectation, cond tablestore.ColumnFilter) error {
			return tryPut(c, "t", pk, cols("n", int64(99)), exist, cond)
		},
		"UpdateRow": func(pk *tablestore.PrimaryKey, exist tablestore.RowExistenceExpectation, cond tablestore.ColumnFilter) error {
			ch := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk}
			ch.PutColumn("n", int64(99))
			ch.SetCondition(exist)
			if cond != nil {
				ch.SetColumnCondition(cond)
			}
			_, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: ch})
			return err
		},
		"DeleteRow": func(pk *tablestore.PrimaryKey, exist tablestore.RowExistenceExpectation, cond tablestore.ColumnFilter) error {
			ch := &tablestore.DeleteRowChange{TableName: "t", PrimaryKey: pk}
			ch.SetCondition(exist)
			if cond != nil {
				ch.SetColumnCondition(cond)
			}
			_, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: ch})
			return err
		},
	}
	const (
		ignore   = tablestore.RowExistenceExpectation_IGNORE
		exist    = tablestore.RowExistenceExpectation_EXPECT_EXIST
		notExist = tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST
	)
	tests := []struct {
		name   string
		pk     *tablestore.PrimaryKey
		exist  tablestore.RowExistenceExpectation
		cond   tablestore.ColumnFilter
		passes bool
	}{
		{"IGNORE on existing", existing, ignore, nil, true},
		{"IGNORE on missing", missing, ignore, nil, true},
		{"EXPECT_EXIST on existing", existing, exist, nil, true},
		{"EXPECT_EXIST on missing", missing, exist, nil, false},
		{"EXPECT_NOT_EXIST on missing", missing, notExist, nil, true},
		{"EXPECT_NOT_EXIST on existing", existing, notExist, nil, false},
		{"EQUAL int passes", existing, exist, single("n", tablestore.CT_EQUAL, int64(10), false), true},
		{"EQUAL int fails", existing, exist, single("n", tablestore.CT_EQUAL, int64(11), false), false},
		{"NOT_EQUAL string passes", existing, exist, single("s", tablestore.CT_NOT_EQUAL, "abd", false), true},
		{"NOT_EQUAL string fails", existing, exist, single("s", tablestore.CT_NOT_EQUAL, "abc", false), false},
		{"GREATER_THAN passes", existing, ignore, single("n", tablestore.CT_GREATER_THAN, int64(9), false), true},
		{"GREATER_THAN fails at equal", existing, ignore, single("n", tablestore.CT_GREATER_THAN, int64(10), false), false},
		{"GREATER_EQUAL passes at equal", existing, ignore, single("n", tablestore.CT_GREATER_EQUAL, int64(10), false), true},
		{"LESS_THAN double passes", existing, ignore, single("d", tablestore.CT_LESS_THAN, 2.0, false), true},
		{"LESS_THAN double fails", existing, ignore, single("d", tablestore.CT_LESS_THAN, 1.5, false), false},
		{"LESS_EQUAL string passes", existing, ignore, single("s", tablestore.CT_LESS_EQUAL, "abc", false), true},
		{"EQUAL bool passes", existing, ignore, single("ok", tablestore.CT_EQUAL, true, false), true},
		{"type mismatch EQUAL fails", existing, ignore, single("n", tablestore.CT_EQUAL, "10", false), false},
		{"missing column, filter_if_missing=false passes", existing, ignore, single("zz", tablestore.CT_EQUAL, int64(1), false), true},
		{"missing column, filter_if_missing=true fails", existing, ignore, single("zz", tablestore.CT_EQUAL, int64(1), true), false},
		{"missing row, filter_if_missing=true fails", missing, ignore, single("n", tablestore.CT_EQUAL, int64(10), true), false},
		{"missing row, filter_if_missing=false passes", missing, ignore, single("n", tablestore.CT_EQUAL, int64(10), false), true},
		{"AND passes", existing, exist, composite(tablestore.LO_AND, single("n", tablestore.CT_EQUAL, int64(10), true), single("s", tablestore.CT_EQUAL, "abc", true)), true},
		{"AND fails", existing, exist, composite(tablestore.LO_AND, single("n", tablestore.CT_EQUAL, int64(10), true), single("s", tablestore.CT_EQUAL, "x", true)), false},
		{"OR passes", existing, exist, composite(tablestore.LO_OR, single("n", tablestore.CT_EQUAL, int64(0), true), single("s", tablestore.CT_EQUAL, "abc", true)), true},
		{"OR fails", existing, exist, composite(tablestore.LO_OR, single("n", tablestore.CT_EQUAL, int64(0), true), single("s", tablestore.CT_EQUAL, "x", true)), false},
		{"NOT passes", existing, exist, composite(tablestore.LO_NOT, single("n", tablestore.CT_EQUAL, int64(0), true)), true},
		{"NOT fails", existing, exist, composite(tablestore.LO_NOT, single("n", tablestore.CT_EQUAL, int64(10), true)), false},
		{"nested NOT(AND(..., OR(...))) passes", existing, exist, composite(tablestore.LO_NOT,
			composite(tablestore.LO_AND, single("n", tablestore.CT_GREATER_THAN, int64(5), true),
				composite(tablestore.LO_OR, single("s", tablestore.CT_EQUAL, "nope", true), single("ok", tablestore.CT_EQUAL, false, true)))), true},
	}
	for _, opName := range []string{"PutRow", "UpdateRow", "DeleteRow"} {
		for _, tc := range tests {
			t.Run(opName+"/"+tc.name, func(t *testing.T) {
				ch := &tablestore.DeleteRowChange{TableName: "t", PrimaryKey: missing}
				ch.SetCondition(ignore)
				if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: ch}); err != nil {
					t.Fatalf("reset: %v", err)
				}
				putRow(t, c, "t", existing, base)
				err := ops[opName](tc.pk, tc.exist, tc.cond)
				if tc.passes {
					if err != nil {
						t.Fatalf("%s with condition %q: unexpected error %v", opName, tc.name, err)
					}
					return
				}
				oe := wantOts(t, err, "OTSConditionCheckFail", http.StatusForbidden, opName+" with failing condition "+tc.name)
				if oe.Message != "Condition check failed." {
					t.Errorf("condition failure message %q", oe.Message)
				}
				if got := getRow(t, c, "t", existing); !sameMap(got, map[string]any{"n": int64(10), "s": "abc", "d": 1.5, "ok": true}) {
					t.Errorf("%s wrote despite a failed condition: row is %v", opName, got)
				}
				if got := getRow(t, c, "t", missing); got != nil {
					t.Errorf("%s created the missing row despite a failed condition: %v", opName, got)
				}
			})
		}
	}
}

func updateRow(c *tablestore.TableStoreClient, ch *tablestore.UpdateRowChange) (*tablestore.UpdateRowResponse, error) {
	if ch.Condition == nil {
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	}
	return c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: ch})
}

func TestUpdateRowOperations(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "t", pkCol{"id", tablestore.PrimaryKeyType_STRING})
	pk := key("id", "r")

	pc := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk}
	pc.AddColumnWithTimestamp("keep", "k", 1000)
	pc.AddColumnWithTimestamp("one", "x", 2000)
	pc.AddColumnWithTimestamp("gone", "g", 3000)
	pc.AddColumn("str", "s")
	pc.AddColumn("cnt", int64(5))
	pc.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: pc}); err != nil {
		t.Fatalf("PutRow: %v", err)
	}

	ch := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk}
	ch.PutColumn("new", 2.5)
	ch.DeleteColumn("gone")
	ch.DeleteColumnWithTimestamp("one", 1999) // wrong version: no effect
	if _, err := updateRow(c, ch); err != nil {
		t.Fatalf("UpdateRow put/delete: %v", err)
	}
	want := map[string]any{"keep": "k", "one": "x", "str": "s", "cnt": int64(5), "new": 2.5}
	if got := getRow(t, c, "t", pk); !sameMap(got, want) {
		t.Fatalf("after PUT/DELETE_ALL/DELETE_ONE(wrong ts): row %v, want %v", got, want)
	}
	ch = &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk}
	ch.DeleteColumnWithTimestamp("one", 2000)
	if _, err := updateRow(c, ch); err != nil {
		t.Fatalf("UpdateRow DELETE_ONE: %v", err)
	}
	delete(want, "one")
	if got := getRow(t, c, "t", pk); !sameMap(got, want) {
		t.Fatalf("after DELETE_ONE(matching ts): row %v, want %v", got, want)
	}

	incTests := []struct {
		name    string
		column  string
		delta   int64
		want    int64
		errCode string
	}{
		{"existing column", "cnt", 3, 8, ""},
		{"negative delta", "cnt", -10, -2, ""},
		{"missing column counts as 0", "fresh", 7, 7, ""},
		{"string column", "str", 1, 0, "OTSParameterInvalid"},
		{"double column", "new", 1, 0, "OTSParameterInvalid"},
	}
	for _, tc := range incTests {
		t.Run("increment "+tc.name, func(t *testing.T) {
			before := getRow(t, c, "t", pk)
			ch := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk}
			ch.IncrementColumn(tc.column, tc.delta)
			ch.PutColumn("side", "effect")
			ch.SetReturnIncrementValue()
			ch.AppendIncrementColumnToReturn(tc.column)
			resp, err := updateRow(c, ch)
			if tc.errCode != "" {
				wantOts(t, err, tc.errCode, http.StatusBadRequest, "increment of "+tc.name)
				if after := getRow(t, c, "t", pk); !sameMap(after, before) {
					t.Errorf("failed increment changed the row: %v -> %v", before, after)
				}
				return
			}
			if err != nil {
				t.Fatalf("increment: %v", err)
			}
			if len(resp.Columns) != 1 || resp.Columns[0].ColumnName != tc.column || resp.Columns[0].Value != tc.want {
				t.Fatalf("RT_AFTER_MODIFY returned %+v, want %s=%d", resp.Columns, tc.column, tc.want)
			}
			if got := getRow(t, c, "t", pk)[tc.column]; got != tc.want {
				t.Errorf("stored %s = %v, want %d", tc.column, got, tc.want)
			}
		})
	}

	// Overflow is rejected.
	ch = &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk}
	ch.PutColumn("max", int64(math.MaxInt64))
	if _, err := updateRow(c, ch); err != nil {
		t.Fatalf("UpdateRow: %v", err)
	}
	ch = &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk}
	ch.IncrementColumn("max", 1)
	_, err := updateRow(c, ch)
	wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "increment overflow")

	// Increment and put of the same column in one request is rejected.
	ch = &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk}
	ch.IncrementColumn("cnt", 1)
	ch.PutColumn("cnt", int64(1))
	_, err = updateRow(c, ch)
	wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "increment and put of one column")

	// Increment on a missing row creates it; with a column condition.
	ch = &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: key("id", "counter")}
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	ch.SetColumnCondition(single("used", tablestore.CT_LESS_THAN, int64(1), false))
	ch.IncrementColumn("used", 1)
	ch.SetReturnIncrementValue()
	ch.AppendIncrementColumnToReturn("used")
	resp, err := updateRow(c, ch)
	if err != nil || len(resp.Columns) != 1 || resp.Columns[0].Value != int64(1) {
		t.Fatalf("conditional increment on a missing row: %+v, %v; want used=1", resp, err)
	}
	_, err = updateRow(c, ch)
	wantOts(t, err, "OTSConditionCheckFail", http.StatusForbidden, "conditional increment past the cap")
	if got := getRow(t, c, "t", key("id", "counter")); !sameMap(got, map[string]any{"used": int64(1)}) {
		t.Errorf("counter row = %v, want used=1", got)
	}

	// Deleting columns of a missing row does not create it.
	ch = &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: key("id", "ghost")}
	ch.DeleteColumn("x")
	if _, err := updateRow(c, ch); err != nil {
		t.Fatalf("UpdateRow delete on missing row: %v", err)
	}
	if got := getRow(t, c, "t", key("id", "ghost")); got != nil {
		t.Errorf("delete-only UpdateRow created a row: %v", got)
	}
}

func TestGetRowFilter(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "t", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	putRow(t, c, "t", key("id", int64(1)), cols("sev", "high", "score", int64(9)))
	tests := []struct {
		name   string
		filter tablestore.ColumnFilter
		cols   []string
		found  bool
	}{
		{"matching filter", single("sev", tablestore.CT_EQUAL, "high", true), nil, true},
		{"non-matching filter", single("sev", tablestore.CT_EQUAL, "low", true), nil, false},
		{"composite", composite(tablestore.LO_AND, single("score", tablestore.CT_GREATER_EQUAL, int64(9), true), single("sev", tablestore.CT_NOT_EQUAL, "low", true)), nil, true},
		{"filter column outside columns_to_get is missing", single("sev", tablestore.CT_EQUAL, "high", true), []string{"score"}, false},
		{"filter column inside columns_to_get", single("sev", tablestore.CT_EQUAL, "high", true), []string{"score", "sev"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := &tablestore.SingleRowQueryCriteria{TableName: "t", PrimaryKey: key("id", int64(1)), MaxVersion: 1, ColumnsToGet: tc.cols}
			q.SetFilter(tc.filter)
			resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: q})
			if err != nil {
				t.Fatalf("GetRow: %v", err)
			}
			if found := len(resp.PrimaryKey.PrimaryKeys) > 0; found != tc.found {
				t.Errorf("row returned = %v, want %v (columns %v)", found, tc.found, resp.Columns)
			}
		})
	}
}

func TestDeleteRow(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "t", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	putRow(t, c, "t", key("id", int64(1)), cols("a", int64(1)))
	ch := &tablestore.DeleteRowChange{TableName: "t", PrimaryKey: key("id", int64(1))}
	ch.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: ch}); err != nil {
		t.Fatalf("DeleteRow: %v", err)
	}
	if got := getRow(t, c, "t", key("id", int64(1))); got != nil {
		t.Fatalf("row still present after DeleteRow: %v", got)
	}
	_, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: ch})
	wantOts(t, err, "OTSConditionCheckFail", http.StatusForbidden, "DeleteRow EXPECT_EXIST of a deleted row")
}
