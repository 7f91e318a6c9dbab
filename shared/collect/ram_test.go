package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

// addRAMCalls adds the fewest calls that collect inv's RAM inventory (once
// per account, whatever the regions) to out.
func addRAMCalls(out map[string]int, inv *cloudsim.Inventory) {
	pages := func(n, size int) int { return max(1, (n+size-1)/size) }
	add := func(api string, n int) {
		if n > 0 {
			out[api] += n
		}
	}
	type attachments struct {
		Policies struct {
			Policy []struct{ PolicyName, PolicyType string }
		}
	}
	attached := map[string]bool{}
	note := func(raw json.RawMessage) {
		var a attachments
		_ = json.Unmarshal(raw, &a)
		for _, p := range a.Policies.Policy {
			attached[p.PolicyType+":"+p.PolicyName] = true
		}
	}
	users := inv.Objects("", "ram", "Users")
	add("Ims.ListUsers", pages(len(users), 1000))
	add("Ram.ListVirtualMFADevices", 1)
	for _, raw := range users {
		var u struct {
			LoginProfile json.RawMessage
			MFADevice    *struct{ Type string }
			AccessKeys   struct{ AccessKey []json.RawMessage }
		}
		_ = json.Unmarshal(raw, &u)
		add("Ims.GetLoginProfile", 1)
		add("Ims.ListAccessKeys", 1)
		add("Ims.GetAccessKeyLastUsed", len(u.AccessKeys.AccessKey))
		virtual := u.MFADevice != nil && (u.MFADevice.Type == "VMFA" || u.MFADevice.Type == "")
		if len(u.LoginProfile) > 0 && !virtual {
			add("Ims.GetUserMFAInfo", 1)
		}
		note(raw)
	}
	groups := inv.Objects("", "ram", "Groups")
	add("Ram.ListGroups", pages(len(groups), 1000))
	for _, raw := range groups {
		var g struct {
			Users struct{ User []json.RawMessage }
		}
		_ = json.Unmarshal(raw, &g)
		add("Ram.ListUsersForGroup", pages(len(g.Users.User), 1000))
		note(raw)
	}
	roles := inv.Objects("", "ram", "Roles")
	add("Ram.ListRoles", pages(len(roles), 1000))
	add("Ram.GetRole", len(roles))
	for _, raw := range roles {
		note(raw)
	}
	policies := inv.Objects("", "ram", "Policies")
	add("Ram.ListPolicies", pages(len(policies), 1000))
	for _, raw := range policies {
		var p struct{ PolicyName, PolicyType string }
		_ = json.Unmarshal(raw, &p)
		if attached[p.PolicyType+":"+p.PolicyName] {
			add("Ram.ListEntitiesForPolicy", 1)
		}
		if p.PolicyType == "Custom" || attached[p.PolicyType+":"+p.PolicyName] {
			add("Ram.GetPolicy", 1)
		}
	}
	add("Ims.GetPasswordPolicy", 1)
	add("Ims.GetSecurityPreference", 1)
	add("Ims.GetAccountSecurityPracticeReport", 1)
}

// ramCollect collects only RAM from srv.
func ramCollect(t *testing.T, srv *cloudsim.Server, mod func(*collect.Config)) (*collect.Inventory, error) {
	t.Helper()
	return collector(t, srv, mod).Collect(context.Background(), srv.AccountID(), "", "ram")
}

