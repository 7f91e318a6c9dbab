package quota

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// Reservation is one shard's claim on quota. Take claims one unit per operation
// before the operation runs, from a block of units reserved in the counter beforehand,
// so it does no I/O until the block is used up; Cancel gives the unit of a failed
// operation back; Settle writes the usage records and returns what is left.
//
// Under a subscription the block's units are held in the counter (no other shard can
// have them) and tracked in a hold row of their own, so that units held by a process
// that dies are reclaimed once the hold expires. Under pay-as-you-go nothing is
// reserved and Take never fails for want of quota.
//
// A Reservation is safe for concurrent use by the operations of its shard.
type Reservation struct {
	l       *Ledger
	acct    Account
	sub     bool
	counter string // subscription counter
	k       int64  // hold number
	want    int64  // units the shard expects to need; 0: unknown

	mu        sync.Mutex
	hold      int64 // what the hold row holds: 1 + units held while open, 0 closed
	reserved  int64 // units taken from the counter so far (for block sizes)
	free      int64 // units held and not yet taken
	pending   map[string]taken
	lastWrite time.Time // when the last write to the hold or heartbeat row was sent
	state     resState
	result    Settlement
}

type taken struct {
	key     ChargeKey
	at      time.Time
	metered bool // its unit is in the counter and out of the hold: Settle failed after that
}

type resState int

const (
	open resState = iota
	settled
	expired
)

// Settlement says what Settle did.
type Settlement struct {
	// Charged is the number of operations charged: new usage records.
	Charged int
	// Duplicates is the number of operations whose usage record existed already (a
	// retried or redelivered shard): not charged again, their units given back.
	Duplicates int
	// Released is the number of units given back to the counter: a subscription
	// block's untaken units, and the units of duplicates.
	Released int64
}

func (s *Settlement) add(o Settlement) {
	s.Charged += o.Charged
	s.Duplicates += o.Duplicates
	s.Released += o.Released
}

// Reserve starts a shard's reservation for the account. n is how many billable
// operations the shard expects (0 if unknown): under a subscription the first block
// is min(n, Options.Block) units, capped by what is left of the quota, and later
// blocks are as large as the expected remainder, or Options.Block. It returns
// ErrExhausted when the subscription has no unit left (after reclaiming expired
// reservations), and ErrOutsideTerm outside the subscription term. Under
// pay-as-you-go it does no I/O.
//
// Every Reservation must end with Settle; one abandoned by a dead process is
// reclaimed after Options.HoldTTL.
func (l *Ledger) Reserve(ctx context.Context, a Account, n int64) (*Reservation, error) {
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("quota: reserve: %w: %w", ErrInvalid, err)
	}
	r := &Reservation{l: l, acct: a, want: max(n, 0), pending: map[string]taken{}}
	if a.Billing.Method != entitlement.Subscription {
		return r, nil
	}
	r.sub = true
	r.counter = Counter(a.Site, a.Billing)
	op := "quota: reserve " + a.TenantID + "/" + r.counter
	if now := l.now(); !a.Billing.inTerm(now) {
		return nil, fmt.Errorf("%s: %w: %s is not in [%s, %s)", op, ErrOutsideTerm, now.Format(time.RFC3339), a.Billing.Start.Format(time.RFC3339), a.Billing.End.Format(time.RFC3339))
	}
	k, err := l.st.AddQuota(ctx, a.TenantID, seqRow(r.counter), 1)
	if err != nil {
		return nil, fmt.Errorf("%s: number the hold: %w", op, err)
	}
	r.k = k
	// The hold row is 1 + the units it holds while open, 0 once closed. It is written
	// before the counter is touched, so a missing hold never holds anything.
	if err := r.addHold(ctx, 1, "open"); err != nil {
		return nil, err
	}
	if err := r.grow(ctx); err != nil {
		// Close the empty hold; if that fails, the hold expires holding nothing.
		if r.state == open && r.free == 0 {
			if cerr := r.addHold(ctx, -1, "close"); cerr != nil {
				return nil, errors.Join(err, cerr)
			}
		}
		return nil, err
	}
	return r, nil
}

// errNotApplied marks a hold write known not to have reached the store.
var errNotApplied = errors.New("not applied")

