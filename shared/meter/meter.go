// Package meter is the meter-quota function: on its hourly timer it works out which
// billing periods have closed and totals metered usage for them.
//
// Today it decodes the timer and its payload strictly and reports the period windows it
// would total; reading usage records, writing bills and reconciling them with the quota
// counters arrive with the quota package.
package meter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cspm-alibaba/cspm/shared/event"
)

// Period is a billing period kind.
type Period string

// The billing periods.
const (
	Hour  Period = "hour"
	Day   Period = "day"
	Month Period = "month"
)

// Window is one closed period: [Start, End).
type Window struct {
	Period Period `json:"period"`
	Start  string `json:"start"`
	End    string `json:"end"`
}

// Result is what one run covered.
type Result struct {
	TriggerTime string   `json:"trigger_time"`
	Windows     []Window `json:"windows"`
}

// Handler totals usage.
type Handler struct{}

type payload struct {
	Periods []Period `json:"periods"`
}

// Handle is the function's entry point.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	t, err := event.DecodeTimer(raw)
	if err != nil {
		return Result{}, fmt.Errorf("meter-quota: %w", err)
	}
	at, err := time.Parse(time.RFC3339, t.TriggerTime)
	if err != nil {
		return Result{}, fmt.Errorf("meter-quota: triggerTime %q: want RFC 3339", t.TriggerTime)
	}
	periods := []Period{Hour, Day, Month}
	if len(bytes.TrimSpace([]byte(t.Payload))) > 0 {
		dec := json.NewDecoder(bytes.NewReader([]byte(t.Payload)))
		dec.DisallowUnknownFields()
		var p payload
		if err := dec.Decode(&p); err != nil {
			return Result{}, fmt.Errorf("meter-quota: payload %q: want {\"periods\":[\"hour\",\"day\",\"month\"]}: %w", t.Payload, err)
		}
		for _, pd := range p.Periods {
			if !slices.Contains([]Period{Hour, Day, Month}, pd) {
				return Result{}, fmt.Errorf("meter-quota: payload: unknown period %q (want hour, day or month)", pd)
			}
		}
		if len(p.Periods) > 0 {
			periods = p.Periods
		}
	}
	res := Result{TriggerTime: t.TriggerTime}
	for _, p := range periods {
		res.Windows = append(res.Windows, LastClosed(p, at))
	}
	return res, nil
}

// LastClosed returns the most recent period of kind p that ended at or before t (UTC).
func LastClosed(p Period, t time.Time) Window {
	t = t.UTC()
	var start, end time.Time
	switch p {
	case Hour:
		end = t.Truncate(time.Hour)
		start = end.Add(-time.Hour)
	case Day:
		end = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		start = end.AddDate(0, 0, -1)
	default:
		end = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		start = end.AddDate(0, -1, 0)
	}
	return Window{Period: p, Start: start.Format(time.RFC3339), End: end.Format(time.RFC3339)}
}
