package checks

import (
	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// slsAlert is the check of the CIS 2.10–2.22 items: the Log Audit Service's
// alert rule for recommendation cis exists in the audit project and is
// enabled.
func slsAlert(cis string) evaluator {
	var spec collect.SLSAlertSpec
	for _, s := range collect.SLSAlertCatalogue {
		if s.CIS == cis {
			spec = s
		}
	}
	return each(slsAccount, func(s *collect.SLSInventory, _ *env) verdict {
		if s.Audit == nil {
			return failf("the Log Audit Service is not set up, so no alert rule watches %s", spec.Topic)
		}
		a := s.AlertFor(cis)
		switch {
		case a == nil:
			return failf("no alert rule %s watches %s in project %s", spec.Name, spec.Topic, s.Audit.Project)
		case !a.Enabled:
			return failf("alert rule %s (%s) is disabled", a.Name, spec.Topic).evidence(a.Raw)
		}
		return passf("alert rule %s watches %s", a.Name, spec.Topic).evidence(a.Raw)
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
			"sls.app.actiontrail.cis.at.*) for this event, with a notification channel.",
		Fix: catalog.FixOnly,
	}
}

func cisRefs(id string) []string { return cis(id) }
