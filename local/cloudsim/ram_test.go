package cloudsim_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

func init() { apis["Ims"] = "2019-08-15" }

// names collects one string field of a list's items, sorted.
func names(resp map[string]any, wrapper, item, field string) []string {
	out := []string{}
	for _, m := range items(resp, wrapper, item) {
		s, _ := m[field].(string)
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// obj digs out a nested object.
func obj(m map[string]any, path ...string) map[string]any {
	for _, p := range path {
		m, _ = m[p].(map[string]any)
	}
	return m
}

func TestRAMReads(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	ram := func(action string, params map[string]string) map[string]any {
		t.Helper()
		return mustCall(t, c, "Ram", action, "", params)
	}
	ims := func(action string, params map[string]string) map[string]any {
		t.Helper()
		return mustCall(t, c, "Ims", action, "", params)
	}

	// Marker paging: 4 users two at a time.
	var paged []string
	marker := ""
	calls := 0
	for {
		p := map[string]string{"MaxItems": "2"}
		if marker != "" {
			p["Marker"] = marker
		}
		resp := ram("ListUsers", p)
		calls++
		for _, u := range items(resp, "Users", "User") {
			paged = append(paged, u["UserName"].(string))
			if _, ok := u["LastLoginDate"]; ok {
				t.Errorf("RAM ListUsers item %v carries LastLoginDate; only GetUser returns it", u["UserName"])
			}
			if _, ok := u["LoginProfile"]; ok {
				t.Errorf("ListUsers item %v carries the embedded LoginProfile", u["UserName"])
			}
		}
		if resp["IsTruncated"] != true {
			if _, ok := resp["Marker"]; ok {
				t.Errorf("last page carries a Marker: %v", resp["Marker"])
			}
			break
		}
		marker, _ = resp["Marker"].(string)
		if calls > 5 {
			t.Fatal("ListUsers never stops truncating")
		}
	}
	if want := []string{"alice", "bob", "carol", "ci-deploy"}; !reflect.DeepEqual(paged, want) || calls != 2 {
		t.Errorf("ListUsers MaxItems=2 gave %v in %d calls; want %v in 2", paged, calls, want)
	}

	imsUsers := ims("ListUsers", nil)
	if got := names(imsUsers, "Users", "User", "UserPrincipalName"); len(got) != 4 || got[0] != "alice@acme-retail.onaliyun.com" {
		t.Errorf("IMS ListUsers principal names = %v", got)
	}
	for _, u := range items(imsUsers, "Users", "User") {
		if u["UserPrincipalName"] == "carol@acme-retail.onaliyun.com" && u["LastLoginDate"] != "2024-05-10T07:45:00Z" {
			t.Errorf("IMS ListUsers carol LastLoginDate = %v; want 2024-05-10T07:45:00Z", u["LastLoginDate"])
		}
	}

	tests := []struct {
		what      string
		got, want any
	}{
		{"RAM GetUser LastLoginDate", obj(ram("GetUser", map[string]string{"UserName": "carol"}), "User")["LastLoginDate"], "2024-05-10T07:45:00Z"},
		{"IMS GetUser by access key", obj(ims("GetUser", map[string]string{"UserAccessKeyId": "LTAI5tAcmeCiDeploy01"}), "User")["UserPrincipalName"],
			"ci-deploy@acme-retail.onaliyun.com"},
		{"IMS login profile status", obj(ims("GetLoginProfile", map[string]string{"UserPrincipalName": "bob@acme-retail.onaliyun.com"}), "LoginProfile")["Status"], "Active"},
		{"RAM login profile MFABindRequired", obj(ram("GetLoginProfile", map[string]string{"UserName": "alice"}), "LoginProfile")["MFABindRequired"], true},
		{"access keys of ci-deploy", names(ims("ListAccessKeys", map[string]string{"UserPrincipalName": "ci-deploy@acme-retail.onaliyun.com"}),
			"AccessKeys", "AccessKey", "Status"), []string{"Active", "Inactive"}},
		{"key last used", obj(ims("GetAccessKeyLastUsed", map[string]string{"UserPrincipalName": "ci-deploy@acme-retail.onaliyun.com",
			"UserAccessKeyId": "LTAI5tAcmeCiDeploy01"}), "AccessKeyLastUsed")["ServiceName"], "oss"},
		{"carol's U2F key", obj(ims("GetUserMFAInfo", map[string]string{"UserPrincipalName": "carol@acme-retail.onaliyun.com"}), "MFADevice")["Type"], "U2F"},
		{"virtual MFA devices", names(ram("ListVirtualMFADevices", nil), "VirtualMFADevices", "VirtualMFADevice", "SerialNumber"),
			[]string{"acs:ram::1357924680135792:mfa/alice"}},
		{"groups", names(ram("ListGroups", nil), "Groups", "Group", "GroupName"), []string{"acme-admins", "acme-developers"}},
		{"developers", names(ram("ListUsersForGroup", map[string]string{"GroupName": "acme-developers"}), "Users", "User", "UserName"), []string{"bob", "carol"}},
		{"bob's groups", names(ram("ListGroupsForUser", map[string]string{"UserName": "bob"}), "Groups", "Group", "GroupName"), []string{"acme-developers"}},
		{"custom policies", names(ram("ListPolicies", map[string]string{"PolicyType": "Custom"}), "Policies", "Policy", "PolicyName"),
			[]string{"AcmeDeveloperAccess", "AcmeLegacyBilling", "AcmeOpsFullAccess", "AcmeOrderServiceAccess"}},
		{"ci-deploy policies", names(ram("ListPoliciesForUser", map[string]string{"UserName": "ci-deploy"}), "Policies", "Policy", "PolicyName"),
			[]string{"AdministratorAccess"}},
		{"role policies", names(ram("ListPoliciesForRole", map[string]string{"RoleName": "CSPMAuditRole"}), "Policies", "Policy", "PolicyName"),
			[]string{"AliyunRAMReadOnlyAccess", "ReadOnlyAccess"}},
		{"IMS password policy", obj(ims("GetPasswordPolicy", nil), "PasswordPolicy")["MinimumPasswordLength"], float64(8)},
		{"RAM password policy spelling", fmt.Sprint(obj(ram("GetPasswordPolicy", nil), "PasswordPolicy")["HardExpiry"]), "false"},
		{"security preference", obj(ims("GetSecurityPreference", nil), "SecurityPreference", "LoginProfilePreference")["MFAOperationForLogin"], "independent"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v; want %#v", tt.what, tt.got, tt.want)
		}
	}

	// Policies: attachment counts and the default version's document.
	counts := map[string]int{}
	for _, p := range items(ram("ListPolicies", map[string]string{"MaxItems": "1000"}), "Policies", "Policy") {
		counts[p["PolicyName"].(string)] = num(p["AttachmentCount"])
		if _, ok := p["PolicyDocument"]; ok {
			t.Errorf("ListPolicies item %v carries PolicyDocument", p["PolicyName"])
		}
	}
	if counts["AdministratorAccess"] != 2 || counts["AliyunOSSFullAccess"] != 0 || counts["AcmeOpsFullAccess"] != 1 || len(counts) != 9 {
		t.Errorf("AttachmentCount = %v; want AdministratorAccess 2, AcmeOpsFullAccess 1, AliyunOSSFullAccess 0, 9 policies", counts)
	}
	pol := ram("GetPolicy", map[string]string{"PolicyType": "System", "PolicyName": "AdministratorAccess"})
	if doc := obj(pol, "DefaultPolicyVersion")["PolicyDocument"]; doc != `{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"1"}` {
		t.Errorf("GetPolicy AdministratorAccess DefaultPolicyVersion.PolicyDocument = %v", doc)
	}
	ent := ram("ListEntitiesForPolicy", map[string]string{"PolicyType": "System", "PolicyName": "AdministratorAccess"})
	if u, r := names(ent, "Users", "User", "UserName"), names(ent, "Roles", "Role", "RoleName"); !reflect.DeepEqual(u, []string{"ci-deploy"}) ||
		!reflect.DeepEqual(r, []string{"AcmeVendorSupportRole"}) || len(items(ent, "Groups", "Group")) != 0 {
		t.Errorf("ListEntitiesForPolicy(AdministratorAccess) users %v roles %v groups %v; want ci-deploy, AcmeVendorSupportRole, none",
			u, r, items(ent, "Groups", "Group"))
	}
	for _, r := range items(ram("ListRoles", nil), "Roles", "Role") {
		if _, ok := r["AssumeRolePolicyDocument"]; ok || r["Arn"] == "" {
			t.Errorf("ListRoles item %v: trust policy must be left to GetRole, Arn set", r)
		}
	}
	if doc, _ := obj(ram("GetRole", map[string]string{"RoleName": "AcmeVendorSupportRole"}), "Role")["AssumeRolePolicyDocument"].(string); !strings.Contains(doc, "1098765432109876") {
		t.Errorf("GetRole AssumeRolePolicyDocument = %q", doc)
	}
	report := obj(ims("GetAccountSecurityPracticeReport", nil), "AccountSecurityPracticeInfo", "AccountSecurityPracticeUserInfo")
	if num(report["RootWithAccessKey"]) != 1 || report["BindMfa"] != true || num(report["SubUser"]) != 4 || num(report["SubUserBindMfa"]) != 2 {
		t.Errorf("security report = %v; want RootWithAccessKey 1, BindMfa true, SubUser 4, SubUserBindMfa 2", report)
	}

	errs := []struct {
		name, product, action string
		params                map[string]string
		status                int
		code                  string
	}{
		{"no console password", "Ram", "GetLoginProfile", map[string]string{"UserName": "ci-deploy"}, 404, "EntityNotExist.User.LoginProfile"},
		{"no console password (IMS)", "Ims", "GetLoginProfile", map[string]string{"UserPrincipalName": "ci-deploy@acme-retail.onaliyun.com"}, 404, "EntityNotExist.User.LoginProfile"},
		{"no MFA device", "Ims", "GetUserMFAInfo", map[string]string{"UserPrincipalName": "bob@acme-retail.onaliyun.com"}, 404, "EntityNotExist.User.MFADevice"},
		{"unknown user", "Ram", "ListAccessKeys", map[string]string{"UserName": "mallory"}, 404, "EntityNotExist.User"},
		{"wrong domain", "Ims", "ListAccessKeys", map[string]string{"UserPrincipalName": "bob@other.onaliyun.com"}, 404, "EntityNotExist.User"},
		{"page too large", "Ram", "ListUsers", map[string]string{"MaxItems": "1001"}, 400, "InvalidParameter"},
		{"bad marker", "Ram", "ListRoles", map[string]string{"Marker": "nope"}, 400, "InvalidParameter.Marker"},
		{"unknown policy", "Ram", "GetPolicy", map[string]string{"PolicyType": "Custom", "PolicyName": "AdministratorAccess"}, 404, "EntityNotExist.Policy"},
		{"unknown role", "Ram", "GetRole", map[string]string{"RoleName": "Nope"}, 404, "EntityNotExist.Role"},
		{"IMS has no ListRoles", "Ims", "ListRoles", nil, 404, "InvalidAction.NotFound"},
		{"unknown RAM action", "Ram", "ListUsersEverywhere", nil, 404, "InvalidAction.NotFound"},
	}
	for _, tt := range errs {
		_, err := call(t, c, tt.product, tt.action, "", tt.params)
		if err == nil {
			t.Errorf("%s: %s.%s succeeded; want %d %s", tt.name, tt.product, tt.action, tt.status, tt.code)
			continue
		}
		if se := serverError(t, err); se.HttpStatus() != tt.status || se.ErrorCode() != tt.code {
			t.Errorf("%s: %s.%s = %d %s; want %d %s", tt.name, tt.product, tt.action, se.HttpStatus(), se.ErrorCode(), tt.status, tt.code)
		}
	}
}

func TestRAMPermissionDenied(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{"Ims": true}}})
	c := defaultClient(t, srv)
	_, err := call(t, c, "Ims", "ListUsers", "", nil)
	if err == nil {
		t.Fatal("Ims.ListUsers succeeded with Ims denied")
	}
	se := serverError(t, err)
	action := se.AccessDeniedDetail()["AuthAction"]
	if se.HttpStatus() != 403 || se.ErrorCode() != "NoPermission" || action != "ims:ListUsers" {
		t.Errorf("denied Ims.ListUsers = %d %s (AuthAction %v); want 403 NoPermission for ims:ListUsers",
			se.HttpStatus(), se.ErrorCode(), action)
	}
	if _, err := call(t, c, "Ram", "ListUsers", "", nil); err != nil {
		t.Errorf("Ram.ListUsers with only Ims denied: %v", err)
	}
}

