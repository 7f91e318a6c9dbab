// Package checks evaluates the cloud configuration check items over collected
// inventory: one rule per file, defsec-style, each a pure function of an
// Input (the per-region inventories of shared/collect, account-level products
// included) that records one Result per instance.
//
// # Adding an item
//
// Adding an item is adding one file, <product>_<short_code>.go, whose name is
// the item ID:
//
//	var _ = register(Rule{
//		Item: catalog.Item{ID: "ecs_sg_ssh_internet", Product: "ecs", ...},
//		check: each(securityGroups, func(g *collect.SecurityGroup, e *env) verdict {
//			if r := openIngress(g, 22); r != nil {
//				return failf("rule %s admits %s to port 22", r.ID, source(r)).evidence(r.Raw)
//			}
//			return pass("no rule admits the internet to port 22")
//		}),
//	})
//
// plus its examples, testdata/<ID>/good.json and bad.json: small cloudsim
// inventories on which the rule must pass and fail. TestExamples loads each
// into an in-process cloudsim, collects it through the real SDK with
// shared/collect, evaluates the rule and checks the verdict. A manual item
// has no check, only Audit guidance, and reports MANUAL.
//
// # Statuses
//
// PASS and NOT_PASS are verdicts. NOT_EVALUATED says the evidence is missing,
// with Reason permission, throttling, product_not_enabled (from the
// collector's NotEvaluatedError), not_collected (the product failed or has no
// collector) or error (the rule panicked on odd data: that instance only; the
// scan goes on). A permission error is never NOT_PASS. MANUAL marks items
// checked by hand; WHITELISTED a finding muted by a whitelist rule or a
// mutelist, which keeps its original status in OriginalStatus.
//
// # Operations
//
// Scan collects what the selected rules need and evaluates them; Verify
// re-evaluates one item, optionally on one instance, re-collecting only its
// products in its region. Whitelist and Mutelist mute findings.
package checks
