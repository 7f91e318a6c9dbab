package cloudsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscred "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/retry"
)

// Object Storage Service speaks REST/XML, not RPC: the operation is the
// method plus a sub-resource in the query (GET /<bucket>/?acl is
// GetBucketAcl), the bucket is the first path segment (path style; the
// emulator has one host, so virtual-hosted names cannot reach it), and the
// request is signed with the V4 signature in the Authorization header:
//
//	Authorization: OSS4-HMAC-SHA256 Credential=<ak>/<yyyymmdd>/<region>/oss/aliyun_v4_request,
//	               [AdditionalHeaders=<h1>;<h2>,]Signature=<hex>
//
// OSS requests share the RPC listener and are told apart by that
// Authorization header (isOSS). They run through the same pipeline as RPC
// calls — Calls() counts them as "Oss.<Operation>", Options.RateLimits and
// Faults apply to them by the same keys — but every error is OSS's XML
// <Error> document with an x-oss-request-id header. The product's
// operations and state are in product_oss.go.

// ossAlgorithm names the V4 signature in the Authorization header.
const ossAlgorithm = "OSS4-HMAC-SHA256"

// isOSS tells an OSS request from RPC and ROA calls: it carries an OSS
// signature (V4 or V1 header, or a presigned URL).
func isOSS(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	if strings.HasPrefix(a, ossAlgorithm+" ") || strings.HasPrefix(a, "OSS ") {
		return true
	}
	q := r.URL.Query()
	return q.Has("x-oss-signature-version") || q.Has("OSSAccessKeyId")
}

// ossError is an OSS error answer: the HTTP status and the <Error>
// document's Code and Message, plus elements some codes add (BucketName,
// Endpoint, OSSAccessKeyId, StringToSign, CanonicalRequest).
type ossError struct {
	status  int
	code    string
	message string
	extra   [][2]string
}

func (e *ossError) with(name, value string) *ossError {
	out := *e
	out.extra = append(append([][2]string(nil), e.extra...), [2]string{name, value})
	return &out
}

