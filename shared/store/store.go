package store

import (
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Options configures a Store. A nil *Options, or a zero field, means the default.
type Options struct {
	// TablePrefix is put before every table name from infra/tablestore/tables.json,
	// e.g. "dev_" for "dev_cspm_findings". Default "" (the names as defined).
	TablePrefix string
	// Now is the clock used for timestamps and shard leases. Default time.Now.
	Now func() time.Time
	// BatchConcurrency is how many BatchWriteRow requests one batch write keeps in
	// flight. Default 4.
	BatchConcurrency int
	// MaxRowRetries bounds how often a row that failed inside a batch, or a batch
	// request that failed as a whole for a transient reason, is retried. Default 4.
	MaxRowRetries int
	// RetryBackoff is the first backoff before such a retry; it doubles up to 1 s,
	// with jitter. Default 25 ms.
	RetryBackoff time.Duration
	// MaxConflictRetries bounds how often ReserveQuota retries after losing a race
	// for the same counter. Default 200.
	MaxConflictRetries int
}

// Store is the service's state in Tablestore. It is safe for concurrent use.
type Store struct {
	client *tablestore.TableStoreClient
	opts   Options
}

// New returns a Store over client. opts may be nil.
func New(client *tablestore.TableStoreClient, opts *Options) *Store {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BatchConcurrency <= 0 {
		o.BatchConcurrency = 4
	}
	if o.MaxRowRetries <= 0 {
		o.MaxRowRetries = 4
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 25 * time.Millisecond
	}
	if o.MaxConflictRetries <= 0 {
		o.MaxConflictRetries = 200
	}
	return &Store{client: client, opts: o}
}

// Client returns the SDK client the store uses.
func (s *Store) Client() *tablestore.TableStoreClient { return s.client }

// TableName returns the name of a table from infra/tablestore/tables.json as this
// store uses it (with Options.TablePrefix).
func (s *Store) TableName(name string) string { return s.opts.TablePrefix + name }

// The environment variables FromEnv and ClientFromEnv read.
const (
	EnvEndpoint        = "OTS_ENDPOINT"
	EnvInstance        = "OTS_INSTANCE"
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN" // optional: set with STS credentials
)

// FromEnv returns a Store with default options over a client built by ClientFromEnv.
func FromEnv() (*Store, error) {
	c, err := ClientFromEnv()
	if err != nil {
		return nil, err
	}
	return New(c, nil), nil
}

// ClientFromEnv builds a Tablestore client from OTS_ENDPOINT (e.g.
// https://cspm.cn-hangzhou.ots.aliyuncs.com), OTS_INSTANCE,
// ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and, for STS
// credentials, ALIBABA_CLOUD_SECURITY_TOKEN. The error names every missing variable;
// it never contains a credential.
func ClientFromEnv() (*tablestore.TableStoreClient, error) {
	return ClientFromGetenv(os.Getenv)
}

// ClientFromGetenv is ClientFromEnv reading the variables through getenv, for callers
// that let flags stand in for some of them.
func ClientFromGetenv(getenv func(string) string) (*tablestore.TableStoreClient, error) {
	var missing []string
	get := func(name string) string {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	endpoint := get(EnvEndpoint)
	instance := get(EnvInstance)
	ak := get(EnvAccessKeyID)
	sk := get(EnvAccessKeySecret)
	if len(missing) > 0 {
		return nil, fmt.Errorf("store: environment: %w: missing %s", ErrInvalid, strings.Join(missing, ", "))
	}
	if !strings.HasPrefix(endpoint, "https://") && !strings.HasPrefix(endpoint, "http://") {
		return nil, fmt.Errorf("store: environment: %w: %s=%q: want an http:// or https:// URL", ErrInvalid, EnvEndpoint, endpoint)
	}
	token := strings.TrimSpace(getenv(EnvSecurityToken))
	return tablestore.NewClientWithConfig(endpoint, instance, ak, sk, token, nil), nil
}

func (s *Store) now() time.Time { return s.opts.Now() }

// newID returns a random id (130 bits, base32), for lease ids and reservation ids.
func newID() string { return rand.Text() }

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff returns the jittered wait before retry number attempt (0-based): base·2^attempt,
// capped at max, drawn uniformly from [half, full].
func backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	return half + time.Duration(mrand.Int64N(int64(d-half)+1))
}
