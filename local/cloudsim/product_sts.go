package cloudsim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// stsProduct is Security Token Service (Sts 2015-04-01). It keeps no
// inventory of its own: AssumeRole checks global.ram.Roles.
//
// Credentials it issues are accepted by every product until they expire
// (Options.Now decides); calls made with them act as
// acs:ram::<account>:assumed-role/<role>/<session> in the role's account.
var stsProduct = &product{
	name:      "Sts",
	version:   "2015-04-01",
	global:    true,
	ramNative: true,
	actions: map[string]action{
		"AssumeRole":        {fn: stsAssumeRole},
		"GetCallerIdentity": {fn: stsGetCallerIdentity},
	},
}

var sessionNameRE = regexp.MustCompile(`^[a-zA-Z0-9.@_-]{2,64}$`)

// stsAssumeRole checks that the role exists in this account, that its trust
// policy trusts the caller, and its sts:ExternalId condition, and then
// issues credentials. Errors: 404 EntityNotExist.Role (no such role),
// 403 NoPermission (the trust policy does not trust the caller, or denies),
// 401 AuthenticationFail.NoPermission (trusted, but ExternalId missing or
// wrong; the code is from the STS error table, its use for ExternalId is
// not confirmed against the live service).
func stsAssumeRole(c *call) (map[string]any, *APIError) {
	arn, sessionName := c.param("RoleArn"), c.param("RoleSessionName")
	if arn == "" {
		return nil, errMissing("RoleArn")
	}
	if sessionName == "" {
		return nil, errMissing("RoleSessionName")
	}
	if !sessionNameRE.MatchString(sessionName) {
		return nil, Errorf(http.StatusBadRequest, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed.")
	}
	rest, ok := strings.CutPrefix(arn, "acs:ram::")
	account, roleName, ok2 := strings.Cut(rest, ":role/")
	if !ok || !ok2 || roleName == "" {
		return nil, Errorf(http.StatusBadRequest, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed.")
	}
	if i := strings.LastIndexByte(roleName, '/'); i >= 0 {
		roleName = roleName[i+1:] // a role path prefix
	}
	notFound := Errorf(http.StatusNotFound, "EntityNotExist.Role", "The role not exists: %s.", arn)
	// Roles live in the role's account, whoever the caller is. Callers hold s.mu.
	roles, played := c.srv.storeOf(account)
	if !played {
		return nil, notFound
	}
	_, raw, found := roles.find("", "ram", "Roles", roleName)
	if !found {
		return nil, notFound
	}
	var role struct {
		RoleName                 string
		AssumeRolePolicyDocument string
		MaxSessionDuration       json.Number
	}
	decodeInto(roleView(raw, account), &role)
	policy, err := parseTrustPolicy(role.AssumeRolePolicyDocument)
	if err != nil {
		return nil, errInternal
	}
	switch policy.evaluate(c.caller, c.param("ExternalId")) {
	case trustDenied:
		return nil, &APIError{Status: http.StatusForbidden, Code: "NoPermission",
			Message: "No permission perform sts:AssumeRole on this Role. Maybe you should check the role trust policy."}
	case trustExternalMismatch:
		return nil, &APIError{Status: http.StatusUnauthorized, Code: "AuthenticationFail.NoPermission", Message: "There is no permission"}
	}
	maxDur := 3600
	if n, err := strconv.Atoi(role.MaxSessionDuration.String()); err == nil && n >= 3600 {
		maxDur = n
	}
	dur := 3600
	if s := c.param("DurationSeconds"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 900 || n > maxDur {
			return nil, Errorf(http.StatusBadRequest, "InvalidParameter.DurationSeconds",
				"The Min/Max value of DurationSeconds is 15min/%s.", durationText(maxDur))
		}
		dur = n
	}
	if pol := c.param("Policy"); pol != "" && !json.Valid([]byte(pol)) {
		return nil, Errorf(http.StatusBadRequest, "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check.")
	}
	roleID := numericID(roleArn(account, role.RoleName))
	sess := &session{
		secret:  randomToken(30),
		token:   "CAIS" + randomToken(180),
		expires: c.now.Add(time.Duration(dur) * time.Second),
		id: &identity{accountID: account, kind: "AssumedRoleUser", userID: roleID, roleName: role.RoleName,
			session: sessionName, arn: "acs:ram::" + account + ":assumed-role/" + role.RoleName + "/" + sessionName},
	}
	akID := "STS.N" + strings.ToUpper(randomHex(20))
	c.srv.stsMu.Lock()
	c.srv.sessions[akID] = sess
	c.srv.stsMu.Unlock()
	return map[string]any{
		"SourceIdentity": "",
		"AssumedRoleUser": map[string]any{
			"Arn":           roleArn(account, role.RoleName) + "/" + sessionName,
			"AssumedRoleId": roleID + ":" + sessionName,
		},
		"Credentials": map[string]any{
			"AccessKeyId": akID, "AccessKeySecret": sess.secret, "SecurityToken": sess.token,
			"Expiration": timestamp(sess.expires),
		},
	}, nil
}

func durationText(sec int) string {
	if sec%3600 == 0 {
		return strconv.Itoa(sec/3600) + "hr"
	}
	return strconv.Itoa(sec/60) + "min"
}

// stsGetCallerIdentity says who signed the call.
func stsGetCallerIdentity(c *call) (map[string]any, *APIError) {
	id := c.caller
	resp := map[string]any{
		"IdentityType": id.kind, "AccountId": id.accountID, "Arn": id.arn, "PrincipalId": id.principalID(),
		"UserId": "", "RoleId": "",
	}
	if id.kind == "AssumedRoleUser" {
		resp["RoleId"] = id.userID
	} else {
		resp["UserId"] = id.userID
	}
	return resp, nil
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawStdEncoding.EncodeToString(b)[:n]
}
