package cloudsim

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// ROA ("resource-oriented") APIs, such as Container Service (CS
// 2015-12-15), are REST calls: the action is the method plus the path
// (GET /clusters/{ClusterId}), the API version travels in the x-acs-version
// header, parameters in the query string and a JSON body, and the request
// is signed with an "Authorization: acs <AccessKeyId>:<signature>" header
// (sdk/auth/roa_signature_composer.go).

// roaRoute maps a method and a path pattern to an action. Pattern segments
// in braces capture a path parameter: "/clusters/{ClusterId}" matches
// "/clusters/c123" with ClusterId = "c123".
type roaRoute struct {
	method, pattern, action string
}

// match reports whether the route serves method and path, and the path
// parameters it captures.
func (rt roaRoute) match(method, path string) (map[string]string, bool) {
	if !strings.EqualFold(rt.method, method) {
		return nil, false
	}
	want := strings.Split(strings.Trim(rt.pattern, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	if len(want) != len(got) {
		return nil, false
	}
	params := map[string]string{}
	for i, w := range want {
		if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
			v, err := url.PathUnescape(got[i])
			if err != nil || v == "" {
				return nil, false
			}
			params[w[1:len(w)-1]] = v
			continue
		}
		if w != got[i] {
			return nil, false
		}
	}
	return params, true
}

// isROA tells ROA calls from RPC ones: they name the API version in the
// x-acs-version header, have no Action parameter, and are signed with an
// "acs" Authorization header or sent to a path other than "/".
func isROA(r *http.Request, params map[string]string) bool {
	if r.Header.Get("x-acs-version") == "" || params["Action"] != "" || params["Signature"] != "" {
		return false
	}
	return strings.HasPrefix(r.Header.Get("Authorization"), "acs ") || (r.URL.Path != "/" && r.URL.Path != "")
}

// serveROA routes a ROA call by version, method and path, and runs it
// through the same pipeline as RPC calls. The call's parameters are the
// query string plus the path parameters; its region is the region_id (or
// RegionId) query parameter. ROA answers are the API's JSON body as is,
// without a RequestId field (the request ID is in the x-acs-request-id
// header, as ACK sends it).
func (s *Server) serveROA(w http.ResponseWriter, r *http.Request, reqID string, body []byte) {
	version := r.Header.Get("x-acs-version")
	params := map[string]string{}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.writeError(w, reqID, "", Errorf(http.StatusBadRequest, "InvalidParameter", "cannot read the request: %v", err))
		return
	}
	for k, v := range q {
		params[k] = v[0]
	}
	var (
		p    *product
		name string
		path map[string]string
	)
	for _, cand := range products {
		if cand.version != version || len(cand.routes) == 0 {
			continue
		}
		if p == nil {
			p = cand // for counting unknown paths
		}
		for _, rt := range cand.routes {
			if pp, ok := rt.match(r.Method, r.URL.Path); ok {
				p, name, path = cand, rt.action, pp
				break
			}
		}
		if name != "" {
			break
		}
	}
	act, ok := action{}, false
	if p != nil && name != "" {
		act, ok = p.actions[name]
	}
	if !ok {
		productName := "Unknown"
		if p != nil {
			productName = p.name
		}
		label := r.Header.Get("x-acs-action")
		if label == "" {
			label = r.Method + " " + r.URL.Path
		}
		s.count(productName + "." + label)
		s.writeError(w, reqID, productName, errActionNotFound)
		return
	}
	for k, v := range path {
		params[k] = v
	}
	region := params["region_id"]
	if region == "" {
		region = params["RegionId"]
	}
	s.dispatch(w, r, &dispatch{reqID: reqID, product: p, act: act, action: name, params: params, body: body,
		roa: true, region: region,
		authenticate: func() (*identity, *APIError) { return s.authenticateROA(r) }})
}