func TestRAMCollectSample(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	c := collector(t, srv, nil)
	ctx := context.Background()
	hz, err := c.Collect(ctx, inv.AccountID, "cn-hangzhou", "ram")
	if err != nil {
		t.Fatalf("Collect ram: %v", err)
	}
	sh, err := c.Collect(ctx, inv.AccountID, "cn-shanghai", "ram")
	if err != nil {
		t.Fatalf("Collect ram again: %v", err)
	}
	if hz.RAM == nil || hz.RAM != sh.RAM {
		t.Fatalf("RAM is account-level: both regions must carry the same inventory (got %p and %p)", hz.RAM, sh.RAM)
	}
	want := map[string]int{}
	addRAMCalls(want, inv)
	if got := srv.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls for the sample's RAM differ from the minimum:\n got %v\nwant %v", got, want)
	}
	r := hz.RAM
	users := map[string]collect.RAMUser{}
	for _, u := range r.Users {
		users[u.Name] = u
	}
	policies := map[string]collect.RAMPolicy{}
	for _, p := range r.Policies {
		policies[p.Name] = p
	}
	roles := map[string]collect.RAMRole{}
	for _, ro := range r.Roles {
		roles[ro.Name] = ro
	}
	key := func(user, id string) collect.RAMAccessKey {
		for _, k := range users[user].AccessKeys {
			if k.ID == id {
				return k
			}
		}
		t.Fatalf("access key %s of %s not collected", id, user)
		return collect.RAMAccessKey{}
	}
	mfaType := func(user string) string {
		if d := users[user].MFADevice; d != nil {
			return d.Type
		}
		return "none"
	}
	ci1 := key("ci-deploy", "LTAI5tAcmeCiDeploy01")
	vendor := roles["AcmeVendorSupportRole"]
	var vendorPrincipals []string
	var vendorCondition []byte
	if vendor.TrustPolicy != nil {
		vendorPrincipals = vendor.TrustPolicy.Statement[0].Principal["RAM"]
		vendorCondition = vendor.TrustPolicy.Statement[0].Condition
	}
	policyNames := make([]string, 0, len(r.Policies))
	for _, p := range r.Policies {
		policyNames = append(policyNames, p.Name)
	}
	tests := []struct {
		what      string
		got, want any
	}{
		{"users", len(r.Users), 4},
		{"alice principal name", users["alice"].PrincipalName, "alice@acme-retail.onaliyun.com"},
		{"alice virtual MFA", mfaType("alice") + " " + users["alice"].MFADevice.ActivateDate.Format("2006-01-02"), "VMFA 2024-02-20"},
		{"alice groups", users["alice"].Groups, []string{"acme-admins"}},
		{"M32 bob console without MFA", fmt.Sprint(users["bob"].ConsoleAccess(), " ", mfaType("bob")), "true none"},
		{"M33 carol console active", users["carol"].ConsoleAccess(), true},
		{"M33 carol last login", users["carol"].LastLoginDate, time.Date(2024, 5, 10, 7, 45, 0, 0, time.UTC)},
		{"carol U2F key from GetUserMFAInfo", mfaType("carol"), "U2F"},
		{"M34 ci-deploy old active key", fmt.Sprint(ci1.Active, " ", ci1.CreateDate.Format("2006-01-02"), " ", ci1.LastUsedService), "true 2023-02-14 oss"},
		{"ci-deploy inactive key", key("ci-deploy", "LTAI5tAcmeCiDeploy02").Active, false},
		{"ci-deploy no console", users["ci-deploy"].LoginProfile == nil, true},
		{"ci-deploy never logged on", users["ci-deploy"].LastLoginDate.IsZero(), true},
		{"M35 ci-deploy direct policy", users["ci-deploy"].Policies,
			[]collect.RAMPolicyRef{{Name: "AdministratorAccess", Type: "System", AttachDate: time.Date(2022, 8, 1, 0, 5, 0, 0, time.UTC)}}},
		{"M36 AcmeOpsFullAccess is full admin", policies["AcmeOpsFullAccess"].Document.FullAdmin(), true},
		{"AcmeOpsFullAccess attached to", policies["AcmeOpsFullAccess"].Groups, []string{"acme-admins"}},
		{"AdministratorAccess attached to", fmt.Sprint(policies["AdministratorAccess"].Users, policies["AdministratorAccess"].Roles),
			"[ci-deploy] [AcmeVendorSupportRole]"},
		{"AcmeDeveloperAccess is not full admin", policies["AcmeDeveloperAccess"].Document.FullAdmin(), false},
		{"AcmeDeveloperAccess deny statement", policies["AcmeDeveloperAccess"].Document.Statement[1].Effect, "Deny"},
		{"policies kept: custom and attached system", policyNames, []string{"AdministratorAccess", "ReadOnlyAccess", "AliyunRAMReadOnlyAccess",
			"AliyunECSReadOnlyAccess", "AcmeOpsFullAccess", "AcmeDeveloperAccess", "AcmeOrderServiceAccess", "AcmeLegacyBilling"}},
		{"unattached custom policy", policies["AcmeLegacyBilling"].AttachmentCount, 0},
		{"M37 password symbols", r.PasswordPolicy.RequireSymbols, false},
		{"M38 password length", r.PasswordPolicy.MinimumLength, 8},
		{"M39 password reuse", r.PasswordPolicy.ReusePrevention, 0},
		{"password lockout", r.PasswordPolicy.MaxLoginAttempts, 5},
		{"M40 root access key", r.Root.AccessKeys, 1},
		{"root MFA", r.Root.MFABound, true},
		{"M41 vendor role trusts", vendorPrincipals, []string{"acs:ram::1098765432109876:root"}},
		{"M41 vendor role without condition", vendorCondition == nil, true},
		{"vendor role admin", roles["AcmeVendorSupportRole"].Policies[0].Name, "AdministratorAccess"},
		{"audit role external ID", string(roles["CSPMAuditRole"].TrustPolicy.Statement[0].Condition), `{"StringEquals":{"sts:ExternalId":"acme-retail-7f3c"}}`},
		{"role ARN", roles["AcmeAppRole"].ARN, "acs:ram::1357924680135792:role/acmeapprole"},
		{"developers", r.Groups[1].Members, []string{"bob", "carol"}},
		{"MFA at login", r.SecurityPreference.MFAOperationForLogin, "independent"},
		{"session hours", r.SecurityPreference.LoginSessionDurationHours, 6},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v; want %#v", tt.what, tt.got, tt.want)
		}
	}
	if !bytes.Contains(users["bob"].Raw, []byte(`"UserPrincipalName":"bob@acme-retail.onaliyun.com"`)) ||
		!bytes.Contains(ci1.Raw, []byte(`"AccessKeyId":"LTAI5tAcmeCiDeploy01"`)) ||
		!bytes.Contains(vendor.Raw, []byte(`"AssumeRolePolicyDocument"`)) || len(r.PasswordPolicy.Raw) == 0 || len(r.Root.Raw) == 0 {
		t.Errorf("items do not keep the API's objects as evidence")
	}
	// Asked again (any region): no calls.
	before := srv.Calls()
	if _, err := c.RAM(ctx, inv.AccountID); err != nil {
		t.Fatal(err)
	}
	if after := srv.Calls(); !reflect.DeepEqual(before, after) {
		t.Errorf("a second RAM() called the APIs again: %v → %v", before, after)
	}
}

