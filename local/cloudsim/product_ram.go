package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// ramProduct is Resource Access Management (Ram 2015-05-01): the account's
// users, groups, roles and policies. STS (AssumeRole), Resource Manager
// (CreateServiceLinkedRole) and IMS (Ims 2019-08-15, product_ims.go) work
// on the same state.
//
// Inventory (global.ram):
//
//	Users     ListUsers' Users.User[] items (UserName, UserId, DisplayName, CreateDate, ...),
//	          plus IMS's UserPrincipalName and LastLoginDate, and embedded as their own
//	          APIs return them: LoginProfile (GetLoginProfile, IMS shape with Status),
//	          AccessKeys.AccessKey[] (ListAccessKeys, each with an AccessKeyLastUsed object
//	          as GetAccessKeyLastUsed returns it), MFADevice (GetUserMFAInfo, plus
//	          ActivateDate) and Policies.Policy[] (ListPoliciesForUser: the attached
//	          policies). No LoginProfile means no console password.
//	Groups    ListGroups' Groups.Group[] items plus Users.User[] ({UserName, JoinDate}, the
//	          members) and Policies.Policy[].
//	Roles     ListRoles' Roles.Role[] items plus AssumeRolePolicyDocument (a JSON string,
//	          as GetRole returns it) and Policies.Policy[]. Arn and RoleId may be left
//	          out: they default to acs:ram::<account>:role/<lower-case name> and a stable
//	          16-digit ID.
//	Policies  ListPolicies' Policies.Policy[] items (System and Custom) plus PolicyDocument,
//	          the default version's document (a JSON string, as GetPolicy returns it).
//	          AttachmentCount is computed from the attachments.
//	PasswordPolicy, SecurityPreference, AccountSecurityPracticeInfo
//	          at most one object each: IMS GetPasswordPolicy's PasswordPolicy,
//	          GetSecurityPreference's SecurityPreference and
//	          GetAccountSecurityPracticeReport's AccountSecurityPracticeInfo (the root
//	          account's facts: RootWithAccessKey, BindMfa). Absent, the defaults apply.
//
// Users and UserIds default like roles: UserId to a stable 16-digit ID,
// UserPrincipalName to <UserName>@<account>.onaliyun.com.
//
// Lists page with Marker and MaxItems (1–1000; ListUsers, ListGroups,
// ListUsersForGroup, ListRoles and ListPolicies default to 100) and answer
// IsTruncated plus, when truncated, Marker. ListAccessKeys,
// ListVirtualMFADevices, ListPoliciesFor* and ListEntitiesForPolicy answer
// everything at once, as their APIs take no paging parameters.
var ramProduct = &product{
	name:      "Ram",
	version:   "2015-05-01",
	key:       "ram",
	global:    true,
	ramNative: true,
	collections: []collection{
		{name: "Users", id: "UserName"},
		{name: "Groups", id: "GroupName"},
		{name: "Roles", id: "RoleName", required: []string{"AssumeRolePolicyDocument"}},
		{name: "Policies", id: "PolicyName", required: []string{"PolicyType", "PolicyDocument"}},
		{name: "PasswordPolicy"},
		{name: "SecurityPreference"},
		{name: "AccountSecurityPracticeInfo"},
	},
	validate: validateRAM,
	actions: map[string]action{
		"ListUsers":             {fn: ramListUsers},
		"GetUser":               {fn: ramGetUser},
		"GetLoginProfile":       {fn: ramGetLoginProfile},
		"CreateLoginProfile":    {fn: ramCreateLoginProfile, write: true},
		"UpdateLoginProfile":    {fn: ramUpdateLoginProfile, write: true},
		"DeleteLoginProfile":    {fn: ramDeleteLoginProfile, write: true},
		"ListAccessKeys":        {fn: ramListAccessKeys},
		"UpdateAccessKey":       {fn: ramUpdateAccessKey, write: true},
		"DeleteAccessKey":       {fn: ramDeleteAccessKey, write: true},
		"GetAccessKeyLastUsed":  {fn: ramGetAccessKeyLastUsed},
		"GetUserMFAInfo":        {fn: ramGetUserMFAInfo},
		"ListVirtualMFADevices": {fn: ramListVirtualMFADevices},
		"ListGroups":            {fn: ramListGroups},
		"ListUsersForGroup":     {fn: ramListUsersForGroup},
		"ListGroupsForUser":     {fn: ramListGroupsForUser},
		"ListRoles":             {fn: ramListRoles},
		"GetRole":               {fn: ramGetRole},
		"ListPolicies":          {fn: ramListPolicies},
		"GetPolicy":             {fn: ramGetPolicy},
		"GetPolicyVersion":      {fn: ramGetPolicyVersion},
		"ListPoliciesForUser":   {fn: ramListPoliciesFor(ramUserKind)},
		"ListPoliciesForGroup":  {fn: ramListPoliciesFor(ramGroupKind)},
		"ListPoliciesForRole":   {fn: ramListPoliciesFor(ramRoleKind)},
		"ListEntitiesForPolicy": {fn: ramListEntitiesForPolicy},
		"AttachPolicyToUser":    {fn: ramAttach(ramUserKind, true), write: true},
		"AttachPolicyToGroup":   {fn: ramAttach(ramGroupKind, true), write: true},
		"AttachPolicyToRole":    {fn: ramAttach(ramRoleKind, true), write: true},
		"DetachPolicyFromUser":  {fn: ramAttach(ramUserKind, false), write: true},
		"DetachPolicyFromGroup": {fn: ramAttach(ramGroupKind, false), write: true},
		"DetachPolicyFromRole":  {fn: ramAttach(ramRoleKind, false), write: true},
		"GetPasswordPolicy":     {fn: ramGetPasswordPolicy},
		"SetPasswordPolicy":     {fn: ramSetPasswordPolicy, write: true},
	},
}

