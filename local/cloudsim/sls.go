package cloudsim

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// The Log Service (SLS) data plane is REST/JSON on the same listener, as
// github.com/aliyun/aliyun-log-go-sdk calls it:
//
//	GET /                     ListProject (no project in the host) or GetProject
//	GET /logstores            ListLogStores (offset, size)
//	GET /logstores/{name}     GetLogStore
//	PUT /logstores/{name}     UpdateLogStore (ttl, hot_ttl)
//	GET /jobs?jobType=Alert   ListAlerts (offset, size, jobName), as the SDK calls it;
//	GET /alerts               the same, as the API reference documents it
//	GET /jobs/{name}          GetAlert (and GET /alerts/{name})
//
// The project and region come from the Host header, which the SDK builds
// as <project>.<endpoint>: "<project>.<region>.log.aliyuncs.com" (what
// shared/collect sends, dialing this listener) or "<project>.127.0.0.1:PORT"
// (the SDK pointed straight here; the region is then the project's own, and
// a ListProject without a region lists every region's projects).
//
// Requests are signed "Authorization: LOG <AccessKeyId>:<signature>", the
// SDK's default signature (v1, signature.go): base64(HMAC-SHA1(secret,
// VERB "\n" Content-MD5 "\n" Content-Type "\n" Date "\n" the x-log-* and
// x-acs-* headers lower-cased, trimmed and sorted as "name:value" joined by
// "\n" "\n" the escaped path ["?" the decoded query parameters sorted as
// "name=value" joined by "&"])). STS credentials carry
// x-acs-security-token. Errors are {"errorCode", "errorMessage",
// "requestId"} with an x-log-requestid header, with SLS's own codes:
// 401 Unauthorized (an unknown key, a bad token, a RAM denial "denied by
// sts or ram"), 401 SignatureNotMatch, 403 ReadQuotaExceed (throttling),
// 503 ServerBusy, 500 InternalServerError, 404 ProjectNotExist /
// LogStoreNotExist / JobNotExist, and 400 InvalidMethod "invalid request
// method : <path>" for a path SLS does not serve (the answer
// aliyun/aliyun-log-cli#91 shows; its status was chosen).

// isSLS tells SLS data-plane calls: they carry x-log-apiversion and are
// signed "LOG ...".
func isSLS(r *http.Request) bool {
	return r.Header.Get("x-log-apiversion") != "" || strings.HasPrefix(r.Header.Get("Authorization"), "LOG ")
}

// slsRoute maps a method and path to a data-plane action; project routes
// need a project in the host.
type slsRoute struct {
	roaRoute
	project bool
}

var slsRoutes = []slsRoute{
	{roaRoute{"GET", "/logstores", "ListLogStores"}, true},
	{roaRoute{"GET", "/logstores/{logstore}", "GetLogStore"}, true},
	{roaRoute{"PUT", "/logstores/{logstore}", "UpdateLogStore"}, true},
	{roaRoute{"GET", "/jobs", "ListAlerts"}, true}, // as aliyun-log-go-sdk calls it (jobType=Alert)
	{roaRoute{"GET", "/jobs/{alert}", "GetAlert"}, true},
	{roaRoute{"GET", "/alerts", "ListAlerts"}, true}, // as the 2020-12-30 API reference documents it
	{roaRoute{"GET", "/alerts/{alert}", "GetAlert"}, true},
}

// slsHostPattern is "<project>.<region>[-intranet|-share].log.aliyuncs.com"
// or "<region>..." without a project.
var slsHostPattern = regexp.MustCompile(`^(?:([a-z0-9][a-z0-9-]*)\.)?([a-z0-9-]+?)(?:-intranet|-share)?\.log\.aliyuncs\.com$`)

// slsHost splits a request's Host into project and region ("" when not
// named).
func slsHost(host string) (project, region string) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	if m := slsHostPattern.FindStringSubmatch(host); m != nil {
		return m[1], m[2]
	}
	// <project>.<IP> or <project>.localhost: the SDK aimed at this listener.
	if i := strings.IndexByte(host, '.'); i > 0 {
		rest := host[i+1:]
		if net.ParseIP(rest) != nil || rest == "localhost" {
			return host[:i], ""
		}
	}
	return "", ""
}

