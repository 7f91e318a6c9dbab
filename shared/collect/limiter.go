package collect

import (
	"context"
	"sync"
	"time"
)

// Clock is the time source for rate limiting, retry backoff and credential
// expiry. Tests inject one that moves time without sleeping.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, returning ctx.Err() then.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits for d or ctx.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Rates sets how fast the collector calls each API. Alibaba Cloud meters
// calls per API operation, per region and per account, and the quota is
// shared with the account's other tooling (console, Terraform), so every
// (account, region, API) gets its own limiter.
type Rates struct {
	// Default is the calls per second allowed for an API without its own
	// entry (default 10).
	Default float64
	// PerAPI maps "Product.Action" ("Ecs.DescribeSecurityGroupAttribute")
	// to its rate.
	PerAPI map[string]float64
	// Burst is how many calls may go out at once after a quiet spell
	// (default 1: calls are spaced exactly 1/rate apart).
	Burst int
}

func (r Rates) rate(api string) float64 {
	if v, ok := r.PerAPI[api]; ok && v > 0 {
		return v
	}
	if r.Default > 0 {
		return r.Default
	}
	return 10
}

// limiter is a set of GCRA rate limiters keyed by (account, region, API).
type limiter struct {
	rates Rates
	clock Clock
	mu    sync.Mutex
	tat   map[string]time.Time // theoretical arrival time of the next call
}

func newLimiter(r Rates, c Clock) *limiter {
	return &limiter{rates: r, clock: c, tat: map[string]time.Time{}}
}

// wait reserves the next slot for key's API and sleeps until it.
func (l *limiter) wait(ctx context.Context, account, region, api string) error {
	interval := time.Duration(float64(time.Second) / l.rates.rate(api))
	burst := max(l.rates.Burst, 1)
	key := account + "|" + region + "|" + api
	l.mu.Lock()
	now := l.clock.Now()
	tat := l.tat[key]
	if tat.Before(now) {
		tat = now
	}
	delay := tat.Sub(now) - time.Duration(burst-1)*interval
	l.tat[key] = tat.Add(interval)
	l.mu.Unlock()
	if delay <= 0 {
		return ctx.Err()
	}
	return l.clock.Sleep(ctx, delay)
}
