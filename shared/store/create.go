package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/infra"
)

var pkTypes = map[string]tablestore.PrimaryKeyType{
	infra.PKString:  tablestore.PrimaryKeyType_STRING,
	infra.PKInteger: tablestore.PrimaryKeyType_INTEGER,
	infra.PKBinary:  tablestore.PrimaryKeyType_BINARY,
}

// CreateTables creates tables (usually infra.Tables()), each named with the store's
// table prefix. It is idempotent: a table that already exists with the same primary
// key is left as it is. One that exists with a different primary key is ErrConflict;
// a definition with an unknown key type is ErrInvalid. It stops at the first error.
func (s *Store) CreateTables(ctx context.Context, tables []infra.Table) error {
	for _, t := range tables {
		if err := s.createTable(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) createTable(ctx context.Context, t infra.Table) error {
	name := s.TableName(t.Name)
	op := "create table " + name
	meta := &tablestore.TableMeta{TableName: name}
	for _, c := range t.PrimaryKey {
		typ, ok := pkTypes[c.Type]
		if !ok {
			return failf(op, ErrInvalid, "primary key column %s has type %q; want STRING, INTEGER or BINARY", c.Name, c.Type)
		}
		meta.AddPrimaryKeyColumn(c.Name, typ)
	}
	if err := ctx.Err(); err != nil {
		return fail(op, err)
	}
	_, err := s.client.CreateTable(&tablestore.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: t.TTLSeconds, MaxVersion: t.MaxVersions},
		ReservedThroughput: &tablestore.ReservedThroughput{},
	})
	if err == nil {
		return nil
	}
	if otsCode(err) != codeObjectAlreadyExist {
		return fail(op, err)
	}
	desc, derr := s.client.DescribeTable(&tablestore.DescribeTableRequest{TableName: name})
	if derr != nil {
		return fail(op+": it exists, but describing it failed", derr)
	}
	var have []*tablestore.PrimaryKeySchema
	if desc.TableMeta != nil {
		have = desc.TableMeta.SchemaEntry
	}
	if want, got := pkString(meta.SchemaEntry), pkString(have); want != got {
		return failf(op, ErrConflict, "the table exists with primary key (%s); want (%s)", got, want)
	}
	return nil
}

func pkString(cols []*tablestore.PrimaryKeySchema) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		typ := "?"
		for k, v := range pkTypes {
			if c.Type != nil && *c.Type == v {
				typ = k
			}
		}
		name := ""
		if c.Name != nil {
			name = *c.Name
		}
		parts[i] = fmt.Sprintf("%s %s", name, typ)
	}
	return strings.Join(parts, ", ")
}
