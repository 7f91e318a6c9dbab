package otsim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// PlainBuffer is Tablestore's row serialization. It is carried inside the
// protobuf messages (rows, primary keys, row changes) and is documented by the
// service as: a little-endian uint32 header 0x75, then rows. A row is
// TAG_ROW_PK followed by cells, optionally TAG_ROW_DATA followed by cells,
// an optional TAG_DELETE_ROW_MARKER and TAG_ROW_CHECKSUM + crc8. A cell is
// TAG_CELL, TAG_CELL_NAME + len32 + name, optionally TAG_CELL_VALUE + len32 +
// type + payload, optionally TAG_CELL_TYPE + op, optionally TAG_CELL_TIMESTAMP
// + int64, then TAG_CELL_CHECKSUM + crc8.

const (
	pbHeader uint32 = 0x75

	tagRowPK           = 0x01
	tagRowData         = 0x02
	tagCell            = 0x03
	tagCellName        = 0x04
	tagCellValue       = 0x05
	tagCellType        = 0x06
	tagCellTimestamp   = 0x07
	tagDeleteRowMarker = 0x08
	tagRowChecksum     = 0x09
	tagCellChecksum    = 0x0A

	// Cell operation types carried by TAG_CELL_TYPE in UpdateRow changes.
	opDeleteAll = 0x01
	opDeleteOne = 0x03
	opIncrement = 0x04

	// Variant types.
	vtInteger       = 0x00
	vtDouble        = 0x01
	vtBoolean       = 0x02
	vtString        = 0x03
	vtNull          = 0x06
	vtBlob          = 0x07
	vtInfMin        = 0x09
	vtInfMax        = 0x0A
	vtAutoIncrement = 0x0B
)

