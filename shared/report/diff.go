package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// Lifecycle states a diff reports (shard.State writes them).
const (
	stateNew      = "new"
	stateReopened = "reopened"
	stateFixed    = "fixed"
)

// Change is one finding whose lifecycle state a scan set.
type Change struct {
	ItemID     string    `json:"item_id"`
	Title      string    `json:"title"`
	Product    string    `json:"product"`
	InstanceID string    `json:"instance_id"`
	Region     string    `json:"region"`
	Severity   string    `json:"severity"`
	Status     string    `json:"status"`
	State      string    `json:"state"` // new, reopened or fixed
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
}

// Changes is what one scan task changed against the tenant's previous scan: the
// findings it found failing for the first time or again (new, reopened), and the
// ones it found fixed.
type Changes struct {
	TenantID string   `json:"tenant_id"`
	TaskID   string   `json:"task_id"`
	New      []Change `json:"new"`
	Fixed    []Change `json:"fixed"`
}

// Diff picks, from a tenant's findings (store.ListTaskChanges gives just the ones a
// task touched; any superset will do), those whose state task taskID set to new,
// reopened or fixed. Each list is sorted most severe first, then by item and instance.
func Diff(tenantID, taskID string, fs []store.Finding) Changes {
	c := Changes{TenantID: tenantID, TaskID: taskID, New: []Change{}, Fixed: []Change{}}
	for _, f := range fs {
		if f.TenantID != tenantID || f.StateTaskID != taskID {
			continue
		}
		ch := Change{ItemID: f.ItemID, Title: f.Title, Product: f.Product, InstanceID: f.InstanceID, Region: f.Region,
			Severity: f.Severity, Status: f.Status, State: f.State, FirstSeen: f.FirstSeen, LastSeen: f.LastSeen}
		switch f.State {
		case stateNew, stateReopened:
			c.New = append(c.New, ch)
		case stateFixed:
			c.Fixed = append(c.Fixed, ch)
		}
	}
	order := func(a, b Change) int {
		if d := catalog.Severity(b.Severity).Rank() - catalog.Severity(a.Severity).Rank(); d != 0 {
			return d
		}
		if d := strings.Compare(a.ItemID, b.ItemID); d != 0 {
			return d
		}
		return strings.Compare(a.InstanceID, b.InstanceID)
	}
	slices.SortFunc(c.New, order)
	slices.SortFunc(c.Fixed, order)
	return c
}

// Summary is the one line "since the previous scan: N new, M fixed".
func (c Changes) Summary() string {
	return fmt.Sprintf("since the previous scan: %d new, %d fixed", len(c.New), len(c.Fixed))
}

// WriteChanges writes c as JSON (an object with new and fixed arrays) or as a table
// headed by the summary line; other formats are an error.
func WriteChanges(w io.Writer, f Format, c Changes) error {
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	case Table:
		if _, err := fmt.Fprintf(w, "task %s of tenant %s: %s\n", printable(c.TaskID), printable(c.TenantID), c.Summary()); err != nil {
			return err
		}
		if len(c.New)+len(c.Fixed) == 0 {
			return nil
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CHANGE\tSEVERITY\tITEM\tREGION\tINSTANCE\tTITLE")
		for _, list := range [][]Change{c.New, c.Fixed} {
			for _, ch := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ch.State, printable(ch.Severity), printable(ch.ItemID),
					printable(ch.Region), printable(ch.InstanceID), printable(ch.Title))
			}
		}
		return tw.Flush()
	}
	return fmt.Errorf("report: changes: format %q: want json or table", f)
}
