package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// slsAlert is the check of the CIS 2.10–2.22 items: an enabled Log Service
// alert rule watches the recommendation's ActionTrail events. The Log Audit
// Service's catalogue rule counts, and so does any project's rule, in any
// region, whose query names those events (collect.SLSAlertWatches).
func slsAlert(cis string) evaluator {
	topic := ""
	for _, w := range collect.SLSAlertWatches {
		if w.CIS == cis {
			topic = w.Topic
		}
	}
	return each(slsAccount, func(s *collect.SLSInventory, _ *env) verdict {
		found := s.Watching(cis)
		switch {
		case len(found) == 0 && s.Audit == nil:
			return failf("no alert rule watches %s: no project's alert rule queries these events, and the Log Audit Service is not set up", topic)
		case len(found) == 0:
			return failf("no alert rule watches %s: neither the Log Audit Service project %s nor any other project has one", topic, s.Audit.Project)
		case !found[0].Enabled:
			return failf("alert rule %s in project %s watches %s but is disabled", found[0].Name, found[0].Project, topic).evidence(found[0].Raw)
		}
		return passf("alert rule %s in project %s watches %s", found[0].Name, found[0].Project, topic).evidence(found[0].Raw)
	})
}

// slsAlertItem is the metadata shared by the alert items.
func slsAlertItem(id, cis, title string, sev catalog.Severity) catalog.Item {
	return catalog.Item{
		ID: id, Title: title, Product: "sls", ResourceType: "ALIYUN::SLS::Alert",
		Category: catalog.Monitoring, Severity: sev, Free: true,
		Frameworks: refs(cisRefs(cis), mlps("8.1.5.4 f)")),
		Description: "CIS " + cis + " asks for a Log Service alert on these ActionTrail events, so that the " +
			"change is noticed when it happens, not at the next audit.",
		Remediation: "Log Audit Service → the central project → Alerts: enable the built-in CIS rule (template " +
			"sls.app.actiontrail.cis.at.*) for this event, with a notification channel; or create an alert rule " +
			"querying these events on the logstore ActionTrail delivers to.",
		Fix: catalog.FixOnly,
	}
}

func cisRefs(id string) []string { return cis(id) }
