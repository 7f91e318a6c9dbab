package cloudsim_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/cspm-alibaba/cspm/local/cloudsim"
)

// platform is the CSPM platform's identity: a RAM user in the demo
// account, which the sample account's CSPMAuditRole trusts.
const platform = "acs:ram::1234567890123456:user/cspm-platform"

const auditRole = "acs:ram::1357924680135792:role/cspmauditrole"

// manualClock is a settable clock for STS expiry.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestAssumeRole(t *testing.T) {
	clock := &manualClock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	srv := start(t, cloudsim.Options{Inventory: sample(t), Principal: platform, Now: clock.Now})
	c := defaultClient(t, srv)

	tests := []struct {
		name       string
		params     map[string]string
		wantCode   string
		wantStatus int
	}{
		{"right external ID", map[string]string{"RoleArn": auditRole, "ExternalId": "acme-retail-7f3c"}, "", 200},
		{"wrong external ID", map[string]string{"RoleArn": auditRole, "ExternalId": "guess"}, "AuthenticationFail.NoPermission", 401},
		{"no external ID", map[string]string{"RoleArn": auditRole}, "AuthenticationFail.NoPermission", 401},
		{"role not trusting the platform", map[string]string{"RoleArn": "acs:ram::1357924680135792:role/acmeapprole"}, "NoPermission", 403},
		{"no such role", map[string]string{"RoleArn": "acs:ram::1357924680135792:role/nope"}, "EntityNotExist.Role", 404},
		{"another account", map[string]string{"RoleArn": "acs:ram::1111222233334444:role/cspmauditrole"}, "EntityNotExist.Role", 404},
		{"bad ARN", map[string]string{"RoleArn": "arn:aws:iam::1:role/x"}, "InvalidParameter.RoleArn", 400},
		{"too long", map[string]string{"RoleArn": auditRole, "ExternalId": "acme-retail-7f3c", "DurationSeconds": "7200"}, "InvalidParameter.DurationSeconds", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := map[string]string{"RoleSessionName": "cspm-scan"}
			for k, v := range tt.params {
				params[k] = v
			}
			resp, err := call(t, c, "Sts", "AssumeRole", "", params)
			if tt.wantCode != "" {
				se := serverError(t, err)
				if se.ErrorCode() != tt.wantCode || se.HttpStatus() != tt.wantStatus {
					t.Fatalf("AssumeRole(%v) = %d %s; want %d %s", tt.params, se.HttpStatus(), se.ErrorCode(), tt.wantStatus, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("AssumeRole(%v): %v", tt.params, err)
			}
			creds, _ := resp["Credentials"].(map[string]any)
			if creds["Expiration"] != "2025-01-02T04:04:05Z" || !strings.HasPrefix(creds["AccessKeyId"].(string), "STS.") {
				t.Errorf("Credentials = %v; want an STS. key expiring an hour after Now", creds)
			}
			user, _ := resp["AssumedRoleUser"].(map[string]any)
			if user["Arn"] != auditRole+"/cspm-scan" {
				t.Errorf("AssumedRoleUser.Arn = %v; want %s/cspm-scan", user["Arn"], auditRole)
			}
		})
	}

	t.Run("session credentials", func(t *testing.T) {
		resp := mustCall(t, c, "Sts", "AssumeRole", "", map[string]string{
			"RoleArn": auditRole, "ExternalId": "acme-retail-7f3c", "RoleSessionName": "cspm-scan"})
		cr := resp["Credentials"].(map[string]any)
		sess := client(t, srv, cr["AccessKeyId"].(string), cr["AccessKeySecret"].(string), cr["SecurityToken"].(string))

		id := mustCall(t, sess, "Sts", "GetCallerIdentity", "", nil)
		if id["IdentityType"] != "AssumedRoleUser" || id["AccountId"] != "1357924680135792" ||
			id["Arn"] != "acs:ram::1357924680135792:assumed-role/CSPMAuditRole/cspm-scan" {
			t.Errorf("GetCallerIdentity with the session = %v", id)
		}
		got := mustCall(t, sess, "Ecs", "DescribeInstances", "cn-hangzhou", nil)
		if n := num(got["TotalCount"]); n != 4 {
			t.Errorf("the role sees %d instances in cn-hangzhou; want the account's 4", n)
		}
		own := mustCall(t, c, "Ecs", "DescribeInstances", "cn-hangzhou", nil)
		if n := num(own["TotalCount"]); n != 0 {
			t.Errorf("the platform's own key sees %d instances of another account; want 0", n)
		}
		wrongToken := client(t, srv, cr["AccessKeyId"].(string), cr["AccessKeySecret"].(string), "CAISforged")
		_, err := call(t, wrongToken, "Ecs", "DescribeRegions", "", nil)
		if se := serverError(t, err); se.ErrorCode() != "InvalidSecurityToken.MismatchWithAccessKey" {
			t.Errorf("forged token: %s; want InvalidSecurityToken.MismatchWithAccessKey", se.ErrorCode())
		}
		clock.add(time.Hour)
		_, err = call(t, sess, "Ecs", "DescribeRegions", "", nil)
		if se := serverError(t, err); se.ErrorCode() != "InvalidSecurityToken.Expired" {
			t.Errorf("after expiry: %s; want InvalidSecurityToken.Expired", se.ErrorCode())
		}
	})
}

