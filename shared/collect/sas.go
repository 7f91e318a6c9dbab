package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sas"
)

// SASInventory is the account's Security Center (Sas) configuration. It is
// account-level: one per account, whatever the region.
type SASInventory struct {
	// Edition is DescribeVersionConfig's Version: 1 Basic, 6 Anti-virus,
	// 5 Advanced, 3 Enterprise, 7 Ultimate (8 Multi-Version, 10 Value-added
	// Plan).
	Edition     int
	EditionName string // "Basic", "Advanced", ...
	Paid        bool   // IsPaidUser
	// VersionRaw is the DescribeVersionConfig answer (without its
	// RequestId).
	VersionRaw json.RawMessage
	Assets     []SASAsset
	Notices    []SASNotice
	// VulScan is the vulnerability scan configuration, one entry per type
	// (DescribeVulConfig TargetConfigs).
	VulScan []SASVulConfig
}

// SASVulConfig is one vulnerability type's scan setting (a
// DescribeVulConfig TargetConfigs item).
type SASVulConfig struct {
	// Type: "cve" (Linux software), "sys" (Windows), "cms" (Web-CMS), "app"
	// (web scanner), "emg" (urgent), "yum", "scanMode", "imageVulClean".
	Type    string
	Config  string // "on"/"off" for the scan types
	OverAll string // OverAllConfig: "on" when every server is scanned
	Raw     json.RawMessage
}

// SASVulTypes are the vulnerability types whose periodic scan CIS 8.7
// asks for on every server.
var SASVulTypes = []string{"cve", "sys", "cms", "emg"}

// VulConfig returns the setting of a vulnerability type, or nil.
func (s *SASInventory) VulConfig(typ string) *SASVulConfig {
	for i := range s.VulScan {
		if s.VulScan[i].Type == typ {
			return &s.VulScan[i]
		}
	}
	return nil
}

// AdvancedOrEnterprise reports whether the edition is Advanced or above
// (Advanced, Enterprise, Ultimate), as CIS 8.1 asks.
func (s *SASInventory) AdvancedOrEnterprise() bool {
	switch s.Edition {
	case 3, 5, 7:
		return true
	}
	return false
}

// Notice returns the notification setting of a project, or nil.
func (s *SASInventory) Notice(project string) *SASNotice {
	for i := range s.Notices {
		if s.Notices[i].Project == project {
			return &s.Notices[i]
		}
	}
	return nil
}

// SASAsset is a DescribeCloudCenterInstances item: a server and its
// Security Center agent.
type SASAsset struct {
	UUID         string
	InstanceID   string
	InstanceName string
	Region       string
	// AgentStatus is ClientStatus lower-cased: "online", "offline" or
	// "pause".
	AgentStatus string
	// Status is the server's state as Security Center sees it ("Running",
	// "Stopped").
	Status string
	OS     string
	Raw    json.RawMessage
}

// AgentOnline reports whether the agent reports in.
func (a SASAsset) AgentOnline() bool { return a.AgentStatus == "online" }

// SASNotice is a DescribeNoticeConfig item: how Security Center notifies
// about one kind of event.
type SASNotice struct {
	Project string // "yundun_aegis_AV_true" (alerts), "sas_vulnerability", "sas_healthcheck", ...
	// Route is a bit set of channels: 1 SMS, 2 email, 4 internal message;
	// 0 notifies nobody.
	Route     int
	TimeLimit int // 0 any time, 1 daytime only
	Raw       json.RawMessage
}

// Enabled reports whether the notification goes anywhere.
func (n SASNotice) Enabled() bool { return n.Route != 0 }

// sasEditions names DescribeVersionConfig's Version values.
var sasEditions = map[int]string{1: "Basic", 3: "Enterprise", 5: "Advanced", 6: "Anti-virus", 7: "Ultimate",
	8: "Multi-Version", 10: "Value-added Plan"}

// sasPageSize is DescribeCloudCenterInstances' page size: the largest we
// send (cloudsim enforces 100).
const sasPageSize = 100

// SAS collects the account's Security Center configuration, once per
// Collector and account (it is account-level, so it is called once
// however many regions a scan covers).
//
// Calls: DescribeVersionConfig, DescribeCloudCenterInstances (CurrentPage/
// PageSize 100, pages after the first concurrently), DescribeNoticeConfig
// and DescribeVulConfig, all concurrently. A permission, throttling
// or activation failure returns a *NotEvaluatedError for the product.
func (c *Collector) SAS(ctx context.Context, account string) (*SASInventory, error) {
	return accountWide(ctx, c, "sas", account, c.collectSAS)
}

