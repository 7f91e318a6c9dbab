package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Window is one of the product's fixed scan windows, named by its start hour:
// 0 is 00:00–06:00, 6 is 06:00–12:00, 12 is 12:00–18:00, 18 is 18:00–24:00.
type Window int

// The windows.
const (
	Window0to6   Window = 0
	Window6to12  Window = 6
	Window12to18 Window = 12
	Window18to24 Window = 18
)

// Windows lists the four windows in order.
var Windows = []Window{Window0to6, Window6to12, Window12to18, Window18to24}

// Contains reports whether hour (0–23) falls in the window.
func (w Window) Contains(hour int) bool { return hour >= int(w) && hour < int(w)+6 }

// String is "00-06", "06-12", "12-18" or "18-24".
func (w Window) String() string { return fmt.Sprintf("%02d-%02d", int(w), int(w)+6) }

// Policy is a named set of items and the schedule they run on (the product's
// GetCheckConfig: CycleDays and a StartTime/EndTime window).
type Policy struct {
	ID    string   `json:"id"`
	Name  string   `json:"name,omitempty"`
	Items []string `json:"items"`
	// Weekdays the policy runs on; none means it is never scheduled (scan on
	// demand only).
	Weekdays []time.Weekday `json:"weekdays,omitempty"`
	// Windows it runs in on those days; none means any time of day.
	Windows []Window `json:"windows,omitempty"`
}

var policyIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// validate checks the policy's own fields; item IDs are resolved by
// Catalog.CheckPolicy.
func (p *Policy) validate() []error {
	var errs []error
	if !policyIDPattern.MatchString(p.ID) {
		errs = append(errs, fmt.Errorf("id %q: want lower-case letters, digits and '-', at most 63 bytes", p.ID))
	}
	if len(p.Items) == 0 {
		errs = append(errs, errors.New("no items"))
	}
	for i, d := range p.Weekdays {
		if d < time.Sunday || d > time.Saturday {
			errs = append(errs, fmt.Errorf("weekdays[%d] = %d: want 0 (Sunday) to 6 (Saturday)", i, d))
		}
	}
	for i, w := range p.Windows {
		if !slices.Contains(Windows, w) {
			errs = append(errs, fmt.Errorf("windows[%d] = %d: want a window start of 0, 6, 12 or 18", i, w))
		}
	}
	return errs
}

// Due reports whether policy p is scheduled at now: now's weekday is one of
// p.Weekdays and its hour falls in one of p.Windows (any hour when there are
// none). Pass now in the tenant's time zone; the product schedules in China
// Standard Time (UTC+8).
func Due(p Policy, now time.Time) bool {
	_, ok := Slot(p, now)
	return ok
}

// Slot returns the start of the scheduled window now falls in: the policy's
// window start on now's day (or the day's midnight when it has no windows).
// Callers that fire more often than once per window use it to run a policy
// once per slot.
func Slot(p Policy, now time.Time) (time.Time, bool) {
	if !slices.Contains(p.Weekdays, now.Weekday()) {
		return time.Time{}, false
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	if len(p.Windows) == 0 {
		return day, true
	}
	for _, w := range p.Windows {
		if w.Contains(now.Hour()) {
			return day.Add(time.Duration(w) * time.Hour), true
		}
	}
	return time.Time{}, false
}

// EveryDay is every weekday, Sunday first.
var EveryDay = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