func ossErrorf(status int, code, format string, args ...any) *ossError {
	return &ossError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// OSS's error table. Codes and statuses are OSS's; the comments say where
// a value was chosen without a live confirmation.
var (
	errOSSNoSuchBucket = &ossError{status: http.StatusNotFound, code: "NoSuchBucket",
		message: "The specified bucket does not exist."}
	errOSSInvalidAccessKeyID = &ossError{status: http.StatusForbidden, code: "InvalidAccessKeyId",
		message: "The OSS Access Key Id you provided does not exist in our records."}
	errOSSSignature = &ossError{status: http.StatusForbidden, code: "SignatureDoesNotMatch",
		message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	errOSSAnonymous = &ossError{status: http.StatusForbidden, code: "AccessDenied",
		message: "AccessDenied: Anonymous access is forbidden for this operation."}
	// Only V4 header signatures are verified; a V1 header or a presigned
	// URL is refused with this answer (a choice of the emulator).
	errOSSOnlyV4 = &ossError{status: http.StatusBadRequest, code: "InvalidArgument",
		message: "cloudsim verifies only OSS V4 header signatures (OSS4-HMAC-SHA256); sign with the V4 signer."}
	errOSSTokenInvalid = &ossError{status: http.StatusForbidden, code: "InvalidSecurityToken",
		message: "The security token you provided is invalid."}
	errOSSTokenExpired = &ossError{status: http.StatusForbidden, code: "SecurityTokenExpired",
		message: "The security token you provided has expired."}
	errOSSMalformedXML = &ossError{status: http.StatusBadRequest, code: "MalformedXML",
		message: "The XML you provided was not well-formed or did not validate against our published schema."}
	// The wrong-endpoint answer; the emulator has one host, so the region in
	// the signature's scope stands for the endpoint the request was sent to.
	errOSSWrongEndpoint = &ossError{status: http.StatusForbidden, code: "AccessDenied",
		message: "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint."}
	// A foreign account's bucket (bucket names are global).
	errOSSNotYours = &ossError{status: http.StatusForbidden, code: "AccessDenied",
		message: "The bucket you access does not belong to you."}
	// Operations the emulator does not serve answer as unknown RPC actions
	// do (OSS itself would list objects or answer NotImplemented).
	errOSSUnknownOperation = &ossError{status: http.StatusNotFound, code: "InvalidAction.NotFound",
		message: "Specified api is not found, please check your url and method."}
)

// ossFromAPIError turns the pipeline's RPC-shaped answers (rate limits and
// injected faults) into OSS's. Flow control is 503 SlowDown, as OSS
// answers a request rate over a bucket's or account's QPS limit (the code
// and message were chosen without a live confirmation).
func ossFromAPIError(e *APIError) *ossError {
	switch e.Code {
	case errThrottling.Code:
		return &ossError{status: http.StatusServiceUnavailable, code: "SlowDown", message: "Please reduce your request rate."}
	case errServiceUnavailable.Code:
		return &ossError{status: http.StatusServiceUnavailable, code: "ServiceUnavailable", message: "Service is temporarily unavailable, please retry."}
	case errInternal.Code:
		return &ossError{status: http.StatusInternalServerError, code: "InternalError", message: "We encountered an internal error. Please try again."}
	}
	return &ossError{status: e.Status, code: e.Code, message: e.Message}
}

// errOSSDenied is how OSS refuses a RAM identity (Options.Faults
// PermissionDenied "Oss" or "Oss.<Operation>"); the message was chosen
// without a live confirmation.
func errOSSDenied(op string) *ossError {
	return &ossError{status: http.StatusForbidden, code: "AccessDenied",
		message: "You have no right to access this resource: the RAM policy does not allow oss:" + op + "."}
}

// ossRequestID turns a server request ID into OSS's form: 24 upper-case hex
// digits.
func ossRequestID(reqID string) string {
	id := strings.ReplaceAll(reqID, "-", "")
	if len(id) > 24 {
		id = id[:8] + id[len(id)-16:] // the server's random prefix, then the sequence
	}
	return id
}

// ossCall is one routed OSS request as an operation sees it.
type ossCall struct {
	*call
	bucket string      // "" for service-level operations
	header http.Header // the request's headers (x-oss-acl, ...)
}

// ossReply is a successful answer.
type ossReply struct {
	status      int // 200 when 0
	contentType string
	body        []byte
}

// ossOperation is one OSS operation.
type ossOperation struct {
	name  string // "GetBucketAcl": the Calls and Faults name
	write bool
	fn    func(c *ossCall) (*ossReply, *ossError)
}

// ossSubresources are the query keys that select an operation, in the
// order they are looked for.
var ossSubresources = []string{"bucketInfo", "acl", "policy", "publicAccessBlock", "logging", "encryption", "versioning"}

// ossListBucketsParams are ListBuckets' query parameters.
var ossListBucketsParams = map[string]bool{"prefix": true, "marker": true, "max-keys": true,
	"tag-key": true, "tag-value": true, "tagging": true}

// routeOSS finds the operation for a request: the bucket and object key
// come from the path, the operation from the method and sub-resource. ok
// is false for operations the emulator does not serve; label then names
// the request for Calls.
func routeOSS(r *http.Request) (bucket, key string, op ossOperation, label string, ok bool) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ = strings.Cut(path, "/")
	q := r.URL.Query()
	sub := ""
	for _, s := range ossSubresources {
		if q.Has(s) {
			sub = s
			break
		}
	}
	kind, table := "service", ossServiceOperations
	if bucket != "" {
		kind, table = "bucket", ossBucketOperations
	}
	if key != "" {
		kind, table = "object", nil
	}
	op, ok = table[r.Method+" "+sub]
	if ok && sub == "" {
		// Only ListBuckets has no sub-resource; other query keys name
		// operations the emulator does not serve (GET /?regions, ...).
		for k := range q {
			if !ossListBucketsParams[k] {
				ok = false
			}
		}
	}
	label = r.Method + " " + kind
	if sub != "" {
		label += "?" + sub
	} else {
		for k := range q {
			label += "?" + k
			break
		}
	}
	return bucket, key, op, label, ok
}

// serveOSS answers one OSS request through the common pipeline: count,
// latency, V4 authentication, the bucket's region, rate limits, injected
// faults, denied permissions, then the operation.
func (s *Server) serveOSS(w http.ResponseWriter, r *http.Request, reqID string) {
	id := ossRequestID(reqID)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		s.writeOSSError(w, id, "", ossErrorf(http.StatusBadRequest, "InvalidArgument", "cannot read the request body"))
		return
	}
	bucket, key, op, label, ok := routeOSS(r)
	if !ok {
		s.count(ossProduct.name + "." + label)
		s.writeOSSError(w, id, bucket, errOSSUnknownOperation)
		return
	}
	name := ossProduct.name + "." + op.name
	s.count(name)
	if lat := s.opts.Latency; lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	caller, signedRegion, oerr := s.authenticateOSS(r, bucket, key)
	if oerr != nil {
		s.writeOSSError(w, id, bucket, oerr)
		return
	}
	region := signedRegion
	if bucket != "" {
		s.mu.RLock()
		home, found := s.ossBucketRegion(caller, bucket)
		s.mu.RUnlock()
		switch {
		case found == ossBucketForeign:
			s.writeOSSError(w, id, bucket, errOSSNotYours)
			return
		case found == ossBucketMissing:
			s.writeOSSError(w, id, bucket, errOSSNoSuchBucket.with("BucketName", bucket))
			return
		case home != signedRegion && op.name != "GetBucketInfo":
			// GetBucketInfo may be sent to any endpoint; everything else to
			// the bucket's own.
			s.writeOSSError(w, id, bucket, errOSSWrongEndpoint.with("Endpoint", "oss-"+home+".aliyuncs.com"))
			return
		}
		region = home
	}
	if !s.allow(caller.accountID, region, ossProduct.name, op.name) {
		s.writeOSSError(w, id, bucket, ossFromAPIError(errThrottling))
		return
	}
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	fp := map[string]string{"bucket": bucket, "body": string(body)}
	for k, v := range params {
		fp["q:"+k] = v
	}
	if aerr := s.injectFault(name, fp); aerr != nil {
		s.writeOSSError(w, id, bucket, ossFromAPIError(aerr))
		return
	}
	if s.isDenied(ossProduct.name, op.name) {
		s.writeOSSError(w, id, bucket, errOSSDenied(op.name))
		return
	}
	c := &ossCall{call: &call{product: ossProduct, action: op.name, region: region, params: params, body: body,
		requestID: id, caller: caller, now: s.opts.Now(), srv: s}, bucket: bucket, header: r.Header}
	var reply *ossReply
	func() {
		if op.write {
			s.mu.Lock()
			defer s.mu.Unlock()
		} else {
			s.mu.RLock()
			defer s.mu.RUnlock()
		}
		c.st, _ = s.storeOf(caller.accountID)
		reply, oerr = op.fn(c)
	}()
	if oerr != nil {
		s.writeOSSError(w, id, bucket, oerr)
		return
	}
	h := w.Header()
	h.Set("x-oss-request-id", id)
	h.Set("Server", "AliyunOSS")
	h.Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
	status := reply.status
	if status == 0 {
		status = http.StatusOK
	}
	if len(reply.body) > 0 {
		ct := reply.contentType
		if ct == "" {
			ct = "application/xml"
		}
		h.Set("Content-Type", ct)
	}
	h.Set("Content-Length", strconv.Itoa(len(reply.body)))
	w.WriteHeader(status)
	_, _ = w.Write(reply.body) // a failed write means the client went away
}

