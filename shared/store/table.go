package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// table is one table of infra/tablestore/tables.json as the store uses it: its name
// without prefix and its primary key columns, all STRING, tenant_id first.
type table struct {
	name string
	pk   []string
}

// The tables. TestTablesAgreeWithInfra checks them against infra.Tables().
var (
	tenantsTable  = table{"cspm_tenants", []string{"tenant_id"}}
	tasksTable    = table{"cspm_tasks", []string{"tenant_id", "task_id"}}
	shardsTable   = table{"cspm_shards", []string{"tenant_id", "task_id", "shard_id"}}
	findingsTable = table{"cspm_findings", []string{"tenant_id", "item_id", "instance_id"}}
	usageTable    = table{"cspm_usage", []string{"tenant_id", "usage_key"}}
	quotaTable    = table{"cspm_quota", []string{"tenant_id", "counter"}}
	assetsTable   = table{"cspm_assets", []string{"tenant_id", "product", "asset_id"}}
	billsTable    = table{"cspm_bills", []string{"tenant_id", "bill_id"}}

	allTables = []table{tenantsTable, tasksTable, shardsTable, findingsTable, usageTable, quotaTable, assetsTable, billsTable, whitelistTable}
)

func (s *Store) tableName(t table) string { return s.opts.TablePrefix + t.name }

// key builds a full primary key; len(vals) must equal len(t.pk).
func (t table) key(vals ...string) *tablestore.PrimaryKey {
	if len(vals) != len(t.pk) {
		panic(fmt.Sprintf("store: table %s: %d key values for %d key columns", t.name, len(vals), len(t.pk)))
	}
	pk := new(tablestore.PrimaryKey)
	for i, v := range vals {
		pk.AddPrimaryKeyColumn(t.pk[i], v)
	}
	return pk
}

// bound builds a range bound: the prefix values, then INF_MIN (or INF_MAX) for the
// remaining key columns.
func (t table) bound(prefix []string, max bool) *tablestore.PrimaryKey {
	pk := new(tablestore.PrimaryKey)
	for i, name := range t.pk {
		switch {
		case i < len(prefix):
			pk.AddPrimaryKeyColumn(name, prefix[i])
		case max:
			pk.AddPrimaryKeyColumnWithMaxValue(name)
		default:
			pk.AddPrimaryKeyColumnWithMinValue(name)
		}
	}
	return pk
}

// col is one attribute column to write.
type col struct {
	name  string
	value any // string, int64, bool, float64 or []byte
}

func (c col) size() int {
	n := len(c.name) + 16
	switch v := c.value.(type) {
	case string:
		n += len(v)
	case []byte:
		n += len(v)
	}
	return n
}

// row is one read row: primary key and attribute columns by name.
type row map[string]any

func rowOf(pk []*tablestore.PrimaryKeyColumn, cols []*tablestore.AttributeColumn) row {
	r := make(row, len(pk)+len(cols))
	for _, c := range pk {
		r[c.ColumnName] = c.Value
	}
	for _, c := range cols {
		r[c.ColumnName] = c.Value
	}
	return r
}

func (r row) str(name string) string {
	v, _ := r[name].(string)
	return v
}

func (r row) int(name string) int64 {
	v, _ := r[name].(int64)
	return v
}

func (r row) time(name string) time.Time { return fromMillis(r.int(name)) }

// millis stores a time as Unix milliseconds; the zero time is 0.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// putChange builds a PutRowChange (the whole row is replaced) with a row existence
// expectation.
func (s *Store) putChange(t table, key []string, cols []col, exist tablestore.RowExistenceExpectation) *tablestore.PutRowChange {
	c := &tablestore.PutRowChange{TableName: s.tableName(t), PrimaryKey: t.key(key...)}
	for _, x := range cols {
		c.AddColumn(x.name, x.value)
	}
	c.SetCondition(exist)
	return c
}

// updateChange builds an UpdateRowChange that sets the given columns and leaves the
// others as they are.
func (s *Store) updateChange(t table, key []string, cols []col, exist tablestore.RowExistenceExpectation) *tablestore.UpdateRowChange {
	c := &tablestore.UpdateRowChange{TableName: s.tableName(t), PrimaryKey: t.key(key...)}
	for _, x := range cols {
		c.PutColumn(x.name, x.value)
	}
	c.SetCondition(exist)
	return c
}

// equal is a column condition "name == v"; a row without the column fails it.
func equal(name string, v any) *tablestore.SingleColumnCondition {
	c := tablestore.NewSingleColumnCondition(name, tablestore.CT_EQUAL, v)
	c.FilterIfMissing = true
	c.LatestVersionOnly = true
	return c
}

// and combines column conditions.
func and(cs ...tablestore.ColumnFilter) tablestore.ColumnFilter {
	if len(cs) == 1 {
		return cs[0]
	}
	f := tablestore.NewCompositeColumnCondition(tablestore.LO_AND)
	for _, c := range cs {
		f.AddFilter(c)
	}
	return f
}

// getRow reads one whole row. ok is false when the row does not exist. The error is
// the SDK's, unwrapped. (Whole rows, not columns_to_get: the service answers "no row"
// when none of the asked columns exist, which would read as "not found".)
func (s *Store) getRow(ctx context.Context, t table, key []string) (r row, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	q := &tablestore.SingleRowQueryCriteria{TableName: s.tableName(t), PrimaryKey: t.key(key...), MaxVersion: 1}
	resp, err := s.client.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: q})
	if err != nil {
		return nil, false, err
	}
	if len(resp.PrimaryKey.PrimaryKeys) == 0 {
		return nil, false, nil
	}
	return rowOf(resp.PrimaryKey.PrimaryKeys, resp.Columns), true, nil
}

func (s *Store) putRow(ctx context.Context, c *tablestore.PutRowChange) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := s.client.PutRow(&tablestore.PutRowRequest{PutRowChange: c})
	return err
}

func (s *Store) updateRow(ctx context.Context, c *tablestore.UpdateRowChange) (*tablestore.UpdateRowResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.client.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: c})
}

// scan reads every row whose key starts with prefix, in key order, page by page
// (GetRange until no next start key), calling each for every row. filter, when set,
// is applied by the service; pages may then be empty but still have a next key.
func (s *Store) scan(ctx context.Context, t table, prefix []string, filter tablestore.ColumnFilter, each func(row) error) error {
	start := t.bound(prefix, false)
	end := t.bound(prefix, true)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		q := &tablestore.RangeRowQueryCriteria{
			TableName:       s.tableName(t),
			StartPrimaryKey: start,
			EndPrimaryKey:   end,
			Direction:       tablestore.FORWARD,
			MaxVersion:      1,
			Filter:          filter,
		}
		resp, err := s.client.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: q})
		if err != nil {
			return err
		}
		for _, r := range resp.Rows {
			if err := each(rowOf(r.PrimaryKey.PrimaryKeys, r.Columns)); err != nil {
				return err
			}
		}
		if resp.NextStartPrimaryKey == nil {
			return nil
		}
		start = resp.NextStartPrimaryKey
	}
}
