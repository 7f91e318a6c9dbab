package entitlement

import (
	"errors"
	"fmt"
	"time"
)

// Edition is a Security Center edition. The zero value means no edition.
type Edition string

// The editions, lowest to highest. ValueAdded is the value-added plan: value-added
// services only, no protection edition.
const (
	NoEdition  Edition = "none"
	Basic      Edition = "basic" // the free edition
	AntiVirus  Edition = "antivirus"
	ValueAdded Edition = "value-added"
	Advanced   Edition = "advanced"
	Enterprise Edition = "enterprise"
	Ultimate   Edition = "ultimate"
)

// Editions lists every edition.
var Editions = []Edition{NoEdition, Basic, AntiVirus, ValueAdded, Advanced, Enterprise, Ultimate}

// Valid reports whether e is one of the editions (the zero value counts as NoEdition).
func (e Edition) Valid() bool {
	switch e.norm() {
	case NoEdition, Basic, AntiVirus, ValueAdded, Advanced, Enterprise, Ultimate:
		return true
	}
	return false
}

func (e Edition) norm() Edition {
	if e == "" {
		return NoEdition
	}
	return e
}

// rank orders editions by what they include. Only Advanced, Enterprise and Ultimate
// include baseline check; the others rank below them.
func (e Edition) rank() int {
	switch e.norm() {
	case AntiVirus:
		return 2
	case Advanced:
		return 3
	case Enterprise:
		return 4
	case Ultimate:
		return 5
	case Basic, ValueAdded:
		return 1
	}
	return 0
}

// includesBaseline reports whether the edition brings baseline check at no extra cost.
func (e Edition) includesBaseline() bool { return e.rank() >= Advanced.rank() }

func (e Edition) title() string {
	switch e.norm() {
	case NoEdition:
		return "no edition"
	case Basic:
		return "the Basic edition"
	case AntiVirus:
		return "the Anti-virus edition"
	case ValueAdded:
		return "the value-added plan"
	case Advanced:
		return "the Advanced edition"
	case Enterprise:
		return "the Enterprise edition"
	case Ultimate:
		return "the Ultimate edition"
	}
	return "edition " + string(e)
}