func (c *Collector) collectSAS(ctx context.Context, account string) (*SASInventory, error) {
	out := &SASInventory{}
	g := newGroup(ctx)
	g.run(func(ctx context.Context) error {
		r := sas.CreateDescribeVersionConfigRequest()
		body, err := c.do(ctx, account, "", r)
		if err != nil {
			return err
		}
		var v struct {
			Version    *flexInt
			IsPaidUser flexBool
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return malformed(r, "", err)
		}
		if v.Version == nil {
			return malformed(r, "", fmt.Errorf("Version missing"))
		}
		out.Edition, out.Paid, out.VersionRaw = int(*v.Version), bool(v.IsPaidUser), withoutRequestID(body)
		out.EditionName = sasEditions[out.Edition]
		if out.EditionName == "" {
			out.EditionName = fmt.Sprintf("Version %d", out.Edition)
		}
		return nil
	})
	g.run(func(ctx context.Context) error {
		var p pages[SASAsset]
		err := c.byNumber(ctx, account, "", sasPageSize, func(n int) requests.AcsRequest {
			r := sas.CreateDescribeCloudCenterInstancesRequest()
			r.PageSize = requests.NewInteger(sasPageSize)
			r.CurrentPage = requests.NewInteger(n)
			return r
		}, func(n int, body []byte) (int, error) {
			var env struct {
				Instances *[]json.RawMessage
				PageInfo  *struct{ TotalCount *flexInt }
			}
			if err := json.Unmarshal(body, &env); err != nil {
				return 0, err
			}
			if env.Instances == nil || env.PageInfo == nil || env.PageInfo.TotalCount == nil {
				return 0, fmt.Errorf("Instances or PageInfo.TotalCount missing")
			}
			page := make([]SASAsset, 0, len(*env.Instances))
			for _, raw := range *env.Instances {
				var a struct{ Uuid, InstanceId, InstanceName, RegionId, ClientStatus, Status, Os string }
				if err := decodeItem(raw, &a, "Instances[]", func() string { return a.Uuid }); err != nil {
					return 0, err
				}
				page = append(page, SASAsset{UUID: a.Uuid, InstanceID: a.InstanceId, InstanceName: a.InstanceName,
					Region: a.RegionId, AgentStatus: strings.ToLower(a.ClientStatus), Status: a.Status, OS: a.Os, Raw: raw})
			}
			p.put(n, page)
			return int(*env.PageInfo.TotalCount), nil
		})
		out.Assets = p.all()
		return err
	})
	g.run(func(ctx context.Context) error {
		r := sas.CreateDescribeNoticeConfigRequest()
		body, err := c.do(ctx, account, "", r)
		if err != nil {
			return err
		}
		var env struct{ NoticeConfigList *[]json.RawMessage }
		if err := json.Unmarshal(body, &env); err != nil {
			return malformed(r, "", err)
		}
		if env.NoticeConfigList == nil {
			return malformed(r, "", fmt.Errorf("NoticeConfigList missing"))
		}
		for _, raw := range *env.NoticeConfigList {
			var a struct {
				Project          string
				Route, TimeLimit flexInt
			}
			if err := decodeItem(raw, &a, "NoticeConfigList[]", func() string { return a.Project }); err != nil {
				return malformed(r, "", err)
			}
			out.Notices = append(out.Notices, SASNotice{Project: a.Project, Route: int(a.Route), TimeLimit: int(a.TimeLimit), Raw: raw})
		}
		return nil
	})
	g.run(func(ctx context.Context) error {
		// DescribeVulConfig is newer than the typed SDK: a CommonRequest.
		r := commonRequest("Sas", "2018-12-03", "DescribeVulConfig", "POST", "", nil)
		body, err := c.do(ctx, account, "", r)
		if err != nil {
			return err
		}
		var env struct{ TargetConfigs *[]json.RawMessage }
		if err := json.Unmarshal(body, &env); err != nil {
			return malformed(r, "", err)
		}
		if env.TargetConfigs == nil {
			return malformed(r, "", fmt.Errorf("TargetConfigs missing"))
		}
		for _, raw := range *env.TargetConfigs {
			var a struct{ Type, Config, OverAllConfig string }
			if err := decodeItem(raw, &a, "TargetConfigs[]", func() string { return a.Type }); err != nil {
				return malformed(r, "", err)
			}
			out.VulScan = append(out.VulScan, SASVulConfig{Type: a.Type, Config: strings.ToLower(a.Config),
				OverAll: strings.ToLower(a.OverAllConfig), Raw: raw})
		}
		return nil
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	return out, nil
}
