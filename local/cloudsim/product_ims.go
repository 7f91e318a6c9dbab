package cloudsim

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
)

// imsProduct is Identity Management Service (Ims 2019-08-15), the newer
// RAM identity API. It keeps no state of its own: it reads and writes
// global.ram (users and the account-level singletons, see product_ram.go)
// and names users by UserPrincipalName (<UserName>@<domain>).
//
// Password policy, security preference and the account security report
// live here; RAM's GetPasswordPolicy/SetPasswordPolicy serve the same
// password policy in RAM's spelling (HardExpiry for IMS's HardExpire).
var imsProduct = &product{
	name:      "Ims",
	version:   "2019-08-15",
	global:    true,
	ramNative: true,
	actions: map[string]action{
		"ListUsers":                        {fn: ramListUsers},
		"GetUser":                          {fn: ramGetUser},
		"GetLoginProfile":                  {fn: ramGetLoginProfile},
		"CreateLoginProfile":               {fn: ramCreateLoginProfile, write: true},
		"UpdateLoginProfile":               {fn: ramUpdateLoginProfile, write: true},
		"DeleteLoginProfile":               {fn: ramDeleteLoginProfile, write: true},
		"ListAccessKeys":                   {fn: ramListAccessKeys},
		"UpdateAccessKey":                  {fn: ramUpdateAccessKey, write: true},
		"DeleteAccessKey":                  {fn: ramDeleteAccessKey, write: true},
		"GetAccessKeyLastUsed":             {fn: ramGetAccessKeyLastUsed},
		"GetUserMFAInfo":                   {fn: ramGetUserMFAInfo},
		"GetPasswordPolicy":                {fn: ramGetPasswordPolicy},
		"SetPasswordPolicy":                {fn: ramSetPasswordPolicy, write: true},
		"GetSecurityPreference":            {fn: imsGetSecurityPreference},
		"SetSecurityPreference":            {fn: imsSetSecurityPreference, write: true},
		"GetAccountSecurityPracticeReport": {fn: imsGetAccountSecurityPracticeReport},
	},
}

// ramPasswordPolicy is IMS GetPasswordPolicy's PasswordPolicy.
type ramPasswordPolicy struct {
	MinimumPasswordLength             int
	RequireLowercaseCharacters        bool
	RequireUppercaseCharacters        bool
	RequireNumbers                    bool
	RequireSymbols                    bool
	HardExpire                        bool
	MaxLoginAttemps                   int // sic: the API's spelling
	PasswordReusePrevention           int
	MaxPasswordAge                    int
	MinimumPasswordDifferentCharacter int
	PasswordNotContainUserName        bool
}

// ramPasswordPolicyOf is the account's password policy. Without one in the
// inventory it is the default this emulator assumes: 8 characters minimum
// and nothing else required (not confirmed against a new live account).
func ramPasswordPolicyOf(c *call) ramPasswordPolicy {
	pp := ramPasswordPolicy{MinimumPasswordLength: 8}
	if objs := c.objects("ram", "PasswordPolicy"); len(objs) > 0 {
		decodeInto(objs[0], &pp)
	}
	return pp
}

// ramPasswordPolicyView spells the policy for the calling product: RAM
// names HardExpire HardExpiry and lacks the two newer fields.
func ramPasswordPolicyView(c *call, pp ramPasswordPolicy) any {
	if isIMS(c) {
		return pp
	}
	return map[string]any{
		"MinimumPasswordLength": pp.MinimumPasswordLength, "RequireLowercaseCharacters": pp.RequireLowercaseCharacters,
		"RequireUppercaseCharacters": pp.RequireUppercaseCharacters, "RequireNumbers": pp.RequireNumbers,
		"RequireSymbols": pp.RequireSymbols, "HardExpiry": pp.HardExpire, "MaxLoginAttemps": pp.MaxLoginAttemps,
		"PasswordReusePrevention": pp.PasswordReusePrevention, "MaxPasswordAge": pp.MaxPasswordAge,
	}
}

func ramGetPasswordPolicy(c *call) (map[string]any, *APIError) {
	return map[string]any{"PasswordPolicy": ramPasswordPolicyView(c, ramPasswordPolicyOf(c))}, nil
}

