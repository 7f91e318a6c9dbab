package otsim

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

const (
	maxPKColumns     = 4
	maxTables        = 64
	minTTLSeconds    = 86400
	defaultDeviation = 86400
)

// validName checks table and column names: [A-Za-z_][A-Za-z0-9_]{0,254}.
func validName(name string) bool {
	if len(name) == 0 || len(name) > 255 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func validTableName(name string) error {
	if !validName(name) {
		return fmt.Errorf("invalid table name: '%s'", name)
	}
	return nil
}

func decode(body []byte, m proto.Message) *otsError {
	if err := proto.Unmarshal(body, m); err != nil {
		return errParam("Failed to parse the request protobuf: %v.", err)
	}
	return nil
}

func (s *Server) lookup(name string) (*table, *otsError) {
	t := s.tables[name]
	if t == nil {
		return nil, errTableNotExist
	}
	return t, nil
}

// checkTableOptions validates the options present in o.
func checkTableOptions(o *otsprotocol.TableOptions) *otsError {
	if o == nil {
		return nil
	}
	if o.TimeToLive != nil && o.GetTimeToLive() != -1 && o.GetTimeToLive() < minTTLSeconds {
		return errParam("The value of time_to_live must be -1 or at least %d, got %d.", minTTLSeconds, o.GetTimeToLive())
	}
	if o.MaxVersions != nil && o.GetMaxVersions() < 1 {
		return errParam("The value of max_versions must be at least 1, got %d.", o.GetMaxVersions())
	}
	if o.DeviationCellVersionInSec != nil && o.GetDeviationCellVersionInSec() <= 0 {
		return errParam("The value of deviation_cell_version_in_sec must be positive, got %d.", o.GetDeviationCellVersionInSec())
	}
	return nil
}

func (s *Server) createTable(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.CreateTableRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	meta := req.GetTableMeta()
	name := meta.GetTableName()
	if !validName(name) {
		return nil, errParam("Invalid table name: '%s'.", name)
	}
	if n := len(meta.PrimaryKey); n == 0 || n > maxPKColumns {
		return nil, errParam("The number of primary key columns must be in range: [1, %d], got %d.", maxPKColumns, n)
	}
	t := &table{name: name, ttl: -1, maxVersions: 1, deviation: defaultDeviation}
	seen := map[string]bool{}
	for _, pk := range meta.PrimaryKey {
		if !validName(pk.GetName()) {
			return nil, errParam("Invalid column name: '%s'.", pk.GetName())
		}
		if seen[pk.GetName()] {
			return nil, errParam("Duplicated primary key name: '%s'.", pk.GetName())
		}
		seen[pk.GetName()] = true
		if pkVariant(pk.GetType()) == 0xFF {
			return nil, errParam("Invalid primary key type of column '%s': %d.", pk.GetName(), pk.GetType())
		}
		if pk.Option != nil {
			return nil, errParam("Primary key option %s of column '%s' is not supported by otsim.", pk.GetOption(), pk.GetName())
		}
		t.pkNames = append(t.pkNames, pk.GetName())
		t.pkTypes = append(t.pkTypes, pk.GetType())
	}
	for _, d := range meta.DefinedColumn {
		if !validName(d.GetName()) {
			return nil, errParam("Invalid column name: '%s'.", d.GetName())
		}
		if seen[d.GetName()] {
			return nil, errParam("Duplicated column name: '%s'.", d.GetName())
		}
		seen[d.GetName()] = true
		if _, ok := otsprotocol.DefinedColumnType_name[int32(d.GetType())]; !ok {
			return nil, errParam("Invalid type of defined column '%s': %d.", d.GetName(), d.GetType())
		}
		t.defined = append(t.defined, definedColumn{name: d.GetName(), typ: d.GetType()})
	}
	if len(meta.IndexMeta) > 0 || len(req.IndexMetas) > 0 {
		return nil, errParam("Secondary indexes are not supported by otsim.")
	}
	if req.GetStreamSpec().GetEnableStream() {
		return nil, errParam("Streams are not supported by otsim.")
	}
	if req.GetSseSpec().GetEnable() {
		return nil, errParam("Server-side encryption is not supported by otsim.")
	}
	if req.GetEnableLocalTxn() {
		return nil, errParam("Local transactions are not supported by otsim.")
	}
	cu := req.GetReservedThroughput().GetCapacityUnit()
	if cu.GetRead() < 0 || cu.GetWrite() < 0 {
		return nil, errParam("Reserved throughput must not be negative.")
	}
	t.readCU, t.writeCU = cu.GetRead(), cu.GetWrite()
	if e := checkTableOptions(req.TableOptions); e != nil {
		return nil, e
	}
	if o := req.TableOptions; o != nil {
		if o.TimeToLive != nil {
			t.ttl = o.GetTimeToLive()
		}
		if o.MaxVersions != nil {
			t.maxVersions = o.GetMaxVersions()
		}
		if o.DeviationCellVersionInSec != nil {
			t.deviation = o.GetDeviationCellVersionInSec()
		}
	}
	t.created = s.now().Unix()
	t.initVariants()

	s.mu.Lock()
	if s.tables[name] != nil {
		s.mu.Unlock()
		return nil, errTableExists
	}
	if len(s.tables) >= maxTables {
		s.mu.Unlock()
		return nil, &otsError{http.StatusForbidden, codeQuotaExhausted, "Number of tables exceeded the quota."}
	}
	s.tables[name] = t
	s.version++
	s.mu.Unlock()
	s.markDirty()
	return &otsprotocol.CreateTableResponse{}, nil
}

func (s *Server) listTable(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.ListTableRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	s.mu.RLock()
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		names = append(names, n)
	}
	s.mu.RUnlock()
	sort.Strings(names)
	return &otsprotocol.ListTableResponse{TableNames: names}, nil
}