// serveSLS routes an SLS call and runs it through the common pipeline.
func (s *Server) serveSLS(w http.ResponseWriter, r *http.Request, reqID string) {
	w.Header().Set("x-log-requestid", reqID)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		s.writeSLSError(w, reqID, "", "", Errorf(http.StatusBadRequest, "PostBodyTooLarge", "body too large or unreadable"))
		return
	}
	params := map[string]string{}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.writeSLSError(w, reqID, "", "", Errorf(http.StatusBadRequest, "ParameterInvalid", "cannot read the query: %v", err))
		return
	}
	for k, v := range q {
		params[k] = v[0]
	}
	project, region := slsHost(r.Host)
	name := ""
	var path map[string]string
	if r.URL.Path == "/" || r.URL.Path == "" {
		if r.Method == http.MethodGet {
			name = "ListProject"
			if project != "" {
				name = "GetProject"
			}
		}
	} else {
		for _, rt := range slsRoutes {
			if pp, ok := rt.match(r.Method, r.URL.Path); ok && (project != "" || !rt.project) {
				name, path = rt.action, pp
				break
			}
		}
	}
	act, ok := logProduct.actions[name]
	if !ok {
		s.count(logProduct.name + "." + r.Method + " " + r.URL.Path)
		s.writeSLSError(w, reqID, "", "", Errorf(http.StatusBadRequest, "InvalidMethod", "invalid request method : %s", r.URL.Path))
		return
	}
	for k, v := range path {
		params[k] = v
	}
	if project != "" {
		params["project"] = project
		if region == "" {
			s.mu.RLock()
			region = s.st.projectRegion(project)
			s.mu.RUnlock()
		}
	}
	s.dispatch(w, r, &dispatch{reqID: reqID, product: logProduct, act: act, action: name, params: params, body: body,
		roa: true, sls: true, region: region,
		authenticate: func() (*identity, *APIError) { return s.authenticateSLS(r, body) }})
}

// authenticateSLS checks the access key, the security token and the LOG
// signature, and returns who signed.
func (s *Server) authenticateSLS(r *http.Request, body []byte) (*identity, *APIError) {
	rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), "LOG ")
	ak, sig, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || ak == "" || sig == "" {
		return nil, Errorf(http.StatusBadRequest, "ParameterInvalid", "http extend authorization : %s pair is invalid", r.Header.Get("Authorization"))
	}
	if m := r.Header.Get("x-log-signaturemethod"); m != "hmac-sha1" {
		return nil, Errorf(http.StatusBadRequest, "InvalidSignatureMethod", "signature method %s is not supported", m)
	}
	if r.Header.Get("Date") == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingDate", "Date does not exist in http header.")
	}
	if len(body) > 0 {
		if want := fmt.Sprintf("%X", md5.Sum(body)); r.Header.Get("Content-MD5") != want {
			return nil, Errorf(http.StatusBadRequest, "InvalidContentMD5", "Content-MD5 does not match the body.")
		}
	}
	var secret string
	var who *identity
	token := r.Header.Get("x-acs-security-token")
	if ak == s.opts.AccessKeyID {
		secret, who = s.opts.AccessKeySecret, s.principal
	} else {
		s.stsMu.Lock()
		sess := s.sessions[ak]
		s.stsMu.Unlock()
		switch {
		case sess == nil:
			return nil, Errorf(http.StatusUnauthorized, "Unauthorized", "AccessKeyId not found: %s", ak)
		case token != sess.token:
			return nil, Errorf(http.StatusUnauthorized, "Unauthorized", "SecurityToken mismatch with the AccessKeyId")
		case !s.opts.Now().Before(sess.expires):
			return nil, Errorf(http.StatusUnauthorized, "Unauthorized", "SecurityToken expired")
		}
		secret, who = sess.secret, sess.id
	}
	if !hmac.Equal([]byte(signSLS(slsStringToSign(r), secret)), []byte(sig)) {
		return nil, Errorf(http.StatusUnauthorized, "SignatureNotMatch", "Signature %s not matched.", sig)
	}
	return who, nil
}