// Stored shapes of the embedded objects.
type (
	ramLoginProfile struct {
		Status                string `json:",omitempty"` // Active or Inactive (IMS); "" means Active
		MFABindRequired       bool
		PasswordResetRequired bool
		CreateDate            string `json:",omitempty"`
		UpdateDate            string `json:",omitempty"`
		LastLoginTime         string `json:",omitempty"`
	}
	ramKeyLastUsed struct {
		LastUsedDate string
		ServiceName  string `json:",omitempty"`
	}
	ramAccessKey struct {
		AccessKeyId       string
		Status            string          // Active or Inactive
		CreateDate        string          `json:",omitempty"`
		UpdateDate        string          `json:",omitempty"`
		AccessKeyLastUsed *ramKeyLastUsed `json:",omitempty"`
	}
	ramMFADevice struct {
		SerialNumber string
		Type         string // VMFA (virtual) or U2F
		ActivateDate string `json:",omitempty"`
	}
	ramAttachment struct {
		PolicyName string
		PolicyType string // System or Custom
		AttachDate string `json:",omitempty"`
	}
	ramMember struct {
		UserName string
		JoinDate string `json:",omitempty"`
	}
	ramUser struct {
		UserName          string
		UserId            string
		UserPrincipalName string
		DisplayName       string
		Comments          string
		Status            string
		LoginProfile      *ramLoginProfile
		AccessKeys        struct{ AccessKey []ramAccessKey }
		MFADevice         *ramMFADevice
		Policies          struct{ Policy []ramAttachment }
	}
	ramGroup struct {
		GroupName string
		GroupId   string
		Comments  string
		Users     struct{ User []ramMember }
		Policies  struct{ Policy []ramAttachment }
	}
	ramPolicy struct {
		PolicyName     string
		PolicyType     string
		Description    string
		DefaultVersion string
		CreateDate     string
		UpdateDate     string
		PolicyDocument string
	}
)

// ramUserEmbedded are the fields of a stored user that ListUsers and
// GetUser leave out (their own APIs return them).
var ramUserEmbedded = []string{"LoginProfile", "AccessKeys", "MFADevice", "Policies"}

// ramKind is an identity type policies attach to.
type ramKind struct {
	name       string // "User"
	collection string // "Users"
	param      string // "UserName"
	notFound   *APIError
}

var (
	ramUserKind  = ramKind{"User", "Users", "UserName", errRAMUserNotFound}
	ramGroupKind = ramKind{"Group", "Groups", "GroupName", &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.Group", Message: "The group does not exist."}}
	ramRoleKind  = ramKind{"Role", "Roles", "RoleName", errRAMRoleNotFound}
)

// Errors of the RAM and IMS APIs. EntityNotExist.User.LoginProfile and
// EntityNotExist.Role are documented; the messages, and the codes for a
// missing access key, MFA device or attachment, were chosen without a live
// confirmation.
var (
	errRAMUserNotFound = &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.User", Message: "The user does not exist."}
	errRAMRoleNotFound = &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.Role", Message: "The role does not exist."}
	errNoLoginProfile  = &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.User.LoginProfile",
		Message: "The login profile of the user does not exist."}
	errNoMFADevice = &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.User.MFADevice",
		Message: "The user has not bound an MFA device."}
	errRAMAccessKeyNotFound = &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.User.AccessKey",
		Message: "The access key does not exist."}
	errPolicyNotFound = &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.Policy", Message: "The policy does not exist."}
)

func validateRAM(v *validation, path string, cols Collections) {
	for i, raw := range cols["Roles"] {
		doc := fieldString(raw, "AssumeRolePolicyDocument")
		if doc == "" {
			continue // reported as missing already
		}
		if _, err := parseTrustPolicy(doc); err != nil {
			v.add(fmt.Sprintf("%s.Roles[%d].AssumeRolePolicyDocument", path, i), err.Error())
		}
	}
	policies := map[string]string{} // lower-case name → type
	for i, raw := range cols["Policies"] {
		var p ramPolicy
		decodeInto(raw, &p)
		at := fmt.Sprintf("%s.Policies[%d]", path, i)
		if p.PolicyType != "" && p.PolicyType != "System" && p.PolicyType != "Custom" {
			v.add(at+".PolicyType", fmt.Sprintf("%q is not System or Custom", p.PolicyType))
		}
		if p.PolicyDocument != "" {
			var doc struct{ Statement json.RawMessage }
			if err := json.Unmarshal([]byte(p.PolicyDocument), &doc); err != nil || len(doc.Statement) == 0 {
				v.add(at+".PolicyDocument", "not a policy document (want a JSON object with a Statement)")
			}
		}
		policies[strings.ToLower(p.PolicyName)] = p.PolicyType
	}
	attachments := func(at string, list []ramAttachment) {
		for j, a := range list {
			typ, ok := policies[strings.ToLower(a.PolicyName)]
			if !ok || !strings.EqualFold(typ, a.PolicyType) {
				v.add(fmt.Sprintf("%s.Policies.Policy[%d]", at, j),
					fmt.Sprintf("unknown %s policy %q (not in %s.Policies)", a.PolicyType, a.PolicyName, path))
			}
		}
	}
	users := map[string]bool{}
	keys := map[string]string{}
	for i, raw := range cols["Users"] {
		var u ramUser
		decodeInto(raw, &u)
		at := fmt.Sprintf("%s.Users[%d]", path, i)
		users[strings.ToLower(u.UserName)] = true
		if u.UserPrincipalName != "" && !strings.HasPrefix(strings.ToLower(u.UserPrincipalName), strings.ToLower(u.UserName)+"@") {
			v.add(at+".UserPrincipalName", fmt.Sprintf("%q does not start with %q", u.UserPrincipalName, u.UserName+"@"))
		}
		if lp := u.LoginProfile; lp != nil && lp.Status != "" && lp.Status != "Active" && lp.Status != "Inactive" {
			v.add(at+".LoginProfile.Status", fmt.Sprintf("%q is not Active or Inactive", lp.Status))
		}
		for j, k := range u.AccessKeys.AccessKey {
			kat := fmt.Sprintf("%s.AccessKeys.AccessKey[%d]", at, j)
			switch {
			case k.AccessKeyId == "":
				v.add(kat+".AccessKeyId", "missing")
			case keys[k.AccessKeyId] != "":
				v.add(kat+".AccessKeyId", fmt.Sprintf("duplicate %q (also at %s)", k.AccessKeyId, keys[k.AccessKeyId]))
			default:
				keys[k.AccessKeyId] = kat
			}
			if k.Status != "Active" && k.Status != "Inactive" {
				v.add(kat+".Status", fmt.Sprintf("%q is not Active or Inactive", k.Status))
			}
		}
		if d := u.MFADevice; d != nil && d.SerialNumber == "" {
			v.add(at+".MFADevice.SerialNumber", "missing")
		}
		attachments(at, u.Policies.Policy)
	}
	for i, raw := range cols["Groups"] {
		var g ramGroup
		decodeInto(raw, &g)
		at := fmt.Sprintf("%s.Groups[%d]", path, i)
		for j, m := range g.Users.User {
			if !users[strings.ToLower(m.UserName)] {
				v.add(fmt.Sprintf("%s.Users.User[%d].UserName", at, j), fmt.Sprintf("unknown user %q (not in %s.Users)", m.UserName, path))
			}
		}
		attachments(at, g.Policies.Policy)
	}
	for i, raw := range cols["Roles"] {
		var r struct {
			Policies struct{ Policy []ramAttachment }
		}
		decodeInto(raw, &r)
		attachments(fmt.Sprintf("%s.Roles[%d]", path, i), r.Policies.Policy)
	}
	for _, name := range []string{"PasswordPolicy", "SecurityPreference", "AccountSecurityPracticeInfo"} {
		if n := len(cols[name]); n > 1 {
			v.add(path+"."+name, fmt.Sprintf("%d objects; want at most one", n))
		}
	}
}

