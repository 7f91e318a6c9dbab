package otsim

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

func TestTableLifecycle(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()

	meta := &tablestore.TableMeta{TableName: "findings"}
	meta.AddPrimaryKeyColumn("tenant", tablestore.PrimaryKeyType_STRING)
	meta.AddPrimaryKeyColumn("seq", tablestore.PrimaryKeyType_INTEGER)
	meta.AddPrimaryKeyColumn("hash", tablestore.PrimaryKeyType_BINARY)
	meta.AddDefinedColumn("severity", tablestore.DefinedColumn_STRING)
	_, err := c.CreateTable(&tablestore.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: 86400 * 30, MaxVersion: 3},
		ReservedThroughput: &tablestore.ReservedThroughput{Readcap: 1, Writecap: 2},
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	createTable(t, c, "audit", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})

	err = tryCreateTable(c, "findings", -1, pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	oe := wantOts(t, err, "OTSObjectAlreadyExist", http.StatusConflict, "CreateTable of an existing table")
	if oe.Message != "Requested table already exists." {
		t.Errorf("CreateTable of an existing table: message %q", oe.Message)
	}

	d, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "findings"})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	var gotPK []string
	for _, e := range d.TableMeta.SchemaEntry {
		gotPK = append(gotPK, *e.Name+":"+[]string{"", "INTEGER", "STRING", "BINARY"}[*e.Type])
	}
	if want := []string{"tenant:STRING", "seq:INTEGER", "hash:BINARY"}; !reflect.DeepEqual(gotPK, want) {
		t.Errorf("DescribeTable primary key = %v, want %v", gotPK, want)
	}
	if d.TableOption.TimeToAlive != 86400*30 || d.TableOption.MaxVersion != 3 {
		t.Errorf("DescribeTable options: TTL %d max versions %d, want %d and 3", d.TableOption.TimeToAlive, d.TableOption.MaxVersion, 86400*30)
	}
	if d.ReservedThroughput.Readcap != 1 || d.ReservedThroughput.Writecap != 2 {
		t.Errorf("DescribeTable reserved throughput %+v, want read 1 write 2", d.ReservedThroughput)
	}
	if len(d.TableMeta.DefinedColumns) != 1 || d.TableMeta.DefinedColumns[0].Name != "severity" {
		t.Errorf("DescribeTable defined columns %+v, want [severity]", d.TableMeta.DefinedColumns)
	}

	l, err := c.ListTable()
	if err != nil {
		t.Fatalf("ListTable: %v", err)
	}
	if want := []string{"audit", "findings"}; !reflect.DeepEqual(l.TableNames, want) {
		t.Errorf("ListTable = %v, want %v", l.TableNames, want)
	}

	u, err := c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "findings", TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}})
	if err != nil {
		t.Fatalf("UpdateTable: %v", err)
	}
	if u.TableOption.TimeToAlive != -1 || u.TableOption.MaxVersion != 1 {
		t.Errorf("UpdateTable response options %+v, want TTL -1 max versions 1", u.TableOption)
	}
	d, err = c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "findings"})
	if err != nil {
		t.Fatalf("DescribeTable after UpdateTable: %v", err)
	}
	if d.TableOption.TimeToAlive != -1 {
		t.Errorf("TTL after UpdateTable = %d, want -1", d.TableOption.TimeToAlive)
	}

	if _, err := c.DeleteTable(&tablestore.DeleteTableRequest{TableName: "findings"}); err != nil {
		t.Fatalf("DeleteTable: %v", err)
	}
	_, err = c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "findings"})
	oe = wantOts(t, err, "OTSObjectNotExist", http.StatusNotFound, "DescribeTable after DeleteTable")
	if oe.Message != "Requested table does not exist." {
		t.Errorf("DescribeTable after DeleteTable: message %q", oe.Message)
	}
	_, err = c.DeleteTable(&tablestore.DeleteTableRequest{TableName: "findings"})
	wantOts(t, err, "OTSObjectNotExist", http.StatusNotFound, "DeleteTable twice")
	l, err = c.ListTable()
	if err != nil || !reflect.DeepEqual(l.TableNames, []string{"audit"}) {
		t.Errorf("ListTable after DeleteTable = %v, %v; want [audit]", l.TableNames, err)
	}
}

func TestCreateTableValidation(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	id := pkCol{"id", tablestore.PrimaryKeyType_INTEGER}
	tests := []struct {
		name  string
		table string
		ttl   int
		pks   []pkCol
	}{
		{"bad table name", "1bad-name", -1, []pkCol{id}},
		{"five primary key columns", "t5", -1, []pkCol{{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}, {"e", 1}}},
		{"duplicate primary key names", "tdup", -1, []pkCol{id, id}},
		{"TTL below one day", "tttl", 3600, []pkCol{id}},
		{"bad column name", "tcol", -1, []pkCol{{"bad name", tablestore.PrimaryKeyType_STRING}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tryCreateTable(c, tc.table, tc.ttl, tc.pks...)
			wantOts(t, err, "OTSParameterInvalid", http.StatusBadRequest, "CreateTable with "+tc.name)
		})
	}
	l, err := c.ListTable()
	if err != nil || len(l.TableNames) != 0 {
		t.Errorf("rejected CreateTable calls left tables behind: %v, %v", l.TableNames, err)
	}
}

func TestUnknownTable(t *testing.T) {
	s := startServer(t, Options{})
	c := s.Client()
	createTable(t, c, "exists", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	const missing = "nope"
	pk := key("id", int64(1))
	cases := []struct {
		name string
		call func() error
	}{
		{"DescribeTable", func() error {
			_, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: missing})
			return err
		}},
		{"UpdateTable", func() error {
			_, err := c.UpdateTable(&tablestore.UpdateTableRequest{TableName: missing, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}})
			return err
		}},
		{"DeleteTable", func() error {
			_, err := c.DeleteTable(&tablestore.DeleteTableRequest{TableName: missing})
			return err
		}},
		{"PutRow", func() error {
			return tryPut(c, missing, pk, cols("a", int64(1)), tablestore.RowExistenceExpectation_IGNORE, nil)
		}},
		{"GetRow", func() error {
			_, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: missing, PrimaryKey: pk, MaxVersion: 1}})
			return err
		}},
		{"UpdateRow", func() error {
			ch := &tablestore.UpdateRowChange{TableName: missing, PrimaryKey: pk}
			ch.PutColumn("a", int64(1))
			ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
			_, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: ch})
			return err
		}},
		{"DeleteRow", func() error {
			ch := &tablestore.DeleteRowChange{TableName: missing, PrimaryKey: pk}
			ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
			_, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: ch})
			return err
		}},
		{"GetRange", func() error {
			start, end := &tablestore.PrimaryKey{}, &tablestore.PrimaryKey{}
			start.AddPrimaryKeyColumnWithMinValue("id")
			end.AddPrimaryKeyColumnWithMaxValue("id")
			_, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{TableName: missing, StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1}})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oe := wantOts(t, tc.call(), "OTSObjectNotExist", http.StatusNotFound, tc.name+" on a missing table")
			if oe.Message != "Requested table does not exist." {
				t.Errorf("%s: message %q, want %q", tc.name, oe.Message, "Requested table does not exist.")
			}
		})
	}
}