func TestRAMWrites(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	must := func(product, action string, params map[string]string) map[string]any {
		t.Helper()
		return mustCall(t, c, product, action, "", params)
	}
	const bob, ci = "bob@acme-retail.onaliyun.com", "ci-deploy@acme-retail.onaliyun.com"

	// Password policy: only the given fields change.
	must("Ims", "SetPasswordPolicy", map[string]string{"MinimumPasswordLength": "14", "RequireSymbols": "true", "PasswordReusePrevention": "5"})
	pp := obj(must("Ims", "GetPasswordPolicy", nil), "PasswordPolicy")
	if num(pp["MinimumPasswordLength"]) != 14 || pp["RequireSymbols"] != true || num(pp["PasswordReusePrevention"]) != 5 ||
		pp["RequireUppercaseCharacters"] != true || num(pp["MaxLoginAttemps"]) != 5 {
		t.Errorf("password policy after the fix = %v; want length 14, symbols, reuse 5, the rest unchanged", pp)
	}
	must("Ram", "SetPasswordPolicy", map[string]string{"HardExpiry": "true"})
	if obj(must("Ims", "GetPasswordPolicy", nil), "PasswordPolicy")["HardExpire"] != true {
		t.Errorf("RAM SetPasswordPolicy HardExpiry=true did not set IMS HardExpire")
	}

	// Security preference.
	must("Ims", "SetSecurityPreference", map[string]string{"MFAOperationForLogin": "mandatory", "AllowUserToManageAccessKeys": "false"})
	lp := obj(must("Ims", "GetSecurityPreference", nil), "SecurityPreference", "LoginProfilePreference")
	if lp["MFAOperationForLogin"] != "mandatory" || lp["EnforceMFAForLogin"] != true || num(lp["LoginSessionDuration"]) != 6 {
		t.Errorf("LoginProfilePreference after the fix = %v; want mandatory MFA, EnforceMFAForLogin true, session 6", lp)
	}

	// Access keys: deactivate, then delete.
	must("Ims", "UpdateAccessKey", map[string]string{"UserPrincipalName": ci, "UserAccessKeyId": "LTAI5tAcmeCiDeploy01", "Status": "Inactive"})
	if got := names(must("Ims", "ListAccessKeys", map[string]string{"UserPrincipalName": ci}), "AccessKeys", "AccessKey", "Status"); !reflect.DeepEqual(got, []string{"Inactive", "Inactive"}) {
		t.Errorf("key statuses after UpdateAccessKey = %v; want both Inactive", got)
	}
	must("Ram", "DeleteAccessKey", map[string]string{"UserName": "ci-deploy", "UserAccessKeyId": "LTAI5tAcmeCiDeploy02"})
	if got := names(must("Ram", "ListAccessKeys", map[string]string{"UserName": "ci-deploy"}), "AccessKeys", "AccessKey", "AccessKeyId"); !reflect.DeepEqual(got, []string{"LTAI5tAcmeCiDeploy01"}) {
		t.Errorf("keys after DeleteAccessKey = %v; want only LTAI5tAcmeCiDeploy01", got)
	}

	// Policy attachment: detach from the user, attach to a group.
	adm := map[string]string{"PolicyType": "System", "PolicyName": "AdministratorAccess", "UserName": "ci-deploy"}
	must("Ram", "DetachPolicyFromUser", adm)
	if got := items(must("Ram", "ListPoliciesForUser", map[string]string{"UserName": "ci-deploy"}), "Policies", "Policy"); len(got) != 0 {
		t.Errorf("ci-deploy policies after DetachPolicyFromUser = %v; want none", got)
	}
	must("Ram", "AttachPolicyToGroup", map[string]string{"PolicyType": "Custom", "PolicyName": "AcmeLegacyBilling", "GroupName": "acme-admins"})
	ent := must("Ram", "ListEntitiesForPolicy", map[string]string{"PolicyType": "Custom", "PolicyName": "AcmeLegacyBilling"})
	if got := names(ent, "Groups", "Group", "GroupName"); !reflect.DeepEqual(got, []string{"acme-admins"}) {
		t.Errorf("AcmeLegacyBilling attached to %v after AttachPolicyToGroup; want acme-admins", got)
	}

	// Login profiles: require MFA, disable console logon, create one.
	must("Ims", "UpdateLoginProfile", map[string]string{"UserPrincipalName": bob, "MFABindRequired": "true"})
	must("Ims", "UpdateLoginProfile", map[string]string{"UserPrincipalName": "carol@acme-retail.onaliyun.com", "Status": "Inactive"})
	if lp := obj(must("Ram", "GetLoginProfile", map[string]string{"UserName": "bob"}), "LoginProfile"); lp["MFABindRequired"] != true {
		t.Errorf("bob's login profile after UpdateLoginProfile = %v; want MFABindRequired", lp)
	}
	if lp := obj(must("Ims", "GetLoginProfile", map[string]string{"UserPrincipalName": "carol@acme-retail.onaliyun.com"}), "LoginProfile"); lp["Status"] != "Inactive" {
		t.Errorf("carol's login profile Status = %v; want Inactive", lp["Status"])
	}
	must("Ims", "CreateLoginProfile", map[string]string{"UserPrincipalName": ci, "Password": "Correct-Horse-42-battery", "MFABindRequired": "true"})
	if lp := obj(must("Ims", "GetLoginProfile", map[string]string{"UserPrincipalName": ci}), "LoginProfile"); lp["Status"] != "Active" || lp["MFABindRequired"] != true {
		t.Errorf("created login profile = %v; want Active with MFABindRequired", lp)
	}
	must("Ram", "DeleteLoginProfile", map[string]string{"UserName": "ci-deploy"})

	errs := []struct {
		name, product, action string
		params                map[string]string
		status                int
		code                  string
	}{
		{"length below the minimum", "Ims", "SetPasswordPolicy", map[string]string{"MinimumPasswordLength": "6"}, 400, "InvalidParameter"},
		{"not a boolean", "Ims", "SetPasswordPolicy", map[string]string{"RequireSymbols": "yes"}, 400, "InvalidParameter"},
		{"bad MFA operation", "Ims", "SetSecurityPreference", map[string]string{"MFAOperationForLogin": "sometimes"}, 400, "InvalidParameter"},
		{"bad network mask", "Ims", "SetSecurityPreference", map[string]string{"LoginNetworkMasks": "10.0.0.0/8;nonsense"}, 400, "InvalidParameter"},
		{"bad key status", "Ims", "UpdateAccessKey", map[string]string{"UserPrincipalName": bob, "UserAccessKeyId": "LTAI5tAcmeBob0000001", "Status": "Off"}, 400, "InvalidParameter"},
		{"unknown key", "Ims", "DeleteAccessKey", map[string]string{"UserPrincipalName": bob, "UserAccessKeyId": "LTAI5tNope"}, 404, "EntityNotExist.User.AccessKey"},
		{"detach twice", "Ram", "DetachPolicyFromUser", adm, 404, "EntityNotExist.User.Policy"},
		{"attach twice", "Ram", "AttachPolicyToRole", map[string]string{"PolicyType": "System", "PolicyName": "ReadOnlyAccess", "RoleName": "CSPMAuditRole"}, 409, "EntityAlreadyExists.Role.Policy"},
		{"attach unknown policy", "Ram", "AttachPolicyToUser", map[string]string{"PolicyType": "Custom", "PolicyName": "Nope", "UserName": "bob"}, 404, "EntityNotExist.Policy"},
		{"second login profile", "Ims", "CreateLoginProfile", map[string]string{"UserPrincipalName": bob, "Password": "Correct-Horse-42-battery"}, 409, "EntityAlreadyExists.User.LoginProfile"},
		{"weak password", "Ims", "CreateLoginProfile", map[string]string{"UserPrincipalName": ci, "Password": "short1A!"}, 400, "InvalidParameter.Password"},
		{"update missing profile", "Ram", "UpdateLoginProfile", map[string]string{"UserName": "ci-deploy", "MFABindRequired": "true"}, 404, "EntityNotExist.User.LoginProfile"},
	}
	for _, tt := range errs {
		_, err := call(t, c, tt.product, tt.action, "", tt.params)
		if err == nil {
			t.Errorf("%s: %s.%s succeeded; want %d %s", tt.name, tt.product, tt.action, tt.status, tt.code)
			continue
		}
		if se := serverError(t, err); se.HttpStatus() != tt.status || se.ErrorCode() != tt.code {
			t.Errorf("%s: %s.%s = %d %s; want %d %s", tt.name, tt.product, tt.action, se.HttpStatus(), se.ErrorCode(), tt.status, tt.code)
		}
	}

	// The writes are in the server's inventory, and it still validates.
	inv := srv.Inventory()
	if err := inv.Validate(); err != nil {
		t.Errorf("inventory after the writes does not validate: %v", err)
	}
	if n := len(inv.Objects("", "ram", "PasswordPolicy")); n != 1 {
		t.Errorf("PasswordPolicy objects after the writes = %d; want 1", n)
	}
}