// isIMS reports whether the call came in through IMS (Ims 2019-08-15),
// which names users by UserPrincipalName and answers in its own shapes.
func isIMS(c *call) bool { return c.product.name == "Ims" }

// ramAccount is the account whose identities the call reads.
func ramAccount(c *call) string { return c.st.inv.AccountID }

// ramUserID is the default UserId of a user.
func ramUserID(account, name string) string {
	return numericID("acs:ram::" + account + ":user/" + strings.ToLower(name))
}

// ramUPN is a stored user's UserPrincipalName.
func ramUPN(u *ramUser, account string) string {
	if u.UserPrincipalName != "" {
		return u.UserPrincipalName
	}
	return u.UserName + "@" + account + ".onaliyun.com"
}

// ramUserByParam finds the user a call names: UserName (RAM) or
// UserPrincipalName (IMS).
func ramUserByParam(c *call) (int, json.RawMessage, *ramUser, *APIError) {
	if isIMS(c) {
		upn := c.param("UserPrincipalName")
		if upn == "" {
			return -1, nil, nil, errMissing("UserPrincipalName")
		}
		name, _, _ := strings.Cut(upn, "@")
		i, raw, ok := c.find("ram", "Users", name)
		if !ok {
			return -1, nil, nil, errRAMUserNotFound
		}
		var u ramUser
		decodeInto(raw, &u)
		if !strings.EqualFold(ramUPN(&u, ramAccount(c)), upn) {
			return -1, nil, nil, errRAMUserNotFound
		}
		return i, raw, &u, nil
	}
	name := c.param("UserName")
	if name == "" {
		return -1, nil, nil, errMissing("UserName")
	}
	i, raw, ok := c.find("ram", "Users", name)
	if !ok {
		return -1, nil, nil, errRAMUserNotFound
	}
	var u ramUser
	decodeInto(raw, &u)
	return i, raw, &u, nil
}

// ramUserView is a stored user as ListUsers and GetUser return it: RAM with
// UserName (and LastLoginDate only from GetUser), IMS with
// UserPrincipalName and LastLoginDate.
func ramUserView(c *call, raw json.RawMessage, lastLogin bool) json.RawMessage {
	account := ramAccount(c)
	return patch(raw, func(m map[string]any) {
		name, _ := m["UserName"].(string)
		for _, k := range ramUserEmbedded {
			delete(m, k)
		}
		if _, ok := m["UserId"]; !ok {
			m["UserId"] = ramUserID(account, name)
		}
		if isIMS(c) {
			if _, ok := m["UserPrincipalName"]; !ok {
				m["UserPrincipalName"] = name + "@" + account + ".onaliyun.com"
			}
			if _, ok := m["Status"]; !ok {
				m["Status"] = "active"
			}
			delete(m, "UserName")
			return
		}
		delete(m, "UserPrincipalName")
		delete(m, "Status")
		if !lastLogin {
			delete(m, "LastLoginDate")
		}
	})
}

// ramPaginate cuts one Marker/MaxItems page and returns it with
// IsTruncated (and Marker when truncated) set on resp.
func ramPaginate(c *call, items []json.RawMessage, def int, resp map[string]any) ([]json.RawMessage, *APIError) {
	size, err := intParam(c.param("MaxItems"), def, 1, 1000)
	if err != nil {
		return nil, errInvalid("MaxItems")
	}
	off := 0
	if m := c.param("Marker"); m != "" {
		v, err := strconv.ParseUint(m, 16, 64)
		o := int(v ^ tokenMask)
		if err != nil || len(m) != 16 || o <= 0 || o > len(items) {
			return nil, Errorf(http.StatusBadRequest, "InvalidParameter.Marker", "The parameter Marker is invalid.")
		}
		off = o
	}
	end := min(off+size, len(items))
	resp["IsTruncated"] = end < len(items)
	if end < len(items) {
		resp["Marker"] = fmt.Sprintf("%016x", uint64(end)^tokenMask)
	}
	return items[off:end], nil
}

// ramBool parses an optional boolean parameter.
func ramBool(c *call, name string) (val, set bool, aerr *APIError) {
	switch s := strings.ToLower(c.param(name)); s {
	case "":
		return false, false, nil
	case "true", "false":
		return s == "true", true, nil
	}
	return false, false, errInvalid(name)
}