// Where a bucket was found.
const (
	ossBucketMissing = iota
	ossBucketFound
	ossBucketForeign // in the server's account, asked for by another account
)

// ossBucketRegion finds the region holding a bucket of the caller's
// account. Callers hold s.mu.
func (s *Server) ossBucketRegion(caller *identity, bucket string) (string, int) {
	// Bucket names are global: look in the caller's account, then in the others.
	stores := []*store{s.st}
	for _, st := range s.others {
		stores = append(stores, st)
	}
	for _, st := range stores {
		for r := range st.inv.Regions {
			if _, _, ok := st.find(r, ossProduct.key, "Buckets", bucket); ok {
				if st.inv.AccountID != caller.accountID {
					return "", ossBucketForeign
				}
				return r, ossBucketFound
			}
		}
	}
	return "", ossBucketMissing
}

// writeOSSError sends OSS's XML error document.
func (s *Server) writeOSSError(w http.ResponseWriter, id, bucket string, e *ossError) {
	host := "oss.aliyuncs.com"
	if bucket != "" {
		host = bucket + ".oss.aliyuncs.com"
	}
	x := newXMLDoc()
	x.open("Error")
	x.leaf("Code", e.code)
	x.leaf("Message", e.message)
	x.leaf("RequestId", id)
	x.leaf("HostId", host)
	for _, kv := range e.extra {
		x.leaf(kv[0], kv[1])
	}
	x.close("Error")
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("x-oss-request-id", id)
	h.Set("Server", "AliyunOSS")
	h.Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
	body := x.bytes()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	_, _ = w.Write(body) // a failed write means the client went away
}

// ossAuthorization is a parsed V4 Authorization header.
type ossAuthorization struct {
	accessKeyID, date, region, product string
	additional                         []string
	signature                          string
}

