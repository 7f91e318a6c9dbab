package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscred "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/retry"
)

// OSSInventory is one region's Object Storage Service inventory: the
// account's buckets located in the region.
type OSSInventory struct {
	Region  string
	Buckets []OSSBucket
	// AccountBlockPublicAccess is the account-level Block Public Access
	// (GetPublicAccessBlock): while it is on, no bucket of the account is
	// public, whatever its ACL or policy say.
	AccountBlockPublicAccess bool
}

// OSSBucket is a bucket with the sub-resources checks read.
type OSSBucket struct {
	ID           string // the bucket name (bucket names are global)
	Name         string
	Region       string // "cn-hangzhou"
	Location     string // "oss-cn-hangzhou"
	CreationDate time.Time
	StorageClass string // "Standard", "IA", "Archive", ...
	Redundancy   string // DataRedundancyType: "LRS" or "ZRS"
	ACL          string // "private", "public-read" or "public-read-write"
	// BlockPublicAccess is the bucket's own Block Public Access;
	// AccountBlockPublicAccess the account's, copied here.
	BlockPublicAccess        bool
	AccountBlockPublicAccess bool
	Policy                   *OSSPolicy // nil: the bucket has no policy
	Logging                  OSSLogging
	Encryption               OSSEncryption
	Versioning               string // "Enabled", "Suspended", "" (never enabled)
	// Raw is the evidence: a JSON object mapping each API read for the
	// bucket ("GetBucketInfo", "GetBucketPolicy", ...) to its answer's body
	// as received (XML, or the policy's JSON), as a string.
	Raw json.RawMessage
}

// PublicAccessBlocked reports Block Public Access on the bucket or the
// account.
func (b OSSBucket) PublicAccessBlocked() bool {
	return b.BlockPublicAccess || b.AccountBlockPublicAccess
}

// PublicACL reports an ACL granting everyone read (public-read) or read
// and write (public-read-write).
func (b OSSBucket) PublicACL() bool { return b.ACL == "public-read" || b.ACL == "public-read-write" }

// Public reports a bucket anyone can reach anonymously: a public ACL or a
// policy allowing every principal, unless Block Public Access is on.
func (b OSSBucket) Public() bool {
	return !b.PublicAccessBlocked() && (b.PublicACL() || b.Policy != nil && b.Policy.PublicAllow)
}

// SecureTransportRequired reports a policy denying requests over plain
// HTTP (see OSSPolicy.SecureTransportRequired).
func (b OSSBucket) SecureTransportRequired() bool {
	return b.Policy != nil && b.Policy.SecureTransportRequired
}

// OSSPolicy is a bucket policy (GetBucketPolicy), parsed.
type OSSPolicy struct {
	Document   string // the policy JSON as the API returned it
	Version    string
	Statements []OSSPolicyStatement
	// SecureTransportRequired: a Deny statement for every principal ("*")
	// and every action ("oss:*" or "*") on the bucket's objects under the
	// condition Bool acs:SecureTransport "false", so that plain-HTTP
	// requests are refused.
	SecureTransportRequired bool
	// PublicAllow: an Allow statement for every principal ("*") that no
	// network or identity condition (acs:SourceIp, acs:SourceVpc,
	// acs:SourceVpcId, acs:AccessId) narrows; PublicActions are its actions.
	PublicAllow   bool
	PublicActions []string
}

// OSSPolicyStatement is one statement; single values are read as lists.
type OSSPolicyStatement struct {
	Effect     string // "Allow" or "Deny"
	Actions    []string
	Principals []string
	Resources  []string
	// Conditions maps an operator ("Bool", "IpAddress") to keys and their
	// values, as written.
	Conditions map[string]map[string][]string
}

// OSSLogging is the bucket's access logging (GetBucketLogging).
type OSSLogging struct {
	Enabled      bool
	TargetBucket string
	TargetPrefix string
}

// OSSEncryption is the bucket's default server-side encryption
// (GetBucketEncryption).
type OSSEncryption struct {
	Algorithm         string // "" (none), "AES256", "SM4" or "KMS"
	KMSKeyID          string // the customer master key, set only with KMS
	KMSDataEncryption string // "SM4" or ""
}

// Enabled reports default encryption of any kind.
func (e OSSEncryption) Enabled() bool { return e.Algorithm != "" }

