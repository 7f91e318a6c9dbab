package infra

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

//go:embed tablestore/*.json
var tableFiles embed.FS

// Table is one Tablestore table a deployment creates: its name, primary key, TTL and
// max versions. tablestore/tables.json is the single definition; a deployment and
// `cspm tables create` both read it.
type Table struct {
	Name       string     `json:"name"`
	PrimaryKey []PKColumn `json:"primary_key"`
	// TTLSeconds is the data lifetime in seconds; -1 keeps data forever. Tablestore
	// counts it per cell from the cell's last write.
	TTLSeconds  int    `json:"ttl_seconds"`
	MaxVersions int    `json:"max_versions"`
	Purpose     string `json:"purpose"`
}

// PKColumn is one primary key column. Type is "STRING", "INTEGER" or "BINARY".
type PKColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// The primary key column types Tablestore accepts in a table definition.
const (
	PKString  = "STRING"
	PKInteger = "INTEGER"
	PKBinary  = "BINARY"
)

// TenantKey is the first primary key column of every table: the partition key, so a
// tenant's rows sit together and never mix with another tenant's.
const TenantKey = "tenant_id"

var tableNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,254}$`)

// Tables returns the tables a deployment creates, in file order. The file is checked:
// names unique and valid, 1–4 primary key columns of a known type with tenant_id
// first, TTL -1 or at least one day, max versions at least 1.
func Tables() ([]Table, error) {
	b, err := tableFiles.ReadFile("tablestore/tables.json")
	if err != nil {
		return nil, fmt.Errorf("infra: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f struct {
		Tables []Table `json:"tables"`
	}
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("infra: tablestore/tables.json: %w", err)
	}
	if err := validateTables(f.Tables); err != nil {
		return nil, fmt.Errorf("infra: tablestore/tables.json: %w", err)
	}
	return f.Tables, nil
}

func validateTables(ts []Table) error {
	if len(ts) == 0 {
		return errors.New("no tables")
	}
	var errs []error
	seen := map[string]bool{}
	for i, t := range ts {
		where := fmt.Sprintf("tables[%d] %q", i, t.Name)
		if !tableNamePattern.MatchString(t.Name) {
			errs = append(errs, fmt.Errorf("%s: name must be a letter or '_' then letters, digits or '_', at most 255", where))
		}
		if seen[t.Name] {
			errs = append(errs, fmt.Errorf("%s: duplicate name", where))
		}
		seen[t.Name] = true
		if n := len(t.PrimaryKey); n < 1 || n > 4 {
			errs = append(errs, fmt.Errorf("%s: %d primary key columns; Tablestore allows 1 to 4", where, n))
		}
		cols := map[string]bool{}
		for j, c := range t.PrimaryKey {
			if c.Name == "" {
				errs = append(errs, fmt.Errorf("%s: primary_key[%d] has no name", where, j))
			}
			if cols[c.Name] {
				errs = append(errs, fmt.Errorf("%s: primary_key[%d] %q repeated", where, j, c.Name))
			}
			cols[c.Name] = true
			if c.Type != PKString && c.Type != PKInteger && c.Type != PKBinary {
				errs = append(errs, fmt.Errorf("%s: primary_key[%d] %q has type %q; want STRING, INTEGER or BINARY", where, j, c.Name, c.Type))
			}
		}
		if len(t.PrimaryKey) > 0 && (t.PrimaryKey[0].Name != TenantKey || t.PrimaryKey[0].Type != PKString) {
			errs = append(errs, fmt.Errorf("%s: first primary key column is %q %s; want %q STRING (the partition key)", where, t.PrimaryKey[0].Name, t.PrimaryKey[0].Type, TenantKey))
		}
		if t.TTLSeconds != -1 && t.TTLSeconds < 86400 {
			errs = append(errs, fmt.Errorf("%s: ttl_seconds %d; want -1 (forever) or at least 86400", where, t.TTLSeconds))
		}
		if t.MaxVersions < 1 {
			errs = append(errs, fmt.Errorf("%s: max_versions %d; want at least 1", where, t.MaxVersions))
		}
		if t.Purpose == "" {
			errs = append(errs, fmt.Errorf("%s: purpose is empty", where))
		}
	}
	return errors.Join(errs...)
}