// ramInt parses an optional integer parameter within bounds.
func ramInt(c *call, name string, lo, hi int) (val int, set bool, aerr *APIError) {
	s := c.param(name)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, false, errInvalid(name)
	}
	return n, true, nil
}

// ramListUsers answers ListUsers: RAM (MaxItems default 100) or IMS
// (MaxItems default 1000, Status filter "active", "freeze" or both
// comma-separated; users without a Status are active).
func ramListUsers(c *call) (map[string]any, *APIError) {
	objs := c.objects("ram", "Users")
	def := 100
	if isIMS(c) {
		def = 1000
		want := map[string]bool{}
		for _, s := range strings.Split(orDefault(c.param("Status"), "active"), ",") {
			want[strings.ToLower(strings.TrimSpace(s))] = true
		}
		var kept []json.RawMessage
		for _, raw := range objs {
			if want[strings.ToLower(orDefault(fieldString(raw, "Status"), "active"))] {
				kept = append(kept, raw)
			}
		}
		objs = kept
	}
	resp := map[string]any{}
	page, aerr := ramPaginate(c, objs, def, resp)
	if aerr != nil {
		return nil, aerr
	}
	out := make([]json.RawMessage, len(page))
	for i, raw := range page {
		out[i] = ramUserView(c, raw, false)
	}
	resp["Users"] = list("User", out)
	return resp, nil
}

// ramGetUser answers GetUser: RAM by UserName, IMS by UserPrincipalName,
// UserId or UserAccessKeyId. The answer carries LastLoginDate.
func ramGetUser(c *call) (map[string]any, *APIError) {
	if isIMS(c) && c.param("UserPrincipalName") == "" {
		id, key := c.param("UserId"), c.param("UserAccessKeyId")
		if id == "" && key == "" {
			return nil, errMissing("UserPrincipalName")
		}
		for _, raw := range c.objects("ram", "Users") {
			var u ramUser
			decodeInto(raw, &u)
			match := id != "" && (u.UserId == id || u.UserId == "" && ramUserID(ramAccount(c), u.UserName) == id)
			for _, k := range u.AccessKeys.AccessKey {
				match = match || key != "" && k.AccessKeyId == key
			}
			if match {
				return map[string]any{"User": ramUserView(c, raw, true)}, nil
			}
		}
		return nil, errRAMUserNotFound
	}
	_, raw, _, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"User": ramUserView(c, raw, true)}, nil
}

// ramLoginProfileView is a login profile as GetLoginProfile returns it.
func ramLoginProfileView(c *call, u *ramUser) map[string]any {
	lp := u.LoginProfile
	if isIMS(c) {
		out := map[string]any{
			"UserPrincipalName": ramUPN(u, ramAccount(c)), "Status": orDefault(lp.Status, "Active"),
			"MFABindRequired": lp.MFABindRequired, "PasswordResetRequired": lp.PasswordResetRequired,
			"UpdateDate": orDefault(lp.UpdateDate, lp.CreateDate), "LastLoginTime": lp.LastLoginTime,
		}
		if lp.CreateDate != "" {
			out["CreateDate"] = lp.CreateDate
		}
		return out
	}
	return map[string]any{"UserName": u.UserName, "MFABindRequired": lp.MFABindRequired,
		"PasswordResetRequired": lp.PasswordResetRequired, "CreateDate": lp.CreateDate}
}

func ramGetLoginProfile(c *call) (map[string]any, *APIError) {
	_, _, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	if u.LoginProfile == nil {
		return nil, errNoLoginProfile
	}
	return map[string]any{"LoginProfile": ramLoginProfileView(c, u)}, nil
}

// ramLoginProfileParams applies CreateLoginProfile/UpdateLoginProfile's
// parameters to lp. The password is checked against the password policy
// (length and character classes) and not stored. IMS's Status takes
// Active or Inactive.
func ramLoginProfileParams(c *call, u *ramUser, lp *ramLoginProfile, create bool) *APIError {
	pw := c.param("Password")
	gen, _, aerr := ramBool(c, "GenerateRandomPassword")
	if aerr != nil {
		return aerr
	}
	if create && pw == "" && !(isIMS(c) && gen) {
		return errMissing("Password")
	}
	if pw != "" {
		if aerr := ramCheckPassword(c, u, pw); aerr != nil {
			return aerr
		}
	}
	if v, set, aerr := ramBool(c, "PasswordResetRequired"); aerr != nil {
		return aerr
	} else if set {
		lp.PasswordResetRequired = v
	}
	if v, set, aerr := ramBool(c, "MFABindRequired"); aerr != nil {
		return aerr
	} else if set {
		lp.MFABindRequired = v
	}
	if isIMS(c) {
		switch st := c.param("Status"); st {
		case "":
		case "Active", "Inactive":
			lp.Status = st
		default:
			return errInvalid("Status")
		}
	}
	if lp.Status == "" {
		lp.Status = "Active"
	}
	lp.UpdateDate = timestamp(c.now)
	return nil
}

// ramCheckPassword checks a console password against the password policy.
// The error code was chosen without a live confirmation.
func ramCheckPassword(c *call, u *ramUser, pw string) *APIError {
	pp := ramPasswordPolicyOf(c)
	bad := len(pw) < pp.MinimumPasswordLength || len(pw) > 32
	var lower, upper, digit, symbol bool
	for _, r := range pw {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			symbol = true
		}
	}
	bad = bad || pp.RequireLowercaseCharacters && !lower || pp.RequireUppercaseCharacters && !upper ||
		pp.RequireNumbers && !digit || pp.RequireSymbols && !symbol ||
		pp.PasswordNotContainUserName && strings.Contains(strings.ToLower(pw), strings.ToLower(u.UserName))
	if bad {
		return Errorf(http.StatusBadRequest, "InvalidParameter.Password", "The password does not meet the password policy.")
	}
	return nil
}