// BYOK reports encryption with the customer's own KMS key (CIS "Encrypt
// with BYOK").
func (e OSSEncryption) BYOK() bool { return e.Algorithm == "KMS" && e.KMSKeyID != "" }

// ServiceKey reports encryption with keys the service manages: OSS's own
// (AES256, SM4) or KMS's default key (KMS without a key ID) — CIS "Encrypt
// with Service Key".
func (e OSSEncryption) ServiceKey() bool { return e.Enabled() && !e.BYOK() }

// ossListPage is ListBuckets' largest page.
const ossListPage = 1000

// OSS collects one region's buckets, once per Collector. ListBuckets and
// the account-level GetPublicAccessBlock are account-level: they are
// called once per account (and scan), sent to the endpoint of the region
// that first asks, and shared by every region. Each bucket in the region
// then costs GetBucketInfo, which carries its ACL, Block Public Access,
// logging, encryption and versioning, and GetBucketPolicy, both sent to the
// bucket's region; GetBucketAcl, GetBucketPublicAccessBlock,
// GetBucketLogging or GetBucketEncryption are only called when
// GetBucketInfo leaves their part out. A permission, throttling or
// activation failure returns a *NotEvaluatedError for the region's OSS.
func (c *Collector) OSS(ctx context.Context, account, region string) (*OSSInventory, error) {
	return regional(ctx, c, "oss", account, region, c.collectOSS)
}

// ossListed is a ListBuckets item.
type ossListed struct{ name, region string }

