package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ims"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// RAMInventory is the account's Resource Access Management inventory:
// identities, policies and the account-wide settings. It is account-level:
// collected once per account and Collector, whatever the region, and the
// same value is filed in every region's Inventory.
type RAMInventory struct {
	Users  []RAMUser
	Groups []RAMGroup
	Roles  []RAMRole
	// Policies are the custom policies and the system policies attached to
	// a user, group or role, each with its default version's document.
	// System policies attached to nothing (most of Alibaba's ~1,500) are
	// left out.
	Policies           []RAMPolicy
	PasswordPolicy     RAMPasswordPolicy
	SecurityPreference RAMSecurityPreference
	Root               RAMRoot
}

// RAMUser is a RAM user (IMS ListUsers) with its console login profile,
// MFA device, access keys, groups and directly attached policies.
type RAMUser struct {
	ID            string // UserId
	Name          string // UserName: the UserPrincipalName before '@'
	PrincipalName string // UserPrincipalName, "alice@example.onaliyun.com"
	DisplayName   string
	Status        string // "active" or "freeze", lower-cased
	CreateDate    time.Time
	// LastLoginDate is the last console logon; zero if never.
	LastLoginDate time.Time
	// LoginProfile is the console password's settings; nil means the user
	// has no console password (GetLoginProfile answered
	// EntityNotExist.User.LoginProfile).
	LoginProfile *RAMLoginProfile
	// MFADevice is the bound MFA device, nil if none. It is known for every
	// user bound to a virtual device (ListVirtualMFADevices) and, through
	// GetUserMFAInfo, for every user with a login profile; a user with
	// neither a virtual device nor a console password is not asked about
	// hardware or U2F devices, which only guard console logons.
	MFADevice  *RAMMFADevice
	AccessKeys []RAMAccessKey
	Groups     []string       // names of the groups the user belongs to
	Policies   []RAMPolicyRef // policies attached to the user directly
	Raw        json.RawMessage
}

// ConsoleAccess reports whether the user can log on to the console: a
// login profile whose Status is Active.
func (u RAMUser) ConsoleAccess() bool { return u.LoginProfile != nil && u.LoginProfile.Active }

// RAMLoginProfile is IMS GetLoginProfile's LoginProfile.
type RAMLoginProfile struct {
	Active                bool // Status "Active": console logon enabled ("Inactive": disabled)
	MFABindRequired       bool // the user must bind an MFA device at the next logon
	PasswordResetRequired bool
	LastLoginTime         time.Time // zero if never
	UpdateDate            time.Time
	Raw                   json.RawMessage
}

// RAMMFADevice is a user's MFA device.
type RAMMFADevice struct {
	SerialNumber string
	Type         string    // "VMFA" (virtual) or "U2F" (security key)
	ActivateDate time.Time // zero when only GetUserMFAInfo reported the device
	Raw          json.RawMessage
}

// RAMAccessKey is one of a user's access keys (IMS ListAccessKeys) with its
// last use (IMS GetAccessKeyLastUsed).
type RAMAccessKey struct {
	ID              string // AccessKeyId
	Active          bool   // Status "Active"
	CreateDate      time.Time
	UpdateDate      time.Time
	LastUsedDate    time.Time // zero if never used
	LastUsedService string    // the service it was last used with ("ecs"), "" if unknown
	Raw             json.RawMessage
}

// RAMPolicyRef is a policy attached to a user, group or role.
type RAMPolicyRef struct {
	Name       string
	Type       string // "System" or "Custom"
	AttachDate time.Time
}

// RAMGroup is a RAM user group (ListGroups) with its members
// (ListUsersForGroup) and attached policies.
type RAMGroup struct {
	ID         string // GroupId
	Name       string
	Comments   string
	CreateDate time.Time
	Members    []string // user names
	Policies   []RAMPolicyRef
	Raw        json.RawMessage
}

// RAMRole is a RAM role (GetRole) with its trust policy and attached
// policies.
type RAMRole struct {
	ID                 string // RoleId
	Name               string
	ARN                string
	Description        string
	MaxSessionDuration int // seconds
	CreateDate         time.Time
	IsServiceLinked    bool
	// TrustPolicyJSON is AssumeRolePolicyDocument as returned; TrustPolicy
	// its parsed form, nil with TrustPolicyError set if it did not parse.
	TrustPolicyJSON  string
	TrustPolicy      *PolicyDocument
	TrustPolicyError string
	Policies         []RAMPolicyRef
	Raw              json.RawMessage // GetRole's Role object
}

