// Package entitlement says what a tenant's plan lets it do: which check items and
// operations run, which of them consume quota, and whether attack path analysis is
// open. It is the table "What each plan may do" of the billing rules
// (shared/design/billing.md) as code, taken from the two product documents in
// shared/seeds/ (where they disagree, the newer one, 2026-01-05, stands).
//
// A [Plan] is what an account holds: a Security Center [Edition], a CSPM [Billing]
// method (subscription, pay-as-you-go or none), Host and Container pay-as-you-go with
// a protection edition per host, the 7-day trial, its authorization and its legacy
// free-item set. An [Item] is one check item (a config-check item, free or paid, or a
// baseline item of a [Category]). [Decide] answers, for one plan, item, [Operation]
// and host, whether the operation may run and whether it is billable:
//
//	d := entitlement.Decide(plan, item, entitlement.Fix, "")
//	if !d.Allowed {
//		return fmt.Errorf("fix %s: %s", item.ID, d.Reason)
//	}
//	if d.Billable {
//		// charge one quota unit when the fix succeeds (package quota)
//	}
//
// Decide is a pure function of its arguments. Time enters only through [Plan.At],
// which drops an expired subscription or an ended trial, and through
// [LegacyFreeSetFor] and [SwitchBilling].
//
// Quota arithmetic from the documents is here too: [Units] (one instance × one item ×
// one operation = one unit) and [RecommendedPurchase] (20 × instances).
package entitlement