func (c *Collector) collectOSS(ctx context.Context, account, region string) (*OSSInventory, error) {
	var (
		listed []ossListed
		block  bool
	)
	g := newGroup(ctx)
	g.run(func(ctx context.Context) (err error) {
		listed, err = c.ossBuckets(ctx, account, region)
		return err
	})
	g.run(func(ctx context.Context) (err error) {
		block, err = c.ossAccountBlock(ctx, account, region)
		return err
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	out := &OSSInventory{Region: region, AccountBlockPublicAccess: block}
	var names []string
	for _, b := range listed {
		if b.region == region {
			names = append(names, b.name)
		}
	}
	buckets := make([]*OSSBucket, len(names))
	sem := make(chan struct{}, c.cfg.Concurrency)
	g = newGroup(ctx)
	for i, name := range names {
		g.run(func(ctx context.Context) error {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			defer func() { <-sem }()
			b, err := c.ossBucket(ctx, account, region, name, block)
			buckets[i] = b
			return err
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	out.Buckets = make([]OSSBucket, 0, len(buckets))
	for _, b := range buckets {
		if b != nil { // nil: deleted since ListBuckets
			out.Buckets = append(out.Buckets, *b)
		}
	}
	return out, nil
}

// ossBuckets lists the account's buckets (ListBuckets, marker paging at
// 1,000 a page), once per Collector.
func (c *Collector) ossBuckets(ctx context.Context, account, region string) ([]ossListed, error) {
	return shared(ctx, c, "ossbuckets|"+account, func(ctx context.Context) ([]ossListed, error) {
		var out []ossListed
		marker := ""
		seen := map[string]bool{}
		for n := 0; ; n++ {
			var res *oss.ListBucketsResult
			req := &oss.ListBucketsRequest{MaxKeys: ossListPage}
			if marker != "" {
				req.Marker = oss.Ptr(marker)
			}
			body, err := c.ossDo(ctx, account, region, true, "ListBuckets", func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) (err error) {
				res, err = cl.ListBuckets(ctx, req, opt)
				return err
			})
			if err != nil {
				return nil, err
			}
			bad := func(format string, args ...any) error {
				return ossMalformed("ListBuckets", "", fmt.Errorf(format, args...))
			}
			if root := ossXMLRoot(body); root != "ListAllMyBucketsResult" {
				return nil, bad("root element %q, want ListAllMyBucketsResult", root)
			}
			for _, b := range res.Buckets {
				name, r := oss.ToString(b.Name), oss.ToString(b.Region)
				if r == "" {
					r = strings.TrimPrefix(oss.ToString(b.Location), "oss-")
				}
				if name == "" || r == "" {
					return nil, bad("Buckets.Bucket without a Name or Region: %+v", b)
				}
				out = append(out, ossListed{name: name, region: r})
			}
			if !res.IsTruncated {
				return out, nil
			}
			next := oss.ToString(res.NextMarker)
			if next == "" || seen[next] || n >= maxPages {
				return nil, bad("IsTruncated with NextMarker %q", next)
			}
			seen[next] = true
			marker = next
		}
	})
}

// ossAccountBlock reads the account-level Block Public Access, once per
// Collector. An account where the API is not found has none.
func (c *Collector) ossAccountBlock(ctx context.Context, account, region string) (bool, error) {
	return shared(ctx, c, "osspab|"+account, func(ctx context.Context) (bool, error) {
		var res *oss.GetPublicAccessBlockResult
		body, err := c.ossDo(ctx, account, region, true, "GetPublicAccessBlock", func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) (err error) {
			res, err = cl.GetPublicAccessBlock(ctx, &oss.GetPublicAccessBlockRequest{}, opt)
			return err
		})
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if root := ossXMLRoot(body); root != "PublicAccessBlockConfiguration" || res.PublicAccessBlockConfiguration == nil ||
			res.PublicAccessBlockConfiguration.BlockPublicAccess == nil {
			return false, ossMalformed("GetPublicAccessBlock", "", fmt.Errorf("no PublicAccessBlockConfiguration.BlockPublicAccess in %s", truncate(body, 120)))
		}
		return *res.PublicAccessBlockConfiguration.BlockPublicAccess, nil
	})
}

// ossBucket reads one bucket: GetBucketInfo and GetBucketPolicy
// concurrently, then any sub-resource GetBucketInfo left out. A bucket
// gone since ListBuckets (NoSuchBucket) is nil.
func (c *Collector) ossBucket(ctx context.Context, account, region, name string, accountBlock bool) (*OSSBucket, error) {
	b := &OSSBucket{ID: name, Name: name, Region: region, AccountBlockPublicAccess: accountBlock}
	var (
		mu       sync.Mutex
		evidence = map[string]string{}
		info     *oss.BucketInfo
	)
	keep := func(api string, body []byte) {
		mu.Lock()
		evidence[api] = string(body)
		mu.Unlock()
	}
	call := func(ctx context.Context, api string, fn func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) error) ([]byte, error) {
		body, err := c.ossDo(ctx, account, region, false, api, fn)
		if err == nil {
			keep(api, body)
		}
		return body, err
	}
	g := newGroup(ctx)
	g.run(func(ctx context.Context) error {
		var res *oss.GetBucketInfoResult
		body, err := call(ctx, "GetBucketInfo", func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) (err error) {
			res, err = cl.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr(name)}, opt)
			return err
		})
		if err != nil {
			return err
		}
		if root := ossXMLRoot(body); root != "BucketInfo" || oss.ToString(res.BucketInfo.Name) != name {
			return ossMalformed("GetBucketInfo", region, fmt.Errorf("want BucketInfo.Bucket.Name %q: %s", name, truncate(body, 160)))
		}
		info = &res.BucketInfo
		return nil
	})
	g.run(func(ctx context.Context) error {
		var res *oss.GetBucketPolicyResult
		_, err := call(ctx, "GetBucketPolicy", func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) (err error) {
			res, err = cl.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: oss.Ptr(name)}, opt)
			return err
		})
		switch {
		case ossCode(err) == "NoSuchBucketPolicy":
			return nil
		case err != nil:
			return err
		}
		p, perr := parseOSSPolicy(res.Body, name)
		if perr != nil {
			return ossMalformed("GetBucketPolicy", region, perr)
		}
		b.Policy = p
		return nil
	})
	if err := g.wait(); err != nil {
		if ossCode(err) == "NoSuchBucket" {
			return nil, nil
		}
		return nil, err
	}

	b.Location = oss.ToString(info.Location)
	if info.CreationDate != nil {
		b.CreationDate = *info.CreationDate
	}
	b.StorageClass, b.Redundancy = oss.ToString(info.StorageClass), oss.ToString(info.DataRedundancyType)
	b.ACL, b.Versioning = oss.ToString(info.ACL), oss.ToString(info.Versioning)
	if info.BlockPublicAccess != nil {
		b.BlockPublicAccess = *info.BlockPublicAccess
	}
	if info.BucketPolicy.LogBucket != nil {
		b.Logging = OSSLogging{Enabled: *info.BucketPolicy.LogBucket != "", TargetBucket: *info.BucketPolicy.LogBucket,
			TargetPrefix: oss.ToString(info.BucketPolicy.LogPrefix)}
	}
	if info.SseRule.SSEAlgorithm != nil {
		b.Encryption = OSSEncryption{Algorithm: *info.SseRule.SSEAlgorithm, KMSKeyID: oss.ToString(info.SseRule.KMSMasterKeyID),
			KMSDataEncryption: oss.ToString(info.SseRule.KMSDataEncryption)}
	}

	// Older answers may leave sub-resources out: read those on their own.
	g = newGroup(ctx)
	if info.ACL == nil {
		g.run(func(ctx context.Context) error {
			var res *oss.GetBucketAclResult
			body, err := call(ctx, "GetBucketAcl", func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) (err error) {
				res, err = cl.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: oss.Ptr(name)}, opt)
				return err
			})
			if err != nil {
				return err
			}
			if ossXMLRoot(body) != "AccessControlPolicy" || res.ACL == nil {
				return ossMalformed("GetBucketAcl", region, fmt.Errorf("no AccessControlList.Grant in %s", truncate(body, 120)))
			}
			b.ACL = *res.ACL
			return nil
		})
	}
	if info.BlockPublicAccess == nil {
		g.run(func(ctx context.Context) error {
			var res *oss.GetBucketPublicAccessBlockResult
			body, err := call(ctx, "GetBucketPublicAccessBlock", func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) (err error) {
				res, err = cl.GetBucketPublicAccessBlock(ctx, &oss.GetBucketPublicAccessBlockRequest{Bucket: oss.Ptr(name)}, opt)
				return err
			})
			if errors.Is(err, ErrNotFound) && ossCode(err) != "NoSuchBucket" {
				return nil // never configured
			}
			if err != nil {
				return err
			}
			cfg := res.PublicAccessBlockConfiguration
			if ossXMLRoot(body) != "PublicAccessBlockConfiguration" || cfg == nil || cfg.BlockPublicAccess == nil {
				return ossMalformed("GetBucketPublicAccessBlock", region, fmt.Errorf("no BlockPublicAccess in %s", truncate(body, 120)))
			}
			b.BlockPublicAccess = *cfg.BlockPublicAccess
			return nil
		})
	}
	if info.BucketPolicy.LogBucket == nil {
		g.run(func(ctx context.Context) error {
			var res *oss.GetBucketLoggingResult
			body, err := call(ctx, "GetBucketLogging", func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) (err error) {
				res, err = cl.GetBucketLogging(ctx, &oss.GetBucketLoggingRequest{Bucket: oss.Ptr(name)}, opt)
				return err
			})
			if err != nil {
				return err
			}
			if ossXMLRoot(body) != "BucketLoggingStatus" {
				return ossMalformed("GetBucketLogging", region, fmt.Errorf("no BucketLoggingStatus in %s", truncate(body, 120)))
			}
			if st := res.BucketLoggingStatus; st != nil && st.LoggingEnabled != nil && oss.ToString(st.LoggingEnabled.TargetBucket) != "" {
				b.Logging = OSSLogging{Enabled: true, TargetBucket: oss.ToString(st.LoggingEnabled.TargetBucket),
					TargetPrefix: oss.ToString(st.LoggingEnabled.TargetPrefix)}
			}
			return nil
		})
	}
	if info.SseRule.SSEAlgorithm == nil {
		g.run(func(ctx context.Context) error {
			var res *oss.GetBucketEncryptionResult
			body, err := call(ctx, "GetBucketEncryption", func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) (err error) {
				res, err = cl.GetBucketEncryption(ctx, &oss.GetBucketEncryptionRequest{Bucket: oss.Ptr(name)}, opt)
				return err
			})
			if ossCode(err) == "NoSuchServerSideEncryptionRule" {
				return nil
			}
			if err != nil {
				return err
			}
			rule := res.ServerSideEncryptionRule
			if ossXMLRoot(body) != "ServerSideEncryptionRule" || rule == nil || rule.ApplyServerSideEncryptionByDefault == nil {
				return ossMalformed("GetBucketEncryption", region, fmt.Errorf("no ApplyServerSideEncryptionByDefault in %s", truncate(body, 120)))
			}
			d := rule.ApplyServerSideEncryptionByDefault
			b.Encryption = OSSEncryption{Algorithm: oss.ToString(d.SSEAlgorithm), KMSKeyID: oss.ToString(d.KMSMasterKeyID),
				KMSDataEncryption: oss.ToString(d.KMSDataEncryption)}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		if ossCode(err) == "NoSuchBucket" {
			return nil, nil
		}
		return nil, err
	}
	if b.Encryption.Algorithm == "None" {
		b.Encryption = OSSEncryption{}
	}
	if b.Encryption.KMSKeyID == "None" {
		b.Encryption.KMSKeyID = ""
	}
	raw, err := json.Marshal(evidence)
	if err != nil {
		return nil, err
	}
	b.Raw = raw
	return b, nil
}