// higher returns the edition that includes more; a on a tie.
func higher(a, b Edition) Edition {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Billing is how an account pays for CSPM. An account uses one method at a time.
// The zero value means no CSPM.
type Billing string

// The CSPM billing methods.
const (
	NoCSPM       Billing = "none"
	Subscription Billing = "subscription" // prepaid quota for a term; a hard cap
	PayAsYouGo   Billing = "payg"         // no limit; usage is metered and billed
)

// Valid reports whether b is one of the methods (the zero value counts as NoCSPM).
func (b Billing) Valid() bool {
	switch b.norm() {
	case NoCSPM, Subscription, PayAsYouGo:
		return true
	}
	return false
}

func (b Billing) norm() Billing {
	if b == "" {
		return NoCSPM
	}
	return b
}

func (b Billing) title() string {
	switch b.norm() {
	case Subscription:
		return "subscription"
	case PayAsYouGo:
		return "pay-as-you-go"
	}
	return "none"
}

// TrialDays is the length of the free trial, which gives everything the Enterprise
// edition has.
const TrialDays = 7

// Plan is what one account holds. It is a snapshot: fill it from the account's
// purchases, then call [Plan.At] to drop what has expired.
type Plan struct {
	// Edition is the Security Center edition bought by subscription (or Basic).
	Edition Edition `json:"edition"`
	// CSPM is the CSPM billing method.
	CSPM Billing `json:"cspm"`
	// CSPMTerm names the current subscription term (an order or renewal id): the
	// quota counter of the term is kept under it.
	CSPMTerm string `json:"cspm_term,omitempty"`
	// CSPMStartsAt starts the current subscription term; zero means no start is known.
	CSPMStartsAt time.Time `json:"cspm_starts_at,omitzero"`
	// CSPMExpiresAt ends a CSPM subscription; zero means no end is known.
	CSPMExpiresAt time.Time `json:"cspm_expires_at,omitzero"`
	// CSPMQuota is the purchased quota of the current subscription term, in units.
	CSPMQuota int64 `json:"cspm_quota,omitempty"`
	// CSPMUsed is the quota used in the current term, as the quota ledger reports it.
	// Only SwitchBilling reads it, to say what is forfeited.
	CSPMUsed int64 `json:"cspm_used,omitempty"`
	// HostPAYG is Host and Container Security pay-as-you-go. It binds the Enterprise
	// edition to each host unless HostEditions says otherwise for that host.
	HostPAYG bool `json:"host_payg,omitempty"`
	// HostEditions is the protection edition per host (host id → edition), as set in
	// quota management. A host not in the map has the Enterprise edition.
	HostEditions map[string]Edition `json:"host_editions,omitempty"`
	// Trial is the 7-day free trial: everything the Enterprise edition has.
	Trial bool `json:"trial,omitempty"`
	// TrialEndsAt ends the trial; zero means no end is known.
	TrialEndsAt time.Time `json:"trial_ends_at,omitzero"`
	// Authorized is true once the service-linked role AliyunServiceRoleForSasCspm
	// exists. Until then nothing runs.
	Authorized bool `json:"authorized"`
	// AuthorizedAt is when the account first authorized.
	AuthorizedAt time.Time `json:"authorized_at,omitzero"`
	// LegacyFreeSet is the free-item set the account keeps from before 2023-07-07,
	// chosen once at authorization with LegacyFreeSetFor; LegacyNone for later accounts.
	LegacyFreeSet LegacySet `json:"legacy_free_set,omitempty"`
}

// Validate says what is wrong with a plan as bought, naming the field: an unknown
// edition, billing method or host edition; a subscription without a term or with a
// negative quota, or a term that ends before it starts.
func (p Plan) Validate() error {
	var errs []error
	if !p.Edition.Valid() {
		errs = append(errs, fmt.Errorf("plan.edition %q: want one of %v", p.Edition, Editions))
	}
	if !p.CSPM.Valid() {
		errs = append(errs, fmt.Errorf("plan.cspm %q: want subscription, payg or none", p.CSPM))
	}
	if p.CSPM.norm() == Subscription {
		if p.CSPMTerm == "" {
			errs = append(errs, errors.New("plan.cspm_term: missing (a subscription names its term)"))
		}
		if p.CSPMQuota < 0 {
			errs = append(errs, fmt.Errorf("plan.cspm_quota %d: must not be negative", p.CSPMQuota))
		}
		if !p.CSPMStartsAt.IsZero() && !p.CSPMExpiresAt.IsZero() && !p.CSPMStartsAt.Before(p.CSPMExpiresAt) {
			errs = append(errs, fmt.Errorf("plan.cspm_expires_at %s: not after cspm_starts_at %s",
				p.CSPMExpiresAt.Format(time.RFC3339), p.CSPMStartsAt.Format(time.RFC3339)))
		}
	}
	for h, e := range p.HostEditions {
		if !e.Valid() {
			errs = append(errs, fmt.Errorf("plan.host_editions[%s] %q: want one of %v", h, e, Editions))
		}
	}
	return errors.Join(errs...)
}

// At returns the plan as it is in force at now: a CSPM subscription that has expired
// is gone (CSPM becomes NoCSPM) and an ended trial is over. Nothing else changes.
func (p Plan) At(now time.Time) Plan {
	if p.CSPM.norm() == Subscription && !p.CSPMExpiresAt.IsZero() && !now.Before(p.CSPMExpiresAt) {
		p.CSPM = NoCSPM
	}
	if p.Trial && !p.TrialEndsAt.IsZero() && !now.Before(p.TrialEndsAt) {
		p.Trial = false
	}
	return p
}

// StartTrial returns p with the 7-day trial running from now.
func StartTrial(p Plan, now time.Time) Plan {
	p.Trial = true
	p.TrialEndsAt = now.AddDate(0, 0, TrialDays)
	return p
}

// HasCSPM reports whether CSPM is bought (subscription or pay-as-you-go). It does not
// look at expiry; use At first.
func (p Plan) HasCSPM() bool {
	b := p.CSPM.norm()
	return b == Subscription || b == PayAsYouGo
}

// HostEdition returns the edition that governs baseline check on host: with Host and
// Container pay-as-you-go, the host's protection edition (Enterprise unless set
// otherwise); the trial counts as Enterprise; and a subscription edition that
// includes more wins.
func (p Plan) HostEdition(host string) Edition {
	e := p.Edition.norm()
	if p.HostPAYG {
		he, ok := p.HostEditions[host]
		if !ok || he == "" {
			he = Enterprise
		}
		e = higher(e, he)
	}
	if p.Trial {
		e = higher(e, Enterprise)
	}
	return e
}

// LegacySet names a free-item set kept by accounts that authorized before 2023-07-07.
// Which items belong to which set comes from the catalogue (Item.LegacyFree).
type LegacySet string

// The legacy free-item sets, by original edition.
const (
	LegacyNone       LegacySet = ""
	LegacyAntiVirus  LegacySet = "antivirus-2023"  // 80+ items
	LegacyAdvanced   LegacySet = "advanced-2023"   // 90+ items
	LegacyEnterprise LegacySet = "enterprise-2023" // 250+ items, Enterprise and Ultimate
)

// LegacyCutoff is the start of 2023-07-07 in China Standard Time (UTC+8), the day
// CSPM became a separate product. Accounts that authorized before it keep the
// free-item set of their original edition.
var LegacyCutoff = time.Date(2023, 7, 7, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

// LegacyFreeSetFor returns the legacy free-item set of an account that authorized at
// authorizedAt holding edition: the set of that edition if it authorized before
// LegacyCutoff, LegacyNone otherwise (and for editions that had no such set: Basic,
// the value-added plan, none). Call it once, at authorization, and keep the result in
// Plan.LegacyFreeSet: it stays the same before and after renewal.
func LegacyFreeSetFor(edition Edition, authorizedAt time.Time) LegacySet {
	if authorizedAt.IsZero() || !authorizedAt.Before(LegacyCutoff) {
		return LegacyNone
	}
	switch edition.norm() {
	case AntiVirus:
		return LegacyAntiVirus
	case Advanced:
		return LegacyAdvanced
	case Enterprise, Ultimate:
		return LegacyEnterprise
	}
	return LegacyNone
}
