package otsim

import (
	"sort"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
)

// cell is one stored attribute column: only the latest version is kept.
type cell struct {
	name string
	v    value
	ts   int64 // milliseconds since the epoch
}

// row is an immutable stored row. Writers build a new row and swap the
// pointer, so snapshots (persistence) can share rows without copying.
type row struct {
	pk    []value
	cells []cell // sorted by name, names unique
}

func (r *row) find(name string) (cell, bool) {
	i := sort.Search(len(r.cells), func(i int) bool { return r.cells[i].name >= name })
	if i < len(r.cells) && r.cells[i].name == name {
		return r.cells[i], true
	}
	return cell{}, false
}

// definedColumn is a predefined (non-PK) column declared at CreateTable.
type definedColumn struct {
	name string
	typ  otsprotocol.DefinedColumnType
}

// table holds the schema, options and the ordered rows of one table.
type table struct {
	name         string
	pkNames      []string
	pkTypes      []otsprotocol.PrimaryKeyType
	defined      []definedColumn
	ttl          int32
	maxVersions  int32
	deviation    int64
	readCU       int32
	writeCU      int32
	created      int64 // unix seconds
	lastIncrease int64
	lastDecrease int64
	rows         rowIndex
	pkVT         []byte // PlainBuffer variant type per PK column
}

// initVariants caches the PlainBuffer variant type of every PK column. It
// must run before the table is published (reads use it under a read lock).
func (t *table) initVariants() {
	t.pkVT = make([]byte, len(t.pkTypes))
	for i, pt := range t.pkTypes {
		t.pkVT[i] = pkVariant(pt)
	}
}

func (t *table) pkVariants() []byte { return t.pkVT }

func (t *table) isPKName(name string) bool {
	for _, n := range t.pkNames {
		if n == name {
			return true
		}
	}
	return false
}

// rowIndex keeps rows sorted by primary key in a list of bounded chunks:
// lookups binary-search the chunks and then the chunk, inserts and deletes
// move at most chunkMax pointers.
type rowIndex struct {
	chunks [][]*row
	n      int
}

const chunkMax = 512

// pos addresses a slot: chunk index and index inside the chunk. A pos with
// ci == len(chunks) is the end.
type pos struct{ ci, i int }

func (ix *rowIndex) len() int { return ix.n }

func (ix *rowIndex) valid(p pos) bool {
	return p.ci >= 0 && p.ci < len(ix.chunks) && p.i >= 0 && p.i < len(ix.chunks[p.ci])
}

func (ix *rowIndex) at(p pos) *row { return ix.chunks[p.ci][p.i] }

func (ix *rowIndex) end() pos { return pos{len(ix.chunks), 0} }

// lowerBound returns the position of the first row whose key is >= key, and
// whether that row's key equals key.
func (ix *rowIndex) lowerBound(key []value) (pos, bool) {
	ci := sort.Search(len(ix.chunks), func(i int) bool {
		c := ix.chunks[i]
		return compareKeys(c[len(c)-1].pk, key) >= 0
	})
	if ci == len(ix.chunks) {
		return ix.end(), false
	}
	c := ix.chunks[ci]
	i := sort.Search(len(c), func(i int) bool { return compareKeys(c[i].pk, key) >= 0 })
	return pos{ci, i}, compareKeys(c[i].pk, key) == 0
}

func (ix *rowIndex) get(key []value) *row {
	p, ok := ix.lowerBound(key)
	if !ok {
		return nil
	}
	return ix.at(p)
}

func (ix *rowIndex) next(p pos) pos {
	p.i++
	if p.i >= len(ix.chunks[p.ci]) {
		return pos{p.ci + 1, 0}
	}
	return p
}

// prev returns the previous position, or an invalid pos{-1,-1} at the start.
func (ix *rowIndex) prev(p pos) pos {
	if p.ci >= len(ix.chunks) {
		if len(ix.chunks) == 0 {
			return pos{-1, -1}
		}
		last := len(ix.chunks) - 1
		return pos{last, len(ix.chunks[last]) - 1}
	}
	p.i--
	if p.i < 0 {
		p.ci--
		if p.ci < 0 {
			return pos{-1, -1}
		}
		p.i = len(ix.chunks[p.ci]) - 1
	}
	return p
}

// put inserts or replaces the row with r's key.
func (ix *rowIndex) put(r *row) {
	p, found := ix.lowerBound(r.pk)
	if found {
		ix.chunks[p.ci][p.i] = r
		return
	}
	ix.n++
	if len(ix.chunks) == 0 {
		ix.chunks = append(ix.chunks, []*row{r})
		return
	}
	if p.ci == len(ix.chunks) {
		p = pos{len(ix.chunks) - 1, len(ix.chunks[len(ix.chunks)-1])}
	}
	c := ix.chunks[p.ci]
	c = append(c, nil)
	copy(c[p.i+1:], c[p.i:])
	c[p.i] = r
	if len(c) <= chunkMax {
		ix.chunks[p.ci] = c
		return
	}
	half := len(c) / 2
	left := append([]*row(nil), c[:half]...)
	right := append(make([]*row, 0, chunkMax), c[half:]...)
	ix.chunks = append(ix.chunks, nil)
	copy(ix.chunks[p.ci+2:], ix.chunks[p.ci+1:])
	ix.chunks[p.ci] = left
	ix.chunks[p.ci+1] = right
}

// remove deletes the row with the given key and reports whether it existed.
func (ix *rowIndex) remove(key []value) bool {
	p, found := ix.lowerBound(key)
	if !found {
		return false
	}
	ix.n--
	c := ix.chunks[p.ci]
	copy(c[p.i:], c[p.i+1:])
	c[len(c)-1] = nil
	c = c[:len(c)-1]
	if len(c) == 0 {
		copy(ix.chunks[p.ci:], ix.chunks[p.ci+1:])
		ix.chunks[len(ix.chunks)-1] = nil
		ix.chunks = ix.chunks[:len(ix.chunks)-1]
		return true
	}
	ix.chunks[p.ci] = c
	return true
}

// all returns every row in key order (the rows themselves are shared).
func (ix *rowIndex) all() []*row {
	out := make([]*row, 0, ix.n)
	for _, c := range ix.chunks {
		out = append(out, c...)
	}
	return out
}

// load replaces the index content with rows that are already sorted and unique.
func (ix *rowIndex) load(rows []*row) {
	ix.chunks = nil
	ix.n = len(rows)
	for len(rows) > 0 {
		n := min(len(rows), chunkMax/2)
		ix.chunks = append(ix.chunks, append(make([]*row, 0, chunkMax), rows[:n]...))
		rows = rows[n:]
	}
}
