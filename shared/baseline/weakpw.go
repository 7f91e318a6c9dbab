package baseline

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/go-crypt/crypt/algorithm"
	"github.com/go-crypt/crypt/algorithm/bcrypt"
	"github.com/go-crypt/crypt/algorithm/md5crypt"
	"github.com/go-crypt/crypt/algorithm/sha1crypt"
	"github.com/go-crypt/crypt/algorithm/shacrypt"
	"github.com/go-crypt/x/yescrypt"
)

// Tier is one level of the weak-password dictionary. The tier named "user" with no
// words is derived on the host from account and host names.
type Tier struct {
	Name  string
	Words []string
}

// TierUser, TierTop, TierTenant and TierPolicy name the built-in tiers; "policy" is
// the verdict for a plaintext secret that fails the length/character-class rule.
const (
	TierUser   = "user"
	TierTop    = "top"
	TierTenant = "tenant"
	TierPolicy = "policy"
)

//go:embed dict/top.txt
var topWords string

// TopWords returns the built-in dictionary, most common first.
func TopWords() []string {
	var out []string
	for _, w := range strings.Split(topWords, "\n") {
		if w = strings.TrimRight(w, "\r"); w != "" && !strings.HasPrefix(w, "#") {
			out = append(out, w)
		}
	}
	return out
}

// DefaultTopN is the size of the built-in tier when DefaultTiers is given n == 0.
const DefaultTopN = 1000

// DefaultTiers orders the guesses by how often they succeed: the 20 most common
// words, then candidates derived from the account and host names, then the rest
// of the top n words of the built-in list (0: DefaultTopN, negative: all of it),
// then the tenant's own words when given.
func DefaultTiers(n int, tenant []string) []Tier {
	top := TopWords()
	if n == 0 {
		n = DefaultTopN
	}
	if n > 0 && n < len(top) {
		top = top[:n]
	}
	head := min(20, len(top))
	t := []Tier{{Name: TierTop, Words: top[:head]}, {Name: TierUser}}
	if head < len(top) {
		t = append(t, Tier{Name: TierTop, Words: top[head:]})
	}
	if len(tenant) > 0 {
		t = append(t, Tier{Name: TierTenant, Words: tenant})
	}
	return t
}

// PasswordOptions bounds the weak-password tests on one host.
type PasswordOptions struct {
	Skip    bool          // no hashing at all (hashes are classified, not tested)
	Tiers   []Tier        // nil: DefaultTiers(0, nil)
	Budget  time.Duration // wall-clock cap for the host; default 30s
	Memory  int64         // cap on memory held by concurrent hashes; default 256 MiB
	Workers int           // default GOMAXPROCS
}

