package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

// Credentials are an access key pair, with a security token and an
// expiration for STS credentials.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string    // "" for long-term keys
	Expiration      time.Time // zero for long-term keys
}

// CredentialsProvider supplies credentials, refreshing them as needed.
type CredentialsProvider interface {
	Credentials(ctx context.Context) (Credentials, error)
}

// ErrNoCredentials is returned by providers with nothing to offer.
var ErrNoCredentials = errors.New("collect: no credentials")

// StaticCredentials is a fixed set of credentials.
type StaticCredentials Credentials

// Credentials returns the credentials, or ErrNoCredentials if the key pair
// is incomplete.
func (s StaticCredentials) Credentials(context.Context) (Credentials, error) {
	if s.AccessKeyID == "" || s.AccessKeySecret == "" {
		return Credentials{}, ErrNoCredentials
	}
	return Credentials(s), nil
}

// EnvCredentials reads ALIBABA_CLOUD_ACCESS_KEY_ID,
// ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN (the
// variables Function Compute sets for the function's role), falling back to
// the older ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY and
// ALICLOUD_SECURITY_TOKEN. It reads them on every call.
func EnvCredentials() CredentialsProvider { return envCredentials{} }

type envCredentials struct{}

func (envCredentials) Credentials(ctx context.Context) (Credentials, error) {
	get := func(names ...string) string {
		for _, n := range names {
			if v := os.Getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	return StaticCredentials{
		AccessKeyID:     get("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"),
		AccessKeySecret: get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"),
		SecurityToken:   get("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"),
	}.Credentials(ctx)
}

// Chain returns the credentials of the first provider that has some;
// providers answering ErrNoCredentials are skipped, other errors stop the
// chain.
func Chain(providers ...CredentialsProvider) CredentialsProvider { return chain(providers) }

type chain []CredentialsProvider

func (ch chain) Credentials(ctx context.Context) (Credentials, error) {
	for _, p := range ch {
		c, err := p.Credentials(ctx)
		if errors.Is(err, ErrNoCredentials) {
			continue
		}
		return c, err
	}
	return Credentials{}, ErrNoCredentials
}

// roleSessionSeconds is the lifetime asked of STS: the default maximum of a
// role (one hour).
const roleSessionSeconds = 3600

// refreshBefore is how long before expiry cached role credentials are
// replaced, at most; short sessions refresh after three quarters of their
// life.
const refreshBefore = 5 * time.Minute

// roleCache holds assumed-role credentials for the process, keyed by
// endpoint, source access key, role ARN and external ID. A Function
// Compute instance serves many invocations; the cache lets them share one
// session per tenant role instead of calling AssumeRole each time.
var roleCache = struct {
	mu      sync.Mutex
	entries map[string]*roleEntry
}{entries: map[string]*roleEntry{}}

type roleEntry struct {
	mu     sync.Mutex // held while refreshing, so concurrent callers wait for one AssumeRole
	creds  Credentials
	issued time.Time
}

// AssumeRole returns STS credentials for roleARN (calling STS AssumeRole
// with cfg's credentials and endpoint), from a process-wide cache until
// shortly before they expire. externalID is the value the role's trust
// policy requires in sts:ExternalId ("" for none).
//
// Errors are *Error: NotFound when the role does not exist
// (EntityNotExist.Role), PermissionDenied when the trust policy refuses the
// caller or the external ID (NoPermission, AuthenticationFail.NoPermission)
// — errors.Is(err, ErrPermission) holds for those.
func AssumeRole(ctx context.Context, cfg Config, roleARN, externalID, sessionName string) (Credentials, error) {
	src, err := cfg.defaultCredentials().Credentials(ctx)
	if err != nil {
		return Credentials{}, fmt.Errorf("collect: assume role %s: source credentials: %w", roleARN, err)
	}
	clock := cfg.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	key := cfg.Endpoint + "|" + src.AccessKeyID + "|" + roleARN + "|" + externalID
	roleCache.mu.Lock()
	e := roleCache.entries[key]
	if e == nil {
		e = &roleEntry{}
		roleCache.entries[key] = e
	}
	roleCache.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	now := clock.Now()
	if e.creds.AccessKeyID != "" {
		margin := min(refreshBefore, e.creds.Expiration.Sub(e.issued)/4)
		if now.Before(e.creds.Expiration.Add(-margin)) {
			return e.creds, nil
		}
	}
	c := New(cfg)
	defer c.Close()
	creds, err := c.assumeRole(ctx, roleARN, externalID, sessionName)
	if err != nil {
		return Credentials{}, err
	}
	e.creds, e.issued = creds, now
	return creds, nil
}

// SessionName makes name a valid STS RoleSessionName (2 to 64 of [A-Za-z0-9.@_-]):
// other characters become '-', and a longer name keeps its first 51 characters and a
// hash of the whole, so two long names stay apart.
func SessionName(name string) string {
	b := []byte(name)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '@' || ch == '_' || ch == '-') {
			b[i] = '-'
		}
	}
	for len(b) < 2 {
		b = append(b, '-')
	}
	if len(b) <= 64 {
		return string(b)
	}
	sum := sha256.Sum256([]byte(name))
	return string(b[:51]) + "-" + hex.EncodeToString(sum[:6])
}