func (s *Server) deleteTable(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.DeleteTableRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	s.mu.Lock()
	if s.tables[req.GetTableName()] == nil {
		s.mu.Unlock()
		return nil, errTableNotExist
	}
	delete(s.tables, req.GetTableName())
	s.version++
	s.mu.Unlock()
	s.markDirty()
	return &otsprotocol.DeleteTableResponse{}, nil
}

func tableOptionsPB(t *table) *otsprotocol.TableOptions {
	return &otsprotocol.TableOptions{
		TimeToLive:                proto.Int32(t.ttl),
		MaxVersions:               proto.Int32(t.maxVersions),
		DeviationCellVersionInSec: proto.Int64(t.deviation),
		AllowUpdate:               proto.Bool(true),
		UpdateFullRow:             proto.Bool(false),
	}
}

func reservedPB(t *table) *otsprotocol.ReservedThroughputDetails {
	d := &otsprotocol.ReservedThroughputDetails{
		CapacityUnit:     &otsprotocol.CapacityUnit{Read: proto.Int32(t.readCU), Write: proto.Int32(t.writeCU)},
		LastIncreaseTime: proto.Int64(t.lastIncrease),
	}
	if t.lastDecrease != 0 {
		d.LastDecreaseTime = proto.Int64(t.lastDecrease)
	}
	return d
}

func (s *Server) describeTable(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.DescribeTableRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, e := s.lookup(req.GetTableName())
	if e != nil {
		return nil, e
	}
	meta := &otsprotocol.TableMeta{TableName: proto.String(t.name)}
	for i, n := range t.pkNames {
		meta.PrimaryKey = append(meta.PrimaryKey, &otsprotocol.PrimaryKeySchema{Name: proto.String(n), Type: t.pkTypes[i].Enum()})
	}
	for _, d := range t.defined {
		meta.DefinedColumn = append(meta.DefinedColumn, &otsprotocol.DefinedColumnSchema{Name: proto.String(d.name), Type: d.typ.Enum()})
	}
	return &otsprotocol.DescribeTableResponse{
		TableMeta:                 meta,
		ReservedThroughputDetails: reservedPB(t),
		TableOptions:              tableOptionsPB(t),
		TableStatus:               otsprotocol.TableStatus_ACTIVE.Enum(),
		StreamDetails:             &otsprotocol.StreamDetails{EnableStream: proto.Bool(false)},
	}, nil
}

func (s *Server) updateTable(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.UpdateTableRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if e := checkTableOptions(req.TableOptions); e != nil {
		return nil, e
	}
	if req.GetStreamSpec().GetEnableStream() {
		return nil, errParam("Streams are not supported by otsim.")
	}
	cu := req.GetReservedThroughput().GetCapacityUnit()
	if cu.GetRead() < 0 || cu.GetWrite() < 0 {
		return nil, errParam("Reserved throughput must not be negative.")
	}
	s.mu.Lock()
	t, e := s.lookup(req.GetTableName())
	if e != nil {
		s.mu.Unlock()
		return nil, e
	}
	if o := req.TableOptions; o != nil {
		if o.TimeToLive != nil {
			t.ttl = o.GetTimeToLive()
		}
		if o.MaxVersions != nil {
			t.maxVersions = o.GetMaxVersions()
		}
		if o.DeviationCellVersionInSec != nil {
			t.deviation = o.GetDeviationCellVersionInSec()
		}
	}
	if cu != nil {
		now := s.now().Unix()
		if cu.Read != nil {
			if cu.GetRead() > t.readCU {
				t.lastIncrease = now
			} else if cu.GetRead() < t.readCU {
				t.lastDecrease = now
			}
			t.readCU = cu.GetRead()
		}
		if cu.Write != nil {
			if cu.GetWrite() > t.writeCU {
				t.lastIncrease = now
			} else if cu.GetWrite() < t.writeCU {
				t.lastDecrease = now
			}
			t.writeCU = cu.GetWrite()
		}
	}
	s.version++
	resp := &otsprotocol.UpdateTableResponse{
		ReservedThroughputDetails: reservedPB(t),
		TableOptions:              tableOptionsPB(t),
		StreamDetails:             &otsprotocol.StreamDetails{EnableStream: proto.Bool(false)},
	}
	s.mu.Unlock()
	s.markDirty()
	return resp, nil
}