func TestRAMInventoryRejects(t *testing.T) {
	base := `{"account_id":"1357924680135792","regions":{},"global":{"ram":%s}}`
	tests := []struct{ ram, want string }{
		{`{"Users":[{"UserName":"a","AccessKeys":{"AccessKey":[{"AccessKeyId":"k1","Status":"On"}]}}]}`,
			"global.ram.Users[0].AccessKeys.AccessKey[0].Status"},
		{`{"Users":[{"UserName":"a","Policies":{"Policy":[{"PolicyName":"Nope","PolicyType":"System"}]}}]}`,
			`unknown System policy "Nope"`},
		{`{"Groups":[{"GroupName":"g","Users":{"User":[{"UserName":"ghost"}]}}]}`, `unknown user "ghost"`},
		{`{"Policies":[{"PolicyName":"p","PolicyType":"Managed","PolicyDocument":"{}"}]}`, `global.ram.Policies[0].PolicyType`},
		{`{"Policies":[{"PolicyName":"p","PolicyType":"Custom","PolicyDocument":"not json"}]}`, "not a policy document"},
		{`{"PasswordPolicy":[{},{}]}`, "global.ram.PasswordPolicy: 2 objects"},
		{`{"Users":[{"UserName":"a","UserPrincipalName":"b@x.onaliyun.com"}]}`, "does not start with"},
	}
	for _, tt := range tests {
		_, err := cloudsim.ParseInventory([]byte(fmt.Sprintf(base, tt.ram)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseInventory(ram %s) = %v; want an error mentioning %q", tt.ram, err, tt.want)
		}
	}
}

// TestSampleAccountRAM pins the RAM misconfigurations sample-account.md
// lists (M32–M41).
func TestSampleAccountRAM(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	ims := func(action string, params map[string]string) map[string]any {
		t.Helper()
		return mustCall(t, c, "Ims", action, "", params)
	}
	ram := func(action string, params map[string]string) map[string]any {
		t.Helper()
		return mustCall(t, c, "Ram", action, "", params)
	}
	_, bobMFA := call(t, c, "Ims", "GetUserMFAInfo", "", map[string]string{"UserPrincipalName": "bob@acme-retail.onaliyun.com"})
	carol := obj(ims("GetLoginProfile", map[string]string{"UserPrincipalName": "carol@acme-retail.onaliyun.com"}), "LoginProfile")
	var ciKey map[string]any
	for _, k := range items(ims("ListAccessKeys", map[string]string{"UserPrincipalName": "ci-deploy@acme-retail.onaliyun.com"}), "AccessKeys", "AccessKey") {
		if k["AccessKeyId"] == "LTAI5tAcmeCiDeploy01" {
			ciKey = k
		}
	}
	pp := obj(ims("GetPasswordPolicy", nil), "PasswordPolicy")
	ops := obj(ram("GetPolicy", map[string]string{"PolicyType": "Custom", "PolicyName": "AcmeOpsFullAccess"}), "DefaultPolicyVersion")
	vendor := obj(ram("GetRole", map[string]string{"RoleName": "AcmeVendorSupportRole"}), "Role")
	report := obj(ims("GetAccountSecurityPracticeReport", nil), "AccountSecurityPracticeInfo", "AccountSecurityPracticeUserInfo")
	checks := []struct {
		id string
		ok bool
	}{
		{"M32 bob has a console password and no MFA device", bobMFA != nil && strings.Contains(bobMFA.Error(), "EntityNotExist.User.MFADevice")},
		{"M33 carol's console logon is active, last login 2024-05-10", carol["Status"] == "Active" && carol["LastLoginTime"] == "2024-05-10T07:45:00Z"},
		{"M34 ci-deploy's active key from 2023-02-14", ciKey != nil && ciKey["Status"] == "Active" && ciKey["CreateDate"] == "2023-02-14T00:00:00Z"},
		{"M35 AdministratorAccess attached to the user ci-deploy", len(items(ram("ListPoliciesForUser", map[string]string{"UserName": "ci-deploy"}), "Policies", "Policy")) == 1},
		{"M36 AcmeOpsFullAccess allows *:* on *", strings.Contains(fmt.Sprint(ops["PolicyDocument"]), `"Action":["*:*"]`)},
		{"M37 password policy does not require symbols", pp["RequireSymbols"] == false},
		{"M38 password policy minimum length 8", num(pp["MinimumPasswordLength"]) == 8},
		{"M39 password policy allows reuse", num(pp["PasswordReusePrevention"]) == 0},
		{"M40 the root account has an access key", num(report["RootWithAccessKey"]) == 1},
		{"M41 AcmeVendorSupportRole trusts another account without an ExternalId",
			strings.Contains(fmt.Sprint(vendor["AssumeRolePolicyDocument"]), "acs:ram::1098765432109876:root") &&
				!strings.Contains(fmt.Sprint(vendor["AssumeRolePolicyDocument"]), "ExternalId")},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("sample account lost misconfiguration %s", ch.id)
		}
	}
}