// RAMPolicy is a permission policy (ListPolicies) with its default
// version's document (GetPolicy) and the identities it is attached to
// (ListEntitiesForPolicy).
type RAMPolicy struct {
	ID              string // the policy name, unique in the account
	Name            string
	Type            string // "System" or "Custom"
	Description     string
	DefaultVersion  string
	AttachmentCount int
	// DocumentJSON is the default version's document as returned; Document
	// its parsed form, nil with DocumentError set if it did not parse.
	DocumentJSON  string
	Document      *PolicyDocument
	DocumentError string
	Users         []string // names of the users, groups and roles it is attached to
	Groups        []string
	Roles         []string
	Raw           json.RawMessage // the ListPolicies item
}

// RAMPasswordPolicy is the console password policy (IMS GetPasswordPolicy).
type RAMPasswordPolicy struct {
	MinimumLength              int
	RequireLowercase           bool
	RequireUppercase           bool
	RequireNumbers             bool
	RequireSymbols             bool
	MaxAgeDays                 int  // 0: passwords never expire
	HardExpire                 bool // an expired password locks the user out instead of forcing a change
	ReusePrevention            int  // how many previous passwords may not be reused; 0: any
	MaxLoginAttempts           int  // failed logons within an hour before a lockout; 0: no lockout
	MinimumDifferentCharacters int
	NotContainUserName         bool
	Raw                        json.RawMessage
}

// RAMSecurityPreference is the account's security preference for RAM users
// (IMS GetSecurityPreference).
type RAMSecurityPreference struct {
	// MFAOperationForLogin: "mandatory" (every user must use MFA at
	// logon), "independent" (each user's own setting) or "adaptive" (only
	// for unusual logons).
	MFAOperationForLogin        string
	EnforceMFAForLogin          bool
	OperationForRiskLogin       string // "autonomous" or "enforceVerify"
	LoginSessionDurationHours   int
	LoginNetworkMasks           []string // CIDR blocks logons are allowed from; empty means anywhere
	AllowUserToChangePassword   bool
	AllowUserToManageAccessKeys bool
	AllowUserToManageMFADevices bool
	EnableSaveMFATicket         bool
	Raw                         json.RawMessage
}

// RAMRoot is what the APIs tell about the account's root identity (IMS
// GetAccountSecurityPracticeReport). Whether the root account is used day
// to day (CIS 1.1) is not available from an API (ActionTrail events tell).
type RAMRoot struct {
	AccessKeys int  // RootWithAccessKey: the root account's access keys
	MFABound   bool // BindMfa: an MFA device guards the root account
	Raw        json.RawMessage
}

// RAM collects the account's RAM inventory once per Collector (any region
// asks for the same one).
//
// Calls, each list at its largest page (MaxItems 1000) and every per-item
// call made once: IMS ListUsers (Status active and frozen), then per user
// GetLoginProfile, ListAccessKeys and GetAccessKeyLastUsed per key; RAM
// ListVirtualMFADevices once, and IMS GetUserMFAInfo only for users with a
// login profile and no virtual device; RAM ListGroups and ListUsersForGroup
// per group; RAM ListRoles and GetRole per role (ListRoles leaves out the
// trust policy); RAM ListPolicies (both types at once), GetPolicy for each
// custom policy and each system policy whose AttachmentCount is above 0,
// and ListEntitiesForPolicy for each policy with attachments; IMS
// GetPasswordPolicy, GetSecurityPreference and
// GetAccountSecurityPracticeReport once. Per-item calls start as soon as
// the page naming the item arrives.
//
// A permission, throttling or activation failure of any of them returns a
// *NotEvaluatedError for product "ram" (region ""); other failures, a
// malformed answer included, an *Error.
func (c *Collector) RAM(ctx context.Context, account string) (*RAMInventory, error) {
	return accountWide(ctx, c, "ram", account, c.collectRAM)
}

// ramTime parses an API timestamp; "" is the zero time.
func ramTime(s, what string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %q is not a timestamp", what, s)
	}
	return t, nil
}

// ramMarker walks a Marker/MaxItems list: page builds the request for a
// marker ("" first) and handle decodes one answer's list.
func (c *Collector) ramMarker(ctx context.Context, account string, page func(marker string) requests.AcsRequest,
	field, item string, handle func(ctx context.Context, items []json.RawMessage) error) error {
	return c.byToken(ctx, account, "", page, func(body []byte) (string, error) {
		var env struct {
			IsTruncated flexBool
			Marker      string
		}
		var lists map[string]json.RawMessage
		if err := json.Unmarshal(body, &env); err != nil {
			return "", err
		}
		if err := json.Unmarshal(body, &lists); err != nil {
			return "", err
		}
		items, err := listOf(lists[field], item, field)
		if err != nil {
			return "", err
		}
		if err := handle(ctx, items); err != nil {
			return "", err
		}
		if !env.IsTruncated {
			return "", nil
		}
		if env.Marker == "" {
			return "", fmt.Errorf("IsTruncated without a Marker")
		}
		return env.Marker, nil
	})
}

