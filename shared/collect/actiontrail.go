package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/actiontrail"
)

// ActionTrailInventory is the account's ActionTrail trails. Trails belong
// to the account, not to a region, so it is collected once per account and
// Collect files the same value in every region's Inventory.
type ActionTrailInventory struct {
	Trails []Trail
}

// Trail is a DescribeTrails item with its GetTrailStatus.
type Trail struct {
	ID   string // the trail's name, its identifier
	Name string
	// Region is the trail's home region, where it was created.
	Region string
	// TrailRegion is "All" for a multi-region trail, else the one region
	// it records.
	TrailRegion string
	MultiRegion bool   // TrailRegion "All"
	EventRW     string // "All", "Read" or "Write"
	Status      string // "Enable", "Disable" or "Fresh" (never started)
	// Logging is GetTrailStatus' IsLogging.
	Logging            bool
	StartLoggingTime   string
	StopLoggingTime    string
	LatestDeliveryTime string // last delivery to OSS
	// LatestDeliveryLogServiceTime is the last delivery to Log Service.
	LatestDeliveryLogServiceTime string
	LatestDeliveryError          string
	OSSBucket                    string // OssBucketName, "" when not delivering to OSS
	OSSKeyPrefix                 string
	SLSProjectARN                string // "" when not delivering to Log Service
	OrganizationTrail            bool
	// Shadow marks a multi-region trail homed elsewhere than the region
	// DescribeTrails was asked in (IsShadowTrail 1).
	Shadow    bool
	Raw       json.RawMessage // the DescribeTrails item
	StatusRaw json.RawMessage // the GetTrailStatus answer, without RequestId
}

// trailViewRegion is where DescribeTrails is asked. With
// IncludeShadowTrails every multi-region trail of the account shows there,
// whatever its home region; single-region trails homed in other regions do
// not (they cannot satisfy a whole-account logging requirement anyway).
const trailViewRegion = "cn-hangzhou"

// ActionTrail collects the account's trails once per Collector: one
// DescribeTrails (IncludeShadowTrails, in cn-hangzhou; the API does not
// page) and one GetTrailStatus per trail, asked in the trail's home region.
// A permission, throttling or activation failure returns a
// *NotEvaluatedError for "actiontrail" with no region.
func (c *Collector) ActionTrail(ctx context.Context, account string) (*ActionTrailInventory, error) {
	return accountWide(ctx, c, "actiontrail", account, c.collectActionTrail)
}

func (c *Collector) collectActionTrail(ctx context.Context, account string) (*ActionTrailInventory, error) {
	r := actiontrail.CreateDescribeTrailsRequest()
	r.IncludeShadowTrails = "true"
	r.RegionId = trailViewRegion
	body, err := c.do(ctx, account, "", r)
	if err != nil {
		return nil, err
	}
	var env struct{ TrailList json.RawMessage }
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, malformed(r, "", err)
	}
	items, err := lbArray(env.TrailList, "TrailList")
	if err != nil {
		return nil, malformed(r, "", err)
	}
	out := &ActionTrailInventory{Trails: make([]Trail, 0, len(items))}
	for _, raw := range items {
		var a struct {
			Name, HomeRegion, TrailRegion, EventRW, Status, OssBucketName, OssKeyPrefix, SlsProjectArn string
			IsOrganizationTrail                                                                        flexBool
			IsShadowTrail                                                                              flexInt
		}
		if err := decodeItem(raw, &a, "TrailList", func() string { return a.Name }); err != nil {
			return nil, malformed(r, "", err)
		}
		out.Trails = append(out.Trails, Trail{ID: a.Name, Name: a.Name, Region: a.HomeRegion, TrailRegion: a.TrailRegion,
			MultiRegion: a.TrailRegion == "All", EventRW: a.EventRW, Status: a.Status, OSSBucket: a.OssBucketName,
			OSSKeyPrefix: a.OssKeyPrefix, SLSProjectARN: a.SlsProjectArn, OrganizationTrail: bool(a.IsOrganizationTrail),
			Shadow: a.IsShadowTrail == 1, Raw: raw})
	}
	g := newGroup(ctx)
	sem := make(chan struct{}, c.cfg.Concurrency)
	var mu sync.Mutex
	for i := range out.Trails {
		g.run(func(ctx context.Context) error {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			defer func() { <-sem }()
			t := &out.Trails[i]
			s := actiontrail.CreateGetTrailStatusRequest()
			s.Name = t.Name
			if t.OrganizationTrail {
				s.IsOrganizationTrail = "true"
			}
			region := t.Region
			if region == "" {
				region = trailViewRegion
			}
			body, err := c.do(ctx, account, region, s)
			if err != nil {
				return err
			}
			var st struct {
				IsLogging                                             *flexBool
				StartLoggingTime, StopLoggingTime, LatestDeliveryTime string
				LatestDeliveryLogServiceTime, LatestDeliveryError     string
				LatestDeliveryLogServiceError                         string
			}
			if err := json.Unmarshal(body, &st); err != nil {
				return malformed(s, region, err)
			}
			if st.IsLogging == nil {
				return malformed(s, region, fmt.Errorf("IsLogging missing"))
			}
			mu.Lock()
			defer mu.Unlock()
			t.Logging, t.StartLoggingTime, t.StopLoggingTime = bool(*st.IsLogging), st.StartLoggingTime, st.StopLoggingTime
			t.LatestDeliveryTime, t.LatestDeliveryLogServiceTime = st.LatestDeliveryTime, st.LatestDeliveryLogServiceTime
			t.LatestDeliveryError = st.LatestDeliveryError
			if t.LatestDeliveryError == "" {
				t.LatestDeliveryError = st.LatestDeliveryLogServiceError
			}
			t.StatusRaw = lbEvidence(body)
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	return out, nil
}
