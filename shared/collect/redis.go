package collect

import (
	"context"
	"encoding/json"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/r_kvstore"
)

// RedisInventory is one region's ApsaraDB for Redis / Tair (R-kvstore)
// inventory.
type RedisInventory struct {
	Region    string
	Instances []RedisInstance
}

// RedisInstance is a DescribeInstances item with its whitelist
// (DescribeSecurityIps), SSL (DescribeInstanceSSL) and TDE
// (DescribeInstanceTDEStatus).
type RedisInstance struct {
	ID               string
	Name             string
	Region           string
	Zone             string
	Engine           string // InstanceType: "Redis", "Memcache", "Tair"
	EngineVersion    string
	Architecture     string // "standard", "cluster", "rwsplit"
	Class            string
	Status           string // "Normal", ...
	NetworkType      string // "VPC" or "CLASSIC"
	VPCID            string
	VSwitchID        string
	ConnectionDomain string
	Port             int
	Whitelists       []DBWhitelist
	SSLEnabled       bool // SSLEnabled "Enable"
	TDEEnabled       bool // TDEStatus "Enabled"
	Raw              json.RawMessage
	SSLRaw           json.RawMessage // DescribeInstanceSSL's answer
	TDERaw           json.RawMessage // DescribeInstanceTDEStatus' answer
}

// OpenToInternet reports whether a whitelist group admits any address.
func (i RedisInstance) OpenToInternet() bool { return anyOpen(i.Whitelists) }

// kvstoreTDEStatusRequest is DescribeInstanceTDEStatus, which
// alibaba-cloud-sdk-go v1.63.107 has no typed request for; it is built the
// way the SDK builds its own.
type kvstoreTDEStatusRequest struct {
	*requests.RpcRequest
	InstanceId string `position:"Query" name:"InstanceId"`
}

func newKVStoreTDEStatusRequest(id string) *kvstoreTDEStatusRequest {
	r := &kvstoreTDEStatusRequest{RpcRequest: &requests.RpcRequest{}, InstanceId: id}
	r.InitWithApiInfo("R-kvstore", "2015-01-01", "DescribeInstanceTDEStatus", "redisa", "openAPI")
	r.Method = requests.POST
	return r
}

var redisGone = []string{"InvalidInstanceId.NotFound"}

// Redis collects one region's Redis/Tair inventory, once per Collector.
//
// Calls: DescribeInstances (PageSize 100, the documented maximum), then for
// each instance, as its page arrives: DescribeSecurityIps,
// DescribeInstanceSSL and DescribeInstanceTDEStatus, concurrently.
// Permission, throttling or activation failures return a
// *NotEvaluatedError for the whole product.
func (c *Collector) Redis(ctx context.Context, account, region string) (*RedisInventory, error) {
	return regional(ctx, c, "redis", account, region, c.collectRedis)
}

func (c *Collector) collectRedis(ctx context.Context, account, region string) (*RedisInventory, error) {
	insts, err := listDescribe(ctx, c, account, region, 100, func(n int) requests.AcsRequest {
		r := r_kvstore.CreateDescribeInstancesRequest()
		r.PageSize = requests.NewInteger(100)
		r.PageNumber = requests.NewInteger(n)
		return r
	}, func(body []byte) (int, []*RedisInstance, error) {
		return dbPage(body, "TotalCount", "Instances", "KVStoreInstance", func(raw json.RawMessage) (*RedisInstance, error) {
			var a struct {
				InstanceId, InstanceName, RegionId, ZoneId, InstanceType, EngineVersion, ArchitectureType string
				InstanceClass, InstanceStatus, NetworkType, VpcId, VSwitchId, ConnectionDomain            string
				Port                                                                                      flexInt
			}
			if err := decodeItem(raw, &a, "Instances.KVStoreInstance", func() string { return a.InstanceId }); err != nil {
				return nil, err
			}
			return &RedisInstance{ID: a.InstanceId, Name: a.InstanceName, Region: orDefault(a.RegionId, region), Zone: a.ZoneId,
				Engine: a.InstanceType, EngineVersion: a.EngineVersion, Architecture: a.ArchitectureType, Class: a.InstanceClass,
				Status: a.InstanceStatus, NetworkType: a.NetworkType, VPCID: a.VpcId, VSwitchID: a.VSwitchId,
				ConnectionDomain: a.ConnectionDomain, Port: int(a.Port), Raw: raw}, nil
		})
	}, func(ctx context.Context, inst *RedisInstance) error {
		id := inst.ID
		return detailGroup(ctx, redisGone,
			func(ctx context.Context) error {
				r := r_kvstore.CreateDescribeSecurityIpsRequest()
				r.InstanceId = id
				return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
					ws, err := dbSecurityIPGroups(body)
					inst.Whitelists = ws
					return err
				})
			},
			func(ctx context.Context) error {
				r := r_kvstore.CreateDescribeInstanceSSLRequest()
				r.InstanceId = id
				return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
					var err error
					inst.SSLEnabled, inst.SSLRaw, err = dbSwitch(body, "SSLEnabled")
					return err
				})
			},
			func(ctx context.Context) error {
				return c.dbDescribe(ctx, account, region, newKVStoreTDEStatusRequest(id), func(body []byte) error {
					var err error
					inst.TDEEnabled, inst.TDERaw, err = dbSwitch(body, "TDEStatus")
					return err
				})
			})
	})
	if err != nil {
		return nil, err
	}
	return &RedisInventory{Region: region, Instances: insts}, nil
}

// dbSecurityIPGroups decodes a DescribeSecurityIps answer (Redis and
// MongoDB): SecurityIpGroups.SecurityIpGroup[].
func dbSecurityIPGroups(body []byte) ([]DBWhitelist, error) {
	m, err := dbFields(body, "SecurityIpGroups")
	if err != nil {
		return nil, err
	}
	items, err := listOf(m["SecurityIpGroups"], "SecurityIpGroup", "SecurityIpGroups")
	if err != nil {
		return nil, err
	}
	ws := make([]DBWhitelist, 0, len(items))
	for _, raw := range items {
		var a struct{ SecurityIpGroupName, SecurityIpGroupAttribute, SecurityIpList string }
		if err := decodeItem(raw, &a, "SecurityIpGroups.SecurityIpGroup", func() string { return a.SecurityIpGroupName }); err != nil {
			return nil, err
		}
		ws = append(ws, DBWhitelist{Name: a.SecurityIpGroupName, Attribute: a.SecurityIpGroupAttribute,
			Entries: splitEntries(a.SecurityIpList), Raw: raw})
	}
	return ws, nil
}
