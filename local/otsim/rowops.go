package otsim

import (
	"sort"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

// Service limits enforced by the emulator.
const (
	maxBatchWriteRows = 200
	maxBatchGetRows   = 100
	maxRangeRows      = 5000
	maxRangeBytes     = 4 << 20
	maxPKValueBytes   = 1024
	maxAttrValueBytes = 2 << 20
	maxColumnsPerRow  = 1024
)

func consumed(read, write int32) *otsprotocol.ConsumedCapacity {
	return &otsprotocol.ConsumedCapacity{CapacityUnit: &otsprotocol.CapacityUnit{Read: proto.Int32(read), Write: proto.Int32(write)}}
}

// capacityUnits rounds a byte count up to 4 KB capacity units (at least 1).
func capacityUnits(n int) int32 {
	return int32(max(1, (n+4095)/4096))
}

func pbErr(e error) *otsError {
	return errParam("%v", e)
}

// checkPK validates decoded primary key cells against the table schema.
func (t *table) checkPK(cells []pbCell, allowInf bool) ([]value, *otsError) {
	if len(cells) != len(t.pkNames) {
		return nil, errParam("Validate PK size fail. Input: %d, Meta: %d.", len(cells), len(t.pkNames))
	}
	vt := t.pkVariants()
	pk := make([]value, len(cells))
	for i, c := range cells {
		if c.name != t.pkNames[i] {
			return nil, errParam("Validate PK name fail. Input: %s, Meta: %s.", c.name, t.pkNames[i])
		}
		if !c.hasValue {
			return nil, errParam("The value of primary key column '%s' is missing.", c.name)
		}
		if c.hasOp || c.hasTS {
			return nil, errParam("Primary key column '%s' must not carry a cell type or timestamp.", c.name)
		}
		v := c.val
		switch {
		case v.isInf():
			if !allowInf {
				return nil, errParam("INF_MIN/INF_MAX in primary key column '%s' is only allowed in GetRange boundaries.", c.name)
			}
		case v.t == vtAutoIncrement:
			return nil, errParam("AUTO_INCREMENT in primary key column '%s' is not supported by otsim.", c.name)
		case v.t != vt[i]:
			return nil, errParam("Validate PK type fail. Input: %s, Meta: %s.", typeName(v.t), typeName(vt[i]))
		}
		if len(v.s) > maxPKValueBytes {
			return nil, errParam("The length of primary key column '%s' exceeds the MaxLength: %d.", c.name, maxPKValueBytes)
		}
		pk[i] = v
	}
	return pk, nil
}

func (t *table) checkAttrName(name string) *otsError {
	if !validName(name) {
		return errParam("Invalid column name: '%s'.", name)
	}
	if t.isPKName(name) {
		return errParam("Attribute column '%s' has the name of a primary key column.", name)
	}
	return nil
}

func checkAttrValue(name string, v value) *otsError {
	if !v.isAttrType() {
		return errParam("Invalid type %s for attribute column '%s'.", typeName(v.t), name)
	}
	if len(v.s) > maxAttrValueBytes {
		return errParam("The length of attribute column '%s' exceeds the MaxLength: %d.", name, maxAttrValueBytes)
	}
	return nil
}

// condition is a parsed otsprotocol.Condition.
type condition struct {
	exist otsprotocol.RowExistenceExpectation
	col   *filter
}

func parseCondition(c *otsprotocol.Condition) (condition, *otsError) {
	if c == nil || c.RowExistence == nil {
		return condition{}, errParam("The row existence expectation of the condition is missing.")
	}
	out := condition{exist: c.GetRowExistence()}
	if _, ok := otsprotocol.RowExistenceExpectation_name[int32(out.exist)]; !ok {
		return condition{}, errParam("Invalid row existence expectation: %d.", out.exist)
	}
	if len(c.ColumnCondition) > 0 {
		f, err := parseFilter(c.ColumnCondition, false)
		if err != nil {
			return condition{}, errParam("Invalid column condition: %v.", err)
		}
		out.col = f
	}
	return out, nil
}

// holds evaluates the condition against the current row (nil if absent).
func (c condition) holds(old *row) bool {
	switch c.exist {
	case otsprotocol.RowExistenceExpectation_EXPECT_EXIST:
		if old == nil {
			return false
		}
	case otsprotocol.RowExistenceExpectation_EXPECT_NOT_EXIST:
		if old != nil {
			return false
		}
	}
	if c.col != nil {
		var cells []cell
		if old != nil {
			cells = old.cells
		}
		return c.col.match(cells)
	}
	return true
}

func (c condition) needsRead() bool {
	return c.exist != otsprotocol.RowExistenceExpectation_IGNORE || c.col != nil
}

// updOp is one column operation of an UpdateRow.
type updOp struct {
	name string
	op   byte // 0 = put
	v    value
	ts   int64
}

// writeOp is a parsed single-row write (PutRow, UpdateRow, DeleteRow or a
// BatchWriteRow row). parseWrite fills the schema-independent parts;
// bind checks it against the table.
type writeOp struct {
	kind otsprotocol.OperationType
	raw  pbRow
	cond condition
	ret  otsprotocol.ReturnType
	// returnCols are the columns returned with RT_AFTER_MODIFY.
	returnCols []string

	pk    []value
	cells []cell  // PUT
	upd   []updOp // UPDATE
}

func parseWrite(kind otsprotocol.OperationType, change []byte, c *otsprotocol.Condition, rc *otsprotocol.ReturnContent) (*writeOp, *otsError) {
	w := &writeOp{kind: kind}
	var e *otsError
	if w.cond, e = parseCondition(c); e != nil {
		return nil, e
	}
	if rc != nil {
		w.ret = rc.GetReturnType()
		switch w.ret {
		case otsprotocol.ReturnType_RT_NONE, otsprotocol.ReturnType_RT_PK:
		case otsprotocol.ReturnType_RT_AFTER_MODIFY:
			if kind != otsprotocol.OperationType_UPDATE {
				return nil, errParam("RT_AFTER_MODIFY is only supported by UpdateRow.")
			}
			w.returnCols = rc.ReturnColumnNames
		default:
			return nil, errParam("Invalid return type: %d.", w.ret)
		}
	}
	r, err := decodeOneRow(change)
	if err != nil {
		return nil, pbErr(err)
	}
	w.raw = r
	switch kind {
	case otsprotocol.OperationType_PUT, otsprotocol.OperationType_UPDATE:
		if len(r.cells) > maxColumnsPerRow {
			return nil, errParam("The number of columns in a row exceeds the limit: %d.", maxColumnsPerRow)
		}
		if kind == otsprotocol.OperationType_UPDATE && len(r.cells) == 0 {
			return nil, errParam("UpdateRow needs at least one attribute column.")
		}
	case otsprotocol.OperationType_DELETE:
		if len(r.cells) > 0 {
			return nil, errParam("DeleteRow must only carry the primary key.")
		}
	default:
		return nil, errParam("Invalid operation type: %d.", kind)
	}
	return w, nil
}

func (w *writeOp) hasIncrement() bool {
	for _, op := range w.upd {
		if op.op == opIncrement {
			return true
		}
	}
	return false
}

// bind validates the write against the table schema.
func (w *writeOp) bind(t *table, now int64) *otsError {
	var e *otsError
	if w.pk, e = t.checkPK(w.raw.pk, false); e != nil {
		return e
	}
	switch w.kind {
	case otsprotocol.OperationType_PUT:
		w.cells = make([]cell, 0, len(w.raw.cells))
		for _, c := range w.raw.cells {
			if e := t.checkAttrName(c.name); e != nil {
				return e
			}
			if c.hasOp {
				return errParam("PutRow does not accept a cell type (column '%s').", c.name)
			}
			if !c.hasValue {
				return errParam("The value of column '%s' is missing.", c.name)
			}
			if e := checkAttrValue(c.name, c.val); e != nil {
				return e
			}
			ts := now
			if c.hasTS {
				if c.ts < 0 {
					return errParam("The timestamp of column '%s' must not be negative.", c.name)
				}
				ts = c.ts
			}
			w.cells = append(w.cells, cell{name: c.name, v: c.val, ts: ts})
		}
		w.cells = dedupCells(w.cells)
	case otsprotocol.OperationType_UPDATE:
		incremented := map[string]bool{}
		touched := map[string]bool{}
		for _, c := range w.raw.cells {
			if e := t.checkAttrName(c.name); e != nil {
				return e
			}
			op := updOp{name: c.name}
			if c.hasOp {
				op.op = c.op
			}
			switch op.op {
			case 0:
				if !c.hasValue {
					return errParam("The value of column '%s' is missing.", c.name)
				}
				if e := checkAttrValue(c.name, c.val); e != nil {
					return e
				}
				op.v, op.ts = c.val, now
				if c.hasTS {
					if c.ts < 0 {
						return errParam("The timestamp of column '%s' must not be negative.", c.name)
					}
					op.ts = c.ts
				}
			case opDeleteAll:
			case opDeleteOne:
				if !c.hasTS {
					return errParam("Deleting one version of column '%s' requires a timestamp.", c.name)
				}
				op.ts = c.ts
			case opIncrement:
				if !c.hasValue || c.val.t != vtInteger {
					return errParam("The increment of column '%s' must be an INTEGER.", c.name)
				}
				if c.hasTS {
					return errParam("An increment of column '%s' must not carry a timestamp.", c.name)
				}
				op.v = c.val
			default:
				return errParam("Invalid cell type 0x%02x of column '%s'.", c.op, c.name)
			}
			if incremented[c.name] || (op.op == opIncrement && touched[c.name]) {
				return errParam("Column '%s' can not be incremented and modified in the same request.", c.name)
			}
			touched[c.name] = true
			if op.op == opIncrement {
				incremented[c.name] = true
			}
			w.upd = append(w.upd, op)
		}
	}
	return nil
}

// dedupCells sorts cells by name; for duplicated names the newest timestamp
// (then the later cell) wins, as only one version is kept.
func dedupCells(cells []cell) []cell {
	sort.SliceStable(cells, func(i, j int) bool { return cells[i].name < cells[j].name })
	out := cells[:0]
	for _, c := range cells {
		if n := len(out); n > 0 && out[n-1].name == c.name {
			if c.ts >= out[n-1].ts {
				out[n-1] = c
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// apply computes the new row state for w given the current row. It never
// mutates old. remove reports that the row must be deleted; a nil result
// without remove means "no row" (an UPDATE that left nothing behind on an
// absent row).
func (w *writeOp) apply(old *row, now int64) (next *row, remove bool, e *otsError) {
	switch w.kind {
	case otsprotocol.OperationType_PUT:
		return &row{pk: w.pk, cells: w.cells}, false, nil
	case otsprotocol.OperationType_DELETE:
		return nil, old != nil, nil
	}
	m := map[string]cell{}
	if old != nil {
		for _, c := range old.cells {
			m[c.name] = c
		}
	}
	for _, op := range w.upd {
		switch op.op {
		case 0:
			m[op.name] = cell{name: op.name, v: op.v, ts: op.ts}
		case opDeleteAll:
			delete(m, op.name)
		case opDeleteOne:
			if c, ok := m[op.name]; ok && c.ts == op.ts {
				delete(m, op.name)
			}
		case opIncrement:
			base := int64(0)
			if c, ok := m[op.name]; ok {
				if c.v.t != vtInteger {
					return nil, false, errParam("Column '%s' has type %s: only INTEGER columns can be incremented.", op.name, typeName(c.v.t))
				}
				base = c.v.i
			}
			sum := base + op.v.i
			if (op.v.i > 0 && sum < base) || (op.v.i < 0 && sum > base) {
				return nil, false, errParam("The increment of column '%s' overflows: %d + %d.", op.name, base, op.v.i)
			}
			m[op.name] = cell{name: op.name, v: intValue(sum), ts: now}
		}
	}
	if old == nil && len(m) == 0 {
		return nil, false, nil
	}
	cells := make([]cell, 0, len(m))
	for _, c := range m {
		cells = append(cells, c)
	}
	sort.Slice(cells, func(i, j int) bool { return cells[i].name < cells[j].name })
	return &row{pk: w.pk, cells: cells}, false, nil
}

// result is the outcome of one applied write.
type result struct {
	read, write int32
	row         []byte // return content, nil if none
}

// execute checks the condition, computes and commits the write. The caller
// holds s.mu for writing. Nothing is written when an error is returned.
func (s *Server) execute(t *table, w *writeOp, now int64) (result, *otsError) {
	next, remove, e := s.plan(t, w, now)
	if e != nil {
		return result{}, e
	}
	return s.commit(t, w, next, remove), nil
}

// plan evaluates the condition and computes the new state without writing.
func (s *Server) plan(t *table, w *writeOp, now int64) (*row, bool, *otsError) {
	old := t.rows.get(w.pk)
	if !w.cond.holds(old) {
		return nil, false, errCondition
	}
	return w.apply(old, now)
}

func (s *Server) commit(t *table, w *writeOp, next *row, remove bool) result {
	switch {
	case remove:
		t.rows.remove(w.pk)
		s.version++
	case next != nil:
		t.rows.put(next)
		s.version++
	}
	res := result{write: 1}
	if w.cond.needsRead() || w.hasIncrement() {
		res.read = 1
	}
	switch w.ret {
	case otsprotocol.ReturnType_RT_PK:
		pw := &pbWriter{}
		pw.header()
		pw.storedRow(t, w.pk, nil)
		res.row = pw.buf
	case otsprotocol.ReturnType_RT_AFTER_MODIFY:
		var cells []cell
		if next != nil {
			for _, name := range w.returnCols {
				if c, ok := next.find(name); ok {
					cells = append(cells, c)
				}
			}
		}
		pw := &pbWriter{}
		pw.header()
		pw.storedRow(t, w.pk, cells)
		res.row = pw.buf
	}
	return res
}

// singleWrite runs PutRow, UpdateRow and DeleteRow.
func (s *Server) singleWrite(tableName string, w *writeOp) (result, *otsError) {
	s.mu.Lock()
	t, e := s.lookup(tableName)
	if e != nil {
		s.mu.Unlock()
		return result{}, e
	}
	now := s.nowMillis()
	if e := w.bind(t, now); e != nil {
		s.mu.Unlock()
		return result{}, e
	}
	v := s.version
	res, e := s.execute(t, w, now)
	changed := s.version != v
	s.mu.Unlock()
	if changed {
		s.markDirty()
	}
	return res, e
}

func (s *Server) putRow(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.PutRowRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	w, e := parseWrite(otsprotocol.OperationType_PUT, req.Row, req.Condition, req.ReturnContent)
	if e != nil {
		return nil, e
	}
	res, e := s.singleWrite(req.GetTableName(), w)
	if e != nil {
		return nil, e
	}
	return &otsprotocol.PutRowResponse{Consumed: consumed(res.read, res.write), Row: res.row}, nil
}

func (s *Server) updateRow(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.UpdateRowRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	w, e := parseWrite(otsprotocol.OperationType_UPDATE, req.RowChange, req.Condition, req.ReturnContent)
	if e != nil {
		return nil, e
	}
	res, e := s.singleWrite(req.GetTableName(), w)
	if e != nil {
		return nil, e
	}
	return &otsprotocol.UpdateRowResponse{Consumed: consumed(res.read, res.write), Row: res.row}, nil
}

func (s *Server) deleteRow(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.DeleteRowRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	w, e := parseWrite(otsprotocol.OperationType_DELETE, req.PrimaryKey, req.Condition, req.ReturnContent)
	if e != nil {
		return nil, e
	}
	res, e := s.singleWrite(req.GetTableName(), w)
	if e != nil {
		return nil, e
	}
	return &otsprotocol.DeleteRowResponse{Consumed: consumed(res.read, res.write), Row: res.row}, nil
}

// keyString is a map key for a primary key.
func keyString(pk []value) string {
	w := &pbWriter{}
	for _, v := range pk {
		w.value(v)
	}
	return string(w.buf)
}

func rowError(e *otsError) *otsprotocol.Error {
	return &otsprotocol.Error{Code: proto.String(e.code), Message: proto.String(e.msg)}
}

func (s *Server) batchWriteRow(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.BatchWriteRowRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if req.TransactionId != nil {
		return nil, errParam("Transactions are not supported by otsim.")
	}
	total := 0
	names := map[string]bool{}
	for _, tb := range req.Tables {
		if names[tb.GetTableName()] {
			return nil, errParam("Duplicated table name in BatchWriteRow: '%s'.", tb.GetTableName())
		}
		names[tb.GetTableName()] = true
		total += len(tb.Rows)
	}
	if total == 0 {
		return nil, errParam("No row specified in the request of BatchWriteRow.")
	}
	if total > maxBatchWriteRows {
		return nil, errParam("Rows count exceeds the upper limit: %d.", maxBatchWriteRows)
	}
	// Parse every row outside the lock; failures become per-row errors.
	ops := make([][]*writeOp, len(req.Tables))
	errs := make([][]*otsError, len(req.Tables))
	for i, tb := range req.Tables {
		ops[i] = make([]*writeOp, len(tb.Rows))
		errs[i] = make([]*otsError, len(tb.Rows))
		for j, r := range tb.Rows {
			ops[i][j], errs[i][j] = parseWrite(r.GetType(), r.RowChange, r.Condition, r.ReturnContent)
		}
	}
	results := make([][]result, len(req.Tables))

	s.mu.Lock()
	now := s.nowMillis()
	v0 := s.version
	for i, tb := range req.Tables {
		results[i] = make([]result, len(tb.Rows))
		t := s.tables[tb.GetTableName()]
		seen := map[string]bool{}
		for j := range tb.Rows {
			if t == nil {
				errs[i][j] = errTableNotExist
				continue
			}
			if errs[i][j] != nil {
				continue
			}
			if e := ops[i][j].bind(t, now); e != nil {
				errs[i][j] = e
				continue
			}
			k := keyString(ops[i][j].pk)
			if seen[k] {
				s.mu.Unlock()
				return nil, errParam("Duplicated primary key in table '%s' of BatchWriteRow.", tb.GetTableName())
			}
			seen[k] = true
		}
	}
	type planned struct {
		next   *row
		remove bool
	}
	plans := make([][]planned, len(req.Tables))
	for i, tb := range req.Tables {
		plans[i] = make([]planned, len(tb.Rows))
		t := s.tables[tb.GetTableName()]
		for j := range tb.Rows {
			if errs[i][j] != nil {
				continue
			}
			// Rows have distinct keys, so planning all rows before
			// committing any equals applying them one by one.
			next, remove, e := s.plan(t, ops[i][j], now)
			if e != nil {
				errs[i][j] = e
				if req.GetIsAtomic() {
					s.mu.Unlock()
					return nil, e
				}
				continue
			}
			plans[i][j] = planned{next, remove}
		}
	}
	if req.GetIsAtomic() {
		for i := range errs {
			for _, e := range errs[i] {
				if e != nil {
					s.mu.Unlock()
					return nil, e
				}
			}
		}
	}
	for i, tb := range req.Tables {
		t := s.tables[tb.GetTableName()]
		for j := range tb.Rows {
			if errs[i][j] == nil {
				results[i][j] = s.commit(t, ops[i][j], plans[i][j].next, plans[i][j].remove)
			}
		}
	}
	changed := s.version != v0
	s.mu.Unlock()
	if changed {
		s.markDirty()
	}

	resp := &otsprotocol.BatchWriteRowResponse{}
	for i, tb := range req.Tables {
		out := &otsprotocol.TableInBatchWriteRowResponse{TableName: proto.String(tb.GetTableName())}
		for j := range tb.Rows {
			if e := errs[i][j]; e != nil {
				out.Rows = append(out.Rows, &otsprotocol.RowInBatchWriteRowResponse{IsOk: proto.Bool(false), Error: rowError(e)})
				continue
			}
			res := results[i][j]
			out.Rows = append(out.Rows, &otsprotocol.RowInBatchWriteRowResponse{IsOk: proto.Bool(true), Consumed: consumed(res.read, res.write), Row: res.row})
		}
		resp.Tables = append(resp.Tables, out)
	}
	return resp, nil
}

// readOpts are the projection and filter options shared by the read APIs.
type readOpts struct {
	cols               map[string]bool
	f                  *filter
	hasTime, specific  bool
	tsStart, tsEnd     int64
	startCol, endCol   string
	hasStart, hasEnd   bool
	nonPKColsRequested bool
}

func parseReadOpts(t *table, colsToGet []string, tr *otsprotocol.TimeRange, maxVersions *int32, filterBytes []byte, startCol, endCol *string) (*readOpts, *otsError) {
	o := &readOpts{}
	if tr == nil && maxVersions == nil {
		return nil, errParam("Neither max_versions nor time_range is specified.")
	}
	if maxVersions != nil && *maxVersions <= 0 {
		return nil, errParam("The value of max_versions must be greater than 0, got %d.", *maxVersions)
	}
	if tr != nil {
		o.hasTime = true
		switch {
		case tr.SpecificTime != nil:
			if tr.StartTime != nil || tr.EndTime != nil {
				return nil, errParam("time_range must set either specific_time or start_time and end_time.")
			}
			if tr.GetSpecificTime() < 0 {
				return nil, errParam("The specific_time of time_range must not be negative.")
			}
			o.specific, o.tsStart = true, tr.GetSpecificTime()
		case tr.StartTime != nil && tr.EndTime != nil:
			if tr.GetStartTime() < 0 || tr.GetEndTime() <= tr.GetStartTime() {
				return nil, errParam("time_range needs 0 <= start_time < end_time, got [%d, %d).", tr.GetStartTime(), tr.GetEndTime())
			}
			o.tsStart, o.tsEnd = tr.GetStartTime(), tr.GetEndTime()
		default:
			return nil, errParam("time_range must set either specific_time or start_time and end_time.")
		}
	}
	if len(colsToGet) > 0 {
		o.cols = make(map[string]bool, len(colsToGet))
		for _, c := range colsToGet {
			if !validName(c) {
				return nil, errParam("Invalid column name in columns_to_get: '%s'.", c)
			}
			o.cols[c] = true
			if t == nil || !t.isPKName(c) {
				o.nonPKColsRequested = true
			}
		}
	}
	if len(filterBytes) > 0 {
		f, err := parseFilter(filterBytes, true)
		if err != nil {
			return nil, errParam("Invalid filter: %v.", err)
		}
		o.f = f
	}
	if startCol != nil {
		o.hasStart, o.startCol = true, *startCol
	}
	if endCol != nil {
		o.hasEnd, o.endCol = true, *endCol
	}
	return o, nil
}

// project returns the cells of r visible to the read, and whether the row is
// returned at all. Filters are evaluated on the projected cells, as the
// service does: a filter on a column left out of columns_to_get sees it as
// missing.
func (o *readOpts) project(r *row) ([]cell, bool) {
	cells := r.cells
	if o.cols != nil || o.hasTime || o.hasStart || o.hasEnd {
		cells = make([]cell, 0, len(r.cells))
		for _, c := range r.cells {
			if o.cols != nil && !o.cols[c.name] {
				continue
			}
			if o.hasStart && c.name < o.startCol {
				continue
			}
			if o.hasEnd && c.name >= o.endCol {
				continue
			}
			if o.hasTime {
				if o.specific && c.ts != o.tsStart {
					continue
				}
				if !o.specific && (c.ts < o.tsStart || c.ts >= o.tsEnd) {
					continue
				}
			}
			cells = append(cells, c)
		}
		if len(cells) == 0 && (o.nonPKColsRequested || o.hasTime) {
			return nil, false
		}
	}
	if o.f != nil {
		if !o.f.match(cells) {
			return nil, false
		}
		cells = o.f.paginate(cells)
	}
	return cells, true
}

// readKey decodes a PK-only PlainBuffer and validates it against t.
func readKey(t *table, b []byte, allowInf bool) ([]value, *otsError) {
	r, err := decodeOneRow(b)
	if err != nil {
		return nil, pbErr(err)
	}
	if len(r.cells) > 0 {
		return nil, errParam("The primary key must not carry attribute columns.")
	}
	return t.checkPK(r.pk, allowInf)
}

func (s *Server) getRow(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.GetRowRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if req.TransactionId != nil {
		return nil, errParam("Transactions are not supported by otsim.")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, e := s.lookup(req.GetTableName())
	if e != nil {
		return nil, e
	}
	pk, e := readKey(t, req.PrimaryKey, false)
	if e != nil {
		return nil, e
	}
	o, e := parseReadOpts(t, req.ColumnsToGet, req.TimeRange, req.MaxVersions, req.Filter, req.StartColumn, req.EndColumn)
	if e != nil {
		return nil, e
	}
	out := []byte{}
	size := 0
	if r := t.rows.get(pk); r != nil {
		if cells, ok := o.project(r); ok {
			w := &pbWriter{}
			w.header()
			w.storedRow(t, r.pk, cells)
			out = w.buf
			size = len(out)
		}
	}
	return &otsprotocol.GetRowResponse{Consumed: consumed(capacityUnits(size), 0), Row: out}, nil
}

func (s *Server) batchGetRow(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.BatchGetRowRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	total := 0
	names := map[string]bool{}
	for _, tb := range req.Tables {
		if names[tb.GetTableName()] {
			return nil, errParam("Duplicated table name in BatchGetRow: '%s'.", tb.GetTableName())
		}
		names[tb.GetTableName()] = true
		total += len(tb.PrimaryKey)
	}
	if total == 0 {
		return nil, errParam("No row specified in the request of BatchGetRow.")
	}
	if total > maxBatchGetRows {
		return nil, errParam("Rows count exceeds the upper limit: %d.", maxBatchGetRows)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	resp := &otsprotocol.BatchGetRowResponse{}
	for _, tb := range req.Tables {
		t := s.tables[tb.GetTableName()]
		o, e := parseReadOpts(t, tb.ColumnsToGet, tb.TimeRange, tb.MaxVersions, tb.Filter, tb.StartColumn, tb.EndColumn)
		if e != nil {
			return nil, e
		}
		out := &otsprotocol.TableInBatchGetRowResponse{TableName: proto.String(tb.GetTableName())}
		for _, keyBytes := range tb.PrimaryKey {
			if t == nil {
				out.Rows = append(out.Rows, &otsprotocol.RowInBatchGetRowResponse{IsOk: proto.Bool(false), Error: rowError(errTableNotExist)})
				continue
			}
			pk, e := readKey(t, keyBytes, false)
			if e != nil {
				out.Rows = append(out.Rows, &otsprotocol.RowInBatchGetRowResponse{IsOk: proto.Bool(false), Error: rowError(e)})
				continue
			}
			rowBytes := []byte{}
			if r := t.rows.get(pk); r != nil {
				if cells, ok := o.project(r); ok {
					w := &pbWriter{}
					w.header()
					w.storedRow(t, r.pk, cells)
					rowBytes = w.buf
				}
			}
			out.Rows = append(out.Rows, &otsprotocol.RowInBatchGetRowResponse{IsOk: proto.Bool(true), Consumed: consumed(capacityUnits(len(rowBytes)), 0), Row: rowBytes})
		}
		resp.Tables = append(resp.Tables, out)
	}
	return resp, nil
}

func (s *Server) getRange(body []byte) (proto.Message, *otsError) {
	var req otsprotocol.GetRangeRequest
	if e := decode(body, &req); e != nil {
		return nil, e
	}
	if req.TransactionId != nil {
		return nil, errParam("Transactions are not supported by otsim.")
	}
	if len(req.Token) > 0 {
		return nil, errParam("Range tokens are not supported by otsim.")
	}
	dir := req.GetDirection()
	if dir != otsprotocol.Direction_FORWARD && dir != otsprotocol.Direction_BACKWARD {
		return nil, errParam("Invalid direction: %d.", dir)
	}
	limit := maxRangeRows
	if req.Limit != nil {
		if req.GetLimit() <= 0 {
			return nil, errParam("The limit must be greater than 0, got %d.", req.GetLimit())
		}
		limit = min(int(req.GetLimit()), maxRangeRows)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, e := s.lookup(req.GetTableName())
	if e != nil {
		return nil, e
	}
	start, e := readKey(t, req.InclusiveStartPrimaryKey, true)
	if e != nil {
		return nil, e
	}
	end, e := readKey(t, req.ExclusiveEndPrimaryKey, true)
	if e != nil {
		return nil, e
	}
	o, e := parseReadOpts(t, req.ColumnsToGet, req.TimeRange, req.MaxVersions, req.Filter, req.StartColumn, req.EndColumn)
	if e != nil {
		return nil, e
	}
	forward := dir == otsprotocol.Direction_FORWARD
	c := compareKeys(start, end)
	if forward && c > 0 {
		return nil, errParam("Begin key must be less than end key in FORWARD.")
	}
	if !forward && c < 0 {
		return nil, errParam("Begin key must be more than end key in BACKWARD.")
	}

	w := &pbWriter{}
	w.header()
	count, size := 0, 0
	var next []value
	ix := &t.rows
	p, found := ix.lowerBound(start)
	if !forward && !found {
		p = ix.prev(p)
	}
	for ix.valid(p) {
		r := ix.at(p)
		if forward && compareKeys(r.pk, end) >= 0 || !forward && compareKeys(r.pk, end) <= 0 {
			break
		}
		if count >= limit {
			next = r.pk
			break
		}
		if cells, ok := o.project(r); ok {
			n := storedRowSize(t, r.pk, cells)
			if count > 0 && size+n > maxRangeBytes {
				next = r.pk
				break
			}
			w.storedRow(t, r.pk, cells)
			count++
			size += n
		}
		if forward {
			p = ix.next(p)
		} else {
			p = ix.prev(p)
		}
	}
	rows := []byte{}
	if count > 0 {
		rows = w.buf
	}
	resp := &otsprotocol.GetRangeResponse{
		Consumed:      consumed(capacityUnits(len(rows)), 0),
		Rows:          rows,
		DataBlockType: otsprotocol.DataBlockType_DBT_PLAIN_BUFFER.Enum(),
		CompressType:  otsprotocol.CompressType_CPT_NONE.Enum(),
	}
	if next != nil {
		kw := &pbWriter{}
		kw.header()
		kw.storedRow(t, next, nil)
		resp.NextStartPrimaryKey = kw.buf
	}
	return resp, nil
}