// ramCall makes one call and decodes its body into v; a decoding error is
// a malformed answer.
func (c *Collector) ramCall(ctx context.Context, account string, req requests.AcsRequest, v any) error {
	body, err := c.do(ctx, account, "", req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return malformed(req, "", err)
	}
	return nil
}

// apiErrorCode is the API error code of a failed call, "" if none.
func apiErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.ErrorCode
	}
	return ""
}

// ramCollection is the state of one RAM collection in progress.
type ramCollection struct {
	c       *Collector
	account string

	mu       sync.Mutex
	users    []*RAMUser
	groups   []*RAMGroup
	roles    []*RAMRole
	policies []*RAMPolicy
	out      RAMInventory

	vmfa     map[string]*RAMMFADevice // user name (lower-case) → virtual device
	vmfaDone chan struct{}
	attached map[*RAMPolicy][]ramEntityAttachment
}

func (c *Collector) collectRAM(ctx context.Context, account string) (*RAMInventory, error) {
	rc := &ramCollection{c: c, account: account, vmfa: map[string]*RAMMFADevice{}, vmfaDone: make(chan struct{}),
		attached: map[*RAMPolicy][]ramEntityAttachment{}}
	g := newGroup(ctx)
	tasks := make(chan func(context.Context) error)
	var listers sync.WaitGroup
	submit := func(ctx context.Context, t func(context.Context) error) error {
		select {
		case tasks <- t:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	lister := func(fn func(ctx context.Context) error) {
		listers.Add(1)
		g.run(func(ctx context.Context) error {
			defer listers.Done()
			return fn(ctx)
		})
	}
	lister(func(ctx context.Context) error { return rc.listUsers(ctx, submit) })
	lister(rc.listVirtualMFADevices)
	lister(func(ctx context.Context) error { return rc.listGroups(ctx, submit) })
	lister(func(ctx context.Context) error { return rc.listRoles(ctx, submit) })
	lister(func(ctx context.Context) error { return rc.listPolicies(ctx, submit) })
	lister(rc.passwordPolicy)
	lister(rc.securityPreference)
	lister(rc.root)
	go func() {
		listers.Wait()
		close(tasks)
	}()
	for w := 0; w < c.cfg.Concurrency; w++ {
		g.run(func(ctx context.Context) error {
			for t := range tasks {
				if err := t(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	return rc.assemble(), nil
}

// listUsers lists the users and queues each one's details.
func (rc *ramCollection) listUsers(ctx context.Context, submit func(context.Context, func(context.Context) error) error) error {
	return rc.c.ramMarker(ctx, rc.account, func(marker string) requests.AcsRequest {
		r := ims.CreateListUsersRequest()
		r.MaxItems = requests.NewInteger(1000)
		r.Status = "active,freeze"
		r.Marker = marker
		return r
	}, "Users", "User", func(ctx context.Context, items []json.RawMessage) error {
		for _, raw := range items {
			var a struct {
				UserId, UserPrincipalName, DisplayName, Status, CreateDate, LastLoginDate string
			}
			if err := decodeItem(raw, &a, "Users.User", func() string { return a.UserPrincipalName }); err != nil {
				return err
			}
			if a.UserId == "" {
				return fmt.Errorf("Users.User %s without a UserId", a.UserPrincipalName)
			}
			u := &RAMUser{ID: a.UserId, PrincipalName: a.UserPrincipalName, DisplayName: a.DisplayName,
				Status: strings.ToLower(a.Status), Raw: raw}
			u.Name, _, _ = strings.Cut(a.UserPrincipalName, "@")
			var err error
			if u.CreateDate, err = ramTime(a.CreateDate, "CreateDate"); err != nil {
				return err
			}
			if u.LastLoginDate, err = ramTime(a.LastLoginDate, "LastLoginDate"); err != nil {
				return err
			}
			rc.mu.Lock()
			rc.users = append(rc.users, u)
			rc.mu.Unlock()
			if err := submit(ctx, func(ctx context.Context) error { return rc.userDetails(ctx, u) }); err != nil {
				return err
			}
		}
		return nil
	})
}

// userDetails reads one user's login profile, access keys (with their last
// use) and, for console users without a virtual MFA device, MFA device.
func (rc *ramCollection) userDetails(ctx context.Context, u *RAMUser) error {
	c, account := rc.c, rc.account
	{
		r := ims.CreateGetLoginProfileRequest()
		r.UserPrincipalName = u.PrincipalName
		var env struct{ LoginProfile json.RawMessage }
		err := c.ramCall(ctx, account, r, &env)
		switch {
		case apiErrorCode(err) == "EntityNotExist.User.LoginProfile":
			// No console password.
		case err != nil:
			return err
		default:
			var a struct {
				Status, LastLoginTime, UpdateDate      string
				MFABindRequired, PasswordResetRequired flexBool
			}
			if len(env.LoginProfile) == 0 || json.Unmarshal(env.LoginProfile, &a) != nil {
				return malformed(r, "", fmt.Errorf("LoginProfile missing or not an object"))
			}
			lp := &RAMLoginProfile{Active: strings.EqualFold(a.Status, "Active") || a.Status == "",
				MFABindRequired: bool(a.MFABindRequired), PasswordResetRequired: bool(a.PasswordResetRequired), Raw: env.LoginProfile}
			if lp.LastLoginTime, err = ramTime(a.LastLoginTime, "LastLoginTime"); err != nil {
				return malformed(r, "", err)
			}
			if lp.UpdateDate, err = ramTime(a.UpdateDate, "UpdateDate"); err != nil {
				return malformed(r, "", err)
			}
			u.LoginProfile = lp
		}
	}
	{
		r := ims.CreateListAccessKeysRequest()
		r.UserPrincipalName = u.PrincipalName
		var env struct{ AccessKeys json.RawMessage }
		if err := c.ramCall(ctx, account, r, &env); err != nil {
			return err
		}
		items, err := listOf(env.AccessKeys, "AccessKey", "AccessKeys")
		if err != nil {
			return malformed(r, "", err)
		}
		for _, raw := range items {
			var a struct{ AccessKeyId, Status, CreateDate, UpdateDate string }
			if err := decodeItem(raw, &a, "AccessKeys.AccessKey", func() string { return a.AccessKeyId }); err != nil {
				return malformed(r, "", err)
			}
			k := RAMAccessKey{ID: a.AccessKeyId, Active: strings.EqualFold(a.Status, "Active"), Raw: raw}
			if k.CreateDate, err = ramTime(a.CreateDate, "CreateDate"); err != nil {
				return malformed(r, "", err)
			}
			if k.UpdateDate, err = ramTime(a.UpdateDate, "UpdateDate"); err != nil {
				return malformed(r, "", err)
			}
			lr := ims.CreateGetAccessKeyLastUsedRequest()
			lr.UserPrincipalName, lr.UserAccessKeyId = u.PrincipalName, a.AccessKeyId
			var lenv struct {
				AccessKeyLastUsed *struct{ LastUsedDate, ServiceName string }
			}
			if err := c.ramCall(ctx, account, lr, &lenv); err != nil {
				return err
			}
			if lenv.AccessKeyLastUsed == nil {
				return malformed(lr, "", fmt.Errorf("AccessKeyLastUsed missing"))
			}
			if k.LastUsedDate, err = ramTime(lenv.AccessKeyLastUsed.LastUsedDate, "LastUsedDate"); err != nil {
				return malformed(lr, "", err)
			}
			k.LastUsedService = lenv.AccessKeyLastUsed.ServiceName
			u.AccessKeys = append(u.AccessKeys, k)
		}
	}
	if u.LoginProfile == nil {
		return nil
	}
	select {
	case <-rc.vmfaDone:
	case <-ctx.Done():
		return ctx.Err()
	}
	rc.mu.Lock()
	_, virtual := rc.vmfa[strings.ToLower(u.Name)]
	rc.mu.Unlock()
	if virtual {
		return nil
	}
	r := ims.CreateGetUserMFAInfoRequest()
	r.UserPrincipalName = u.PrincipalName
	var env struct {
		MFADevice json.RawMessage
	}
	err := c.ramCall(ctx, account, r, &env)
	switch {
	case apiErrorCode(err) == "EntityNotExist.User.MFADevice":
		return nil
	case err != nil:
		return err
	}
	var a struct{ SerialNumber, Type string }
	if len(env.MFADevice) > 0 && string(env.MFADevice) != "null" {
		if err := json.Unmarshal(env.MFADevice, &a); err != nil {
			return malformed(r, "", fmt.Errorf("MFADevice: %v", err))
		}
	}
	if a.SerialNumber != "" {
		u.MFADevice = &RAMMFADevice{SerialNumber: a.SerialNumber, Type: a.Type, Raw: env.MFADevice}
	}
	return nil
}

// listVirtualMFADevices reads the virtual MFA devices (one call: the API
// takes no paging parameters) and releases the user tasks waiting for them.
func (rc *ramCollection) listVirtualMFADevices(ctx context.Context) error {
	r := ram.CreateListVirtualMFADevicesRequest()
	var env struct{ VirtualMFADevices json.RawMessage }
	if err := rc.c.ramCall(ctx, rc.account, r, &env); err != nil {
		return err
	}
	items, err := listOf(env.VirtualMFADevices, "VirtualMFADevice", "VirtualMFADevices")
	if err != nil {
		return malformed(r, "", err)
	}
	for _, raw := range items {
		var a struct {
			SerialNumber, ActivateDate string
			User                       struct{ UserName string }
		}
		if err := decodeItem(raw, &a, "VirtualMFADevices.VirtualMFADevice", func() string { return a.SerialNumber }); err != nil {
			return malformed(r, "", err)
		}
		if a.User.UserName == "" {
			continue // not bound to a user
		}
		d := &RAMMFADevice{SerialNumber: a.SerialNumber, Type: "VMFA", Raw: raw}
		if d.ActivateDate, err = ramTime(a.ActivateDate, "ActivateDate"); err != nil {
			return malformed(r, "", err)
		}
		rc.vmfa[strings.ToLower(a.User.UserName)] = d
	}
	close(rc.vmfaDone)
	return nil
}

// listGroups lists the groups and queues each one's member list.
func (rc *ramCollection) listGroups(ctx context.Context, submit func(context.Context, func(context.Context) error) error) error {
	return rc.c.ramMarker(ctx, rc.account, func(marker string) requests.AcsRequest {
		r := ram.CreateListGroupsRequest()
		r.MaxItems = requests.NewInteger(1000)
		r.Marker = marker
		return r
	}, "Groups", "Group", func(ctx context.Context, items []json.RawMessage) error {
		for _, raw := range items {
			var a struct{ GroupName, GroupId, Comments, CreateDate string }
			if err := decodeItem(raw, &a, "Groups.Group", func() string { return a.GroupName }); err != nil {
				return err
			}
			gr := &RAMGroup{ID: orDefault(a.GroupId, a.GroupName), Name: a.GroupName, Comments: a.Comments, Raw: raw}
			var err error
			if gr.CreateDate, err = ramTime(a.CreateDate, "CreateDate"); err != nil {
				return err
			}
			rc.mu.Lock()
			rc.groups = append(rc.groups, gr)
			rc.mu.Unlock()
			if err := submit(ctx, func(ctx context.Context) error { return rc.groupMembers(ctx, gr) }); err != nil {
				return err
			}
		}
		return nil
	})
}

func (rc *ramCollection) groupMembers(ctx context.Context, gr *RAMGroup) error {
	return rc.c.ramMarker(ctx, rc.account, func(marker string) requests.AcsRequest {
		r := ram.CreateListUsersForGroupRequest()
		r.GroupName = gr.Name
		r.MaxItems = requests.NewInteger(1000)
		r.Marker = marker
		return r
	}, "Users", "User", func(_ context.Context, items []json.RawMessage) error {
		for _, raw := range items {
			var a struct{ UserName string }
			if err := decodeItem(raw, &a, "Users.User", func() string { return a.UserName }); err != nil {
				return err
			}
			gr.Members = append(gr.Members, a.UserName)
		}
		return nil
	})
}

// listRoles lists the roles and queues a GetRole for each (ListRoles
// leaves out the trust policy).
func (rc *ramCollection) listRoles(ctx context.Context, submit func(context.Context, func(context.Context) error) error) error {
	return rc.c.ramMarker(ctx, rc.account, func(marker string) requests.AcsRequest {
		r := ram.CreateListRolesRequest()
		r.MaxItems = requests.NewInteger(1000)
		r.Marker = marker
		return r
	}, "Roles", "Role", func(ctx context.Context, items []json.RawMessage) error {
		for _, raw := range items {
			var a struct{ RoleName string }
			if err := decodeItem(raw, &a, "Roles.Role", func() string { return a.RoleName }); err != nil {
				return err
			}
			role := &RAMRole{Name: a.RoleName}
			rc.mu.Lock()
			rc.roles = append(rc.roles, role)
			rc.mu.Unlock()
			if err := submit(ctx, func(ctx context.Context) error { return rc.role(ctx, role) }); err != nil {
				return err
			}
		}
		return nil
	})
}

func (rc *ramCollection) role(ctx context.Context, role *RAMRole) error {
	r := ram.CreateGetRoleRequest()
	r.RoleName = role.Name
	var env struct{ Role json.RawMessage }
	if err := rc.c.ramCall(ctx, rc.account, r, &env); err != nil {
		return err
	}
	var a struct {
		RoleId, RoleName, Arn, Description, CreateDate, AssumeRolePolicyDocument string
		MaxSessionDuration                                                       flexInt
		IsServiceLinkedRole                                                      flexBool
	}
	if len(env.Role) == 0 {
		return malformed(r, "", fmt.Errorf("Role missing"))
	}
	if err := decodeItem(env.Role, &a, "Role", func() string { return a.RoleId }); err != nil {
		return malformed(r, "", err)
	}
	created, err := ramTime(a.CreateDate, "CreateDate")
	if err != nil {
		return malformed(r, "", err)
	}
	*role = RAMRole{ID: a.RoleId, Name: orDefault(a.RoleName, role.Name), ARN: a.Arn, Description: a.Description,
		MaxSessionDuration: int(a.MaxSessionDuration), CreateDate: created, IsServiceLinked: bool(a.IsServiceLinkedRole),
		TrustPolicyJSON: a.AssumeRolePolicyDocument, Raw: env.Role}
	if doc, err := ParsePolicyDocument(a.AssumeRolePolicyDocument); err != nil {
		role.TrustPolicyError = err.Error()
	} else {
		role.TrustPolicy = doc
	}
	return nil
}

// listPolicies lists every policy and queues GetPolicy for those kept and
// ListEntitiesForPolicy for those attached.
func (rc *ramCollection) listPolicies(ctx context.Context, submit func(context.Context, func(context.Context) error) error) error {
	return rc.c.ramMarker(ctx, rc.account, func(marker string) requests.AcsRequest {
		r := ram.CreateListPoliciesRequest()
		r.MaxItems = requests.NewInteger(1000)
		r.Marker = marker
		return r
	}, "Policies", "Policy", func(ctx context.Context, items []json.RawMessage) error {
		for _, raw := range items {
			var a struct {
				PolicyName, PolicyType, Description, DefaultVersion string
				AttachmentCount                                     flexInt
			}
			if err := decodeItem(raw, &a, "Policies.Policy", func() string { return a.PolicyName }); err != nil {
				return err
			}
			if a.PolicyType != "System" && a.PolicyType != "Custom" {
				return fmt.Errorf("Policies.Policy %s: PolicyType %q is not System or Custom", a.PolicyName, a.PolicyType)
			}
			if a.PolicyType == "System" && a.AttachmentCount <= 0 {
				continue
			}
			p := &RAMPolicy{ID: a.PolicyName, Name: a.PolicyName, Type: a.PolicyType, Description: a.Description,
				DefaultVersion: a.DefaultVersion, AttachmentCount: int(a.AttachmentCount), Raw: raw}
			rc.mu.Lock()
			rc.policies = append(rc.policies, p)
			rc.mu.Unlock()
			if err := submit(ctx, func(ctx context.Context) error { return rc.policyDocument(ctx, p) }); err != nil {
				return err
			}
			if p.AttachmentCount > 0 {
				if err := submit(ctx, func(ctx context.Context) error { return rc.policyEntities(ctx, p) }); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (rc *ramCollection) policyDocument(ctx context.Context, p *RAMPolicy) error {
	r := ram.CreateGetPolicyRequest()
	r.PolicyType, r.PolicyName = p.Type, p.Name
	var env struct {
		DefaultPolicyVersion *struct{ VersionId, PolicyDocument string }
	}
	if err := rc.c.ramCall(ctx, rc.account, r, &env); err != nil {
		return err
	}
	if env.DefaultPolicyVersion == nil || env.DefaultPolicyVersion.PolicyDocument == "" {
		return malformed(r, "", fmt.Errorf("DefaultPolicyVersion.PolicyDocument missing"))
	}
	p.DocumentJSON = env.DefaultPolicyVersion.PolicyDocument
	p.DefaultVersion = orDefault(env.DefaultPolicyVersion.VersionId, p.DefaultVersion)
	if doc, err := ParsePolicyDocument(p.DocumentJSON); err != nil {
		p.DocumentError = err.Error()
	} else {
		p.Document = doc
	}
	return nil
}

// ramEntityAttachment is one ListEntitiesForPolicy item.
type ramEntityAttachment struct {
	kind, name string // kind "User", "Group" or "Role"
	date       time.Time
}

func (rc *ramCollection) policyEntities(ctx context.Context, p *RAMPolicy) error {
	r := ram.CreateListEntitiesForPolicyRequest()
	r.PolicyType, r.PolicyName = p.Type, p.Name
	var env struct{ Users, Groups, Roles json.RawMessage }
	if err := rc.c.ramCall(ctx, rc.account, r, &env); err != nil {
		return err
	}
	var found []ramEntityAttachment
	for _, l := range []struct {
		kind string
		raw  json.RawMessage
		dst  *[]string
	}{{"User", env.Users, &p.Users}, {"Group", env.Groups, &p.Groups}, {"Role", env.Roles, &p.Roles}} {
		items, err := listOf(l.raw, l.kind, l.kind+"s")
		if err != nil {
			return malformed(r, "", err)
		}
		for _, raw := range items {
			var a map[string]any
			if err := json.Unmarshal(raw, &a); err != nil {
				return malformed(r, "", fmt.Errorf("%ss.%s: %v", l.kind, l.kind, err))
			}
			name, _ := a[l.kind+"Name"].(string)
			if name == "" {
				return malformed(r, "", fmt.Errorf("%ss.%s without %sName: %s", l.kind, l.kind, l.kind, truncate(raw, 120)))
			}
			date, _ := a["AttachDate"].(string)
			t, err := ramTime(date, "AttachDate")
			if err != nil {
				return malformed(r, "", err)
			}
			*l.dst = append(*l.dst, name)
			found = append(found, ramEntityAttachment{kind: l.kind, name: name, date: t})
		}
	}
	rc.mu.Lock()
	rc.attached[p] = found
	rc.mu.Unlock()
	return nil
}

func (rc *ramCollection) passwordPolicy(ctx context.Context) error {
	r := ims.CreateGetPasswordPolicyRequest()
	var env struct{ PasswordPolicy json.RawMessage }
	if err := rc.c.ramCall(ctx, rc.account, r, &env); err != nil {
		return err
	}
	var a struct {
		MinimumPasswordLength, MaxPasswordAge, PasswordReusePrevention, MaxLoginAttemps, MinimumPasswordDifferentCharacter flexInt
		RequireLowercaseCharacters, RequireUppercaseCharacters, RequireNumbers, RequireSymbols                             flexBool
		HardExpire, PasswordNotContainUserName                                                                             flexBool
	}
	if len(env.PasswordPolicy) == 0 || string(env.PasswordPolicy) == "null" {
		return malformed(r, "", fmt.Errorf("PasswordPolicy missing"))
	}
	if err := json.Unmarshal(env.PasswordPolicy, &a); err != nil {
		return malformed(r, "", fmt.Errorf("PasswordPolicy: %v", err))
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.out.PasswordPolicy = RAMPasswordPolicy{MinimumLength: int(a.MinimumPasswordLength), RequireLowercase: bool(a.RequireLowercaseCharacters),
		RequireUppercase: bool(a.RequireUppercaseCharacters), RequireNumbers: bool(a.RequireNumbers), RequireSymbols: bool(a.RequireSymbols),
		MaxAgeDays: int(a.MaxPasswordAge), HardExpire: bool(a.HardExpire), ReusePrevention: int(a.PasswordReusePrevention),
		MaxLoginAttempts: int(a.MaxLoginAttemps), MinimumDifferentCharacters: int(a.MinimumPasswordDifferentCharacter),
		NotContainUserName: bool(a.PasswordNotContainUserName), Raw: env.PasswordPolicy}
	return nil
}

func (rc *ramCollection) securityPreference(ctx context.Context) error {
	r := ims.CreateGetSecurityPreferenceRequest()
	var env struct{ SecurityPreference json.RawMessage }
	if err := rc.c.ramCall(ctx, rc.account, r, &env); err != nil {
		return err
	}
	var a struct {
		LoginProfilePreference *struct {
			MFAOperationForLogin, OperationForRiskLogin, LoginNetworkMasks     string
			EnforceMFAForLogin, AllowUserToChangePassword, EnableSaveMFATicket flexBool
			LoginSessionDuration                                               flexInt
		}
		AccessKeyPreference struct{ AllowUserToManageAccessKeys flexBool }
		MFAPreference       struct{ AllowUserToManageMFADevices flexBool }
	}
	if len(env.SecurityPreference) == 0 || string(env.SecurityPreference) == "null" {
		return malformed(r, "", fmt.Errorf("SecurityPreference missing"))
	}
	if err := json.Unmarshal(env.SecurityPreference, &a); err != nil {
		return malformed(r, "", fmt.Errorf("SecurityPreference: %v", err))
	}
	if a.LoginProfilePreference == nil {
		return malformed(r, "", fmt.Errorf("SecurityPreference.LoginProfilePreference missing"))
	}
	lp := a.LoginProfilePreference
	sp := RAMSecurityPreference{MFAOperationForLogin: lp.MFAOperationForLogin, EnforceMFAForLogin: bool(lp.EnforceMFAForLogin),
		OperationForRiskLogin: lp.OperationForRiskLogin, LoginSessionDurationHours: int(lp.LoginSessionDuration),
		AllowUserToChangePassword: bool(lp.AllowUserToChangePassword), EnableSaveMFATicket: bool(lp.EnableSaveMFATicket),
		AllowUserToManageAccessKeys: bool(a.AccessKeyPreference.AllowUserToManageAccessKeys),
		AllowUserToManageMFADevices: bool(a.MFAPreference.AllowUserToManageMFADevices), Raw: env.SecurityPreference}
	if sp.MFAOperationForLogin == "" && sp.EnforceMFAForLogin {
		sp.MFAOperationForLogin = "mandatory"
	}
	for _, m := range strings.Split(lp.LoginNetworkMasks, ";") {
		if m = strings.TrimSpace(m); m != "" {
			sp.LoginNetworkMasks = append(sp.LoginNetworkMasks, m)
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.out.SecurityPreference = sp
	return nil
}

func (rc *ramCollection) root(ctx context.Context) error {
	r := ims.CreateGetAccountSecurityPracticeReportRequest()
	var env struct {
		AccountSecurityPracticeInfo *struct {
			AccountSecurityPracticeUserInfo *struct {
				RootWithAccessKey flexInt
				BindMfa           flexBool
			}
		}
	}
	body, err := rc.c.do(ctx, rc.account, "", r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return malformed(r, "", err)
	}
	if env.AccountSecurityPracticeInfo == nil || env.AccountSecurityPracticeInfo.AccountSecurityPracticeUserInfo == nil {
		return malformed(r, "", fmt.Errorf("AccountSecurityPracticeInfo.AccountSecurityPracticeUserInfo missing"))
	}
	var raw struct{ AccountSecurityPracticeInfo json.RawMessage }
	_ = json.Unmarshal(body, &raw) // decoded above
	ui := env.AccountSecurityPracticeInfo.AccountSecurityPracticeUserInfo
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.out.Root = RAMRoot{AccessKeys: int(ui.RootWithAccessKey), MFABound: bool(ui.BindMfa), Raw: raw.AccountSecurityPracticeInfo}
	return nil
}

// assemble joins the pieces: virtual MFA devices, group memberships and
// policy attachments onto the identities.
func (rc *ramCollection) assemble() *RAMInventory {
	out := rc.out
	userIdx := map[string]int{}
	for i, u := range rc.users {
		if u.MFADevice == nil {
			u.MFADevice = rc.vmfa[strings.ToLower(u.Name)]
		}
		userIdx[strings.ToLower(u.Name)] = i
	}
	groupIdx := map[string]int{}
	for i, gr := range rc.groups {
		groupIdx[strings.ToLower(gr.Name)] = i
		for _, m := range gr.Members {
			if j, ok := userIdx[strings.ToLower(m)]; ok {
				rc.users[j].Groups = append(rc.users[j].Groups, gr.Name)
			}
		}
	}
	roleIdx := map[string]int{}
	for i, r := range rc.roles {
		roleIdx[strings.ToLower(r.Name)] = i
	}
	for _, p := range rc.policies {
		for _, a := range rc.attached[p] {
			ref := RAMPolicyRef{Name: p.Name, Type: p.Type, AttachDate: a.date}
			key := strings.ToLower(a.name)
			switch a.kind {
			case "User":
				if j, ok := userIdx[key]; ok {
					rc.users[j].Policies = append(rc.users[j].Policies, ref)
				}
			case "Group":
				if j, ok := groupIdx[key]; ok {
					rc.groups[j].Policies = append(rc.groups[j].Policies, ref)
				}
			case "Role":
				if j, ok := roleIdx[key]; ok {
					rc.roles[j].Policies = append(rc.roles[j].Policies, ref)
				}
			}
		}
	}
	for _, u := range rc.users {
		out.Users = append(out.Users, *u)
	}
	for _, gr := range rc.groups {
		out.Groups = append(out.Groups, *gr)
	}
	for _, r := range rc.roles {
		out.Roles = append(out.Roles, *r)
	}
	for _, p := range rc.policies {
		out.Policies = append(out.Policies, *p)
	}
	return &out
}
