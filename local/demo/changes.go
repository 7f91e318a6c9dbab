package demo

import (
	"context"
	"fmt"
	"io"

	"github.com/cspm-alibaba/cspm/shared/report"
)

// changes prints, for each task the demo ran, one line of what it changed against the
// tenant's previous scan, read back from Tablestore (the first scan of a tenant finds
// every failure new; with --data, a later day's scan compares with the one before).
func changes(ctx context.Context, w io.Writer, stack *Stack, tasks []plannedTask) error {
	for _, t := range tasks {
		fs, err := stack.Store.ListTaskChanges(ctx, t.TenantID, t.TaskID)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintf(w, "task %s: %s\n", t.TaskID, report.Diff(t.TenantID, t.TaskID, fs).Summary())
	}
	return nil
}
