package schedule_test

import (
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/schedule"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// A policy restricted to Monday evenings is due when the hourly timer fires inside
// that window in UTC+8, and every firing in the window names the same slot (and so the
// same task).
func ExampleDueSlot() {
	p := catalog.Policy{ID: "mon-evening", Items: []string{"ecs_sg_ssh_internet"},
		Weekdays: []time.Weekday{time.Monday}, Windows: []catalog.Window{catalog.Window18to24}}
	for _, at := range []string{"2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z", "2026-11-23T15:00:00Z", "2026-11-23T16:00:00Z"} {
		t, _ := time.Parse(time.RFC3339, at)
		slot, due := schedule.DueSlot(p, tenant.SiteChina, t)
		if !due {
			fmt.Println(at, "not due")
			continue
		}
		fmt.Println(at, "due, window from", slot.Format("Mon 15:04 MST"))
	}
	// Output:
	// 2026-11-23T09:00:00Z not due
	// 2026-11-23T10:00:00Z due, window from Mon 18:00 UTC+8
	// 2026-11-23T15:00:00Z due, window from Mon 18:00 UTC+8
	// 2026-11-23T16:00:00Z not due
}
