// Package remediate is the remediate function: it takes fix and rollback jobs from the fix
// queue (or a direct invocation) and applies them.
//
// Today a job is decoded and validated strictly, then refused: fixes with before-images,
// verification and rollback arrive with the check catalogue. A refused job fails its
// invocation, so the queue trigger retries and then parks it; nothing is dropped.
package remediate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cspm-alibaba/cspm/shared/event"
)

// ErrNotAvailable says fixes cannot be applied by this build.
var ErrNotAvailable = errors.New("fixes are not available in this build")

// Handler applies fix jobs.
type Handler struct{}

// Result is what one invocation did.
type Result struct {
	Applied int `json:"applied"`
}

// Handle is the function's entry point: a CloudEvents batch from the fix queue, or one
// fix job invoked directly.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	jobs, err := decode(raw)
	if err != nil {
		return Result{}, fmt.Errorf("remediate: %w", err)
	}
	j := jobs[0]
	return Result{}, fmt.Errorf("remediate: %s %s on %s (task %s): %w", j.Action, j.ItemID, j.ResourceID, j.TaskID, ErrNotAvailable)
}

func decode(raw []byte) ([]event.FixJob, error) {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' && !bytes.Contains(trimmed, []byte(`"specversion"`)) {
		j, err := event.DecodeFixJob(raw)
		if err != nil {
			return nil, err
		}
		return []event.FixJob{j}, nil
	}
	ds, err := event.FixJobs(raw)
	if err != nil {
		return nil, err
	}
	jobs := make([]event.FixJob, len(ds))
	for i, d := range ds {
		jobs[i] = d.Job
	}
	return jobs, nil
}