func ramCreateLoginProfile(c *call) (map[string]any, *APIError) {
	i, raw, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	if u.LoginProfile != nil {
		return nil, &APIError{Status: http.StatusConflict, Code: "EntityAlreadyExists.User.LoginProfile",
			Message: "The login profile of the user already exists."}
	}
	lp := &ramLoginProfile{CreateDate: timestamp(c.now)}
	if aerr := ramLoginProfileParams(c, u, lp, true); aerr != nil {
		return nil, aerr
	}
	c.replace("ram", "Users", i, patch(raw, func(m map[string]any) { m["LoginProfile"] = lp }))
	u.LoginProfile = lp
	return map[string]any{"LoginProfile": ramLoginProfileView(c, u)}, nil
}

func ramUpdateLoginProfile(c *call) (map[string]any, *APIError) {
	i, raw, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	if u.LoginProfile == nil {
		return nil, errNoLoginProfile
	}
	lp := u.LoginProfile
	if aerr := ramLoginProfileParams(c, u, lp, false); aerr != nil {
		return nil, aerr
	}
	c.replace("ram", "Users", i, patch(raw, func(m map[string]any) { m["LoginProfile"] = lp }))
	if isIMS(c) {
		return map[string]any{"LoginProfile": ramLoginProfileView(c, u)}, nil
	}
	return map[string]any{}, nil
}

func ramDeleteLoginProfile(c *call) (map[string]any, *APIError) {
	i, raw, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	if u.LoginProfile == nil {
		return nil, errNoLoginProfile
	}
	c.replace("ram", "Users", i, without(raw, "LoginProfile"))
	return map[string]any{}, nil
}

// ramListAccessKeys answers ListAccessKeys: AccessKeyId, Status and
// CreateDate (IMS adds UpdateDate); the secrets are never returned.
func ramListAccessKeys(c *call) (map[string]any, *APIError) {
	_, _, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	out := make([]json.RawMessage, 0, len(u.AccessKeys.AccessKey))
	for _, k := range u.AccessKeys.AccessKey {
		view := map[string]any{"AccessKeyId": k.AccessKeyId, "Status": k.Status, "CreateDate": k.CreateDate}
		if isIMS(c) {
			view["UpdateDate"] = orDefault(k.UpdateDate, k.CreateDate)
		}
		b, _ := json.Marshal(view) // strings always marshal
		out = append(out, b)
	}
	return map[string]any{"AccessKeys": list("AccessKey", out)}, nil
}

// ramAccessKeyParam finds the key UserAccessKeyId names among the user's.
func ramAccessKeyParam(c *call, u *ramUser) (int, *APIError) {
	id := c.param("UserAccessKeyId")
	if id == "" {
		return -1, errMissing("UserAccessKeyId")
	}
	for j, k := range u.AccessKeys.AccessKey {
		if k.AccessKeyId == id {
			return j, nil
		}
	}
	return -1, errRAMAccessKeyNotFound
}

// ramUpdateAccessKey sets a key's Status (Active or Inactive).
func ramUpdateAccessKey(c *call) (map[string]any, *APIError) {
	i, raw, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	j, aerr := ramAccessKeyParam(c, u)
	if aerr != nil {
		return nil, aerr
	}
	st := c.param("Status")
	if st == "" {
		return nil, errMissing("Status")
	}
	if st != "Active" && st != "Inactive" {
		return nil, errInvalid("Status")
	}
	keys := u.AccessKeys.AccessKey
	keys[j].Status, keys[j].UpdateDate = st, timestamp(c.now)
	c.replace("ram", "Users", i, patch(raw, func(m map[string]any) { m["AccessKeys"] = map[string]any{"AccessKey": keys} }))
	return map[string]any{}, nil
}

func ramDeleteAccessKey(c *call) (map[string]any, *APIError) {
	i, raw, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	j, aerr := ramAccessKeyParam(c, u)
	if aerr != nil {
		return nil, aerr
	}
	keys := append(u.AccessKeys.AccessKey[:j:j], u.AccessKeys.AccessKey[j+1:]...)
	c.replace("ram", "Users", i, patch(raw, func(m map[string]any) { m["AccessKeys"] = map[string]any{"AccessKey": keys} }))
	return map[string]any{}, nil
}

// ramGetAccessKeyLastUsed answers the key's AccessKeyLastUsed (IMS adds
// ServiceName). A key never used answers an empty LastUsedDate (chosen
// without a live confirmation).
func ramGetAccessKeyLastUsed(c *call) (map[string]any, *APIError) {
	_, _, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	j, aerr := ramAccessKeyParam(c, u)
	if aerr != nil {
		return nil, aerr
	}
	lu := ramKeyLastUsed{}
	if p := u.AccessKeys.AccessKey[j].AccessKeyLastUsed; p != nil {
		lu = *p
	}
	out := map[string]any{"LastUsedDate": lu.LastUsedDate}
	if isIMS(c) {
		out["ServiceName"] = lu.ServiceName
	}
	return map[string]any{"AccessKeyLastUsed": out}, nil
}

// ramGetUserMFAInfo answers the user's MFA device; a user without one
// answers 404 EntityNotExist.User.MFADevice (RAM's documented behaviour;
// assumed for IMS too, which otherwise adds IsMFAEnable true).
func ramGetUserMFAInfo(c *call) (map[string]any, *APIError) {
	_, _, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	if u.MFADevice == nil {
		return nil, errNoMFADevice
	}
	resp := map[string]any{"MFADevice": map[string]any{"SerialNumber": u.MFADevice.SerialNumber, "Type": orDefault(u.MFADevice.Type, "VMFA")}}
	if isIMS(c) {
		resp["IsMFAEnable"] = true
	}
	return resp, nil
}