// bigRAM is an account with more users, group members and policies than
// one page holds.
func bigRAM() *cloudsim.Inventory {
	inv := &cloudsim.Inventory{AccountID: cloudsim.DefaultAccountID, Regions: map[string]cloudsim.Products{"cn-hangzhou": {}}}
	var members []map[string]string
	for i := 0; i < 1203; i++ {
		name := fmt.Sprintf("user%04d", i)
		u := map[string]any{"UserName": name, "CreateDate": "2024-01-01T00:00:00Z"}
		switch i % 4 {
		case 0: // console with a virtual MFA device
			u["LoginProfile"] = map[string]any{"Status": "Active"}
			u["MFADevice"] = map[string]any{"SerialNumber": "acs:ram::1234567890123456:mfa/" + name, "Type": "VMFA"}
		case 1: // console without MFA
			u["LoginProfile"] = map[string]any{"Status": "Inactive"}
		case 2: // two keys
			u["AccessKeys"] = map[string]any{"AccessKey": []map[string]any{
				{"AccessKeyId": "LTAI" + name + "a", "Status": "Active", "CreateDate": "2024-01-01T00:00:00Z"},
				{"AccessKeyId": "LTAI" + name + "b", "Status": "Inactive", "CreateDate": "2024-01-01T00:00:00Z"}}}
			u["Policies"] = map[string]any{"Policy": []map[string]string{{"PolicyName": "AliyunECSReadOnlyAccess", "PolicyType": "System"}}}
		}
		_ = inv.Add("", "ram", "Users", u)
		members = append(members, map[string]string{"UserName": name})
	}
	_ = inv.Add("", "ram", "Groups", map[string]any{"GroupName": "everyone", "Users": map[string]any{"User": members}},
		map[string]any{"GroupName": "nobody"})
	for i := 0; i < 1010; i++ {
		typ := "System"
		if i%10 == 0 {
			typ = "Custom"
		}
		_ = inv.Add("", "ram", "Policies", map[string]any{"PolicyName": fmt.Sprintf("Policy%04d", i), "PolicyType": typ,
			"PolicyDocument": `{"Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}],"Version":"1"}`})
	}
	_ = inv.Add("", "ram", "Policies", map[string]any{"PolicyName": "AliyunECSReadOnlyAccess", "PolicyType": "System",
		"PolicyDocument": `{"Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}],"Version":"1"}`})
	return inv
}