// addHold adds n to the reservation's hold row and keeps r.hold, the value the row
// must have, in step. When the write fails, the row is read back to learn whether it
// was applied (an answer lost on the way): applied is success; not applied returns an
// error wrapping errNotApplied; anything else — the row cannot be read, or it holds
// something else because a reclaim wrote it — expires the reservation. So the hold
// never claims a unit the counter does not have, even when a write's fate is unknown.
func (r *Reservation) addHold(ctx context.Context, n int64, what string) error {
	l, tenant, row := r.l, r.acct.TenantID, holdRow(r.counter, r.k)
	op := fmt.Sprintf("quota: %s hold %s/%s %d", what, tenant, r.counter, r.k)
	start := l.now()
	used, err := l.st.AddQuota(ctx, tenant, row, n)
	if err == nil {
		want := r.hold + n
		if used > want {
			// Applied twice (the SDK resends an UpdateRow whose answer it lost): take
			// the excess off again, so the hold claims nothing the counter lacks.
			if fixed, ferr := l.st.AddQuota(ctx, tenant, row, want-used); ferr != nil || fixed != want {
				r.state = expired
				return errors.Join(fmt.Errorf("%s: %w: the hold is %d, not %d, and could not be set right", op, ErrExpired, used, want), ferr)
			}
			used = want
		}
		if used != want {
			r.state = expired
			return fmt.Errorf("%s: %w: the hold is %d, not %d: it was reclaimed", op, ErrExpired, used, want)
		}
		r.hold, r.lastWrite = used, start
		return nil
	}
	q, rerr := l.st.GetQuota(ctx, tenant, row)
	if errors.Is(rerr, store.ErrNotFound) {
		q, rerr = store.Quota{}, nil
	}
	switch {
	case rerr == nil && q.Used == r.hold+n:
		r.hold, r.lastWrite = q.Used, start
		return nil
	case rerr == nil && q.Used == r.hold:
		return fmt.Errorf("%s: %w: %w", op, errNotApplied, err)
	}
	r.state = expired
	return errors.Join(fmt.Errorf("%s: %w: the write's outcome is unknown: %w", op, ErrExpired, err), rerr)
}

// blockSize is the size of the next block.
func (r *Reservation) blockSize() int64 {
	b := r.l.opts.Block
	if rem := r.want - r.reserved; r.want > 0 && rem > 0 {
		b = min(b, rem)
	}
	return b
}

// maxShrink bounds how often grow retries with a smaller block after losing a race.
const maxShrink = 1000

// grow reserves the next block: first in the counter (capped by the quota), then in
// the hold. The hold never claims units the counter does not have.
func (r *Reservation) grow(ctx context.Context) error {
	l, a := r.l, r.acct
	op := "quota: reserve " + a.TenantID + "/" + r.counter
	limit := a.Billing.Quota
	want := r.blockSize()
	reclaimed := false
	for attempt := 0; ; attempt++ {
		q, err := l.st.ReserveQuota(ctx, a.TenantID, r.counter, want, limit)
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrExhausted) {
			return fmt.Errorf("%s: %w", op, err)
		}
		// Another reservation took units between the read and the write: try again
		// with what is left. Each such failure is another reservation's success.
		if left := limit - q.Used; left > 0 && attempt < maxShrink {
			want = min(want, left)
			continue
		}
		if !reclaimed && l.mayReclaim(a.TenantID, r.counter) {
			reclaimed = true
			sw, serr := l.sweep(ctx, a.TenantID, r.counter)
			if serr != nil {
				return errors.Join(fmt.Errorf("%s: %w: %d of %d units used", op, ErrExhausted, q.Used, limit), serr)
			}
			if sw.Reclaimed > 0 {
				attempt, want = 0, r.blockSize()
				continue
			}
		}
		return fmt.Errorf("%s: %w: %d of %d units used", op, ErrExhausted, q.Used, limit)
	}
	if err := r.addHold(ctx, want, "grow"); err != nil {
		if errors.Is(err, errNotApplied) {
			// The counter has the units and the hold surely does not: give them back.
			// (Whether a failed give-back applied is unknown; unreturned, they are lost,
			// never charged.)
			if _, rerr := l.st.AddQuota(ctx, a.TenantID, r.counter, -want); rerr != nil {
				return errors.Join(err, fmt.Errorf("%s: return %d units: %w", op, want, rerr))
			}
		}
		return err
	}
	r.reserved += want
	r.free += want
	return nil
}

