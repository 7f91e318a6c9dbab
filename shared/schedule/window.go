package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// chinaStandardTime is UTC+8 all year: China has kept no daylight saving time since
// 1991, so this equals Asia/Shanghai without needing the zone database in the
// function's image.
var chinaStandardTime = time.FixedZone("UTC+8", 8*60*60)

// Zone is the time zone a tenant's schedule (weekdays and windows) is read in. The
// product states its windows (00–06, 06–12, 12–18, 18–24) in China Standard Time,
// and its console for the Outside Chinese Mainland site uses the same windows with
// no per-account zone setting, so both sites use UTC+8: Asia/Shanghai for Chinese
// Mainland, and the same clock for the international site.
func Zone(site tenant.Site) *time.Location {
	_ = site // one zone today; the site is the parameter a per-site choice would key on
	return chinaStandardTime
}

// DueSlot reports whether policy p is due for a tenant on site at the timer time at,
// read in the site's zone (Zone), and returns the start of the scheduled window at
// falls in (the day, for a policy with no windows). A timer that fires more often
// than once per window plans one task per slot: the task id derives from it.
func DueSlot(p catalog.Policy, site tenant.Site, at time.Time) (time.Time, bool) {
	return catalog.Slot(p, at.In(Zone(site)))
}

// policy resolves a policy id: a custom policy of the handler, or a built-in one.
func (h *Handler) policy(id string) (catalog.Policy, error) {
	for _, p := range h.Policies {
		if p.ID == id {
			if err := checks.Catalog().CheckPolicy(p); err != nil {
				return catalog.Policy{}, err
			}
			return p, nil
		}
	}
	return checks.Catalog().Policy(id)
}

// items is Items for the handler's policies, custom ones included.
func (h *Handler) items(policy, product string, plan entitlement.Plan) ([]string, error) {
	p, err := h.policy(policy)
	if err != nil {
		return nil, err
	}
	byProduct, err := itemsByProduct(p, plan)
	if err != nil {
		return nil, err
	}
	return byProduct[product], nil
}

// timerTasks plans, for a timer event, a task for each tenant whose policy is due at
// the trigger time in the tenant's zone, once per scheduled window: the task id is
// the window's start, so every timer firing inside one window (and any redelivery)
// plans the same task, which is recorded once and whose shards are re-sent only while
// still queued. A tenant whose policy is not due, or whose own policy is broken (an
// unknown item), is listed in Skipped with why; a broken policy named by the timer's
// payload fails the invocation.
func (h *Handler) timerTasks(ctx context.Context, tm *event.Timer, tenants []tenant.Tenant, res *Result) error {
	override, err := decodeTimerPayload(tm.Payload)
	if err != nil {
		return fmt.Errorf("schedule-scan: timer %s: %w", tm.TriggerName, err)
	}
	at, err := time.Parse(time.RFC3339, tm.TriggerTime)
	if err != nil {
		return fmt.Errorf("schedule-scan: timer %s: triggerTime %q is not an RFC 3339 time", tm.TriggerName, tm.TriggerTime)
	}
	for _, t := range tenants {
		id := override
		if id == "" {
			id = t.Policy
		}
		p, err := h.policy(id)
		if err != nil && override != "" {
			return fmt.Errorf("schedule-scan: timer %s: %w", tm.TriggerName, err)
		}
		if err != nil {
			// One tenant's broken policy must not stop the others' scans.
			fcrun.Logger(ctx).Error("tenant not scheduled", "tenant_id", t.ID, "reason", err.Error())
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: policy %s: %v", t.ID, id, err))
			continue
		}
		slot, ok := DueSlot(p, t.Site, at)
		if !ok {
			local := at.In(Zone(t.Site))
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: policy %s is not due on %s at %s %s", t.ID, p.ID,
				local.Weekday(), local.Format("15:04"), local.Format("MST")))
			continue
		}
		// The slot in UTC, as other task ids: the id names the tenant's role session,
		// which takes letters, digits and ".@-_" only.
		task, err := h.enqueue(ctx, t, p, "scan-"+slot.UTC().Format("20060102T150405Z")+"-"+t.ID, kindScheduled)
		if err != nil {
			return err
		}
		res.Tasks = append(res.Tasks, task)
	}
	return nil
}
