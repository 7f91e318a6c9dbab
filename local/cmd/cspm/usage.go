package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// usageRow is one line of `cspm usage`: a tenant's metered units in one period, on one
// site, under one billing method, for one operation on one check item. Other tools read
// these names: keep them stable.
type usageRow struct {
	Start     string `json:"start"`
	Site      string `json:"site"`
	Method    string `json:"billing_method"`
	Operation string `json:"operation"`
	ItemID    string `json:"item_id"`
	Units     int64  `json:"units"`
	Records   int    `json:"records"`
}

// runUsage prints a tenant's metered usage per period, from the usage records the
// billing job totals (the same sums as its bills).
func runUsage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("usage", stderr)
	tenantID := fs.String("tenant", "", "tenant id (required)")
	period := fs.String("period", "day", "hour, day or month")
	format := fs.String("format", "json", "json or csv")
	from := fs.String("from", "", "first day, 2006-01-02 or RFC 3339 (default: all)")
	to := fs.String("to", "", "end, exclusive, 2006-01-02 or RFC 3339 (default: all)")
	data := fs.String("data", "", "read the Tablestore emulator's data file (cspm demo --data FILE) instead of $OTS_ENDPOINT")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError{"unexpected arguments: " + fs.Arg(0)}
	case *tenantID == "":
		return usageError{"--tenant is required"}
	case !quota.Period(*period).Valid():
		return usageError{fmt.Sprintf("unknown period %q: want hour, day or month", *period)}
	case *format != "json" && *format != "csv":
		return usageError{fmt.Sprintf("unknown format %q: want json or csv", *format)}
	}
	var bounds [2]time.Time
	for i, s := range []string{*from, *to} {
		if s == "" {
			continue
		}
		t, err := parseWhen(s)
		if err != nil {
			return usageError{fmt.Sprintf("--%s %q: want 2006-01-02 or RFC 3339", []string{"from", "to"}[i], s)}
		}
		bounds[i] = t
	}
	st, done, err := openStore(*data)
	if err != nil {
		return err
	}
	defer done()
	totals, err := quota.New(st, nil).Totals(ctx, *tenantID, quota.Period(*period), bounds[0], bounds[1])
	if err != nil {
		return err
	}
	rows := make([]usageRow, len(totals))
	var units int64
	for i, t := range totals {
		rows[i] = usageRow{Start: t.Start.Format(time.RFC3339), Site: t.Site, Method: string(t.Method),
			Operation: string(t.Operation), ItemID: t.ItemID, Units: t.Units, Records: t.Records}
		units += t.Units
	}
	if *format == "csv" {
		w := csv.NewWriter(stdout)
		_ = w.Write([]string{"start", "site", "billing_method", "operation", "item_id", "units", "records"})
		for _, r := range rows {
			_ = w.Write([]string{r.Start, r.Site, r.Method, r.Operation, r.ItemID, strconv.FormatInt(r.Units, 10), strconv.Itoa(r.Records)})
		}
		w.Flush()
		return w.Error()
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		TenantID string     `json:"tenant_id"`
		Period   string     `json:"period"`
		Units    int64      `json:"units"`
		Usage    []usageRow `json:"usage"`
	}{*tenantID, *period, units, rows})
}

func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// openStore is the store of $OTS_ENDPOINT/$OTS_INSTANCE (credentials from the
// environment), or, with a data file, an emulator over that file for the time of
// the command.
func openStore(data string) (*store.Store, func(), error) {
	if data == "" {
		st, err := store.FromEnv()
		return st, func() {}, err
	}
	if _, err := os.Stat(data); err != nil {
		return nil, nil, fmt.Errorf("--data: %w", err)
	}
	srv, err := otsim.NewServer(otsim.Options{DataFile: data})
	if err != nil {
		return nil, nil, err
	}
	return store.New(srv.Client(), nil), func() { srv.Close() }, nil
}