func (c *Collector) assumeRole(ctx context.Context, roleARN, externalID, sessionName string) (Credentials, error) {
	r := sts.CreateAssumeRoleRequest()
	r.RoleArn = roleARN
	r.RoleSessionName = sessionName
	r.ExternalId = externalID
	r.DurationSeconds = requests.NewInteger(roleSessionSeconds)
	body, err := c.do(ctx, "", "", r)
	if err != nil {
		return Credentials{}, err
	}
	var a struct {
		Credentials struct{ AccessKeyId, AccessKeySecret, SecurityToken, Expiration string }
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return Credentials{}, malformed(r, "", err)
	}
	cr := a.Credentials
	if cr.AccessKeyId == "" || cr.AccessKeySecret == "" || cr.SecurityToken == "" {
		return Credentials{}, malformed(r, "", fmt.Errorf("Credentials incomplete"))
	}
	exp, err := time.Parse(time.RFC3339, cr.Expiration)
	if err != nil {
		return Credentials{}, malformed(r, "", fmt.Errorf("Credentials.Expiration: %v", err))
	}
	return Credentials{AccessKeyID: cr.AccessKeyId, AccessKeySecret: cr.AccessKeySecret, SecurityToken: cr.SecurityToken,
		Expiration: exp}, nil
}

// forgetSession drops the cached role session whose access key is akID, so the next
// call assumes the role again. It reports whether one was cached. A session the
// service no longer knows (revoked, or issued by another endpoint) must not be used
// until it expires.
func forgetSession(akID string) bool {
	roleCache.mu.Lock()
	defer roleCache.mu.Unlock()
	for k, e := range roleCache.entries {
		if e.mu.TryLock() {
			if e.creds.AccessKeyID == akID {
				delete(roleCache.entries, k)
				e.mu.Unlock()
				return true
			}
			e.mu.Unlock()
		}
	}
	return false
}

// staleSession reports whether an error code says the service does not know the
// credentials of an STS session (as opposed to a permission refused).
func staleSession(code string) bool {
	return strings.HasPrefix(code, "InvalidAccessKeyId") || strings.HasPrefix(code, "InvalidSecurityToken")
}

// RoleCredentials is a CredentialsProvider for a role: each call goes
// through AssumeRole and so its cache, refreshing before expiry.
func RoleCredentials(cfg Config, roleARN, externalID, sessionName string) CredentialsProvider {
	return roleProvider{cfg: cfg, arn: roleARN, ext: externalID, session: sessionName}
}

type roleProvider struct {
	cfg               Config
	arn, ext, session string
}

func (p roleProvider) Credentials(ctx context.Context) (Credentials, error) {
	return AssumeRole(ctx, p.cfg, p.arn, p.ext, p.session)
}
