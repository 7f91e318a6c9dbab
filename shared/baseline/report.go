package baseline

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteReport renders a report as "json" (the `cspm scan` shape: an object with a
// findings array) or "table" (one line per finding, then a summary).
func WriteReport(w io.Writer, r Report, format string) error {
	switch format {
	case "json", "":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "table":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STATUS\tSEVERITY\tITEM\tTITLE\tEVIDENCE")
		for _, f := range r.Findings {
			ev := strings.Join(f.Evidence, "; ")
			if len(ev) > 120 {
				ev = ev[:117] + "..."
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Status, f.Severity, f.ItemID, f.Title, ev)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "\n%s (%s %s): %d PASS, %d NOT_PASS, %d NOT_EVALUATED, %d MANUAL, %d WHITELISTED\n",
			r.InstanceID, r.Host.OSID, r.Host.OSVersion, r.Summary[Pass], r.Summary[NotPass], r.Summary[NotEvaluated],
			r.Summary[Manual], r.Summary[Whitelisted])
		return err
	}
	return fmt.Errorf("baseline: unknown format %q: want json or table", format)
}
