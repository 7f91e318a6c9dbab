// Package quota is the ledger of CSPM quota on the store: it charges billable
// operations against quota counters, meters them in usage records, reclaims what dead
// processes held, reconciles counters with usage, and totals usage for the bills.
//
// The rules it keeps (shared/design/billing.md):
//
//   - One successful billable operation — one check item × one instance × one
//     operation — is one unit and one usage record. A failed operation is not charged.
//     Whether an operation is billable is package entitlement's answer.
//   - A retried or duplicated operation is charged once: its usage record is keyed by
//     its [ChargeKey] (task, shard, item, instance, operation) and written only if
//     absent.
//   - Subscription: the purchased quota of the term is a hard cap, under any
//     concurrency and retry. When it runs out the shard stops early ([ErrExhausted])
//     and keeps the results of the operations charged so far.
//   - Pay-as-you-go: no cap; every billable operation is metered, in a counter per
//     month.
//   - Counters are kept apart per tenant, site and term (subscription) or month
//     (pay-as-you-go): see [Counter].
//
// # Charging without slowing a scan
//
// A shard reserves a block of units ([Ledger.Reserve]), claims one per operation
// before running it ([Reservation.Take], no I/O until the block is used up), gives
// back the unit of an operation that failed ([Reservation.Cancel]) and writes the usage
// records at the end ([Reservation.Settle]), returning the untaken units:
//
//	r, err := ledger.Reserve(ctx, acct, int64(len(ops)))
//	if err != nil { ... } // ErrExhausted: nothing left to run
//	for _, op := range ops {
//		if err := r.Take(ctx, op.Key); errors.Is(err, quota.ErrExhausted) {
//			break // stop early: quota exhausted
//		}
//		if err := op.Run(); err != nil {
//			r.Cancel(op.Key)
//		}
//	}
//	settlement, err := r.Settle(ctx)
//
// [Ledger.Charge] charges one operation on its own.
//
// # Crash safety
//
// Under a subscription, a reservation's units are held in the counter: no other shard
// can have them. Each reservation has a hold row next to the counter, numbered in
// order (a ".../seq" row numbers them), that says how many units it holds. Every
// change keeps one rule: the hold never claims a unit the counter does not have. It
// grows after the counter does, and shrinks before the counter does or before a usage
// record takes the unit over. A live reservation writes its hold or a heartbeat row at
// least every quarter of Options.HoldTTL and gives up after half of it; a hold silent
// for the whole TTL belongs to a dead process, and a reclaim — run by
// [Ledger.Reconcile], or by a reservation that finds the quota exhausted — claims it
// once, closes it and returns its units to the counter. So a process killed after
// reserving and before settling leaves nothing behind once its hold has expired: the
// counter equals the sum of the usage records after Reconcile, and the shard's rerun
// charges each operation once.
//
// A process killed in the middle of a write (between the counter and its hold, or
// while a chunk of usage records is written), or a write whose answer is lost, can
// only leave the counter above the usage: units lost, never charged twice or beyond
// the cap. A hold write that failed is read back to learn whether it was applied; an
// operation whose usage record failed stays pending with its unit in the counter, and
// a later Settle writes the record again. [Ledger.Reconcile] reports a difference as a
// [Mismatch] and, with [ReconcileOptions].Repair, sets a quiet counter right.
//
// Two things the ledger cannot see for itself, and Reconcile reports as a counter below
// its usage: a counter decrement the SDK resent after its answer was lost (AddQuota is
// an increment, applied again), and a usage record written by a resent request that
// then reads as a duplicate (RecordUsage reports created=false for its own write).
//
// # Bills
//
// [Ledger.Totals] totals usage per hour, day or month, site, billing method, operation
// and check item; [Ledger.Bills] groups the totals into one [Bill] per period, site and
// method.
package quota
