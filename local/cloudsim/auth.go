package cloudsim

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"net/url"
	"strings"
	"time"
)

// identity is who signed a call.
type identity struct {
	accountID string
	arn       string
	kind      string // "RAMUser" or "AssumedRoleUser" (GetCallerIdentity's IdentityType)
	userID    string // RAM user ID, or the role ID for assumed roles
	roleName  string // assumed roles only
	session   string // assumed roles only
}

// principalID is GetCallerIdentity's PrincipalId.
func (id *identity) principalID() string {
	if id.kind == "AssumedRoleUser" {
		return id.userID + ":" + id.session
	}
	return id.userID
}

// userIdentity parses a RAM user ARN ("acs:ram::<uid>:user/<name>").
func userIdentity(arn string) (*identity, error) {
	rest, ok := strings.CutPrefix(arn, "acs:ram::")
	if !ok {
		return nil, fmt.Errorf("cloudsim: principal %q: want acs:ram::<account>:user/<name>", arn)
	}
	account, name, ok := strings.Cut(rest, ":user/")
	if !ok || !isAccountID(account) || name == "" {
		return nil, fmt.Errorf("cloudsim: principal %q: want acs:ram::<16-digit account>:user/<name>", arn)
	}
	return &identity{accountID: account, arn: arn, kind: "RAMUser", userID: numericID(arn)}, nil
}

// numericID derives a stable 16-digit ID (RAM user and role IDs look like
// this) from a name.
func numericID(name string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name)) // hash writes never fail
	return fmt.Sprintf("2%015d", h.Sum64()%1_000_000_000_000_000)
}

// session is one set of STS credentials issued by AssumeRole.
type session struct {
	secret  string
	token   string
	expires time.Time
	id      *identity
}

// authenticate checks the access key, the security token and the RPC v1
// signature, and returns who signed.
func (s *Server) authenticate(method string, params map[string]string) (*identity, *APIError) {
	ak := params["AccessKeyId"]
	sig := params["Signature"]
	if ak == "" {
		return nil, errMissing("AccessKeyId")
	}
	if sig == "" || (params["SignatureMethod"] != "" && params["SignatureMethod"] != "HMAC-SHA1") {
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
		if params["SecurityToken"] != sess.token {
			return nil, errTokenMismatch
		}
		if !s.opts.Now().Before(sess.expires) {
			return nil, errTokenExpired
		}
		secret, who = sess.secret, sess.id
	}
	sts := stringToSign(method, params)
	if !hmac.Equal([]byte(sign(sts, secret)), []byte(sig)) {
		return nil, errSignature(sts)
	}
	return who, nil
}

// stringToSign builds the RPC v1 string to sign exactly as the SDK does
// (sdk/auth/rpc_signature_composer.go): every parameter but Signature,
// form-encoded in key order, with "+" → "%20", "*" → "%2A", "%7E" → "~",
// then percent-encoded again behind "METHOD&%2F&".
func stringToSign(method string, params map[string]string) string {
	v := url.Values{}
	for k, val := range params {
		if k != "Signature" {
			v.Set(k, val)
		}
	}
	q := v.Encode()
	q = strings.ReplaceAll(q, "+", "%20")
	q = strings.ReplaceAll(q, "*", "%2A")
	q = strings.ReplaceAll(q, "%7E", "~")
	return strings.ToUpper(method) + "&%2F&" + url.QueryEscape(q)
}

// sign is base64(HMAC-SHA1(secret + "&", stringToSign)).
func sign(stringToSign, secret string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	_, _ = m.Write([]byte(stringToSign)) // hash writes never fail
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