func TestRAMMinimumCalls(t *testing.T) {
	for _, tt := range []struct {
		name string
		inv  *cloudsim.Inventory
	}{
		{"empty account", &cloudsim.Inventory{AccountID: cloudsim.DefaultAccountID, Regions: map[string]cloudsim.Products{}}},
		{"generated account (one role)", cloudsim.Generate(cloudsim.GenOptions{Instances: 3, Seed: 1})},
		{"1203 users, 1011 policies", bigRAM()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.inv.Validate(); err != nil {
				t.Fatal(err)
			}
			srv := start(t, cloudsim.Options{Inventory: tt.inv})
			got, err := ramCollect(t, srv, nil)
			if err != nil {
				t.Fatalf("Collect ram: %v", err)
			}
			if got.RAM == nil {
				t.Fatalf("RAM not collected: %v", got.NotEvaluated)
			}
			want := map[string]int{}
			addRAMCalls(want, tt.inv)
			if calls := srv.Calls(); !reflect.DeepEqual(calls, want) {
				t.Errorf("calls differ from the minimum:\n got %v\nwant %v", calls, want)
			}
			if n, w := len(got.RAM.Users), len(tt.inv.Objects("", "ram", "Users")); n != w {
				t.Errorf("collected %d users; the account has %d", n, w)
			}
			if tt.name != "1203 users, 1011 policies" {
				return
			}
			// Every page arrived: 1203 members, 101 custom policies plus the
			// one attached system policy, its 301 users, the keys and MFA.
			r := got.RAM
			keys, mfa, console := 0, 0, 0
			for _, u := range r.Users {
				keys += len(u.AccessKeys)
				if u.MFADevice != nil {
					mfa++
				}
				if u.ConsoleAccess() {
					console++
				}
			}
			summary := fmt.Sprint(len(r.Groups[0].Members), len(r.Groups[1].Members), len(r.Policies), keys, mfa, console)
			if want := fmt.Sprint(1203, 0, 102, 602, 301, 301); summary != want {
				t.Errorf("members, empty group, policies, keys, MFA devices, console users = %s; want %s", summary, want)
			}
			if p := r.Policies[len(r.Policies)-1]; p.Name != "AliyunECSReadOnlyAccess" || len(p.Users) != 301 || p.Document == nil {
				t.Errorf("attached system policy = %s with %d users (document %v); want AliyunECSReadOnlyAccess, 301 users, parsed",
					p.Name, len(p.Users), p.Document != nil)
			}
		})
	}
}

func TestRAMNotEvaluated(t *testing.T) {
	inv := sample(t)
	tests := []struct {
		name   string
		denied string
		api    string
	}{
		{"all of RAM", "Ram", "Ram."},
		{"IMS ListUsers", "Ims.ListUsers", "Ims.ListUsers"},
		{"the root report only", "Ims.GetAccountSecurityPracticeReport", "Ims.GetAccountSecurityPracticeReport"},
		{"one per-user call", "Ims.GetAccessKeyLastUsed", "Ims.GetAccessKeyLastUsed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone(), Faults: cloudsim.Faults{PermissionDenied: map[string]bool{tt.denied: true}}})
			got, err := collector(t, srv, nil).Collect(context.Background(), inv.AccountID, "cn-hangzhou", "ram", "ecs", "vpc")
			if err != nil {
				t.Fatalf("Collect returned an error for a permission gap: %v", err)
			}
			ne := got.NotEvaluatedFor("ram")
			if ne == nil || len(got.NotEvaluated) != 1 || got.RAM != nil {
				t.Fatalf("NotEvaluated = %v, RAM %v; want exactly ram left out", got.NotEvaluated, got.RAM != nil)
			}
			if ne.Reason != collect.PermissionDenied || !errors.Is(ne, collect.ErrPermission) || ne.Code != "NoPermission" ||
				ne.Region != "" || !strings.HasPrefix(ne.API, tt.api) {
				t.Errorf("NotEvaluated[ram] = %+v; want PermissionDenied, NoPermission, region \"\", API %s…", ne, tt.api)
			}
			var se *sdkerrors.ServerError
			if !errors.As(ne, &se) || se.HttpStatus() != 403 {
				t.Errorf("the SDK's ServerError is not reachable through %v", ne)
			}
			if got.ECS == nil || got.VPC == nil {
				t.Errorf("a RAM permission gap lost ECS or VPC")
			}
		})
	}
}

