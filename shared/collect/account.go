package collect

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

// Region is an ECS DescribeRegions item.
type Region struct {
	ID        string
	LocalName string
	Endpoint  string
	Raw       json.RawMessage
}

// Regions lists the regions available to the account (ECS DescribeRegions),
// once per Collector.
func (c *Collector) Regions(ctx context.Context, account string) ([]Region, error) {
	return shared(ctx, c, "regions|"+account, func(ctx context.Context) ([]Region, error) {
		r := ecs.CreateDescribeRegionsRequest()
		r.AcceptLanguage = "en-US"
		body, err := c.do(ctx, account, "", r)
		if err != nil {
			return nil, notEvaluated("ecs", "", err)
		}
		var env struct{ Regions json.RawMessage }
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, malformed(r, "", err)
		}
		items, err := listOf(env.Regions, "Region", "Regions")
		if err != nil {
			return nil, malformed(r, "", err)
		}
		out := make([]Region, 0, len(items))
		for _, raw := range items {
			var a struct{ RegionId, LocalName, RegionEndpoint string }
			if err := decodeItem(raw, &a, "Regions.Region", func() string { return a.RegionId }); err != nil {
				return nil, malformed(r, "", err)
			}
			out = append(out, Region{ID: a.RegionId, LocalName: a.LocalName, Endpoint: a.RegionEndpoint, Raw: raw})
		}
		return out, nil
	})
}

// Identity is who the collector acts as in an account (STS
// GetCallerIdentity).
type Identity struct {
	AccountID    string
	ARN          string
	IdentityType string // "Account", "RAMUser" or "AssumedRoleUser"
	PrincipalID  string
	UserID       string
	RoleID       string
}

// CallerIdentity asks STS who the account's credentials belong to, once
// per Collector: a scan that checks its identity before every region
// exhausts GetCallerIdentity's quota (Steampipe alicloud #483).
func (c *Collector) CallerIdentity(ctx context.Context, account string) (*Identity, error) {
	return shared(ctx, c, "identity|"+account, func(ctx context.Context) (*Identity, error) {
		r := sts.CreateGetCallerIdentityRequest()
		body, err := c.do(ctx, account, "", r)
		if err != nil {
			return nil, err
		}
		var a struct{ AccountId, Arn, IdentityType, PrincipalId, UserId, RoleId string }
		if err := json.Unmarshal(body, &a); err != nil {
			return nil, malformed(r, "", err)
		}
		if a.AccountId == "" || a.Arn == "" {
			return nil, malformed(r, "", fmt.Errorf("AccountId or Arn missing"))
		}
		return &Identity{AccountID: a.AccountId, ARN: a.Arn, IdentityType: a.IdentityType, PrincipalID: a.PrincipalId,
			UserID: a.UserId, RoleID: a.RoleId}, nil
	})
}