// authenticateROA checks the access key, the security token
// (x-acs-security-token) and the ROA signature, and returns who signed.
func (s *Server) authenticateROA(r *http.Request) (*identity, *APIError) {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "acs ")
	if !ok {
		return nil, errIncompleteSignature
	}
	ak, sig, ok := strings.Cut(rest, ":")
	if !ok || ak == "" || sig == "" {
		return nil, errIncompleteSignature
	}
	if m := r.Header.Get("x-acs-signature-method"); m != "" && m != "HMAC-SHA1" {
		return nil, errIncompleteSignature
	}
	var secret string
	var who *identity
	if ak == s.opts.AccessKeyID {
		secret, who = s.opts.AccessKeySecret, s.principal
	} else {
		s.stsMu.Lock()
		sess := s.sessions[ak]
		s.stsMu.Unlock()
		if sess == nil {
			return nil, errAccessKeyNotFound
		}
		if r.Header.Get("x-acs-security-token") != sess.token {
			return nil, errTokenMismatch
		}
		if !s.opts.Now().Before(sess.expires) {
			return nil, errTokenExpired
		}
		secret, who = sess.secret, sess.id
	}
	sts := roaStringToSign(r)
	// The ROA signature is keyed with the bare secret (no "&").
	if !hmac.Equal([]byte(signROA(sts, secret)), []byte(sig)) {
		return nil, errSignature(sts)
	}
	return who, nil
}

// roaStringToSign builds the ROA string to sign exactly as the SDK does:
//
//	METHOD "\n" [Accept "\n"] [Content-MD5 "\n"] [Content-Type "\n"] [Date "\n"]
//	each x-acs-* header, lower-cased and sorted, as "name:value\n"
//	path ["?" sorted query as name=value (or bare name when empty), joined by "&"]
//
// Headers that are absent or empty are left out, lines and all; query
// values are the decoded ones.
func roaStringToSign(r *http.Request) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteString("\n")
	for _, h := range []string{"Accept", "Content-MD5", "Content-Type", "Date"} {
		if v := r.Header.Get(h); v != "" {
			b.WriteString(v)
			b.WriteString("\n")
		}
	}
	var acs []string
	values := map[string]string{}
	for k, v := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-acs-") && len(v) > 0 {
			acs = append(acs, lk)
			values[lk] = v[0]
		}
	}
	sort.Strings(acs)
	for _, k := range acs {
		b.WriteString(k + ":" + values[k] + "\n")
	}
	b.WriteString(r.URL.Path)
	q, _ := url.ParseQuery(r.URL.RawQuery) // already parsed once by serveROA
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		b.WriteString("?")
	}
	for i, k := range keys {
		b.WriteString(k)
		if v := q[k][0]; v != "" {
			b.WriteString("=" + v)
		}
		if i < len(keys)-1 {
			b.WriteString("&")
		}
	}
	return b.String()
}

// signROA is base64(HMAC-SHA1(secret, stringToSign)): unlike RPC, the key
// is the bare secret.
func signROA(stringToSign, secret string) string {
	m := hmac.New(sha1.New, []byte(secret))
	_, _ = m.Write([]byte(stringToSign)) // hash writes never fail
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// PointAt aims an SDK request at addr ("127.0.0.1:PORT", Server.Addr).
// RPC requests can simply use a client whose Domain is addr, but the SDK
// builds ROA URLs as scheme://Domain:Port/path, so a ROA request needs the
// host in its Domain and the port in its Port field; PointAt sets both
// (typed ROA requests such as cs.CreateDescribeClustersV1Request(), and
// ROA CommonRequests).
func PointAt(req requests.AcsRequest, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || req.GetStyle() != requests.ROA {
		req.SetDomain(addr)
		return
	}
	if cr, ok := req.(*requests.CommonRequest); ok {
		cr.Domain, cr.Port = host, port
		return
	}
	v := reflect.ValueOf(req)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		if f := v.FieldByName("RoaRequest"); f.IsValid() {
			if roa, ok := f.Interface().(*requests.RoaRequest); ok && roa != nil {
				roa.Domain, roa.Port = host, port
				return
			}
		}
	}
	req.SetDomain(addr)
}