func TestRAMMalformedResponses(t *testing.T) {
	inv := sample(t)
	tests := []struct {
		name, action string
		fn           func([]byte) []byte
	}{
		{"truncated JSON", "ListUsers", func(b []byte) []byte { return b[:len(b)/2] }},
		{"list missing", "ListAccessKeys", func(b []byte) []byte { return bytes.Replace(b, []byte(`"AccessKeys"`), []byte(`"Keys"`), 1) }},
		{"user without a principal name", "ListUsers", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"UserPrincipalName"`), []byte(`"Upn"`), 1)
		}},
		{"no default version", "GetPolicy", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"DefaultPolicyVersion"`), []byte(`"Versions"`), 1)
		}},
		{"entity without a name", "ListEntitiesForPolicy", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"UserName"`), []byte(`"Name"`), 1)
		}},
		{"bad timestamp", "GetLoginProfile", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"LastLoginTime":"2024`), []byte(`"LastLoginTime":"yesterday`), 1)
		}},
		{"password policy missing", "GetPasswordPolicy", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"PasswordPolicy"`), []byte(`"Policy"`), 1)
		}},
		{"truncated without a marker", "ListRoles", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"IsTruncated":false`), []byte(`"IsTruncated":true`), 1)
		}},
		{"not JSON at all", "GetAccountSecurityPracticeReport", func([]byte) []byte { return []byte("<html>bad gateway</html>") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, cloudsim.Options{Inventory: inv.Clone()})
			addr := mangle(t, srv, tt.action, tt.fn)
			got, err := collector(t, srv, func(cfg *collect.Config) { cfg.Endpoint = addr }).
				Collect(context.Background(), inv.AccountID, "cn-hangzhou", "ram", "vpc")
			if err == nil {
				t.Fatalf("Collect with a mangled %s succeeded", tt.action)
			}
			if !errors.Is(err, collect.ErrMalformed) || !strings.Contains(err.Error(), tt.action) {
				t.Errorf("Collect error = %v; want a malformed-response error naming %s", err, tt.action)
			}
			if len(got.NotEvaluated) != 0 || got.RAM != nil || got.VPC == nil {
				t.Errorf("a malformed %s answer: NotEvaluated %v, RAM %v, VPC %v; want an error for ram only",
					tt.action, got.NotEvaluated, got.RAM != nil, got.VPC != nil)
			}
		})
	}
}

