package quota

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/store"
)

// The error codes, tested with errors.Is. Errors from the store keep the store's codes
// (store.ErrInvalid, store.ErrConflict, …) and its SDK error.
var (
	// ErrExhausted: the subscription's quota cannot cover the operation; the caller
	// stops the task early and keeps the results of the operations charged so far.
	// It is store.ErrExhausted.
	ErrExhausted = store.ErrExhausted
	// ErrInvalid: a key, account or billing was rejected before anything was written.
	// It is store.ErrInvalid.
	ErrInvalid = store.ErrInvalid
	// ErrExpired: the reservation was silent for longer than half of Options.HoldTTL,
	// so its held units may be reclaimed; it charges nothing more. Its operations that
	// were taken but not settled go uncharged, and its units come back to the counter
	// at the next reclaim.
	ErrExpired = errors.New("reservation expired")
	// ErrOutsideTerm: the operation falls outside the subscription term.
	ErrOutsideTerm = errors.New("outside the subscription term")
	// ErrSettled: Take on a reservation that has been settled.
	ErrSettled = errors.New("reservation already settled")
	// ErrMismatch: Reconcile found a counter that does not equal its usage records plus
	// the units held by live reservations.
	ErrMismatch = errors.New("counter does not match usage")
)

// Options configures a Ledger. A nil *Options, or a zero field, means the default.
type Options struct {
	// Block is the most units one reservation takes from a subscription counter at a
	// time. Default 50.
	Block int64
	// HoldTTL is how long a reservation may stay silent (no write to its hold or
	// heartbeat row) before its held units are reclaimed. A live reservation writes a
	// heartbeat when it has been silent for a quarter of it and gives up (ErrExpired)
	// after half of it, so clocks may disagree by up to half of it. Default 30 minutes.
	HoldTTL time.Duration
	// Now is the clock. It must agree with the store's (store.Options.Now), which
	// stamps the rows the ledger reads back. Default time.Now.
	Now func() time.Time
	// Chunk is how many usage records Settle writes per step of the hold. A process
	// killed in the middle of a step loses at most that many units, never charges them
	// (Reconcile reports them). Default 64.
	Chunk int
	// ReclaimEvery is the least time between two reclaims of expired reservations that
	// an exhausted subscription triggers on its own, per counter. Default 1 minute.
	ReclaimEvery time.Duration
	// Quiet is how long a counter must have been left alone before Reconcile may
	// repair it. Default HoldTTL.
	Quiet time.Duration
	// Logger, when set, receives each mismatch Reconcile finds (at level Error) and
	// each anomaly of a reclaim (at level Warn). Default: no logging.
	Logger *slog.Logger
}

// backend is what the ledger needs of the store; *store.Store has it. Tests put a
// faulty one in between to kill the "process" at a chosen call.
type backend interface {
	RecordUsage(ctx context.Context, u store.Usage) (created bool, err error)
	RecordUsages(ctx context.Context, us []store.Usage) (created []bool, errs []error)
	ListUsage(ctx context.Context, tenantID string, from, to time.Time) ([]store.Usage, error)
	AddQuota(ctx context.Context, tenantID, counter string, n int64) (used int64, err error)
	ReserveQuota(ctx context.Context, tenantID, counter string, n, limit int64) (store.Quota, error)
	GetQuota(ctx context.Context, tenantID, counter string) (store.Quota, error)
}

// Ledger charges billable operations against quota counters and meters them in usage
// records, on the store. It is safe for concurrent use; any number of Ledgers, in any
// number of processes, may share a store.
type Ledger struct {
	st   backend
	opts Options

	mu          sync.Mutex
	lastReclaim map[string]time.Time // tenant + counter → last reclaim triggered by exhaustion
}

// New returns a Ledger over st. opts may be nil.
func New(st *store.Store, opts *Options) *Ledger { return newLedger(st, opts) }

func newLedger(st backend, opts *Options) *Ledger {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Block <= 0 {
		o.Block = 50
	}
	if o.HoldTTL <= 0 {
		o.HoldTTL = 30 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Chunk <= 0 {
		o.Chunk = 64
	}
	if o.ReclaimEvery <= 0 {
		o.ReclaimEvery = time.Minute
	}
	if o.Quiet <= 0 {
		o.Quiet = o.HoldTTL
	}
	return &Ledger{st: st, opts: o, lastReclaim: map[string]time.Time{}}
}

func (l *Ledger) now() time.Time { return l.opts.Now() }

// Charge charges one successful billable operation on its own: one unit, recorded
// under the key's usage key. charged is false, with no error, when the operation was
// charged before (a retried or duplicated delivery). A subscription that cannot cover
// it returns ErrExhausted and records nothing.
//
// Call it only for an operation that succeeded and that entitlement.Decide found
// billable. It costs several writes; a shard charges many operations through Reserve,
// Take and Settle instead.
func (l *Ledger) Charge(ctx context.Context, key ChargeKey, b Billing) (charged bool, err error) {
	if err := key.validate(); err != nil {
		return false, fmt.Errorf("quota: charge: %w: %w", ErrInvalid, err)
	}
	r, err := l.Reserve(ctx, Account{TenantID: key.TenantID, Site: key.Site, Billing: b}, 1)
	if err != nil {
		return false, err
	}
	if err := r.Take(ctx, key); err != nil {
		if _, serr := r.Settle(ctx); serr != nil {
			return false, errors.Join(err, serr)
		}
		return false, err
	}
	s, err := r.Settle(ctx)
	return s.Charged == 1, err
}

// mayReclaim reports whether an exhausted reservation may trigger a reclaim of the
// counter now, and if so notes that it does.
func (l *Ledger) mayReclaim(tenantID, counter string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := tenantID + "\x00" + counter
	now := l.now()
	if last, ok := l.lastReclaim[k]; ok && now.Sub(last) < l.opts.ReclaimEvery {
		return false
	}
	l.lastReclaim[k] = now
	return true
}

func (l *Ledger) warn(msg string, args ...any) {
	if l.opts.Logger != nil {
		l.opts.Logger.Warn(msg, args...)
	}
}

// Used returns the units counted in the account's counter (the subscription term, or
// the pay-as-you-go month): charged, plus held by live reservations. A counter never
// written is 0. With a subscription, Billing.Quota minus Used is what is left — and
// what a switch away from the subscription forfeits (entitlement.Plan.CSPMUsed).
func (l *Ledger) Used(ctx context.Context, a Account) (int64, error) {
	if err := a.validate(); err != nil {
		return 0, fmt.Errorf("quota: used: %w: %w", ErrInvalid, err)
	}
	c := Counter(a.Site, a.Billing)
	q, err := l.st.GetQuota(ctx, a.TenantID, c)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("quota: used %s/%s: %w", a.TenantID, c, err)
	}
	return q.Used, nil
}
