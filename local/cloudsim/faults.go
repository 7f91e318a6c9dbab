package cloudsim

import (
	"hash/fnv"
	"sort"
	"strings"
	"time"
)

// bucket is a token bucket holding at most one second's worth of calls.
type bucket struct {
	tokens float64
	last   time.Time
}

// rateFor returns the limit for an action: "Product.Action" wins over
// "Product"; 0 means unlimited.
func (s *Server) rateFor(productName, actionName string) float64 {
	if r, ok := s.opts.RateLimits[productName+"."+actionName]; ok {
		return r
	}
	return s.opts.RateLimits[productName]
}

// allow takes a token from the (account, region, action) bucket.
func (s *Server) allow(account, region, productName, actionName string) bool {
	rate := s.rateFor(productName, actionName)
	if rate <= 0 {
		return true
	}
	burst := max(rate, 1)
	key := account + "|" + region + "|" + productName + "." + actionName
	now := time.Now()
	s.rateMu.Lock()
	defer s.rateMu.Unlock()
	b := s.buckets[key]
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		s.buckets[key] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// unsigned lists the parameters left out of a request's fingerprint: they
// change on every send of the same request.
var unsigned = map[string]bool{
	"Signature": true, "SignatureNonce": true, "Timestamp": true, "AccessKeyId": true,
	"SecurityToken": true, "SignatureMethod": true, "SignatureVersion": true,
	"SignatureType": true, "Format": true,
}

// injectFault draws the call's fate from the seed, the request's fingerprint
// and how often that request was seen.
func (s *Server) injectFault(key string, params map[string]string) *APIError {
	s.faultMu.Lock()
	f := s.faults
	if f.ThrottleRate <= 0 && f.ServerErrorRate <= 0 {
		s.faultMu.Unlock()
		return nil
	}
	fp := fingerprint(key, params)
	n := s.seen[fp]
	s.seen[fp] = n + 1
	s.faultMu.Unlock()

	x := mix(uint64(s.opts.Seed) ^ mix(fp) ^ mix(n+0x9e3779b97f4a7c15))
	u := float64(x>>11) / (1 << 53)
	switch {
	case u < f.ThrottleRate:
		return errThrottling
	case u < f.ThrottleRate+f.ServerErrorRate:
		if x&1 == 0 {
			return errServiceUnavailable
		}
		return errInternal
	}
	return nil
}

// fingerprint hashes the action and its business parameters in key order.
func fingerprint(key string, params map[string]string) uint64 {
	names := make([]string, 0, len(params))
	for k := range params {
		if !unsigned[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	h := fnv.New64a()
	_, _ = h.Write([]byte(strings.ToLower(key))) // hash writes never fail
	var sep [1]byte
	for _, k := range names {
		_, _ = h.Write(sep[:])
		_, _ = h.Write([]byte(k))
		_, _ = h.Write([]byte{'='})
		_, _ = h.Write([]byte(params[k]))
	}
	return h.Sum64()
}

// mix is the splitmix64 finalizer.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