// slsStringToSign builds the LOG v1 string to sign exactly as the SDK
// does (aliyun-log-go-sdk signature.go, SignerV1.Sign).
func slsStringToSign(r *http.Request) string {
	var keys []string
	vals := map[string]string{}
	for k, v := range r.Header {
		lk := strings.ToLower(strings.TrimSpace(k))
		if (strings.HasPrefix(lk, "x-log-") || strings.HasPrefix(lk, "x-acs-")) && len(v) > 0 {
			keys = append(keys, lk)
			vals[lk] = strings.TrimSpace(v[0])
		}
	}
	sort.Strings(keys)
	headers := make([]string, len(keys))
	for i, k := range keys {
		headers[i] = k + ":" + vals[k]
	}
	resource := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		q, _ := url.ParseQuery(r.URL.RawQuery) // parsed once by serveSLS already
		names := make([]string, 0, len(q))
		for k := range q {
			names = append(names, k)
		}
		sort.Strings(names)
		var b strings.Builder
		for i, k := range names {
			if i > 0 {
				b.WriteString("&")
			}
			for _, v := range q[k] { // the SDK writes repeated values back to back
				b.WriteString(k + "=" + v)
			}
		}
		resource += "?" + b.String()
	}
	return r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		r.Header.Get("Date") + "\n" + strings.Join(headers, "\n") + "\n" + resource
}

// signSLS is base64(HMAC-SHA1(secret, stringToSign)).
func signSLS(stringToSign, secret string) string {
	m := hmac.New(sha1.New, []byte(secret))
	_, _ = m.Write([]byte(stringToSign)) // hash writes never fail
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// writeSLSError answers an error in SLS's shape, translating the
// pipeline's OpenAPI errors (throttling, injected faults, denied
// permissions) into SLS's codes.
func (s *Server) writeSLSError(w http.ResponseWriter, reqID, action, resource string, e *APIError) {
	status, code, msg := e.Status, e.Code, e.Message
	switch e {
	case errThrottling:
		status, code, msg = http.StatusForbidden, "ReadQuotaExceed", "Read quota exceed"
	case errServiceUnavailable:
		status, code, msg = http.StatusServiceUnavailable, "ServerBusy", "The server is busy, please try again later."
	case errInternal:
		status, code, msg = http.StatusInternalServerError, "InternalServerError", "Internal server error"
	case errForbiddenRAM:
		status, code = http.StatusUnauthorized, "Unauthorized"
		msg = "denied by sts or ram, action: log:" + action + ", resource: " + resource
	default:
		switch code {
		case "MissingParameter", "InvalidParameter":
			code = "ParameterInvalid"
		}
	}
	w.Header().Set("x-log-requestid", reqID)
	s.writeJSON(w, reqID, status, map[string]string{"errorCode": code, "errorMessage": msg, "requestId": reqID})
}

// SLSClient returns an SLS SDK client (aliyun-log-go-sdk) signed with the
// server's key pair for region's endpoint, "<region>.log.aliyuncs.com",
// whose connections all go to this server: the SDK puts the project in
// the host name (<project>.<region>.log.aliyuncs.com), which the server
// reads back from the Host header. Plain HTTP.
func (s *Server) SLSClient(region string) *sls.Client {
	addr := s.Addr()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &sls.Client{
		Endpoint:        "http://" + region + ".log.aliyuncs.com",
		AccessKeyID:     s.opts.AccessKeyID,
		AccessKeySecret: s.opts.AccessKeySecret,
		RequestTimeOut:  30 * time.Second,
		RetryTimeOut:    30 * time.Second,
		HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, addr)
			},
		}},
	}
}
