package otsim

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
)

// The data file is the magic line below followed by one gob-encoded fileData.
const (
	fileMagic       = "otsim-data\n"
	fileFormatV1    = 1
	saveDebounce    = 100 * time.Millisecond
	maxLoadedTables = 1 << 16
)

type fileValue struct {
	T byte
	I int64
	S string
}

type fileCell struct {
	N  string
	V  fileValue
	TS int64
}

type fileRow struct {
	PK    []fileValue
	Cells []fileCell
}

type fileDefined struct {
	Name string
	Type int32
}

type fileTable struct {
	Name         string
	PKNames      []string
	PKTypes      []int32
	Defined      []fileDefined
	TTL          int32
	MaxVersions  int32
	Deviation    int64
	ReadCU       int32
	WriteCU      int32
	Created      int64
	LastIncrease int64
	LastDecrease int64
	Rows         []fileRow
}

type fileData struct {
	Format   int
	Instance string
	SavedAt  int64
	Tables   []fileTable
}

// snapshotTable is a consistent copy of a table taken under the read lock;
// rows are immutable so only the pointers are copied.
type snapshotTable struct {
	t    table
	rows []*row
}

func (s *Server) snapshot() (tables []snapshotTable, version uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range s.tables {
		st := snapshotTable{t: *t, rows: t.rows.all()}
		st.t.rows = rowIndex{}
		tables = append(tables, st)
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].t.name < tables[j].t.name })
	return tables, s.version
}

func toFileValue(v value) fileValue { return fileValue{T: v.t, I: v.i, S: v.s} }