func parseOSSAuthorization(h string) (*ossAuthorization, *ossError) {
	bad := func(what string) *ossError {
		return ossErrorf(http.StatusBadRequest, "InvalidArgument", "Authorization header is invalid: %s.", what)
	}
	rest, ok := strings.CutPrefix(h, ossAlgorithm+" ")
	if !ok {
		return nil, bad("want " + ossAlgorithm)
	}
	a := &ossAuthorization{}
	var credential string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "AdditionalHeaders":
			a.additional = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || scope[0] == "" || scope[4] != "aliyun_v4_request" {
		return nil, bad("Credential must be <AccessKeyId>/<date>/<region>/oss/aliyun_v4_request")
	}
	if a.signature == "" {
		return nil, bad("Signature missing")
	}
	a.accessKeyID, a.date, a.region, a.product = scope[0], scope[1], scope[2], scope[3]
	if a.product != "oss" {
		return nil, ossErrorf(http.StatusBadRequest, "InvalidArgument", "Invalid signing product in Authorization header: %q.", a.product)
	}
	if !isRegionID(a.region) {
		return nil, ossErrorf(http.StatusBadRequest, "InvalidArgument", "Invalid signing region in Authorization header: %q.", a.region)
	}
	return a, nil
}

// authenticateOSS checks the access key, the security token
// (x-oss-security-token) and the V4 signature, and returns who signed and
// the region the request was signed for. Timestamps are not checked
// against the clock, only against the scope's date.
func (s *Server) authenticateOSS(r *http.Request, bucket, key string) (*identity, string, *ossError) {
	h := r.Header.Get("Authorization")
	switch {
	case h == "" && !r.URL.Query().Has("x-oss-signature-version") && !r.URL.Query().Has("OSSAccessKeyId"):
		return nil, "", errOSSAnonymous
	case !strings.HasPrefix(h, ossAlgorithm+" "):
		return nil, "", errOSSOnlyV4
	}
	a, oerr := parseOSSAuthorization(h)
	if oerr != nil {
		return nil, "", oerr
	}
	datetime := r.Header.Get("x-oss-date")
	if !strings.HasPrefix(datetime, a.date+"T") {
		return nil, "", ossErrorf(http.StatusBadRequest, "InvalidArgument",
			"x-oss-date %q does not match the date %q of the signature's scope.", datetime, a.date)
	}
	var secret string
	var who *identity
	if a.accessKeyID == s.opts.AccessKeyID {
		secret, who = s.opts.AccessKeySecret, s.principal
	} else {
		s.stsMu.Lock()
		sess := s.sessions[a.accessKeyID]
		s.stsMu.Unlock()
		switch {
		case sess == nil:
			return nil, "", errOSSInvalidAccessKeyID.with("OSSAccessKeyId", a.accessKeyID)
		case r.Header.Get("x-oss-security-token") != sess.token:
			return nil, "", errOSSTokenInvalid
		case !s.opts.Now().Before(sess.expires):
			return nil, "", errOSSTokenExpired
		}
		secret, who = sess.secret, sess.id
	}
	canonical := ossCanonicalRequest(r, bucket, key, a.additional)
	scope := a.date + "/" + a.region + "/" + a.product + "/aliyun_v4_request"
	sts := ossStringToSign(datetime, scope, canonical)
	want := ossSign(secret, a.date, a.region, a.product, sts)
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return nil, "", errOSSSignature.with("StringToSign", sts).with("CanonicalRequest", canonical).
			with("OSSAccessKeyId", a.accessKeyID)
	}
	return who, a.region, nil
}

