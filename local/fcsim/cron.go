package fcsim

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule tells when a timer trigger fires next.
type Schedule interface {
	// Next returns the first activation time strictly after t.
	Next(t time.Time) time.Time
}

// cronParser reads FC timer expressions: six fields (second minute hour day-of-month month
// day-of-week) or a descriptor such as "@every 5m", optionally prefixed by CRON_TZ=<zone>.
var cronParser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron parses an FC timer cronExpression. Expressions are in UTC, as on FC, unless they
// start with "CRON_TZ=Area/City " (or "TZ=Area/City "), which sets their time zone.
// "@every <duration>" and the other robfig/cron descriptors are accepted.
func ParseCron(expr string) (Schedule, error) {
	s := strings.TrimSpace(expr)
	if s == "" {
		return nil, fmt.Errorf("empty cron expression")
	}
	if strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ=") {
		// robfig/cron slices up to the first space; without one it would panic.
		if !strings.Contains(s, " ") {
			return nil, fmt.Errorf("cron expression %q: time zone without a schedule", expr)
		}
	}
	sched, err := cronParser.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("cron expression %q: %v", expr, err)
	}
	// Without a zone robfig/cron uses time.Local (or rather the zone of the time passed to
	// Next); FC uses UTC.
	if spec, ok := sched.(*cron.SpecSchedule); ok && spec.Location == time.Local {
		spec.Location = time.UTC
	}
	return sched, nil
}