func encodeSnapshot(instance string, tables []snapshotTable) ([]byte, error) {
	fd := fileData{Format: fileFormatV1, Instance: instance, SavedAt: time.Now().Unix()}
	for _, st := range tables {
		t := &st.t
		ft := fileTable{
			Name: t.name, PKNames: t.pkNames, TTL: t.ttl, MaxVersions: t.maxVersions,
			Deviation: t.deviation, ReadCU: t.readCU, WriteCU: t.writeCU, Created: t.created,
			LastIncrease: t.lastIncrease, LastDecrease: t.lastDecrease,
			Rows: make([]fileRow, len(st.rows)),
		}
		for _, pt := range t.pkTypes {
			ft.PKTypes = append(ft.PKTypes, int32(pt))
		}
		for _, d := range t.defined {
			ft.Defined = append(ft.Defined, fileDefined{Name: d.name, Type: int32(d.typ)})
		}
		for i, r := range st.rows {
			fr := fileRow{PK: make([]fileValue, len(r.pk)), Cells: make([]fileCell, len(r.cells))}
			for j, v := range r.pk {
				fr.PK[j] = toFileValue(v)
			}
			for j, c := range r.cells {
				fr.Cells[j] = fileCell{N: c.name, V: toFileValue(c.v), TS: c.ts}
			}
			ft.Rows[i] = fr
		}
		fd.Tables = append(fd.Tables, ft)
	}
	var buf bytes.Buffer
	buf.WriteString(fileMagic)
	if err := gob.NewEncoder(&buf).Encode(&fd); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeFileAtomic writes data to a temporary file in the target directory,
// syncs it and renames it over path.
func writeFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// save writes the current state to DataFile if it changed since the last save.
func (s *Server) save() error {
	if s.opts.DataFile == "" {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	tables, version := s.snapshot()
	if s.saveValid && version == s.savedVersion {
		return nil
	}
	start := time.Now()
	data, err := encodeSnapshot(s.opts.Instance, tables)
	if err == nil {
		err = writeFileAtomic(s.opts.DataFile, data)
	}
	s.timerMu.Lock()
	s.lastSaveCost = time.Since(start)
	s.timerMu.Unlock()
	if err != nil {
		err = fmt.Errorf("otsim: save data file %s: %w", s.opts.DataFile, err)
		s.saveErr = err
		return err
	}
	s.saveValid, s.savedVersion, s.saveErr = true, version, nil
	return nil
}

// markDirty schedules a debounced save after a write.
func (s *Server) markDirty() {
	if s.opts.DataFile == "" {
		return
	}
	s.timerMu.Lock()
	defer s.timerMu.Unlock()
	if s.saveTimer != nil || s.closing {
		return
	}
	// Wait at least twice as long as the last save took, so a large store
	// under constant writes is not re-encoded back to back.
	s.saveTimer = time.AfterFunc(max(saveDebounce, 2*s.lastSaveCost), func() {
		s.timerMu.Lock()
		s.saveTimer = nil
		s.timerMu.Unlock()
		_ = s.save()
	})
}

// loadFile reads DataFile into s.tables. A missing or zero-length file means
// an empty store; anything else that does not decode is an error.
func (s *Server) loadFile() error {
	path := s.opts.DataFile
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("otsim: read data file %s: %w", path, err)
	}
	if len(data) == 0 {
		return nil
	}
	fd, err := decodeFile(data)
	if err != nil {
		return fmt.Errorf("otsim: data file %s is corrupt or not an otsim data file: %w", path, err)
	}
	tables, err := tablesFromFile(fd)
	if err != nil {
		return fmt.Errorf("otsim: data file %s is corrupt: %w", path, err)
	}
	s.tables = tables
	return nil
}

func decodeFile(data []byte) (fd *fileData, err error) {
	if !bytes.HasPrefix(data, []byte(fileMagic)) {
		return nil, errors.New("missing \"otsim-data\" header")
	}
	defer func() {
		if p := recover(); p != nil {
			fd, err = nil, fmt.Errorf("gob decode panicked: %v", p)
		}
	}()
	fd = new(fileData)
	r := bufio.NewReader(bytes.NewReader(data[len(fileMagic):]))
	if err := gob.NewDecoder(r).Decode(fd); err != nil {
		return nil, fmt.Errorf("gob decode: %w", err)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, errors.New("trailing bytes after the data")
	}
	if fd.Format != fileFormatV1 {
		return nil, fmt.Errorf("unsupported format version %d (want %d)", fd.Format, fileFormatV1)
	}
	return fd, nil
}

func tablesFromFile(fd *fileData) (map[string]*table, error) {
	if len(fd.Tables) > maxLoadedTables {
		return nil, fmt.Errorf("%d tables", len(fd.Tables))
	}
	out := make(map[string]*table, len(fd.Tables))
	for ti := range fd.Tables {
		ft := &fd.Tables[ti]
		if err := validTableName(ft.Name); err != nil {
			return nil, fmt.Errorf("table #%d: %v", ti, err)
		}
		if _, dup := out[ft.Name]; dup {
			return nil, fmt.Errorf("table %q appears twice", ft.Name)
		}
		if len(ft.PKNames) == 0 || len(ft.PKNames) > maxPKColumns || len(ft.PKNames) != len(ft.PKTypes) {
			return nil, fmt.Errorf("table %q: bad primary key schema", ft.Name)
		}
		t := &table{
			name: ft.Name, pkNames: ft.PKNames, ttl: ft.TTL, maxVersions: ft.MaxVersions,
			deviation: ft.Deviation, readCU: ft.ReadCU, writeCU: ft.WriteCU, created: ft.Created,
			lastIncrease: ft.LastIncrease, lastDecrease: ft.LastDecrease,
		}
		for _, pt := range ft.PKTypes {
			if pkVariant(otsprotocol.PrimaryKeyType(pt)) == 0xFF {
				return nil, fmt.Errorf("table %q: bad primary key type %d", ft.Name, pt)
			}
			t.pkTypes = append(t.pkTypes, otsprotocol.PrimaryKeyType(pt))
		}
		for _, d := range ft.Defined {
			t.defined = append(t.defined, definedColumn{name: d.Name, typ: otsprotocol.DefinedColumnType(d.Type)})
		}
		t.initVariants()
		vt := t.pkVariants()
		rows := make([]*row, len(ft.Rows))
		for ri := range ft.Rows {
			fr := &ft.Rows[ri]
			if len(fr.PK) != len(vt) {
				return nil, fmt.Errorf("table %q row #%d: %d primary key columns, schema has %d", ft.Name, ri, len(fr.PK), len(vt))
			}
			r := &row{pk: make([]value, len(fr.PK)), cells: make([]cell, len(fr.Cells))}
			for j, v := range fr.PK {
				if v.T != vt[j] || (v.T == vtInteger && v.S != "") {
					return nil, fmt.Errorf("table %q row #%d: primary key column %d has the wrong type", ft.Name, ri, j)
				}
				r.pk[j] = value{t: v.T, i: v.I, s: v.S}
			}
			for j, c := range fr.Cells {
				if c.N == "" || !isAttrType(c.V.T) {
					return nil, fmt.Errorf("table %q row #%d: bad attribute column %q", ft.Name, ri, c.N)
				}
				r.cells[j] = cell{name: c.N, v: value{t: c.V.T, i: c.V.I, s: c.V.S}, ts: c.TS}
			}
			sort.Slice(r.cells, func(a, b int) bool { return r.cells[a].name < r.cells[b].name })
			for j := 1; j < len(r.cells); j++ {
				if r.cells[j].name == r.cells[j-1].name {
					return nil, fmt.Errorf("table %q row #%d: column %q appears twice", ft.Name, ri, r.cells[j].name)
				}
			}
			rows[ri] = r
		}
		sort.Slice(rows, func(a, b int) bool { return compareKeys(rows[a].pk, rows[b].pk) < 0 })
		for j := 1; j < len(rows); j++ {
			if compareKeys(rows[j].pk, rows[j-1].pk) == 0 {
				return nil, fmt.Errorf("table %q: duplicate primary key", ft.Name)
			}
		}
		t.rows.load(rows)
		out[ft.Name] = t
	}
	return out, nil
}