func (o PasswordOptions) withDefaults() PasswordOptions {
	if o.Tiers == nil {
		o.Tiers = DefaultTiers(0, nil)
	}
	if o.Budget <= 0 {
		o.Budget = 30 * time.Second
	}
	if o.Memory <= 0 {
		o.Memory = 256 << 20
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// verifier tests candidates against one stored hash.
type verifier interface {
	match(pw []byte) bool
	memory() int64 // bytes one match call holds
}

// errUnsupported marks a hash scheme the probe cannot test.
var errUnsupported = errors.New("unsupported hash scheme")

// schemeOf names the crypt scheme of a hash and its cost parameter, without
// keeping anything secret: only the identifier and parameters are returned.
func schemeOf(h string) (string, int) {
	switch {
	case strings.HasPrefix(h, "$y$"):
		cost := 0
		if len(h) > 4 {
			cost = cryptChar64(h[4]) + 1
		}
		return "yescrypt", cost
	case strings.HasPrefix(h, "$gy$"):
		return "gost-yescrypt", 0
	case strings.HasPrefix(h, "$7$"):
		return "scrypt", 0
	case strings.HasPrefix(h, "$6$"), strings.HasPrefix(h, "$5$"):
		name := "sha512crypt"
		if h[1] == '5' {
			name = "sha256crypt"
		}
		cost := 5000
		if r, ok := strings.CutPrefix(h[3:], "rounds="); ok {
			n, _, _ := strings.Cut(r, "$")
			cost = atoiOr(n, 5000)
		}
		return name, cost
	case strings.HasPrefix(h, "$1$"):
		return "md5crypt", 1000
	case strings.HasPrefix(h, "$2a$"), strings.HasPrefix(h, "$2b$"), strings.HasPrefix(h, "$2y$"), strings.HasPrefix(h, "$2x$"):
		return "bcrypt", atoiOr(h[4:min(6, len(h))], 0)
	case strings.HasPrefix(h, "$sha1$"):
		return "sha1crypt", 0
	case strings.HasPrefix(h, "_"):
		return "bsdicrypt", 0
	case isDESHash(h):
		return "descrypt", 25
	case strings.HasPrefix(h, "$"):
		id, _, _ := strings.Cut(h[1:], "$")
		return "unknown:" + safeID(id), 0
	}
	return "unknown", 0
}

func safeID(id string) string {
	if len(id) > 8 {
		id = id[:8]
	}
	for _, r := range id {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') || r > unicode.MaxASCII {
			return "?"
		}
	}
	return "$" + id + "$"
}

func isDESHash(h string) bool {
	if len(h) != 13 {
		return false
	}
	for i := 0; i < 13; i++ {
		if cryptChar64(h[i]) < 0 {
			return false
		}
	}
	return true
}

// newVerifier parses a stored hash into a verifier.
func newVerifier(h string) (verifier, error) {
	scheme, _ := schemeOf(h)
	switch scheme {
	case "yescrypt":
		if len(h) < 7 || h[3] != 'j' {
			return nil, fmt.Errorf("%w: yescrypt with non-default flags", errUnsupported)
		}
		nlog2 := cryptChar64(h[4]) + 1
		r := cryptChar64(h[5]) + 1
		if nlog2 < 10 || nlog2 > 18 || r < 1 || r > 32 {
			return nil, fmt.Errorf("%w: yescrypt N=2^%d r=%d outside the supported range", errUnsupported, nlog2, r)
		}
		return yesVerifier{hash: []byte(h), mem: int64(128 * r * (1 << nlog2))}, nil
	case "sha512crypt", "sha256crypt":
		return digestVerifier(shacrypt.Decode(h))
	case "md5crypt":
		return digestVerifier(md5crypt.Decode(h))
	case "bcrypt":
		return digestVerifier(bcrypt.Decode(h))
	case "sha1crypt":
		return digestVerifier(sha1crypt.Decode(h))
	case "descrypt":
		return desVerifier(h), nil
	}
	return nil, fmt.Errorf("%w %s", errUnsupported, scheme)
}

type yesVerifier struct {
	hash []byte
	mem  int64
}

func (v yesVerifier) match(pw []byte) bool {
	got, err := yescrypt.Hash(pw, v.hash)
	return err == nil && subtle.ConstantTimeCompare(got, v.hash) == 1
}
func (v yesVerifier) memory() int64 { return v.mem }

type goCryptVerifier struct{ d algorithm.Digest }

func (v goCryptVerifier) match(pw []byte) bool {
	ok, err := v.d.MatchBytesAdvanced(pw)
	return err == nil && ok
}
func (v goCryptVerifier) memory() int64 { return 64 << 10 }

func digestVerifier(d algorithm.Digest, err error) (verifier, error) {
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUnsupported, errors.Unwrap(err))
	}
	return goCryptVerifier{d}, nil
}

type desVerifier string

func (v desVerifier) match(pw []byte) bool {
	return subtle.ConstantTimeCompare([]byte(desCrypt(pw, string(v[:2]))), []byte(v)) == 1
}
func (v desVerifier) memory() int64 { return 4 << 10 }

// candidate is one dictionary word and the tier it came from.
type candidate struct {
	tier string
	word string
}