// ossCanonicalRequest builds the V4 canonical request exactly as the OSS
// SDK does (oss/signer/v4.go):
//
//	METHOD "\n" canonical URI "\n" canonical query "\n" canonical headers "\n"
//	additional headers "\n" hashed payload
//
// The URI is "/<bucket>/<key>" (or "/"), escaped but for "/"; the query is
// the raw query with "+" as "%20", sorted by key, keys without a value
// bare; the headers are every x-oss-*, Content-Type and Content-MD5 header
// plus the additional ones, lower-cased, sorted, "name:value\n"; the
// payload hash is x-oss-content-sha256 (UNSIGNED-PAYLOAD by default).
func ossCanonicalRequest(r *http.Request, bucket, key string, additional []string) string {
	uri := "/"
	if bucket != "" {
		uri += bucket + "/"
	}
	uri += key
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(ossEscapePath(uri) + "\n")

	query := strings.ReplaceAll(r.URL.RawQuery, "+", "%20")
	values := map[string]string{}
	var names []string
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		values[k] = v
		names = append(names, k)
	}
	sort.Strings(names)
	for i, k := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if values[k] != "" {
			b.WriteString("=" + values[k])
		}
	}
	b.WriteString("\n")

	extra := map[string]bool{}
	for _, k := range additional {
		extra[strings.ToLower(k)] = true
	}
	headers := map[string][]string{}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-oss-") || lk == "content-type" || lk == "content-md5" || extra[lk] {
			headers[lk] = vs
		}
	}
	if extra["host"] && r.Host != "" {
		headers["host"] = []string{r.Host}
	}
	hnames := make([]string, 0, len(headers))
	for k := range headers {
		hnames = append(hnames, k)
	}
	sort.Strings(hnames)
	for _, k := range hnames {
		vs := make([]string, len(headers[k]))
		for i, v := range headers[k] {
			vs[i] = strings.TrimSpace(v)
		}
		b.WriteString(k + ":" + strings.Join(vs, ",") + "\n")
	}
	b.WriteString("\n")
	b.WriteString(strings.Join(additional, ";") + "\n")
	payload := r.Header.Get("x-oss-content-sha256")
	if payload == "" {
		payload = "UNSIGNED-PAYLOAD"
	}
	b.WriteString(payload)
	return b.String()
}

// ossEscapePath percent-encodes all but unreserved characters and "/".
func ossEscapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ossStringToSign is algorithm, timestamp, scope and the canonical
// request's SHA-256, one per line.
func ossStringToSign(datetime, scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return ossAlgorithm + "\n" + datetime + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// ossSign derives the signing key ("aliyun_v4" + secret, then date,
// region, product and "aliyun_v4_request" in turn) and signs.
func ossSign(secret, date, region, product, stringToSign string) string {
	key := []byte("aliyun_v4" + secret)
	for _, part := range []string{date, region, product, "aliyun_v4_request", stringToSign} {
		m := hmac.New(sha256.New, key)
		_, _ = m.Write([]byte(part)) // hash writes never fail
		key = m.Sum(nil)
	}
	return hex.EncodeToString(key)
}

// xmlDoc builds an XML answer.
type xmlDoc struct{ b bytes.Buffer }

func newXMLDoc() *xmlDoc {
	x := &xmlDoc{}
	x.b.WriteString(xml.Header)
	return x
}

func (x *xmlDoc) open(name string)  { x.b.WriteString("<" + name + ">") }
func (x *xmlDoc) close(name string) { x.b.WriteString("</" + name + ">") }
func (x *xmlDoc) bytes() []byte     { return x.b.Bytes() }

// leaf writes <name>value</name>, escaped.
func (x *xmlDoc) leaf(name, value string) {
	x.open(name)
	_ = xml.EscapeText(&x.b, []byte(value)) // a bytes.Buffer never fails
	x.close(name)
}

// json writes a JSON value as XML, the way OSS's XML maps to the
// inventory's JSON: an object's fields become child elements (in key
// order), an array repeats the element, and strings, numbers and booleans
// are the element's text.
func (x *xmlDoc) json(name string, raw json.RawMessage) {
	switch kind(raw) {
	case "object":
		m := fields(raw)
		x.open(name)
		for _, k := range sortedKeys(m) {
			x.json(k, m[k])
		}
		x.close(name)
	case "array":
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items) // kind said array
		for _, it := range items {
			x.json(name, it)
		}
	case "string":
		x.leaf(name, jsonString(raw))
	case "null":
	default:
		x.leaf(name, string(bytes.TrimSpace(raw)))
	}
}

// decodeXMLBody decodes a request's XML body into v, whose root element it
// must be.
func decodeXMLBody(body []byte, root string, v any) *ossError {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return errOSSMalformedXML
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != root {
				return errOSSMalformedXML
			}
			if err := dec.DecodeElement(v, &se); err != nil {
				return errOSSMalformedXML
			}
			return nil
		}
	}
}

// OSSClient returns an OSS SDK client (alibabacloud-oss-go-sdk-v2) signed
// with the server's key pair and pointed at it: path style, plain HTTP, V4
// signatures for region. Send bucket operations of a region's buckets with
// the client of that region.
func (s *Server) OSSClient(region string) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(osscred.NewStaticCredentialsProvider(s.opts.AccessKeyID, s.opts.AccessKeySecret)).
		WithRegion(region).
		WithEndpoint(s.Addr()).
		WithDisableSSL(true).
		WithUsePathStyle(true).
		WithRetryer(retry.NopRetryer{}).
		WithHttpClient(&http.Client{Timeout: 30 * time.Second})
	return oss.NewClient(cfg)
}