// ramSetPasswordPolicy changes the parameters given and keeps the rest.
// Bounds: MinimumPasswordLength 8–32, MaxPasswordAge 0–1095 (0: never
// expires), PasswordReusePrevention 0–24, MaxLoginAttemps 0–32,
// MinimumPasswordDifferentCharacter 0–8 (taken from the API reference as
// remembered, not confirmed live); a value out of bounds answers 400
// InvalidParameter.
func ramSetPasswordPolicy(c *call) (map[string]any, *APIError) {
	pp := ramPasswordPolicyOf(c)
	ints := []struct {
		name   string
		lo, hi int
		dst    *int
	}{
		{"MinimumPasswordLength", 8, 32, &pp.MinimumPasswordLength},
		{"MaxPasswordAge", 0, 1095, &pp.MaxPasswordAge},
		{"PasswordReusePrevention", 0, 24, &pp.PasswordReusePrevention},
		{"MaxLoginAttemps", 0, 32, &pp.MaxLoginAttemps},
	}
	hardExpire := "HardExpiry"
	if isIMS(c) {
		ints = append(ints, struct {
			name   string
			lo, hi int
			dst    *int
		}{"MinimumPasswordDifferentCharacter", 0, 8, &pp.MinimumPasswordDifferentCharacter})
		hardExpire = "HardExpire"
	}
	for _, f := range ints {
		v, set, aerr := ramInt(c, f.name, f.lo, f.hi)
		if aerr != nil {
			return nil, aerr
		}
		if set {
			*f.dst = v
		}
	}
	bools := []struct {
		name string
		dst  *bool
	}{
		{"RequireLowercaseCharacters", &pp.RequireLowercaseCharacters},
		{"RequireUppercaseCharacters", &pp.RequireUppercaseCharacters},
		{"RequireNumbers", &pp.RequireNumbers},
		{"RequireSymbols", &pp.RequireSymbols},
		{hardExpire, &pp.HardExpire},
	}
	if isIMS(c) {
		bools = append(bools, struct {
			name string
			dst  *bool
		}{"PasswordNotContainUserName", &pp.PasswordNotContainUserName})
	}
	for _, f := range bools {
		v, set, aerr := ramBool(c, f.name)
		if aerr != nil {
			return nil, aerr
		}
		if set {
			*f.dst = v
		}
	}
	ramPutSingleton(c, "PasswordPolicy", pp)
	return map[string]any{"PasswordPolicy": ramPasswordPolicyView(c, pp)}, nil
}

// ramPutSingleton stores the one object of a singleton collection.
func ramPutSingleton(c *call, name string, v any) {
	raw, _ := json.Marshal(v) // plain structs always marshal
	if len(c.objects("ram", name)) == 0 {
		c.add("ram", name, raw)
		return
	}
	c.replace("ram", name, 0, raw)
}

// imsSecurityPreference is GetSecurityPreference's SecurityPreference.
type imsSecurityPreference struct {
	LoginProfilePreference struct {
		EnableSaveMFATicket       bool
		AllowUserToChangePassword bool
		LoginSessionDuration      int
		LoginNetworkMasks         string
		EnforceMFAForLogin        bool
		MFAOperationForLogin      string
		OperationForRiskLogin     string
		AllowUserLongTermLogin    bool
	}
	AccessKeyPreference    struct{ AllowUserToManageAccessKeys bool }
	MFAPreference          struct{ AllowUserToManageMFADevices bool }
	PersonalInfoPreference struct{ AllowUserToManagePersonalDingTalk bool }
	VerificationPreference struct{ VerificationTypes []string }
}

// imsSecurityPreferenceOf is the account's security preference. Without one
// in the inventory the defaults are what this emulator assumes a new account
// has (not confirmed live): MFA ticket saving and password changes allowed,
// 6-hour sessions, no network mask, MFA at login left to each user
// ("independent"), no forced verification of risky logins ("autonomous"),
// users may manage their MFA devices but not their access keys.
func imsSecurityPreferenceOf(c *call) imsSecurityPreference {
	var sp imsSecurityPreference
	lp := &sp.LoginProfilePreference
	lp.EnableSaveMFATicket, lp.AllowUserToChangePassword, lp.LoginSessionDuration = true, true, 6
	lp.MFAOperationForLogin, lp.OperationForRiskLogin = "independent", "autonomous"
	sp.MFAPreference.AllowUserToManageMFADevices = true
	sp.PersonalInfoPreference.AllowUserToManagePersonalDingTalk = true
	if objs := c.objects("ram", "SecurityPreference"); len(objs) > 0 {
		decodeInto(objs[0], &sp)
	}
	if sp.VerificationPreference.VerificationTypes == nil {
		sp.VerificationPreference.VerificationTypes = []string{}
	}
	return sp
}

func imsGetSecurityPreference(c *call) (map[string]any, *APIError) {
	return map[string]any{"SecurityPreference": imsSecurityPreferenceOf(c)}, nil
}