// userCandidates derives guesses from an account name and the host name.
func userCandidates(name, host string) []string {
	short, _, _ := strings.Cut(host, ".")
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, base := range []string{name, short} {
		if base == "" {
			continue
		}
		up := strings.ToUpper(base[:1]) + base[1:]
		add(base)
		for _, suf := range []string{"123", "1", "12", "1234", "123456", "@123", "#123", "!", "@2024", "@2025", "@2026", "2024", "2025", "888", "666", "!@#", "123!@#"} {
			add(base + suf)
			add(up + suf)
		}
		add(base + base)
		add(reverse(base))
		add(strings.ToUpper(base))
	}
	if name != "" && short != "" {
		add(name + "@" + short)
		add(name + short)
	}
	return out
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// candidates lists the guesses for one subject in tier order, without duplicates.
func candidates(tiers []Tier, name, host string) []candidate {
	seen := map[string]bool{}
	var out []candidate
	for _, t := range tiers {
		words := t.Words
		if t.Name == TierUser && words == nil {
			words = userCandidates(name, host)
		}
		for _, w := range words {
			if !seen[w] {
				seen[w] = true
				out = append(out, candidate{t.Name, w})
			}
		}
	}
	return out
}

// crackJob is one stored hash to test.
type crackJob struct {
	v      verifier
	cands  []candidate
	tier   atomic.Pointer[string]
	tested atomic.Int64
}

// memSem is a weighted semaphore over bytes.
type memSem struct {
	mu   sync.Mutex
	cond *sync.Cond
	free int64
}

func newMemSem(n int64) *memSem {
	s := &memSem{free: n}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *memSem) acquire(n int64) {
	s.mu.Lock()
	for s.free < n {
		s.cond.Wait()
	}
	s.free -= n
	s.mu.Unlock()
}

func (s *memSem) release(n int64) {
	s.mu.Lock()
	s.free += n
	s.mu.Unlock()
	s.cond.Broadcast()
}

// crack tests every job's candidates in tier order on a worker pool, stopping a
// job at its first match, all jobs when ctx ends. Concurrent hashes never hold
// more than o.Memory bytes; a job whose single hash needs more is skipped.
func crack(ctx context.Context, jobs []*crackJob, o PasswordOptions) {
	type unit struct {
		j *crackJob
		c candidate
	}
	// interleave jobs so every account gets its cheap, likely candidates first
	work := make(chan unit)
	go func() {
		defer close(work)
		for i := 0; ; i++ {
			any := false
			for _, j := range jobs {
				if i >= len(j.cands) || j.v.memory() > o.Memory {
					continue
				}
				any = true
				if j.tier.Load() != nil {
					continue
				}
				select {
				case work <- unit{j, j.cands[i]}:
				case <-ctx.Done():
					return
				}
			}
			if !any {
				return
			}
		}
	}()
	sem := newMemSem(o.Memory)
	var wg sync.WaitGroup
	for w := 0; w < o.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				if ctx.Err() != nil || u.j.tier.Load() != nil {
					continue
				}
				m := u.j.v.memory()
				sem.acquire(m)
				ok := u.j.v.match([]byte(u.c.word))
				sem.release(m)
				u.j.tested.Add(1)
				if ok {
					t := u.c.tier
					u.j.tier.CompareAndSwap(nil, &t)
				}
			}
		}()
	}
	wg.Wait()
}

// passwords tests every system account's hash.
func (p *prober) passwords(ctx context.Context) {
	o := p.o.Passwords.withDefaults()
	var jobs []*crackJob
	var accts []*Shadow
	for i := range p.f.Accounts {
		a := &p.f.Accounts[i]
		s := a.Shadow
		if s == nil || s.State != "hash" {
			continue
		}
		if o.Skip {
			s.WeakErr = "password tests skipped"
			continue
		}
		h, ok := p.rawHash(a.Name)
		if !ok {
			s.WeakErr = "shadow entry changed while probing"
			continue
		}
		v, err := newVerifier(h)
		if err != nil {
			s.WeakErr = err.Error()
			continue
		}
		if v.memory() > o.Memory {
			s.WeakErr = fmt.Sprintf("one %s hash needs %d MiB, above the %d MiB memory cap", s.Scheme, v.memory()>>20, o.Memory>>20)
			continue
		}
		jobs = append(jobs, &crackJob{v: v, cands: candidates(o.Tiers, a.Name, p.f.Host.Hostname)})
		accts = append(accts, s)
	}
	if len(jobs) > 0 {
		cctx, cancel := context.WithTimeout(ctx, o.Budget)
		crack(cctx, jobs, o)
		cancel()
		for i, j := range jobs {
			s := accts[i]
			s.Tested = int(j.tested.Load())
			if t := j.tier.Load(); t != nil {
				s.Weak = *t
			} else if s.Tested < len(j.cands) {
				s.WeakErr = fmt.Sprintf("time cap %s reached after %d of %d candidates", o.Budget, s.Tested, len(j.cands))
			}
		}
	}
	p.serviceSecrets(ctx, o)
}

// rawHash rereads one account's hash from /etc/shadow: hashes are never kept in
// the facts, only used here.
func (p *prober) rawHash(name string) (string, bool) {
	b, _, err := p.r.readText("/etc/shadow")
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) >= 2 && f[0] == name {
			return f[1], true
		}
	}
	return "", false
}

// policyWeak reports whether a plaintext password fails the product's definition:
// shorter than 8 characters or fewer than 3 character classes.
func policyWeak(pw string) bool {
	if len([]rune(pw)) < 8 {
		return true
	}
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower+upper+digit+other < 3
}

// plainVerdict judges a plaintext secret: its tier when in the dictionary, else
// "policy" when it fails the length/class rule, else "".
func plainVerdict(pw string, cands []candidate) string {
	for _, c := range cands {
		if subtle.ConstantTimeCompare([]byte(c.word), []byte(pw)) == 1 {
			return c.tier
		}
	}
	if policyWeak(pw) {
		return TierPolicy
	}
	return ""
}

var _ = strconv.Itoa