// parseOSSPolicy parses a bucket policy and derives what checks ask of it.
func parseOSSPolicy(doc, bucket string) (*OSSPolicy, error) {
	var p struct {
		Version   string
		Statement []struct {
			Effect    string
			Action    json.RawMessage
			Principal json.RawMessage
			Resource  json.RawMessage
			Condition map[string]map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("policy is not JSON: %v", err)
	}
	out := &OSSPolicy{Document: doc, Version: p.Version}
	for i, st := range p.Statement {
		s := OSSPolicyStatement{Effect: st.Effect}
		var err error
		if s.Actions, err = ossStrings(st.Action); err != nil {
			return nil, fmt.Errorf("Statement[%d].Action: %v", i, err)
		}
		if s.Principals, err = ossStrings(st.Principal); err != nil {
			return nil, fmt.Errorf("Statement[%d].Principal: %v", i, err)
		}
		if s.Resources, err = ossStrings(st.Resource); err != nil {
			return nil, fmt.Errorf("Statement[%d].Resource: %v", i, err)
		}
		for op, keys := range st.Condition {
			for k, v := range keys {
				vals, err := ossStrings(v)
				if err != nil {
					return nil, fmt.Errorf("Statement[%d].Condition.%s.%s: %v", i, op, k, err)
				}
				if s.Conditions == nil {
					s.Conditions = map[string]map[string][]string{}
				}
				if s.Conditions[op] == nil {
					s.Conditions[op] = map[string][]string{}
				}
				s.Conditions[op][k] = vals
			}
		}
		out.Statements = append(out.Statements, s)

		everyone := ossContains(s.Principals, "*")
		switch {
		case strings.EqualFold(s.Effect, "Deny") && everyone && (ossContains(s.Actions, "*") || ossContains(s.Actions, "oss:*")) &&
			ossCoversObjects(s.Resources, bucket) && ossDenyPlainHTTP(s.Conditions):
			out.SecureTransportRequired = true
		case strings.EqualFold(s.Effect, "Allow") && everyone && !ossNarrowed(s.Conditions):
			out.PublicAllow = true
			out.PublicActions = append(out.PublicActions, s.Actions...)
		}
	}
	sort.Strings(out.PublicActions)
	return out, nil
}

// ossStrings reads a policy value spelled as a string or a list of
// strings (absent is empty).
func ossStrings(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("want a string or a list of strings, got %s", truncate(raw, 60))
	}
	return many, nil
}

func ossContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ossCoversObjects reports a resource pattern matching the bucket's objects
// (acs:oss:<region>:<account>:<bucket>/<key>, with * and ? wildcards).
func ossCoversObjects(resources []string, bucket string) bool {
	for _, r := range resources {
		if r == "*" {
			return true
		}
		parts := strings.SplitN(r, ":", 5)
		if len(parts) == 5 && ossGlobMatch(parts[0], "acs") && ossGlobMatch(parts[1], "oss") && ossGlobMatch(parts[4], bucket+"/any-object") {
			return true
		}
	}
	return false
}

// ossDenyPlainHTTP reports the condition Bool acs:SecureTransport "false".
func ossDenyPlainHTTP(conds map[string]map[string][]string) bool {
	for op, keys := range conds {
		if !strings.EqualFold(op, "Bool") {
			continue
		}
		for k, vals := range keys {
			if strings.EqualFold(k, "acs:SecureTransport") && len(vals) > 0 && strings.EqualFold(vals[0], "false") {
				return true
			}
		}
	}
	return false
}

// ossNarrowed reports a condition limiting who can use an Allow: the source
// network or the access key.
func ossNarrowed(conds map[string]map[string][]string) bool {
	for _, keys := range conds {
		for k := range keys {
			switch strings.ToLower(k) {
			case "acs:sourceip", "acs:sourcevpc", "acs:sourcevpcid", "acs:accessid":
				return true
			}
		}
	}
	return false
}