// imsSetSecurityPreference changes the parameters given. MFAOperationForLogin
// takes mandatory, independent or adaptive and keeps EnforceMFAForLogin in
// step (true only for mandatory); EnforceMFAForLogin true sets mandatory,
// false independent (this coupling is assumed, not confirmed live).
// OperationForRiskLogin takes autonomous or enforceVerify,
// LoginSessionDuration 1–24 hours, LoginNetworkMasks up to 40 CIDR blocks
// separated by semicolons, VerificationTypes a JSON list of sms and email.
func imsSetSecurityPreference(c *call) (map[string]any, *APIError) {
	sp := imsSecurityPreferenceOf(c)
	lp := &sp.LoginProfilePreference
	bools := []struct {
		name string
		dst  *bool
	}{
		{"EnableSaveMFATicket", &lp.EnableSaveMFATicket},
		{"AllowUserToChangePassword", &lp.AllowUserToChangePassword},
		{"AllowUserLongTermLogin", &lp.AllowUserLongTermLogin},
		{"AllowUserToManageAccessKeys", &sp.AccessKeyPreference.AllowUserToManageAccessKeys},
		{"AllowUserToManageMFADevices", &sp.MFAPreference.AllowUserToManageMFADevices},
		{"AllowUserToManagePersonalDingTalk", &sp.PersonalInfoPreference.AllowUserToManagePersonalDingTalk},
	}
	for _, f := range bools {
		v, set, aerr := ramBool(c, f.name)
		if aerr != nil {
			return nil, aerr
		}
		if set {
			*f.dst = v
		}
	}
	if v, set, aerr := ramBool(c, "EnforceMFAForLogin"); aerr != nil {
		return nil, aerr
	} else if set {
		lp.EnforceMFAForLogin = v
		lp.MFAOperationForLogin = map[bool]string{true: "mandatory", false: "independent"}[v]
	}
	switch op := c.param("MFAOperationForLogin"); op {
	case "":
	case "mandatory", "independent", "adaptive":
		lp.MFAOperationForLogin, lp.EnforceMFAForLogin = op, op == "mandatory"
	default:
		return nil, errInvalid("MFAOperationForLogin")
	}
	switch op := c.param("OperationForRiskLogin"); op {
	case "":
	case "autonomous", "enforceVerify":
		lp.OperationForRiskLogin = op
	default:
		return nil, errInvalid("OperationForRiskLogin")
	}
	if v, set, aerr := ramInt(c, "LoginSessionDuration", 1, 24); aerr != nil {
		return nil, aerr
	} else if set {
		lp.LoginSessionDuration = v
	}
	if _, ok := c.params["LoginNetworkMasks"]; ok {
		masks := c.param("LoginNetworkMasks")
		parts := strings.Split(masks, ";")
		if len(parts) > 40 {
			return nil, errInvalid("LoginNetworkMasks")
		}
		for _, p := range parts {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
				return nil, errInvalid("LoginNetworkMasks")
			}
		}
		lp.LoginNetworkMasks = masks
	}
	if s := c.param("VerificationTypes"); s != "" {
		types, ok := jsonIDList(s)
		if !ok {
			return nil, errInvalid("VerificationTypes")
		}
		for _, t := range types {
			if t != "sms" && t != "email" {
				return nil, errInvalid("VerificationTypes")
			}
		}
		sp.VerificationPreference.VerificationTypes = types
	}
	ramPutSingleton(c, "SecurityPreference", sp)
	return map[string]any{"SecurityPreference": sp}, nil
}

// imsGetAccountSecurityPracticeReport answers the account's security
// report. RootWithAccessKey (the root account's access keys), BindMfa (root
// MFA), Score and the access-key age counters come from the inventory's
// AccountSecurityPracticeInfo (0/false when absent); SubUser and
// SubUserBindMfa are counted from the users.
func imsGetAccountSecurityPracticeReport(c *call) (map[string]any, *APIError) {
	var info struct {
		Score                           int
		AccountSecurityPracticeUserInfo map[string]any
	}
	if objs := c.objects("ram", "AccountSecurityPracticeInfo"); len(objs) > 0 {
		dec := json.NewDecoder(bytes.NewReader(objs[0]))
		dec.UseNumber()
		_ = dec.Decode(&info) // validated; a field of another type stays zero
	}
	ui := map[string]any{"RootWithAccessKey": 0, "BindMfa": false, "UnusedAkNum": 0, "SubUserWithUnusedAccessKey": 0,
		"OldAkNum": 0, "SubUserWithOldAccessKey": 0, "SubUserPwdLevel": "low"}
	for k, v := range info.AccountSecurityPracticeUserInfo {
		ui[k] = v
	}
	users := c.objects("ram", "Users")
	mfa := 0
	for _, raw := range users {
		var u ramUser
		decodeInto(raw, &u)
		if u.MFADevice != nil {
			mfa++
		}
	}
	ui["SubUser"], ui["SubUserBindMfa"] = len(users), mfa
	return map[string]any{"AccountSecurityPracticeInfo": map[string]any{"Score": info.Score, "AccountSecurityPracticeUserInfo": ui}}, nil
}