// ramListVirtualMFADevices lists the virtual MFA devices bound to users
// (MFADevice of Type VMFA), with the user they are bound to. Unbound
// devices are not modelled.
func ramListVirtualMFADevices(c *call) (map[string]any, *APIError) {
	var out []json.RawMessage
	for _, raw := range c.objects("ram", "Users") {
		var u ramUser
		decodeInto(raw, &u)
		if u.MFADevice == nil || orDefault(u.MFADevice.Type, "VMFA") != "VMFA" {
			continue
		}
		b, _ := json.Marshal(map[string]any{ // strings always marshal
			"SerialNumber": u.MFADevice.SerialNumber, "ActivateDate": u.MFADevice.ActivateDate,
			"User": map[string]any{"UserId": orDefault(u.UserId, ramUserID(ramAccount(c), u.UserName)),
				"UserName": u.UserName, "DisplayName": u.DisplayName},
		})
		out = append(out, b)
	}
	return map[string]any{"VirtualMFADevices": list("VirtualMFADevice", out)}, nil
}

// ramListGroups answers ListGroups (members and policies stripped).
func ramListGroups(c *call) (map[string]any, *APIError) {
	resp := map[string]any{}
	page, aerr := ramPaginate(c, c.objects("ram", "Groups"), 100, resp)
	if aerr != nil {
		return nil, aerr
	}
	account := ramAccount(c)
	out := make([]json.RawMessage, len(page))
	for i, raw := range page {
		out[i] = patch(raw, func(m map[string]any) {
			delete(m, "Users")
			delete(m, "Policies")
			if _, ok := m["GroupId"]; !ok {
				name, _ := m["GroupName"].(string)
				m["GroupId"] = numericID("acs:ram::" + account + ":group/" + strings.ToLower(name))
			}
		})
	}
	resp["Groups"] = list("Group", out)
	return resp, nil
}

// ramListUsersForGroup answers a group's members: UserName, DisplayName
// and JoinDate.
func ramListUsersForGroup(c *call) (map[string]any, *APIError) {
	name := c.param("GroupName")
	if name == "" {
		return nil, errMissing("GroupName")
	}
	_, raw, ok := c.find("ram", "Groups", name)
	if !ok {
		return nil, ramGroupKind.notFound
	}
	var g ramGroup
	decodeInto(raw, &g)
	members := make([]json.RawMessage, 0, len(g.Users.User))
	for _, m := range g.Users.User {
		display := ""
		if _, uraw, ok := c.find("ram", "Users", m.UserName); ok {
			display = fieldString(uraw, "DisplayName")
		}
		b, _ := json.Marshal(map[string]string{"UserName": m.UserName, "DisplayName": display, "JoinDate": m.JoinDate})
		members = append(members, b)
	}
	resp := map[string]any{}
	page, aerr := ramPaginate(c, members, 100, resp)
	if aerr != nil {
		return nil, aerr
	}
	resp["Users"] = list("User", page)
	return resp, nil
}

// ramListGroupsForUser answers the groups a user belongs to.
func ramListGroupsForUser(c *call) (map[string]any, *APIError) {
	_, _, u, aerr := ramUserByParam(c)
	if aerr != nil {
		return nil, aerr
	}
	var out []json.RawMessage
	for _, raw := range c.objects("ram", "Groups") {
		var g ramGroup
		decodeInto(raw, &g)
		for _, m := range g.Users.User {
			if strings.EqualFold(m.UserName, u.UserName) {
				b, _ := json.Marshal(map[string]string{"GroupName": g.GroupName, "Comments": g.Comments, "JoinDate": m.JoinDate})
				out = append(out, b)
			}
		}
	}
	return map[string]any{"Groups": list("Group", out)}, nil
}

// ramListRoles answers ListRoles: the roles without their trust policy
// (GetRole returns it) or attachments.
func ramListRoles(c *call) (map[string]any, *APIError) {
	resp := map[string]any{}
	page, aerr := ramPaginate(c, c.objects("ram", "Roles"), 100, resp)
	if aerr != nil {
		return nil, aerr
	}
	out := make([]json.RawMessage, len(page))
	for i, raw := range page {
		out[i] = without(roleView(raw, ramAccount(c)), "AssumeRolePolicyDocument", "Policies")
	}
	resp["Roles"] = list("Role", out)
	return resp, nil
}

// ramGetRole answers GetRole.
func ramGetRole(c *call) (map[string]any, *APIError) {
	name := c.param("RoleName")
	if name == "" {
		return nil, errMissing("RoleName")
	}
	_, raw, ok := c.find("ram", "Roles", name)
	if !ok {
		return nil, errRAMRoleNotFound
	}
	return map[string]any{"Role": without(roleView(raw, c.st.inv.AccountID), "Policies")}, nil
}

// ramAttachments maps "Type:lower-case name" of every policy to the
// entities it is attached to.
type ramEntityRef struct {
	kind ramKind
	raw  json.RawMessage
	at   ramAttachment
}

func ramAttachments(c *call) map[string][]ramEntityRef {
	out := map[string][]ramEntityRef{}
	for _, k := range []ramKind{ramUserKind, ramGroupKind, ramRoleKind} {
		for _, raw := range c.objects("ram", k.collection) {
			var e struct {
				Policies struct{ Policy []ramAttachment }
			}
			decodeInto(raw, &e)
			for _, a := range e.Policies.Policy {
				key := ramPolicyKey(a.PolicyType, a.PolicyName)
				out[key] = append(out[key], ramEntityRef{kind: k, raw: raw, at: a})
			}
		}
	}
	return out
}

func ramPolicyKey(typ, name string) string { return strings.ToLower(typ + ":" + name) }

// ramPolicyView is a stored policy as ListPolicies returns it.
func ramPolicyView(raw json.RawMessage, attachments int) json.RawMessage {
	return patch(raw, func(m map[string]any) {
		delete(m, "PolicyDocument")
		if _, ok := m["DefaultVersion"]; !ok {
			m["DefaultVersion"] = "v1"
		}
		m["AttachmentCount"] = attachments
	})
}

