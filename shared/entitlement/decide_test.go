package entitlement

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The probe items: one of each kind of config item and one baseline item per gating
// category.
var (
	cfgFree   = Item{ID: "oss-free-001", Kind: Config, Free: true}
	cfgPaid   = Item{ID: "ecs-paid-101", Kind: Config}
	cfgKSMP   = Item{ID: "ack-ksmp-001", Kind: Config, KSMP: true}
	blWeak    = Item{ID: "hc-weak-001", Kind: Baseline, BaselineCategory: WeakPassword}
	blDefault = Item{ID: "hc-default-001", Kind: Baseline, BaselineCategory: DefaultPolicy}
	blCIS     = Item{ID: "hc-cis-001", Kind: Baseline, BaselineCategory: CIS}
	blMLPS    = Item{ID: "hc-mlps-001", Kind: Baseline, BaselineCategory: MLPS}
	blContain = Item{ID: "hc-container-001", Kind: Baseline, BaselineCategory: ContainerSecurity}
)

// grid is what one plan may do with one probe item, as three letters for scan, verify
// and fix: F allowed and free, Q allowed and consumes quota, - refused.
type grid string

func (g grid) want(op Operation) (allowed, billable bool) {
	i := map[Operation]int{Scan: 0, Verify: 1, Fix: 2}[op]
	switch g[i] {
	case 'F':
		return true, false
	case 'Q':
		return true, true
	}
	return false, false
}

func describe(allowed, billable bool) string {
	switch {
	case allowed && billable:
		return "allowed, billable"
	case allowed:
		return "allowed, free"
	}
	return "refused"
}

func auth(p Plan) Plan {
	p.Authorized = true
	return p
}