// alive keeps a subscription reservation's hold from expiring: after a quarter of the
// TTL without a write it writes a heartbeat; after half of it the reservation has
// expired (its units may be reclaimed by now) and charges nothing more.
func (r *Reservation) alive(ctx context.Context) error {
	l := r.l
	ttl := l.opts.HoldTTL
	now := l.now()
	silent := now.Sub(r.lastWrite)
	if silent < ttl/4 {
		return nil
	}
	op := fmt.Sprintf("quota: reservation %s/%s hold %d", r.acct.TenantID, r.counter, r.k)
	if silent >= ttl/2 {
		r.state = expired
		return fmt.Errorf("%s: %w: silent for %s (TTL %s)", op, ErrExpired, silent, ttl)
	}
	if _, err := l.st.AddQuota(ctx, r.acct.TenantID, beatRow(r.counter, r.k), 1); err != nil {
		return fmt.Errorf("%s: heartbeat: %w", op, err)
	}
	if d := l.now().Sub(r.lastWrite); d >= ttl/2 {
		r.state = expired
		return fmt.Errorf("%s: %w: the heartbeat took until %s of silence (TTL %s)", op, ErrExpired, d, ttl)
	}
	if _, err := l.st.GetQuota(ctx, r.acct.TenantID, reclaimRow(r.counter, r.k)); err == nil {
		r.state = expired
		return fmt.Errorf("%s: %w: it was reclaimed", op, ErrExpired)
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: heartbeat: %w", op, err)
	}
	r.lastWrite = now
	return nil
}

func (r *Reservation) usable(key ChargeKey) error {
	switch r.state {
	case settled:
		return fmt.Errorf("quota: take %s: %w", key, ErrSettled)
	case expired:
		return fmt.Errorf("quota: take %s: %w", key, ErrExpired)
	}
	if err := key.validate(); err != nil {
		return fmt.Errorf("quota: take: %w: %w", ErrInvalid, err)
	}
	if key.TenantID != r.acct.TenantID || key.Site != r.acct.Site {
		return fmt.Errorf("quota: take %s: %w: the reservation is for %s/%s", key, ErrInvalid, r.acct.TenantID, r.acct.Site)
	}
	return nil
}

// Take claims one unit for the operation key, before it runs. It does no I/O unless
// the block is used up (then it reserves the next one) or the reservation needs a
// heartbeat. Taking a key already taken by this reservation claims nothing more.
//
// Under a subscription it returns ErrExhausted when no unit is left: the caller stops
// the shard early, settles, and keeps the results of the operations taken so far. It
// returns ErrOutsideTerm once the term has ended and ErrExpired if the reservation
// stayed silent too long.
func (r *Reservation) Take(ctx context.Context, key ChargeKey) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.usable(key); err != nil {
		return err
	}
	k := key.String()
	if _, ok := r.pending[k]; ok {
		return nil
	}
	now := r.l.now()
	if !r.sub {
		r.pending[k] = taken{key: key, at: now}
		return nil
	}
	if !r.acct.Billing.inTerm(now) {
		return fmt.Errorf("quota: take %s: %w: the term ends %s", key, ErrOutsideTerm, r.acct.Billing.End.Format(time.RFC3339))
	}
	if err := r.alive(ctx); err != nil {
		return err
	}
	if r.free == 0 {
		if err := r.grow(ctx); err != nil {
			return err
		}
	}
	r.free--
	r.pending[k] = taken{key: key, at: now}
	return nil
}

// Cancel gives back the unit of an operation that failed: nothing is charged for it.
// It reports whether the key was taken and not yet settled.
func (r *Reservation) Cancel(key ChargeKey) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := key.String()
	if _, ok := r.pending[k]; !ok || r.state != open {
		return false
	}
	t := r.pending[k]
	delete(r.pending, k)
	if r.sub && !t.metered {
		r.free++
	}
	return true
}

// Pending returns the number of operations taken and not yet settled.
func (r *Reservation) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

// Free returns the units held and not yet taken (always 0 under pay-as-you-go).
func (r *Reservation) Free() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.free
}