// ramListPolicies answers ListPolicies, optionally filtered by PolicyType
// (System or Custom), with AttachmentCount counted from the attachments.
func ramListPolicies(c *call) (map[string]any, *APIError) {
	typ := c.param("PolicyType")
	if typ != "" && typ != "System" && typ != "Custom" {
		return nil, errInvalid("PolicyType")
	}
	var objs []json.RawMessage
	for _, raw := range c.objects("ram", "Policies") {
		if typ == "" || fieldString(raw, "PolicyType") == typ {
			objs = append(objs, raw)
		}
	}
	resp := map[string]any{}
	page, aerr := ramPaginate(c, objs, 100, resp)
	if aerr != nil {
		return nil, aerr
	}
	att := ramAttachments(c)
	out := make([]json.RawMessage, len(page))
	for i, raw := range page {
		out[i] = ramPolicyView(raw, len(att[ramPolicyKey(fieldString(raw, "PolicyType"), fieldString(raw, "PolicyName"))]))
	}
	resp["Policies"] = list("Policy", out)
	return resp, nil
}

// ramPolicyParam finds the policy PolicyType and PolicyName name.
func ramPolicyParam(c *call) (json.RawMessage, *ramPolicy, *APIError) {
	typ, name := c.param("PolicyType"), c.param("PolicyName")
	if typ == "" {
		return nil, nil, errMissing("PolicyType")
	}
	if name == "" {
		return nil, nil, errMissing("PolicyName")
	}
	if typ != "System" && typ != "Custom" {
		return nil, nil, errInvalid("PolicyType")
	}
	_, raw, ok := c.find("ram", "Policies", name)
	if !ok || fieldString(raw, "PolicyType") != typ {
		return nil, nil, errPolicyNotFound
	}
	var p ramPolicy
	decodeInto(raw, &p)
	p.DefaultVersion = orDefault(p.DefaultVersion, "v1")
	return raw, &p, nil
}

// ramGetPolicy answers the policy with its default version's document.
func ramGetPolicy(c *call) (map[string]any, *APIError) {
	raw, p, aerr := ramPolicyParam(c)
	if aerr != nil {
		return nil, aerr
	}
	n := len(ramAttachments(c)[ramPolicyKey(p.PolicyType, p.PolicyName)])
	pol := patch(ramPolicyView(raw, n), func(m map[string]any) { m["PolicyDocument"] = p.PolicyDocument })
	return map[string]any{"Policy": pol, "DefaultPolicyVersion": map[string]any{
		"VersionId": p.DefaultVersion, "IsDefaultVersion": true, "PolicyDocument": p.PolicyDocument,
		"CreateDate": orDefault(p.UpdateDate, p.CreateDate)}}, nil
}

// ramGetPolicyVersion answers the default version; only it is modelled.
func ramGetPolicyVersion(c *call) (map[string]any, *APIError) {
	_, p, aerr := ramPolicyParam(c)
	if aerr != nil {
		return nil, aerr
	}
	v := c.param("VersionId")
	if v == "" {
		return nil, errMissing("VersionId")
	}
	if !strings.EqualFold(v, p.DefaultVersion) {
		return nil, &APIError{Status: http.StatusNotFound, Code: "EntityNotExist.Policy.Version", Message: "The policy version does not exist."}
	}
	return map[string]any{"PolicyVersion": map[string]any{"VersionId": p.DefaultVersion, "IsDefaultVersion": true,
		"PolicyDocument": p.PolicyDocument, "CreateDate": orDefault(p.UpdateDate, p.CreateDate)}}, nil
}

// ramListPoliciesFor answers ListPoliciesForUser/Group/Role: the attached
// policies with their AttachDate.
func ramListPoliciesFor(k ramKind) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		name := c.param(k.param)
		if name == "" {
			return nil, errMissing(k.param)
		}
		_, raw, ok := c.find("ram", k.collection, name)
		if !ok {
			return nil, k.notFound
		}
		var e struct {
			Policies struct{ Policy []ramAttachment }
		}
		decodeInto(raw, &e)
		out := make([]json.RawMessage, 0, len(e.Policies.Policy))
		for _, a := range e.Policies.Policy {
			view := map[string]any{"PolicyName": a.PolicyName, "PolicyType": a.PolicyType, "AttachDate": a.AttachDate}
			if _, praw, ok := c.find("ram", "Policies", a.PolicyName); ok {
				var p ramPolicy
				decodeInto(praw, &p)
				view["PolicyName"], view["Description"], view["DefaultVersion"] = p.PolicyName, p.Description, orDefault(p.DefaultVersion, "v1")
			}
			b, _ := json.Marshal(view) // strings always marshal
			out = append(out, b)
		}
		return map[string]any{"Policies": list("Policy", out)}, nil
	}
}

// ramListEntitiesForPolicy answers the users, groups and roles a policy is
// attached to.
func ramListEntitiesForPolicy(c *call) (map[string]any, *APIError) {
	_, p, aerr := ramPolicyParam(c)
	if aerr != nil {
		return nil, aerr
	}
	account := ramAccount(c)
	lists := map[string][]json.RawMessage{"User": {}, "Group": {}, "Role": {}}
	for _, ref := range ramAttachments(c)[ramPolicyKey(p.PolicyType, p.PolicyName)] {
		var view map[string]any
		switch ref.kind.name {
		case "User":
			var u ramUser
			decodeInto(ref.raw, &u)
			view = map[string]any{"UserId": orDefault(u.UserId, ramUserID(account, u.UserName)), "UserName": u.UserName,
				"DisplayName": u.DisplayName}
		case "Group":
			var g ramGroup
			decodeInto(ref.raw, &g)
			view = map[string]any{"GroupName": g.GroupName, "Comments": g.Comments}
		case "Role":
			var r struct{ RoleName, RoleId, Arn, Description string }
			decodeInto(roleView(ref.raw, account), &r)
			view = map[string]any{"RoleName": r.RoleName, "RoleId": r.RoleId, "Arn": r.Arn, "Description": r.Description}
		}
		view["AttachDate"] = ref.at.AttachDate
		b, _ := json.Marshal(view) // strings always marshal
		lists[ref.kind.name] = append(lists[ref.kind.name], b)
	}
	return map[string]any{"Users": list("User", lists["User"]), "Groups": list("Group", lists["Group"]),
		"Roles": list("Role", lists["Role"])}, nil
}