func TestCreateServiceLinkedRole(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t)})
	c := defaultClient(t, srv)
	params := map[string]string{"ServiceName": "cspm.sas.aliyuncs.com"}

	resp := mustCall(t, c, "ResourceManager", "CreateServiceLinkedRole", "", params)
	role, _ := resp["Role"].(map[string]any)
	if role["RoleName"] != "AliyunServiceRoleForSasCspm" || role["IsServiceLinkedRole"] != true ||
		role["Arn"] != "acs:ram::1357924680135792:role/aliyunserviceroleforsascspm" {
		t.Errorf("created role = %v", role)
	}
	if !strings.Contains(role["AssumeRolePolicyDocument"].(string), `"cspm.sas.aliyuncs.com"`) {
		t.Errorf("trust policy %v does not name the service", role["AssumeRolePolicyDocument"])
	}

	_, err := call(t, c, "ResourceManager", "CreateServiceLinkedRole", "", params)
	if se := serverError(t, err); se.ErrorCode() != "EntityAlreadyExists.Role" || se.HttpStatus() != 409 {
		t.Errorf("second CreateServiceLinkedRole = %d %s; want 409 EntityAlreadyExists.Role", se.HttpStatus(), se.ErrorCode())
	}
	got := mustCall(t, c, "Ram", "GetRole", "", map[string]string{"RoleName": "AliyunServiceRoleForSasCspm"})
	if r, _ := got["Role"].(map[string]any); r["RoleId"] != role["RoleId"] {
		t.Errorf("GetRole = %v; want the created role", got)
	}
	if n, want := len(srv.Inventory().Objects("", "ram", "Roles")), len(sample(t).Objects("", "ram", "Roles"))+1; n != want {
		t.Errorf("inventory holds %d roles; want %d (the sample's roles and the new one)", n, want)
	}
	_, err = call(t, c, "ResourceManager", "CreateServiceLinkedRole", "", map[string]string{"ServiceName": "unicorn.aliyuncs.com"})
	if se := serverError(t, err); se.ErrorCode() != "InvalidParameter.ServiceName" {
		t.Errorf("unknown service = %s; want InvalidParameter.ServiceName", se.ErrorCode())
	}
}

// TestMoreAccounts: the server plays a second account; the platform assumes the
// audit role there and sees that account's resources, never the first one's, and
// the first account's role still works.
func TestMoreAccounts(t *testing.T) {
	const second = "2468013579246801"
	gen := cloudsim.Generate(cloudsim.GenOptions{Instances: 6, Seed: 3, AccountID: second,
		AuditRole: struct{ Trusted, ExternalID string }{"1234567890123456", "globex-9e1d"}})
	srv := start(t, cloudsim.Options{Inventory: sample(t), Accounts: []*cloudsim.Inventory{gen}, Principal: platform})
	c := defaultClient(t, srv)
	assume := func(arn, ext string) *sdk.Client {
		resp := mustCall(t, c, "Sts", "AssumeRole", "", map[string]string{"RoleArn": arn, "ExternalId": ext, "RoleSessionName": "cspm-scan"})
		cr := resp["Credentials"].(map[string]any)
		return client(t, srv, cr["AccessKeyId"].(string), cr["AccessKeySecret"].(string), cr["SecurityToken"].(string))
	}
	globex := assume("acs:ram::"+second+":role/cspmauditrole", "globex-9e1d")
	if id := mustCall(t, globex, "Sts", "GetCallerIdentity", "", nil); id["AccountId"] != second {
		t.Errorf("GetCallerIdentity in the second account = %v; want account %s", id, second)
	}
	if n := num(mustCall(t, globex, "Ecs", "DescribeInstances", "cn-hangzhou", nil)["TotalCount"]); n != 6 {
		t.Errorf("the second account's role sees %d instances; want its own 6", n)
	}
	acme := assume(auditRole, "acme-retail-7f3c")
	if n := num(mustCall(t, acme, "Ecs", "DescribeInstances", "cn-hangzhou", nil)["TotalCount"]); n != 4 {
		t.Errorf("the first account's role sees %d instances; want its own 4", n)
	}
	_, err := call(t, c, "Sts", "AssumeRole", "", map[string]string{"RoleArn": "acs:ram::" + second + ":role/cspmauditrole", "ExternalId": "acme-retail-7f3c", "RoleSessionName": "x1"})
	if se := serverError(t, err); se.ErrorCode() != "AuthenticationFail.NoPermission" {
		t.Errorf("the second account's role with the first's ExternalId: %s; want AuthenticationFail.NoPermission", se.ErrorCode())
	}
	if inv := srv.AccountInventory(second); inv == nil || len(inv.Objects("cn-hangzhou", "ecs", "Instances")) != 6 {
		t.Errorf("AccountInventory(%s) does not hold its 6 instances", second)
	}
	if _, err := cloudsim.NewServer(cloudsim.Options{Inventory: sample(t), Accounts: []*cloudsim.Inventory{sample(t)}}); err == nil {
		t.Error("NewServer with the same account twice: no error")
	}
}