// Settle ends the reservation: it writes one usage record per operation taken and not
// cancelled (in batches, store.RecordUsages; an existing record means the operation
// was charged before, so it is not charged again and its unit goes back), then
// returns the untaken units to the counter. If a record cannot be written, Settle
// returns the error with what it did so far; the reservation stays open and Settle may
// be called again. Once it has succeeded, Settle returns the same Settlement again.
func (r *Reservation) Settle(ctx context.Context) (Settlement, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch r.state {
	case settled:
		return r.result, nil
	case expired:
		return r.result, fmt.Errorf("quota: settle %s/%s: %w", r.acct.TenantID, r.acct.Site, ErrExpired)
	}
	keys := make([]string, 0, len(r.pending))
	for k := range r.pending {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for chunk := range slices.Chunk(keys, r.l.opts.Chunk) {
		s, err := r.settleChunk(ctx, chunk)
		r.result.add(s)
		if err != nil {
			return r.result, err
		}
	}
	if r.sub {
		if err := r.close(ctx); err != nil {
			return r.result, err
		}
	}
	r.state = settled
	return r.result, nil
}

// close closes the hold and returns its untaken units to the counter.
func (r *Reservation) close(ctx context.Context) error {
	l, tenant := r.l, r.acct.TenantID
	op := fmt.Sprintf("quota: settle %s/%s hold %d", tenant, r.counter, r.k)
	if err := r.alive(ctx); err != nil {
		return err
	}
	if err := r.addHold(ctx, -(r.free + 1), "close"); err != nil {
		return err
	}
	free := r.free
	r.free = 0
	if free > 0 {
		if _, err := l.st.AddQuota(ctx, tenant, r.counter, -free); err != nil {
			r.state = settled // the hold is closed; the units stay in the counter until a repair
			return fmt.Errorf("%s: return %d untaken units: %w", op, free, err)
		}
		r.result.Released += free
	}
	return nil
}

// settleChunk records one chunk. An operation's unit first leaves the reservation's
// hold (subscription) or enters the month's counter (pay-as-you-go): it is then
// metered — in the counter, held by nobody — and only then is its usage record
// written. A unit whose record existed already goes back to the counter. A record
// that failed may have been written all the same (an answer lost on the way), so its
// operation stays pending, metered: a later Settle writes the record again and leaves
// the unit in the counter whatever the answer. The counter is thus never below the
// usage records.
func (r *Reservation) settleChunk(ctx context.Context, keys []string) (Settlement, error) {
	var s Settlement
	l, tenant := r.l, r.acct.TenantID
	op := fmt.Sprintf("quota: settle %s/%s", tenant, r.acct.Site)
	var fresh []string
	for _, k := range keys {
		if !r.pending[k].metered {
			fresh = append(fresh, k)
		}
	}
	if r.sub {
		if err := r.alive(ctx); err != nil {
			return s, err
		}
		if len(fresh) > 0 {
			if err := r.addHold(ctx, -int64(len(fresh)), "settle"); err != nil {
				return s, err
			}
		}
		for _, k := range fresh {
			r.meter(k)
		}
	} else {
		months := map[string][]string{}
		for _, k := range fresh {
			c := r.counterOf(r.pending[k])
			months[c] = append(months[c], k)
		}
		for c, ks := range months {
			if _, err := l.st.AddQuota(ctx, tenant, c, int64(len(ks))); err != nil {
				return s, fmt.Errorf("%s: meter %s: %w", op, c, err)
			}
			for _, k := range ks {
				r.meter(k)
			}
		}
	}
	isFresh := make(map[string]bool, len(fresh))
	for _, k := range fresh {
		isFresh[k] = true
	}
	created, errs := r.record(ctx, keys)
	back := map[string]int64{}
	for i, k := range keys {
		switch {
		case errs[i] != nil:
			// stays pending, metered
		case created[i]:
			s.Charged++
			delete(r.pending, k)
		default:
			s.Duplicates++
			if isFresh[k] {
				back[r.counterOf(r.pending[k])]++
			}
			delete(r.pending, k)
		}
	}
	var err error
	if failed := countErrs(errs); failed > 0 {
		err = fmt.Errorf("%s: %d of %d usage records not written (Settle again to retry): %w", op, failed, len(keys), firstErr(errs))
	}
	for c, n := range back {
		if _, berr := l.st.AddQuota(ctx, tenant, c, -n); berr != nil {
			err = errors.Join(err, fmt.Errorf("%s: return %d units of duplicates to %s: %w", op, n, c, berr))
			continue
		}
		s.Released += n
	}
	return s, err
}

// meter marks a pending operation's unit as in the counter and out of any hold.
func (r *Reservation) meter(k string) {
	t := r.pending[k]
	t.metered = true
	r.pending[k] = t
}

// counterOf returns the counter an operation's unit is in.
func (r *Reservation) counterOf(t taken) string {
	if r.sub {
		return r.counter
	}
	return paygCounter(r.acct.Site, t.at)
}

// record writes the usage records of keys, in batches (store.RecordUsages).
func (r *Reservation) record(ctx context.Context, keys []string) (created []bool, errs []error) {
	us := make([]store.Usage, len(keys))
	for i, k := range keys {
		t := r.pending[k]
		us[i] = store.Usage{
			TenantID: t.key.TenantID, Key: k, Site: t.key.Site, BillingMethod: string(r.acct.Billing.Method),
			ItemID: t.key.ItemID, InstanceID: t.key.InstanceID, Operation: string(t.key.Operation), Units: 1,
			At: t.at, TaskID: t.key.TaskID, ShardID: t.key.ShardID,
		}
	}
	return r.l.st.RecordUsages(ctx, us)
}

func countErrs(errs []error) int {
	n := 0
	for _, e := range errs {
		if e != nil {
			n++
		}
	}
	return n
}

func firstErr(errs []error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