// TestRAMFixThenCollect applies the fixes the RAM checks need through the
// SDK and checks that the next scan sees each of them.
func TestRAMFixThenCollect(t *testing.T) {
	inv := sample(t)
	srv := start(t, cloudsim.Options{Inventory: inv})
	client, err := srv.Client("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	scan := func() *collect.RAMInventory {
		t.Helper()
		got, err := ramCollect(t, srv, nil)
		if err != nil || got.RAM == nil {
			t.Fatalf("Collect ram: %v (not evaluated: %v)", err, got.NotEvaluated)
		}
		return got.RAM
	}
	user := func(r *collect.RAMInventory, name string) collect.RAMUser {
		for _, u := range r.Users {
			if u.Name == name {
				return u
			}
		}
		t.Fatalf("user %s not collected", name)
		return collect.RAMUser{}
	}
	do := func(req requests.AcsRequest, resp responses.AcsResponse) {
		t.Helper()
		if err := client.DoAction(req, resp); err != nil {
			t.Fatalf("%s: %v", req.GetActionName(), err)
		}
	}
	const ci = "ci-deploy@acme-retail.onaliyun.com"

	before := scan()
	if before.PasswordPolicy.MinimumLength != 8 || user(before, "ci-deploy").AccessKeys[0].Active != true ||
		len(user(before, "ci-deploy").Policies) != 1 || user(before, "bob").LoginProfile.MFABindRequired ||
		before.SecurityPreference.MFAOperationForLogin != "independent" || !user(before, "carol").ConsoleAccess() {
		t.Fatalf("the sample account should start misconfigured")
	}

	pp := ims.CreateSetPasswordPolicyRequest()
	pp.MinimumPasswordLength = requests.NewInteger(14)
	pp.RequireSymbols = requests.NewBoolean(true)
	pp.PasswordReusePrevention = requests.NewInteger(5)
	do(pp, ims.CreateSetPasswordPolicyResponse())

	sp := ims.CreateSetSecurityPreferenceRequest()
	sp.MFAOperationForLogin = "mandatory"
	do(sp, ims.CreateSetSecurityPreferenceResponse())

	uk := ims.CreateUpdateAccessKeyRequest()
	uk.UserPrincipalName, uk.UserAccessKeyId, uk.Status = ci, "LTAI5tAcmeCiDeploy01", "Inactive"
	do(uk, ims.CreateUpdateAccessKeyResponse())

	dk := ims.CreateDeleteAccessKeyRequest()
	dk.UserPrincipalName, dk.UserAccessKeyId = ci, "LTAI5tAcmeCiDeploy02"
	do(dk, ims.CreateDeleteAccessKeyResponse())

	dp := ram.CreateDetachPolicyFromUserRequest()
	dp.PolicyType, dp.PolicyName, dp.UserName = "System", "AdministratorAccess", "ci-deploy"
	do(dp, ram.CreateDetachPolicyFromUserResponse())

	lp := ims.CreateUpdateLoginProfileRequest()
	lp.UserPrincipalName, lp.MFABindRequired = "bob@acme-retail.onaliyun.com", requests.NewBoolean(true)
	do(lp, ims.CreateUpdateLoginProfileResponse())

	off := ims.CreateUpdateLoginProfileRequest()
	off.UserPrincipalName, off.Status = "carol@acme-retail.onaliyun.com", "Inactive"
	do(off, ims.CreateUpdateLoginProfileResponse())

	after := scan()
	ciKeys := user(after, "ci-deploy").AccessKeys
	adm := 0
	for _, p := range after.Policies {
		if p.Name == "AdministratorAccess" {
			adm = len(p.Users)
		}
	}
	tests := []struct {
		fix       string
		got, want any
	}{
		{"SetPasswordPolicy length", after.PasswordPolicy.MinimumLength, 14},
		{"SetPasswordPolicy symbols", after.PasswordPolicy.RequireSymbols, true},
		{"SetPasswordPolicy reuse", after.PasswordPolicy.ReusePrevention, 5},
		{"SetPasswordPolicy keeps the rest", after.PasswordPolicy.RequireUppercase, true},
		{"SetSecurityPreference", fmt.Sprint(after.SecurityPreference.MFAOperationForLogin, after.SecurityPreference.EnforceMFAForLogin), "mandatorytrue"},
		{"UpdateAccessKey + DeleteAccessKey", fmt.Sprint(len(ciKeys), ciKeys[0].ID, ciKeys[0].Active), "1LTAI5tAcmeCiDeploy01false"},
		{"DetachPolicyFromUser", len(user(after, "ci-deploy").Policies), 0},
		{"DetachPolicyFromUser, policy side", adm, 0},
		{"UpdateLoginProfile MFABindRequired", user(after, "bob").LoginProfile.MFABindRequired, true},
		{"UpdateLoginProfile Status Inactive", user(after, "carol").ConsoleAccess(), false},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("after %s the next collect reads %#v; want %#v", tt.fix, tt.got, tt.want)
		}
	}
}
