// Package report writes scan findings and the item catalogue in the formats
// the command line offers: JSON (an object with a findings array), CSV, OCSF
// (an array of OCSF 1.1 Compliance Findings) and an aligned text table.
//
// Field names are stable: other tools read them. Hostile text (quotes, HTML,
// control characters, long Unicode) passes through each format intact and
// escaped the format's way: JSON string escaping, CSV quoting, and in the
// table, control characters shown as \u escapes.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
)

// Format is an output format.
type Format string

// The formats.
const (
	JSON  Format = "json"
	CSV   Format = "csv"
	OCSF  Format = "ocsf"
	Table Format = "table"
)

// ParseFormat checks a format name; allowed lists the formats the caller
// accepts (every format when empty).
func ParseFormat(s string, allowed ...Format) (Format, error) {
	if len(allowed) == 0 {
		allowed = []Format{JSON, CSV, OCSF, Table}
	}
	for _, f := range allowed {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(allowed))
	for i, f := range allowed {
		names[i] = string(f)
	}
	return "", fmt.Errorf("report: unknown format %q (want %s)", s, strings.Join(names, ", "))
}

// Scan describes the scan the findings came from.
type Scan struct {
	AccountID  string    `json:"account_id"`
	Policy     string    `json:"policy,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Errors are collection failures that left products not evaluated.
	Errors []string `json:"errors,omitempty"`
}

// Findings writes findings in format f.
func Findings(w io.Writer, f Format, s Scan, fs []checks.Finding) error {
	switch f {
	case JSON:
		return findingsJSON(w, s, fs)
	case CSV:
		return findingsCSV(w, fs)
	case OCSF:
		return findingsOCSF(w, s, fs)
	case Table:
		return findingsTable(w, fs)
	}
	return fmt.Errorf("report: unknown format %q", f)
}

// summary counts findings by status, every status present (zero included).
func summary(fs []checks.Finding) map[checks.Status]int {
	s := map[checks.Status]int{checks.Pass: 0, checks.NotPass: 0, checks.NotEvaluated: 0, checks.Manual: 0, checks.Whitelisted: 0}
	for i := range fs {
		s[fs[i].Status]++
	}
	return s
}

func findingsJSON(w io.Writer, s Scan, fs []checks.Finding) error {
	if fs == nil {
		fs = []checks.Finding{}
	}
	out := struct {
		Scan
		Summary  map[checks.Status]int `json:"summary"`
		Findings []checks.Finding      `json:"findings"`
	}{s, summary(fs), fs}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// CSVHeader is the CSV format's header row.
var CSVHeader = []string{"item_id", "title", "product", "resource_type", "account_id", "instance_id", "instance_name",
	"region", "status", "original_status", "severity", "category", "reason", "message", "remark", "frameworks",
	"free", "fix_type", "evidence"}

func findingsCSV(w io.Writer, fs []checks.Finding) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for i := range fs {
		f := &fs[i]
		ev := string(f.Evidence)
		if ev == "" {
			ev = "null"
		}
		if err := cw.Write([]string{f.ItemID, f.Title, f.Product, f.ResourceType, f.AccountID, f.InstanceID, f.InstanceName,
			f.Region, string(f.Status), string(f.OriginalStatus), string(f.Severity), string(f.Category), f.Reason, f.Message,
			f.Remark, strings.Join(f.Frameworks, ";"), strconv.FormatBool(f.Free), string(f.FixType), ev}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// printable shows control and format characters as \u escapes, so a
// hostile name cannot move the cursor, clear the screen or break the
// table's lines; everything else, Unicode included, is kept.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func findingsTable(w io.Writer, fs []checks.Finding) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tSEVERITY\tITEM\tREGION\tINSTANCE\tMESSAGE")
	for i := range fs {
		f := &fs[i]
		status := string(f.Status)
		if f.Reason != "" && f.Status != checks.Manual {
			status += " (" + f.Reason + ")"
		}
		inst := f.InstanceID
		if f.InstanceName != "" && f.InstanceName != f.InstanceID {
			inst += " " + f.InstanceName
		}
		msg := f.Message
		if f.Status == checks.Manual {
			msg = "check by hand: see `cspm catalog`"
		}
		region := f.Region
		if region == "" {
			region = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", status, f.Severity, printable(f.ItemID), printable(region),
			printable(inst), printable(msg))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := summary(fs)
	_, err := fmt.Fprintf(w, "\n%d findings: %d PASS, %d NOT_PASS, %d NOT_EVALUATED, %d MANUAL, %d WHITELISTED\n", len(fs),
		s[checks.Pass], s[checks.NotPass], s[checks.NotEvaluated], s[checks.Manual], s[checks.Whitelisted])
	return err
}

// CatalogItem is one item as `cspm catalog --format json` prints it.
type CatalogItem struct {
	ItemID       string           `json:"item_id"`
	Title        string           `json:"title"`
	Product      string           `json:"product"`
	ResourceType string           `json:"resource_type"`
	Category     catalog.Category `json:"category"`
	Severity     catalog.Severity `json:"severity"`
	Free         bool             `json:"free"`
	KSPM         bool             `json:"kspm"`
	Manual       bool             `json:"manual"`
	Frameworks   []string         `json:"frameworks"`
	FixType      catalog.FixType  `json:"fix_type"`
	Description  string           `json:"description"`
	Audit        string           `json:"audit,omitempty"`
	Remediation  string           `json:"remediation"`
	Links        []string         `json:"links,omitempty"`
}

// Catalog writes items in format f (JSON, CSV or Table).
func Catalog(w io.Writer, f Format, items []catalog.Item) error {
	out := make([]CatalogItem, len(items))
	for i, it := range items {
		fw := it.Frameworks
		if fw == nil {
			fw = []string{}
		}
		out[i] = CatalogItem{ItemID: it.ID, Title: it.Title, Product: it.Product, ResourceType: it.ResourceType,
			Category: it.Category, Severity: it.Severity, Free: it.Free, KSPM: it.KSPM, Manual: it.Manual, Frameworks: fw,
			FixType: it.Fix, Description: it.Description, Audit: it.Audit, Remediation: it.Remediation, Links: it.Links}
	}
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Items []CatalogItem `json:"items"`
		}{out})
	case CSV:
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"item_id", "title", "product", "category", "severity", "free", "kspm", "manual", "frameworks", "fix_type"})
		for _, it := range out {
			_ = cw.Write([]string{it.ItemID, it.Title, it.Product, string(it.Category), string(it.Severity), strconv.FormatBool(it.Free),
				strconv.FormatBool(it.KSPM), strconv.FormatBool(it.Manual), strings.Join(it.Frameworks, ";"), string(it.FixType)})
		}
		cw.Flush()
		return cw.Error()
	case Table:
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ITEM\tSEVERITY\tCATEGORY\tFREE\tTYPE\tFRAMEWORKS\tTITLE")
		for _, it := range out {
			typ := "auto"
			if it.Manual {
				typ = "manual"
			}
			free := "free"
			if !it.Free {
				free = "paid"
				if it.KSPM {
					free = "kspm"
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.ItemID, it.Severity, it.Category, free, typ,
				strings.Join(shortRefs(it.Frameworks), ","), it.Title)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "\n%d items\n", len(out))
		return err
	}
	return fmt.Errorf("report: the catalogue cannot be written as %q", f)
}

// shortRefs keeps the CIS v2 and MLPS refs, the table's width budget.
func shortRefs(refs []string) []string {
	var out []string
	for _, r := range refs {
		if strings.HasPrefix(r, catalog.CISv1+":") {
			continue
		}
		out = append(out, r)
	}
	return out
}