// ossGlobMatch matches s against a pattern with * (any run) and ? (one
// character).
func ossGlobMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if ossGlobMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && ossGlobMatch(pattern[1:], s[1:])
	}
	return s != "" && pattern[0] == s[0] && ossGlobMatch(pattern[1:], s[1:])
}

// ossXMLRoot names an XML document's root element ("" if none).
func ossXMLRoot(body []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
}

// ossMalformed is a malformed-answer *Error for an OSS operation.
func ossMalformed(op, region string, err error) error {
	return &Error{Code: Unknown, API: "Oss." + op, Region: region, Malformed: true, Attempts: 1, Err: err}
}

// ossCode returns the OSS error code in err's chain ("" if none).
func ossCode(err error) string {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

// classifyOSS maps an OSS error code and status to a Code: SlowDown and
// 429 are throttling, AccessDenied a permission gap, UserDisable (an
// account in arrears) an inactive product, bad credentials a failure.
func classifyOSS(code string, status int) Code {
	switch code {
	case "SlowDown", "RequestRateExceeded", "Throttling", "QpsLimitExceeded":
		return Throttled
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidSecurityToken", "SecurityTokenExpired", "RequestTimeTooSkewed":
		return Unknown
	case "UserDisable":
		return NotActivated
	case "AccessDenied":
		return PermissionDenied
	}
	return classify(code, status)
}

// ossDo sends one OSS operation through the SDK with rate limiting and
// retries, and returns the answer's body as received. fn makes the call
// with the client and the option that captures the body. accountLevel
// calls are limited and reported without a region. Errors are *Error (or
// the context's error).
func (c *Collector) ossDo(ctx context.Context, account, region string, accountLevel bool, op string,
	fn func(ctx context.Context, cl *oss.Client, opt func(*oss.Options)) error) ([]byte, error) {
	api := "Oss." + op
	where := region
	if accountLevel {
		where = ""
	}
	creds, err := c.credentials(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("collect: %s: credentials for account %s: %w", api, account, err)
	}
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(osscred.NewStaticCredentialsProvider(creds.AccessKeyID, creds.AccessKeySecret, creds.SecurityToken)).
		WithRegion(region).
		WithRetryMaxAttempts(1).
		WithRetryer(retry.NopRetryer{}).
		WithHttpClient(&http.Client{Transport: c.transport, Timeout: c.cfg.Timeout})
	if c.endpoint != "" {
		cfg = cfg.WithEndpoint(c.endpoint).WithUsePathStyle(true).WithDisableSSL(c.scheme == "http")
	}
	cl := oss.NewClient(cfg)
	for attempt := 1; ; attempt++ {
		if err := c.limiter.wait(ctx, account, where, api); err != nil {
			return nil, err
		}
		var body []byte
		capture := func(o *oss.Options) {
			o.ResponseHandlers = append(o.ResponseHandlers, func(r *http.Response) error {
				b, err := io.ReadAll(r.Body)
				_ = r.Body.Close()
				if err != nil {
					return err
				}
				body = b
				r.Body = io.NopCloser(bytes.NewReader(b))
				return nil
			})
		}
		err := fn(ctx, cl, capture)
		c.mu.Lock()
		c.calls[api]++
		c.mu.Unlock()
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e := &Error{API: api, Region: where, Attempts: attempt, Err: err}
		var (
			se *oss.ServiceError
			ce *oss.ClientError
			ue *url.Error
		)
		switch {
		case errors.As(err, &se):
			e.ErrorCode, e.Message = se.Code, se.Message
			e.Code = classifyOSS(se.Code, se.StatusCode)
			if (e.Code != Throttled && se.StatusCode < 500) || attempt >= c.cfg.Retry.MaxAttempts {
				return nil, e
			}
		case errors.As(err, &ce) && ce.Code == "UnmarshalOutputFail":
			e.Malformed = true
			return nil, e
		case errors.As(err, &ue):
			// Transport failures: refused, reset, timed out.
			if attempt >= c.cfg.Retry.MaxAttempts {
				return nil, e
			}
		default:
			return nil, e // the SDK refused the request (an invalid bucket name)
		}
		if err := c.clock.Sleep(ctx, c.backoff(attempt)); err != nil {
			return nil, err
		}
	}
}