// TestDecideBillingTable has one row per row and note of shared/design/billing.md
// ("What each plan may do"); several rows prove the same line for each plan it names.
// Each row names the line it proves.
func TestDecideBillingTable(t *testing.T) {
	none := "---"
	rows := []struct {
		name                string
		plan                Plan
		host                string
		free, paid, ksmp    grid
		weak, deflt, cis    grid
		mlps, container     grid
		attack              bool
		reasonContains      map[string]string // probe/op → substring of the reason
		reasonContainsEvery string            // substring of every reason
	}{
		{name: "row Basic: config free scan,verify no quota; no baseline; no attack path",
			plan: auth(Plan{Edition: Basic}),
			free: "FF-", paid: "---", ksmp: "---", weak: "---", deflt: "---", cis: "---", mlps: "---", container: "---",
			reasonContains: map[string]string{"free/fix": ReasonFreeFix, "weak/scan": ReasonNoBaseline}},
		{name: "row Anti-virus no CSPM: config free scan,verify; no baseline; no attack path",
			plan: auth(Plan{Edition: AntiVirus}),
			free: "FF-", paid: "---", ksmp: "---", weak: "---", deflt: "---", cis: "---", mlps: "---", container: "---",
			reasonContains: map[string]string{"paid/scan": "needs CSPM"}},
		{name: "row value-added plan no CSPM: config free scan,verify; no baseline; no attack path",
			plan: auth(Plan{Edition: ValueAdded}),
			free: "FF-", paid: "---", ksmp: "---", weak: "---", deflt: "---", cis: "---", mlps: "---", container: "---"},
		{name: "row Advanced (subscription) no CSPM: baseline default policy + weak password, scan,verify,fix, in fee",
			plan: auth(Plan{Edition: Advanced}),
			free: "FF-", paid: "---", ksmp: "---", weak: "FFF", deflt: "FFF", cis: "---", mlps: "---", container: "---",
			reasonContains: map[string]string{"cis/scan": "only the default-policy and weak-password"}},
		{name: "row Enterprise (subscription) no CSPM: baseline all but container security, no quota",
			plan: auth(Plan{Edition: Enterprise}),
			free: "FF-", paid: "---", ksmp: "---", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "---",
			reasonContains: map[string]string{"container/fix": "but container-security"}},
		{name: "row Enterprise (trial) no CSPM: the 7-day trial is everything the Enterprise edition has",
			plan: auth(Plan{Edition: Basic, Trial: true}),
			free: "FF-", paid: "---", ksmp: "---", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "---"},
		{name: "row Ultimate no CSPM: config free + KSMP scan,verify; baseline all; no quota",
			plan: auth(Plan{Edition: Ultimate}),
			free: "FF-", paid: "---", ksmp: "FF-", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "FFF",
			reasonContains: map[string]string{"ksmp/fix": "needs CSPM"}},
		{name: "row Host & Container PAYG only (newer doc): baseline per host's edition, Enterprise by default",
			plan: auth(Plan{HostPAYG: true}),
			free: "FF-", paid: "---", ksmp: "---", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "---"},
		{name: "row Host & Container PAYG only (newer doc): a host moved to Ultimate in quota management gets all baseline",
			plan: auth(Plan{HostPAYG: true, HostEditions: map[string]Edition{"i-ult": Ultimate}}), host: "i-ult",
			free: "FF-", paid: "---", ksmp: "---", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "FFF"},
		{name: "row Host & Container PAYG only (newer doc): a host moved to Advanced gets default policy + weak password",
			plan: auth(Plan{HostPAYG: true, HostEditions: map[string]Edition{"i-adv": Advanced}}), host: "i-adv",
			free: "FF-", paid: "---", ksmp: "---", weak: "FFF", deflt: "FFF", cis: "---", mlps: "---", container: "---",
			reasonContains: map[string]string{"cis/scan": "on host i-adv"}},
		{name: "row Host & Container PAYG only (newer doc): a host moved to Anti-virus has no baseline",
			plan: auth(Plan{HostPAYG: true, HostEditions: map[string]Edition{"i-av": AntiVirus}}), host: "i-av",
			free: "FF-", paid: "---", ksmp: "---", weak: "---", deflt: "---", cis: "---", mlps: "---", container: "---"},
		{name: "row CSPM subscription with Anti-virus: all config items, free fix + paid all ops consume quota; baseline all with quota; attack path",
			plan: auth(Plan{Edition: AntiVirus, CSPM: Subscription}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "QQQ", deflt: "QQQ", cis: "QQQ", mlps: "QQQ", container: "QQQ", attack: true,
			reasonContains: map[string]string{"free/fix": "consumes 1 quota unit", "container/scan": "consumes 1 quota unit"}},
		{name: "row CSPM pay-as-you-go with value-added plan: as subscription",
			plan: auth(Plan{Edition: ValueAdded, CSPM: PayAsYouGo}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "QQQ", deflt: "QQQ", cis: "QQQ", mlps: "QQQ", container: "QQQ", attack: true},
		{name: "row CSPM subscription with no edition",
			plan: auth(Plan{CSPM: Subscription}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "QQQ", deflt: "QQQ", cis: "QQQ", mlps: "QQQ", container: "QQQ", attack: true},
		{name: "row CSPM pay-as-you-go with Basic (no edition that includes baseline)",
			plan: auth(Plan{Edition: Basic, CSPM: PayAsYouGo}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "QQQ", deflt: "QQQ", cis: "QQQ", mlps: "QQQ", container: "QQQ", attack: true},
		{name: "row CSPM pay-as-you-go with Host & Container PAYG authorizing the Anti-virus edition",
			plan: auth(Plan{CSPM: PayAsYouGo, HostPAYG: true, HostEditions: map[string]Edition{"i-av": AntiVirus}}), host: "i-av",
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "QQQ", deflt: "QQQ", cis: "QQQ", mlps: "QQQ", container: "QQQ", attack: true},
		{name: "row CSPM subscription with Advanced: config as above; baseline the edition's items only, in fee",
			plan: auth(Plan{Edition: Advanced, CSPM: Subscription}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "FFF", deflt: "FFF", cis: "---", mlps: "---", container: "---", attack: true,
			reasonContains: map[string]string{"cis/scan": "CSPM does not add baseline items"}},
		{name: "row CSPM pay-as-you-go with Enterprise: baseline the edition's items only, in fee",
			plan: auth(Plan{Edition: Enterprise, CSPM: PayAsYouGo}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "---", attack: true},
		{name: "row CSPM subscription with Ultimate: baseline all, in fee; config not affected by the edition",
			plan: auth(Plan{Edition: Ultimate, CSPM: Subscription}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "FFF", attack: true},
		{name: "row CSPM pay-as-you-go with Enterprise (trial): the trial's Enterprise items, in fee",
			plan: auth(Plan{CSPM: PayAsYouGo, Trial: true}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "---", attack: true},
		{name: "row CSPM pay-as-you-go with Host & Container PAYG Enterprise by default: the host edition's items, in fee",
			plan: auth(Plan{CSPM: PayAsYouGo, HostPAYG: true}),
			free: "FFQ", paid: "QQQ", ksmp: "QQQ", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "---", attack: true},
		{name: "note seed 002 said Host & Container PAYG alone gives no baseline; the newer doc binds Enterprise at no extra cost",
			plan: auth(Plan{Edition: NoEdition, HostPAYG: true}), host: "i-any",
			free: "FF-", paid: "---", ksmp: "---", weak: "FFF", deflt: "FFF", cis: "FFF", mlps: "FFF", container: "---",
			reasonContains: map[string]string{"cis/verify": "consumes no quota"}},
		{name: "note nothing runs before the account has authorized (service-linked role AliyunServiceRoleForSasCspm)",
			plan: Plan{Edition: Ultimate, CSPM: PayAsYouGo, HostPAYG: true, Trial: true},
			free: grid(none), paid: grid(none), ksmp: grid(none), weak: grid(none), deflt: grid(none), cis: grid(none), mlps: grid(none), container: grid(none),
			reasonContainsEvery: ReasonNotAuthorized},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			probes := []struct {
				name string
				item Item
				g    grid
			}{
				{"free", cfgFree, r.free}, {"paid", cfgPaid, r.paid}, {"ksmp", cfgKSMP, r.ksmp},
				{"weak", blWeak, r.weak}, {"default", blDefault, r.deflt}, {"cis", blCIS, r.cis},
				{"mlps", blMLPS, r.mlps}, {"container", blContain, r.container},
			}
			for _, p := range probes {
				for _, op := range Operations {
					d := Decide(r.plan, p.item, op, r.host)
					allowed, bill := p.g.want(op)
					if d.Allowed != allowed || d.Billable != bill {
						t.Errorf("Decide(%s item %s, %s, host %q) = %s (%q); want %s",
							p.name, p.item.ID, op, r.host, describe(d.Allowed, d.Billable), d.Reason, describe(allowed, bill))
					}
					if d.Reason == "" {
						t.Errorf("Decide(%s item, %s) gave no reason", p.name, op)
					}
					if want, ok := r.reasonContains[p.name+"/"+string(op)]; ok && !strings.Contains(d.Reason, want) {
						t.Errorf("Decide(%s item, %s).Reason = %q; want it to mention %q", p.name, op, d.Reason, want)
					}
					if r.reasonContainsEvery != "" && !strings.Contains(d.Reason, r.reasonContainsEvery) {
						t.Errorf("Decide(%s item, %s).Reason = %q; want it to mention %q", p.name, op, d.Reason, r.reasonContainsEvery)
					}
				}
			}
			d := AttackPathAllowed(r.plan)
			if d.Allowed != r.attack || d.Billable {
				t.Errorf("AttackPathAllowed = %s (%q); want allowed=%v, never billable", describe(d.Allowed, d.Billable), d.Reason, r.attack)
			}
			if r.reasonContainsEvery != "" && !strings.Contains(d.Reason, r.reasonContainsEvery) {
				t.Errorf("AttackPathAllowed.Reason = %q; want it to mention %q", d.Reason, r.reasonContainsEvery)
			}
		})
	}
}

// TestDecideLegacyFreeSet proves the note: accounts that authorized before 2023-07-07
// keep the free-item set of their original edition (80+ Anti-virus, 90+ Advanced,
// 250+ Enterprise/Ultimate), before and after renewal.
func TestDecideLegacyFreeSet(t *testing.T) {
	inEnterpriseSet := Item{ID: "rds-legacy-007", Kind: Config, LegacyFree: []LegacySet{LegacyEnterprise}}
	inAntiVirusSet := Item{ID: "slb-legacy-003", Kind: Config, LegacyFree: []LegacySet{LegacyAntiVirus, LegacyAdvanced, LegacyEnterprise}}
	before := time.Date(2023, 3, 1, 10, 0, 0, 0, time.UTC)
	after := time.Date(2023, 7, 7, 0, 0, 0, 0, LegacyCutoff.Location())
	legacyEnt := auth(Plan{Edition: Enterprise, AuthorizedAt: before, LegacyFreeSet: LegacyFreeSetFor(Enterprise, before)})
	legacyAV := auth(Plan{Edition: AntiVirus, AuthorizedAt: before, LegacyFreeSet: LegacyFreeSetFor(AntiVirus, before)})
	newEnt := auth(Plan{Edition: Enterprise, AuthorizedAt: after, LegacyFreeSet: LegacyFreeSetFor(Enterprise, after)})
	renewed := legacyEnt // renewal changes the term, never the legacy set
	renewed.CSPM, renewed.CSPMExpiresAt = Subscription, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)

	rows := []struct {
		name string
		plan Plan
		item Item
		want grid
	}{
		{"note legacy Enterprise/Ultimate set (250+): an item in the set is free to scan and verify", legacyEnt, inEnterpriseSet, "FF-"},
		{"note legacy Anti-virus set (80+): an item only in the Enterprise set stays paid", legacyAV, inEnterpriseSet, "---"},
		{"note legacy Anti-virus set (80+): an item in the Anti-virus set is free", legacyAV, inAntiVirusSet, "FF-"},
		{"note authorized on 2023-07-07 (CST) or later: no legacy set, the item is paid", newEnt, inEnterpriseSet, "---"},
		{"note legacy set kept after renewal with CSPM: free item, fix consumes quota", renewed, inEnterpriseSet, "FFQ"},
		{"note legacy set never removes a documented free item", legacyAV, cfgFree, "FF-"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			for _, op := range Operations {
				d := Decide(r.plan, r.item, op, "")
				allowed, bill := r.want.want(op)
				if d.Allowed != allowed || d.Billable != bill {
					t.Errorf("Decide(legacy set %q, item %s, %s) = %s (%q); want %s",
						r.plan.LegacyFreeSet, r.item.ID, op, describe(d.Allowed, d.Billable), d.Reason, describe(allowed, bill))
				}
			}
		})
	}
}

func TestLegacyFreeSetFor(t *testing.T) {
	cst := LegacyCutoff.Location()
	justBefore := time.Date(2023, 7, 6, 23, 59, 59, 0, cst)
	cutoff := time.Date(2023, 7, 7, 0, 0, 0, 0, cst)
	utcSameDay := time.Date(2023, 7, 6, 17, 0, 0, 0, time.UTC) // 2023-07-07 01:00 CST
	tests := []struct {
		edition Edition
		at      time.Time
		want    LegacySet
	}{
		{AntiVirus, justBefore, LegacyAntiVirus},
		{Advanced, justBefore, LegacyAdvanced},
		{Enterprise, justBefore, LegacyEnterprise},
		{Ultimate, justBefore, LegacyEnterprise},
		{Basic, justBefore, LegacyNone},
		{ValueAdded, justBefore, LegacyNone},
		{NoEdition, justBefore, LegacyNone},
		{Enterprise, cutoff, LegacyNone},
		{Enterprise, utcSameDay, LegacyNone},
		{Enterprise, time.Time{}, LegacyNone},
	}
	for _, tt := range tests {
		if got := LegacyFreeSetFor(tt.edition, tt.at); got != tt.want {
			t.Errorf("LegacyFreeSetFor(%s, %s) = %q; want %q", tt.edition, tt.at.Format(time.RFC3339), got, tt.want)
		}
	}
}

func TestDecideBadInput(t *testing.T) {
	p := auth(Plan{Edition: Ultimate, CSPM: PayAsYouGo})
	tests := []struct {
		name   string
		plan   Plan
		item   Item
		op     Operation
		reason string
	}{
		{"unknown operation", p, cfgFree, "delete", `unknown operation "delete"`},
		{"unknown kind", p, Item{ID: "x-1", Kind: "host"}, Scan, `unknown kind "host"`},
		{"baseline without category", p, Item{ID: "hc-1", Kind: Baseline}, Scan, "has no category"},
		{"unknown edition", auth(Plan{Edition: "platinum"}), cfgFree, Scan, `unknown edition "platinum"`},
		{"unknown billing", auth(Plan{CSPM: "monthly"}), cfgFree, Scan, `unknown CSPM billing method "monthly"`},
	}
	for _, tt := range tests {
		d := Decide(tt.plan, tt.item, tt.op, "")
		if d.Allowed || !strings.Contains(d.Reason, tt.reason) {
			t.Errorf("Decide(%s) = %+v; want refused with a reason mentioning %q", tt.name, d, tt.reason)
		}
	}
}

func TestPlanAt(t *testing.T) {
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	sub := auth(Plan{Edition: AntiVirus, CSPM: Subscription, CSPMExpiresAt: now})
	if got := sub.At(now.Add(-time.Second)).CSPM; got != Subscription {
		t.Errorf("At(1s before expiry).CSPM = %q; want subscription", got)
	}
	if got := sub.At(now).CSPM; got != NoCSPM {
		t.Errorf("At(expiry).CSPM = %q; want none: an expired subscription is gone", got)
	}
	if d := Decide(sub.At(now), cfgPaid, Scan, ""); d.Allowed {
		t.Errorf("Decide(expired subscription, paid item, scan) = %+v; want refused", d)
	}
	trial := StartTrial(auth(Plan{Edition: Basic}), now)
	if !trial.TrialEndsAt.Equal(now.AddDate(0, 0, 7)) {
		t.Errorf("StartTrial(now).TrialEndsAt = %s; want now + 7 days", trial.TrialEndsAt)
	}
	if d := Decide(trial.At(now.AddDate(0, 0, 6)), blCIS, Fix, ""); !d.Allowed || d.Billable {
		t.Errorf("Decide(trial day 6, CIS baseline, fix) = %+v; want allowed in fee (Enterprise)", d)
	}
	if d := Decide(trial.At(now.AddDate(0, 0, 7)), blCIS, Fix, ""); d.Allowed {
		t.Errorf("Decide(trial day 7, CIS baseline, fix) = %+v; want refused: the trial has ended", d)
	}
	payg := auth(Plan{CSPM: PayAsYouGo, CSPMExpiresAt: now})
	if got := payg.At(now.AddDate(1, 0, 0)).CSPM; got != PayAsYouGo {
		t.Errorf("At(later).CSPM of pay-as-you-go = %q; want payg (no expiry)", got)
	}
}

func TestUnits(t *testing.T) {
	// "10 products × 15 instances × 5 items scanned = 750 units."
	if got := Units(10*15, 5); got != 750 {
		t.Errorf("Units(150 instances, 5 items) = %d; want 750", got)
	}
	// "Recommended purchase: 20 × instances (10 products × 15 instances × 20 = 3,000)."
	if got := RecommendedPurchase(10 * 15); got != 3000 {
		t.Errorf("RecommendedPurchase(150) = %d; want 3000", got)
	}
	for _, tt := range []struct {
		instances, items int
		want             int64
	}{{0, 5, 0}, {1, 1, 1}, {-3, 5, 0}, {1_000_000, 400, 400_000_000}} {
		if got := Units(tt.instances, tt.items); got != tt.want {
			t.Errorf("Units(%d, %d) = %d; want %d", tt.instances, tt.items, got, tt.want)
		}
	}
}

func ExampleDecide() {
	plan := Plan{Edition: Advanced, CSPM: Subscription, Authorized: true}
	for _, c := range []struct {
		item Item
		op   Operation
	}{
		{Item{ID: "oss-001", Kind: Config, Free: true}, Scan},
		{Item{ID: "oss-001", Kind: Config, Free: true}, Fix},
		{Item{ID: "hc-weak-001", Kind: Baseline, BaselineCategory: WeakPassword}, Fix},
		{Item{ID: "hc-cis-001", Kind: Baseline, BaselineCategory: CIS}, Scan},
	} {
		d := Decide(plan, c.item, c.op, "")
		fmt.Printf("%s %s: allowed=%v billable=%v\n", c.op, c.item.ID, d.Allowed, d.Billable)
	}
	// Output:
	// scan oss-001: allowed=true billable=false
	// fix oss-001: allowed=true billable=true
	// fix hc-weak-001: allowed=true billable=false
	// scan hc-cis-001: allowed=false billable=false
}

func ExampleDecide_notAuthorized() {
	d := Decide(Plan{Edition: Ultimate}, Item{ID: "oss-001", Kind: Config, Free: true}, Scan, "")
	fmt.Println(d.Allowed, d.Reason)
	// Output: false tenant has not authorized (service-linked role AliyunServiceRoleForSasCspm missing): nothing runs
}

func ExampleRecommendedPurchase() {
	instances := 10 * 15 // 10 products, 15 instances each
	fmt.Println(Units(instances, 5), RecommendedPurchase(instances))
	// Output: 750 3000
}
