package report

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/cspm-alibaba/cspm/shared/store"
)

// StoredFinding is a finding as Tablestore keeps it, with its lifecycle, as `cspm
// findings` and `cspm verify` print it in JSON. The names match the scan output's
// where the fields are the same.
type StoredFinding struct {
	ItemID         string          `json:"item_id"`
	Title          string          `json:"title"`
	Product        string          `json:"product"`
	InstanceID     string          `json:"instance_id"`
	Region         string          `json:"region"`
	Status         string          `json:"status"`
	OriginalStatus string          `json:"original_status,omitempty"`
	Severity       string          `json:"severity"`
	Category       string          `json:"category"`
	Reason         string          `json:"reason,omitempty"`
	Message        string          `json:"message,omitempty"`
	Remark         string          `json:"remark,omitempty"`
	Evidence       json.RawMessage `json:"evidence"`
	Frameworks     []string        `json:"frameworks"`
	State          string          `json:"state,omitempty"`
	FirstSeen      time.Time       `json:"first_seen"`
	LastSeen       time.Time       `json:"last_seen"`
	TaskID         string          `json:"task_id"`
}

// StoredFindings writes stored findings as JSON (an object with a findings array) or
// as a table; other formats are an error.
func StoredFindings(w io.Writer, f Format, fs []store.Finding) error {
	switch f {
	case JSON:
		out := struct {
			Findings []StoredFinding `json:"findings"`
		}{make([]StoredFinding, len(fs))}
		for i, x := range fs {
			ev := json.RawMessage(x.Evidence)
			if x.Evidence == "" {
				ev = json.RawMessage("null")
			}
			fw := x.Frameworks
			if fw == nil {
				fw = []string{}
			}
			out.Findings[i] = StoredFinding{ItemID: x.ItemID, Title: x.Title, Product: x.Product, InstanceID: x.InstanceID,
				Region: x.Region, Status: x.Status, OriginalStatus: x.OriginalStatus, Severity: x.Severity, Category: x.Category,
				Reason: x.Reason, Message: x.Message, Remark: x.Remark, Evidence: ev, Frameworks: fw, State: x.State,
				FirstSeen: x.FirstSeen, LastSeen: x.LastSeen, TaskID: x.TaskID}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case Table:
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "STATUS\tSTATE\tSEVERITY\tITEM\tREGION\tINSTANCE\tLAST SEEN\tNOTE")
		for _, x := range fs {
			status, note := x.Status, x.Message
			if x.OriginalStatus != "" {
				status += " (" + x.OriginalStatus + ")"
				note = x.Remark
			}
			state, region := x.State, x.Region
			if state == "" {
				state = "-"
			}
			if region == "" {
				region = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", printable(status), state, printable(x.Severity), printable(x.ItemID),
				printable(region), printable(x.InstanceID), x.LastSeen.UTC().Format(time.RFC3339), printable(note))
		}
		return tw.Flush()
	}
	return fmt.Errorf("report: stored findings: format %q: want json or table", f)
}