// crc8Table is the lookup table of the CRC-8 used by PlainBuffer
// (polynomial x^8+x^2+x+1, i.e. 0x07, initial value 0, no reflection).
var crc8Table = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		for bit := 0; bit < 8; bit++ {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

func crcByte(crc, b byte) byte { return crc8Table[crc^b] }

func crcBytes(crc byte, p []byte) byte {
	for _, b := range p {
		crc = crc8Table[crc^b]
	}
	return crc
}

func crcString(crc byte, s string) byte {
	for i := 0; i < len(s); i++ {
		crc = crc8Table[crc^s[i]]
	}
	return crc
}

func crcUint32(crc byte, v uint32) byte {
	for i := 0; i < 4; i++ {
		crc = crc8Table[crc^byte(v)]
		v >>= 8
	}
	return crc
}

func crcUint64(crc byte, v uint64) byte {
	for i := 0; i < 8; i++ {
		crc = crc8Table[crc^byte(v)]
		v >>= 8
	}
	return crc
}

// valueCRC folds a value (type byte + payload, without the length prefix) into crc.
func valueCRC(crc byte, v value) byte {
	crc = crcByte(crc, v.t)
	switch v.t {
	case vtInteger, vtDouble:
		crc = crcUint64(crc, uint64(v.i))
	case vtBoolean:
		crc = crcByte(crc, byte(v.i))
	case vtString, vtBlob:
		crc = crcUint32(crc, uint32(len(v.s)))
		crc = crcString(crc, v.s)
	}
	return crc
}

// pbCell is one decoded PlainBuffer cell.
type pbCell struct {
	name     string
	hasValue bool
	val      value
	hasOp    bool
	op       byte
	hasTS    bool
	ts       int64
}

// pbRow is one decoded PlainBuffer row.
type pbRow struct {
	pk           []pbCell
	cells        []pbCell
	deleteMarker bool
}

// errPlainBuffer is wrapped by every decoding error.
var errPlainBuffer = errors.New("invalid PlainBuffer")

type pbReader struct {
	b   []byte
	off int
}

func (r *pbReader) fail(format string, args ...any) error {
	return fmt.Errorf("%w: %s at offset %d", errPlainBuffer, fmt.Sprintf(format, args...), r.off)
}

func (r *pbReader) remaining() int { return len(r.b) - r.off }

func (r *pbReader) peek() (byte, bool) {
	if r.off >= len(r.b) {
		return 0, false
	}
	return r.b[r.off], true
}

func (r *pbReader) byte1(what string) (byte, error) {
	if r.off >= len(r.b) {
		return 0, r.fail("unexpected end of data reading %s", what)
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *pbReader) u32(what string) (uint32, error) {
	if r.remaining() < 4 {
		return 0, r.fail("unexpected end of data reading %s", what)
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v, nil
}

func (r *pbReader) u64(what string) (uint64, error) {
	if r.remaining() < 8 {
		return 0, r.fail("unexpected end of data reading %s", what)
	}
	v := binary.LittleEndian.Uint64(r.b[r.off:])
	r.off += 8
	return v, nil
}

// take returns the next n bytes; n comes from the wire so it is bounds checked
// before any allocation.
func (r *pbReader) take(n uint32, what string) ([]byte, error) {
	if uint64(n) > uint64(r.remaining()) {
		return nil, r.fail("%s length %d exceeds the %d remaining bytes", what, n, r.remaining())
	}
	p := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return p, nil
}

func (r *pbReader) expectTag(tag byte, what string) error {
	c, err := r.byte1(what)
	if err != nil {
		return err
	}
	if c != tag {
		r.off--
		return r.fail("expected %s tag 0x%02x, got 0x%02x", what, tag, c)
	}
	return nil
}

// decodeValuePayload parses a type byte plus payload that must fill p exactly.
func decodeValuePayload(p []byte) (value, error) {
	if len(p) == 0 {
		return value{}, fmt.Errorf("%w: empty value", errPlainBuffer)
	}
	t := p[0]
	rest := p[1:]
	want := -1
	switch t {
	case vtInteger, vtDouble:
		want = 8
	case vtBoolean:
		want = 1
	case vtString, vtBlob:
		if len(rest) < 4 {
			return value{}, fmt.Errorf("%w: truncated string/binary length", errPlainBuffer)
		}
		n := binary.LittleEndian.Uint32(rest)
		if uint64(n) != uint64(len(rest)-4) {
			return value{}, fmt.Errorf("%w: string/binary length %d does not match the %d payload bytes", errPlainBuffer, n, len(rest)-4)
		}
		return value{t: t, s: string(rest[4:])}, nil
	case vtNull, vtInfMin, vtInfMax, vtAutoIncrement:
		want = 0
	default:
		return value{}, fmt.Errorf("%w: unknown value type 0x%02x", errPlainBuffer, t)
	}
	if len(rest) != want {
		return value{}, fmt.Errorf("%w: value of type 0x%02x has %d payload bytes, want %d", errPlainBuffer, t, len(rest), want)
	}
	v := value{t: t}
	switch t {
	case vtInteger, vtDouble:
		v.i = int64(binary.LittleEndian.Uint64(rest))
	case vtBoolean:
		if rest[0] > 1 {
			return value{}, fmt.Errorf("%w: boolean byte 0x%02x is neither 0 nor 1", errPlainBuffer, rest[0])
		}
		v.i = int64(rest[0])
	}
	return v, nil
}

func (r *pbReader) cell() (pbCell, byte, error) {
	var c pbCell
	if err := r.expectTag(tagCell, "cell"); err != nil {
		return c, 0, err
	}
	if err := r.expectTag(tagCellName, "cell name"); err != nil {
		return c, 0, err
	}
	n, err := r.u32("cell name length")
	if err != nil {
		return c, 0, err
	}
	name, err := r.take(n, "cell name")
	if err != nil {
		return c, 0, err
	}
	c.name = string(name)
	crc := crcBytes(0, name)
	if t, ok := r.peek(); ok && t == tagCellValue {
		r.off++
		n, err := r.u32("cell value length")
		if err != nil {
			return c, 0, err
		}
		p, err := r.take(n, "cell value")
		if err != nil {
			return c, 0, err
		}
		v, err := decodeValuePayload(p)
		if err != nil {
			return c, 0, fmt.Errorf("%w (cell %q)", err, c.name)
		}
		c.hasValue, c.val = true, v
		crc = crcBytes(crc, p)
	}
	// The SDK writes the cell type before the timestamp; accept either order.
	for {
		t, ok := r.peek()
		if !ok {
			return c, 0, r.fail("unexpected end of data in cell %q (missing checksum)", c.name)
		}
		if t == tagCellType && !c.hasOp {
			r.off++
			op, err := r.byte1("cell type")
			if err != nil {
				return c, 0, err
			}
			c.hasOp, c.op = true, op
			continue
		}
		if t == tagCellTimestamp && !c.hasTS {
			r.off++
			ts, err := r.u64("cell timestamp")
			if err != nil {
				return c, 0, err
			}
			c.hasTS, c.ts = true, int64(ts)
			continue
		}
		break
	}
	if c.hasTS {
		crc = crcUint64(crc, uint64(c.ts))
	}
	if c.hasOp {
		crc = crcByte(crc, c.op)
	}
	if err := r.expectTag(tagCellChecksum, "cell checksum"); err != nil {
		return c, 0, err
	}
	got, err := r.byte1("cell checksum")
	if err != nil {
		return c, 0, err
	}
	if got != crc {
		return c, 0, r.fail("checksum mismatch in cell %q: got 0x%02x, computed 0x%02x", c.name, got, crc)
	}
	return c, crc, nil
}

func (r *pbReader) cells(rowCRC byte) ([]pbCell, byte, error) {
	var out []pbCell
	for {
		t, ok := r.peek()
		if !ok || t != tagCell {
			return out, rowCRC, nil
		}
		c, crc, err := r.cell()
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
		rowCRC = crcByte(rowCRC, crc)
	}
}

func (r *pbReader) row() (pbRow, error) {
	var row pbRow
	if err := r.expectTag(tagRowPK, "row primary key"); err != nil {
		return row, err
	}
	var crc byte
	var err error
	if row.pk, crc, err = r.cells(0); err != nil {
		return row, err
	}
	if t, ok := r.peek(); ok && t == tagRowData {
		r.off++
		if row.cells, crc, err = r.cells(crc); err != nil {
			return row, err
		}
	}
	if t, ok := r.peek(); ok && t == tagDeleteRowMarker {
		r.off++
		row.deleteMarker = true
		crc = crcByte(crc, 1)
	} else {
		crc = crcByte(crc, 0)
	}
	if err := r.expectTag(tagRowChecksum, "row checksum"); err != nil {
		return row, err
	}
	got, err := r.byte1("row checksum")
	if err != nil {
		return row, err
	}
	if got != crc {
		return row, r.fail("row checksum mismatch: got 0x%02x, computed 0x%02x", got, crc)
	}
	return row, nil
}

// decodeRows decodes a PlainBuffer block (header + rows). It never panics and
// reports any malformed, truncated or checksum-failing input as an error
// wrapping errPlainBuffer.
func decodeRows(b []byte) ([]pbRow, error) {
	r := &pbReader{b: b}
	h, err := r.u32("header")
	if err != nil {
		return nil, err
	}
	if h != pbHeader {
		return nil, fmt.Errorf("%w: header 0x%x, want 0x%x", errPlainBuffer, h, pbHeader)
	}
	var rows []pbRow
	for r.remaining() > 0 {
		row, err := r.row()
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// decodeOneRow decodes a PlainBuffer block that must hold exactly one row.
func decodeOneRow(b []byte) (pbRow, error) {
	rows, err := decodeRows(b)
	if err != nil {
		return pbRow{}, err
	}
	if len(rows) != 1 {
		return pbRow{}, fmt.Errorf("%w: expected exactly one row, got %d", errPlainBuffer, len(rows))
	}
	return rows[0], nil
}

// pbWriter encodes PlainBuffer data with correct CRC-8 checksums.
type pbWriter struct {
	buf []byte
}

func (w *pbWriter) u32(v uint32) { w.buf = binary.LittleEndian.AppendUint32(w.buf, v) }
func (w *pbWriter) u64(v uint64) { w.buf = binary.LittleEndian.AppendUint64(w.buf, v) }

func (w *pbWriter) header() { w.u32(pbHeader) }

// valueLen is the encoded size of a value's type byte and payload.
func valueLen(v value) int {
	switch v.t {
	case vtInteger, vtDouble:
		return 9
	case vtBoolean:
		return 2
	case vtString, vtBlob:
		return 5 + len(v.s)
	default:
		return 1
	}
}

func (w *pbWriter) value(v value) {
	w.buf = append(w.buf, tagCellValue)
	w.u32(uint32(valueLen(v)))
	w.buf = append(w.buf, v.t)
	switch v.t {
	case vtInteger, vtDouble:
		w.u64(uint64(v.i))
	case vtBoolean:
		w.buf = append(w.buf, byte(v.i))
	case vtString, vtBlob:
		w.u32(uint32(len(v.s)))
		w.buf = append(w.buf, v.s...)
	}
}

// cell writes one cell and returns its checksum.
func (w *pbWriter) cell(c pbCell) byte {
	w.buf = append(w.buf, tagCell, tagCellName)
	w.u32(uint32(len(c.name)))
	w.buf = append(w.buf, c.name...)
	crc := crcString(0, c.name)
	if c.hasValue {
		w.value(c.val)
		crc = valueCRC(crc, c.val)
	}
	if c.hasOp {
		w.buf = append(w.buf, tagCellType, c.op)
	}
	if c.hasTS {
		w.buf = append(w.buf, tagCellTimestamp)
		w.u64(uint64(c.ts))
		crc = crcUint64(crc, uint64(c.ts))
	}
	if c.hasOp {
		crc = crcByte(crc, c.op)
	}
	w.buf = append(w.buf, tagCellChecksum, crc)
	return crc
}

// row writes one row (without the block header).
func (w *pbWriter) row(r pbRow) {
	w.buf = append(w.buf, tagRowPK)
	var crc byte
	for _, c := range r.pk {
		crc = crcByte(crc, w.cell(c))
	}
	if len(r.cells) > 0 {
		w.buf = append(w.buf, tagRowData)
		for _, c := range r.cells {
			crc = crcByte(crc, w.cell(c))
		}
	}
	if r.deleteMarker {
		w.buf = append(w.buf, tagDeleteRowMarker)
		crc = crcByte(crc, 1)
	} else {
		crc = crcByte(crc, 0)
	}
	w.buf = append(w.buf, tagRowChecksum, crc)
}

// storedRow appends a stored row: PK cells plus the given attribute cells
// with their timestamps.
func (w *pbWriter) storedRow(t *table, pk []value, cells []cell) {
	w.buf = append(w.buf, tagRowPK)
	var crc byte
	for i, v := range pk {
		crc = crcByte(crc, w.cell(pbCell{name: t.pkNames[i], hasValue: true, val: v}))
	}
	if len(cells) > 0 {
		w.buf = append(w.buf, tagRowData)
		for _, c := range cells {
			crc = crcByte(crc, w.cell(pbCell{name: c.name, hasValue: true, val: c.v, hasTS: true, ts: c.ts}))
		}
	}
	crc = crcByte(crc, 0)
	w.buf = append(w.buf, tagRowChecksum, crc)
}

// encodeRows encodes rows as a PlainBuffer block (used by tests and fuzz seeds).
func encodeRows(rows ...pbRow) []byte {
	w := &pbWriter{}
	w.header()
	for _, r := range rows {
		w.row(r)
	}
	return w.buf
}

// storedRowSize is the encoded size of a stored row (as written by
// storedRow), used for the 4 MB page cap.
func storedRowSize(t *table, pk []value, cells []cell) int {
	n := 1 // TAG_ROW_PK
	for i, v := range pk {
		n += 1 + 1 + 4 + len(t.pkNames[i]) + 1 + 4 + valueLen(v) + 2
	}
	if len(cells) > 0 {
		n++
	}
	for _, c := range cells {
		n += 1 + 1 + 4 + len(c.name) + 1 + 4 + valueLen(c.v) + 9 + 2
	}
	return n + 2
}

// float helpers keep DOUBLE values as their IEEE-754 bits inside value.i.
func doubleValue(f float64) value { return value{t: vtDouble, i: int64(math.Float64bits(f))} }
func (v value) float() float64    { return math.Float64frombits(uint64(v.i)) }