// ramAttach serves AttachPolicyTo* (attach) and DetachPolicyFrom*. A
// policy attached twice answers 409 EntityAlreadyExists.<Kind>.Policy, a
// detach of a policy not attached 404 EntityNotExist.<Kind>.Policy (codes
// chosen without a live confirmation).
func ramAttach(k ramKind, attach bool) func(*call) (map[string]any, *APIError) {
	return func(c *call) (map[string]any, *APIError) {
		_, p, aerr := ramPolicyParam(c)
		if aerr != nil {
			return nil, aerr
		}
		name := c.param(k.param)
		if name == "" {
			return nil, errMissing(k.param)
		}
		i, raw, ok := c.find("ram", k.collection, name)
		if !ok {
			return nil, k.notFound
		}
		var e struct {
			Policies struct{ Policy []ramAttachment }
		}
		decodeInto(raw, &e)
		atts := e.Policies.Policy
		at := -1
		for j, a := range atts {
			if strings.EqualFold(a.PolicyName, p.PolicyName) && strings.EqualFold(a.PolicyType, p.PolicyType) {
				at = j
			}
		}
		switch {
		case attach && at >= 0:
			return nil, Errorf(http.StatusConflict, "EntityAlreadyExists."+k.name+".Policy", "The policy is already attached to the %s.", strings.ToLower(k.name))
		case !attach && at < 0:
			return nil, Errorf(http.StatusNotFound, "EntityNotExist."+k.name+".Policy", "The policy is not attached to the %s.", strings.ToLower(k.name))
		case attach:
			atts = append(atts, ramAttachment{PolicyName: p.PolicyName, PolicyType: p.PolicyType, AttachDate: timestamp(c.now)})
		default:
			atts = append(atts[:at:at], atts[at+1:]...)
		}
		c.replace("ram", k.collection, i, patch(raw, func(m map[string]any) {
			if len(atts) == 0 {
				delete(m, "Policies")
				return
			}
			m["Policies"] = map[string]any{"Policy": atts}
		}))
		return map[string]any{}, nil
	}
}

// roleArn is the ARN Alibaba gives a role: the name in lower case.
func roleArn(account, name string) string {
	return "acs:ram::" + account + ":role/" + strings.ToLower(name)
}

// roleView fills the derived Arn and RoleId of a stored role.
func roleView(raw json.RawMessage, account string) json.RawMessage {
	m := fields(raw)
	if _, ok := m["Arn"]; ok {
		if _, ok := m["RoleId"]; ok {
			return raw
		}
	}
	return patch(raw, func(m map[string]any) {
		name, _ := m["RoleName"].(string)
		if _, ok := m["Arn"]; !ok {
			m["Arn"] = roleArn(account, name)
		}
		if _, ok := m["RoleId"]; !ok {
			m["RoleId"] = numericID(roleArn(account, name))
		}
	})
}

// stringList is a policy value that may be one string or a list.
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings")
	}
	*s = many
	return nil
}

// trustPolicy is a role's AssumeRolePolicyDocument.
type trustPolicy struct {
	Version   string
	Statement []struct {
		Effect    string
		Action    stringList
		Principal struct {
			RAM       stringList
			Service   stringList
			Federated stringList
		}
		Condition map[string]map[string]stringList
	}
}

func parseTrustPolicy(doc string) (*trustPolicy, error) {
	var p trustPolicy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("not a trust policy: %v", err)
	}
	if len(p.Statement) == 0 {
		return nil, fmt.Errorf("trust policy has no Statement")
	}
	for i, st := range p.Statement {
		if e := strings.ToLower(st.Effect); e != "allow" && e != "deny" {
			return nil, fmt.Errorf("trust policy Statement[%d].Effect %q is not Allow or Deny", i, st.Effect)
		}
	}
	return &p, nil
}

// trustResult is the outcome of checking a trust policy.
type trustResult int

const (
	trustDenied           trustResult = iota // no statement trusts the caller
	trustAllowed                             // an Allow statement matched fully
	trustExternalMismatch                    // the caller is trusted but sts:ExternalId does not match
)

// evaluate checks whether caller may assume the role with externalID. It
// honours Allow and Deny statements whose Action covers sts:AssumeRole,
// RAM principals (an account's ":root" trusts every identity of that
// account; a user or role ARN trusts that identity and sessions of that
// role) and the StringEquals sts:ExternalId condition. Other condition
// keys are ignored.
func (p *trustPolicy) evaluate(caller *identity, externalID string) trustResult {
	result := trustDenied
	for _, st := range p.Statement {
		if !actionCovers(st.Action) || !principalMatches(st.Principal.RAM, caller) {
			continue
		}
		extOK := true
		for op, conds := range st.Condition {
			for key, vals := range conds {
				if strings.EqualFold(key, "sts:ExternalId") && strings.EqualFold(op, "StringEquals") {
					found := false
					for _, v := range vals {
						found = found || v == externalID
					}
					extOK = extOK && found
				}
			}
		}
		if strings.EqualFold(st.Effect, "deny") {
			if extOK {
				return trustDenied
			}
			continue
		}
		switch {
		case extOK:
			result = trustAllowed
		case result == trustDenied:
			result = trustExternalMismatch
		}
	}
	return result
}

func actionCovers(actions stringList) bool {
	for _, a := range actions {
		if a == "*" || strings.EqualFold(a, "sts:AssumeRole") || strings.EqualFold(a, "sts:*") {
			return true
		}
	}
	return false
}

func principalMatches(principals stringList, caller *identity) bool {
	for _, p := range principals {
		switch {
		case p == "*":
			return true
		case strings.EqualFold(p, "acs:ram::"+caller.accountID+":root"):
			return true
		case strings.EqualFold(p, caller.arn):
			return true
		case caller.kind == "AssumedRoleUser" && strings.EqualFold(p, roleArn(caller.accountID, caller.roleName)):
			return true
		}
	}
	return false
}
