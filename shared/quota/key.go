package quota

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// The two sites. Quota, usage and counters are kept apart per site.
const (
	SiteChina = "cn"   // Chinese Mainland
	SiteIntl  = "intl" // Outside Chinese Mainland
)

// ChargeKey identifies one billable operation: one check item on one instance, one
// operation, in one shard of one task. It is the idempotency key of the operation's
// usage record, so the same operation delivered twice is charged once. It never
// contains a time.
type ChargeKey struct {
	TenantID   string
	Site       string // SiteChina or SiteIntl
	TaskID     string
	ShardID    string // may be empty for an operation outside a sharded task
	ItemID     string
	InstanceID string
	Operation  entitlement.Operation
}

var keyEscaper = strings.NewReplacer("%", "%25", "/", "%2F")

// esc makes a key part safe to join with "/": "%" and "/" are percent-escaped, so two
// different keys never give the same string.
func esc(s string) string { return keyEscaper.Replace(s) }

// String returns the usage key: site/task/shard/item/instance/operation, each part with
// "%" and "/" escaped. A key longer than the store's limit (255 bytes) becomes
// "sha256/" and the hex digest of the long form.
func (k ChargeKey) String() string {
	s := strings.Join([]string{esc(k.Site), esc(k.TaskID), esc(k.ShardID), esc(k.ItemID), esc(k.InstanceID), esc(string(k.Operation))}, "/")
	if len(s) <= store.MaxKeyBytes {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256/" + hex.EncodeToString(sum[:])
}

func validSite(s string) bool { return s == SiteChina || s == SiteIntl }

// validate says what is wrong with the key, or nil.
func (k ChargeKey) validate() error {
	var bad []string
	for _, f := range []struct{ name, v string }{
		{"tenant", k.TenantID}, {"task", k.TaskID}, {"item", k.ItemID}, {"instance", k.InstanceID},
	} {
		if f.v == "" {
			bad = append(bad, f.name+" is empty")
		}
	}
	for _, f := range []struct{ name, v string }{
		{"tenant", k.TenantID}, {"task", k.TaskID}, {"shard", k.ShardID}, {"item", k.ItemID}, {"instance", k.InstanceID},
	} {
		if !utf8.ValidString(f.v) || strings.IndexByte(f.v, 0) >= 0 {
			bad = append(bad, fmt.Sprintf("%s %q is not UTF-8 text without NUL", f.name, f.v))
		}
	}
	if !validSite(k.Site) {
		bad = append(bad, fmt.Sprintf("site %q: want %q or %q", k.Site, SiteChina, SiteIntl))
	}
	if !k.Operation.Valid() {
		bad = append(bad, fmt.Sprintf("operation %q: want scan, verify or fix", k.Operation))
	}
	if len(bad) > 0 {
		return fmt.Errorf("charge key %s: %s", k, strings.Join(bad, "; "))
	}
	return nil
}

// Billing is how the operations of an account on one site are paid for, and so which
// counter they go to.
type Billing struct {
	// Method is entitlement.Subscription or entitlement.PayAsYouGo.
	Method entitlement.Billing
	// Term names the counter. Subscription: the term the quota was bought for (an
	// order or renewal id); one counter per tenant, site and term. Pay-as-you-go: the
	// month, "2006-01", set by PayAsYouGo.
	Term string
	// Start and End bound the term, [Start, End). A subscription refuses operations
	// outside it; Reconcile reads the usage records inside it. A zero Start or End
	// leaves that side open.
	Start, End time.Time
	// Quota is the units purchased for a subscription term: the hard cap.
	Quota int64
}

// Subscription returns the billing of a subscription term with a purchased quota.
func Subscription(term string, start, end time.Time, quota int64) Billing {
	return Billing{Method: entitlement.Subscription, Term: term, Start: start, End: end, Quota: quota}
}

// PayAsYouGo returns pay-as-you-go billing for the month (UTC) that contains t.
// Operations are metered in the counter of the month they run in, whatever month the
// Billing names; the month matters to Reconcile.
func PayAsYouGo(t time.Time) Billing {
	start := Month.Start(t)
	return Billing{Method: entitlement.PayAsYouGo, Term: start.Format("2006-01"), Start: start, End: Month.Next(start)}
}

func (b Billing) validate() error {
	switch b.Method {
	case entitlement.Subscription:
		var bad []string
		if b.Term == "" {
			bad = append(bad, "term is empty")
		}
		if b.Quota < 0 {
			bad = append(bad, fmt.Sprintf("quota %d is negative", b.Quota))
		}
		if !b.Start.IsZero() && !b.End.IsZero() && !b.Start.Before(b.End) {
			bad = append(bad, fmt.Sprintf("term start %s is not before its end %s", b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339)))
		}
		if len(bad) > 0 {
			return fmt.Errorf("subscription billing: %s", strings.Join(bad, "; "))
		}
		return nil
	case entitlement.PayAsYouGo:
		return nil
	}
	return fmt.Errorf("billing method %q: want subscription or payg (an account without CSPM has nothing billable)", b.Method)
}

// inTerm reports whether t falls in [Start, End).
func (b Billing) inTerm(t time.Time) bool {
	return (b.Start.IsZero() || !t.Before(b.Start)) && (b.End.IsZero() || t.Before(b.End))
}

// Account is one tenant on one site, with its billing.
type Account struct {
	TenantID string
	Site     string // SiteChina or SiteIntl
	Billing  Billing
}

func (a Account) validate() error {
	if a.TenantID == "" {
		return fmt.Errorf("account: tenant is empty")
	}
	if !validSite(a.Site) {
		return fmt.Errorf("account %s: site %q: want %q or %q", a.TenantID, a.Site, SiteChina, SiteIntl)
	}
	if err := a.Billing.validate(); err != nil {
		return fmt.Errorf("account %s/%s: %w", a.TenantID, a.Site, err)
	}
	return nil
}

// Counter returns the name of the quota counter (in the store's quota table, under
// the tenant) that operations on site under billing b go to:
// "cspm/<site>/sub/<term>" for a subscription term and "cspm/<site>/payg/<2006-01>"
// for a pay-as-you-go month.
func Counter(site string, b Billing) string {
	if b.Method == entitlement.PayAsYouGo {
		return paygCounter(site, b.Start)
	}
	return "cspm/" + esc(site) + "/sub/" + esc(b.Term)
}

func paygCounter(site string, t time.Time) string {
	return "cspm/" + esc(site) + "/payg/" + Month.Start(t).Format("2006-01")
}

// The rows that track the reservations of a subscription counter, in the quota table
// next to it. Hold numbers are 1, 2, 3, … in order of reservation.
func seqRow(counter string) string              { return counter + "/seq" }
func lowRow(counter string) string              { return counter + "/low" }
func holdRow(counter string, k int64) string    { return fmt.Sprintf("%s/hold/%d", counter, k) }
func beatRow(counter string, k int64) string    { return fmt.Sprintf("%s/beat/%d", counter, k) }
func reclaimRow(counter string, k int64) string { return fmt.Sprintf("%s/reclaim/%d", counter, k) }
