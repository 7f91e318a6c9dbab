package collect

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		code      string
		status    int
		want      Code
		retryable bool
	}{
		{"Throttling.User", 400, Throttled, true},
		{"Throttling", 400, Throttled, true},
		{"Throttling.Api", 400, Throttled, true},
		{"", 429, Throttled, true},
		{"Forbidden.RAM", 403, PermissionDenied, false},
		{"NoPermission", 403, PermissionDenied, false},
		{"AuthenticationFail.NoPermission", 401, PermissionDenied, false},
		{"Forbidden.Unauthorized", 403, PermissionDenied, false},
		{"Forbidden.NotActivated", 403, NotActivated, false},
		{"InvalidAccount.NotActivated", 400, NotActivated, false},
		{"EntityNotExist.Role", 404, NotFound, false},
		{"InvalidInstanceId.NotFound", 404, NotFound, false},
		{"InvalidAction.NotFound", 404, NotFound, false},
		{"ServiceUnavailable", 503, Unknown, true},
		{"InternalError", 500, Unknown, true},
		{"", 502, Unknown, true},
		{"SignatureDoesNotMatch", 400, Unknown, false},
		{"InvalidAccessKeyId.NotFound", 404, Unknown, false},
		{"InvalidSecurityToken.Expired", 400, Unknown, false},
		{"InvalidParameter", 400, Unknown, false},
	}
	for _, tt := range tests {
		if got := classify(tt.code, tt.status); got != tt.want {
			t.Errorf("classify(%q, %d) = %s; want %s", tt.code, tt.status, got, tt.want)
		}
		if got := retryable(tt.code, tt.status, false); got != tt.retryable {
			t.Errorf("retryable(%q, %d) = %v; want %v", tt.code, tt.status, got, tt.retryable)
		}
	}
}

type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return ctx.Err()
}

func TestLimiter(t *testing.T) {
	tests := []struct {
		name  string
		rates Rates
		api   string
		calls int
		want  time.Duration // virtual time the calls take
	}{
		{"default 10/s", Rates{}, "Ecs.DescribeInstances", 11, time.Second},
		{"per API", Rates{Default: 10, PerAPI: map[string]float64{"Ecs.DescribeDisks": 2}}, "Ecs.DescribeDisks", 5, 2 * time.Second},
		{"burst", Rates{Default: 4, Burst: 4}, "Vpc.DescribeVpcs", 8, time.Second},
	}
	for _, tt := range tests {
		clock := &stepClock{now: time.Unix(0, 0)}
		l := newLimiter(tt.rates, clock)
		start := clock.Now()
		for i := 0; i < tt.calls; i++ {
			if err := l.wait(context.Background(), "acct", "cn-hangzhou", tt.api); err != nil {
				t.Fatal(err)
			}
		}
		if got := clock.Now().Sub(start); got != tt.want {
			t.Errorf("%s: %d calls took %v; want %v", tt.name, tt.calls, got, tt.want)
		}
		// Another region, account or API has its own budget.
		before := clock.Now()
		_ = l.wait(context.Background(), "acct", "cn-shanghai", tt.api)
		_ = l.wait(context.Background(), "other", "cn-hangzhou", tt.api)
		if clock.Now() != before {
			t.Errorf("%s: a different region or account waited on the same limiter", tt.name)
		}
	}
}

func TestBackoff(t *testing.T) {
	c := New(Config{Retry: RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}})
	for attempt, bound := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 9: time.Second} {
		for i := 0; i < 50; i++ {
			if d := c.backoff(attempt); d < bound/2 || d > bound {
				t.Fatalf("backoff(%d) = %v; want between %v and %v", attempt, d, bound/2, bound)
			}
		}
	}
}
