package collect

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/dds"
)

// MongoDBInventory is one region's ApsaraDB for MongoDB (Dds) inventory:
// replica set, standalone and sharded cluster instances.
type MongoDBInventory struct {
	Region    string
	Instances []MongoDBInstance
}

// MongoDBInstance is a DescribeDBInstances item with its whitelist
// (DescribeSecurityIps), SSL (DescribeDBInstanceSSL) and TDE
// (DescribeDBInstanceTDEInfo).
type MongoDBInstance struct {
	ID            string
	Name          string // DBInstanceDescription
	Region        string
	Zone          string
	Type          string // "replicate" (replica set or standalone) or "sharding"
	EngineVersion string
	Class         string
	Status        string
	NetworkType   string // "VPC" or "Classic"
	VPCID         string
	VSwitchID     string
	Whitelists    []DBWhitelist
	SSLEnabled    bool   // SSLStatus "Open"
	TDEEnabled    bool   // TDEStatus "enabled"
	TDEKeyID      string // EncryptionKey: the KMS key, "" for the service key
	Raw           json.RawMessage
	SSLRaw        json.RawMessage // DescribeDBInstanceSSL's answer
	TDERaw        json.RawMessage // DescribeDBInstanceTDEInfo's answer
}

// OpenToInternet reports whether a whitelist group admits any address.
func (i MongoDBInstance) OpenToInternet() bool { return anyOpen(i.Whitelists) }

var mongoGone = []string{"InvalidDBInstanceId.NotFound"}

// MongoDB collects one region's MongoDB inventory, once per Collector.
//
// Calls: DescribeDBInstances twice over, DBInstanceType replicate and
// sharding (the API lists one architecture at a time and defaults to
// replica sets; peers that list once miss every sharded cluster), each at
// PageSize 100, the documented maximum; then for each instance, as its page
// arrives: DescribeSecurityIps, DescribeDBInstanceSSL and
// DescribeDBInstanceTDEInfo, concurrently. Permission, throttling or
// activation failures return a *NotEvaluatedError for the whole product.
func (c *Collector) MongoDB(ctx context.Context, account, region string) (*MongoDBInventory, error) {
	return regional(ctx, c, "mongodb", account, region, c.collectMongoDB)
}

func (c *Collector) collectMongoDB(ctx context.Context, account, region string) (*MongoDBInventory, error) {
	var byType [2][]MongoDBInstance
	g := newGroup(ctx)
	for i, typ := range []string{"replicate", "sharding"} {
		g.run(func(ctx context.Context) (err error) {
			byType[i], err = c.mongoList(ctx, account, region, typ)
			return err
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	return &MongoDBInventory{Region: region, Instances: append(byType[0], byType[1]...)}, nil
}

func (c *Collector) mongoList(ctx context.Context, account, region, typ string) ([]MongoDBInstance, error) {
	return listDescribe(ctx, c, account, region, 100, func(n int) requests.AcsRequest {
		r := dds.CreateDescribeDBInstancesRequest()
		r.DBInstanceType = typ
		r.PageSize = requests.NewInteger(100)
		r.PageNumber = requests.NewInteger(n)
		return r
	}, func(body []byte) (int, []*MongoDBInstance, error) {
		return dbPage(body, "TotalCount", "DBInstances", "DBInstance", func(raw json.RawMessage) (*MongoDBInstance, error) {
			var a struct {
				DBInstanceId, DBInstanceDescription, RegionId, ZoneId, DBInstanceType, EngineVersion string
				DBInstanceClass, DBInstanceStatus, NetworkType, VPCId, VSwitchId                     string
			}
			if err := decodeItem(raw, &a, "DBInstances.DBInstance", func() string { return a.DBInstanceId }); err != nil {
				return nil, err
			}
			return &MongoDBInstance{ID: a.DBInstanceId, Name: a.DBInstanceDescription, Region: orDefault(a.RegionId, region),
				Zone: a.ZoneId, Type: strings.ToLower(orDefault(a.DBInstanceType, typ)), EngineVersion: a.EngineVersion,
				Class: a.DBInstanceClass, Status: a.DBInstanceStatus, NetworkType: a.NetworkType, VPCID: a.VPCId,
				VSwitchID: a.VSwitchId, Raw: raw}, nil
		})
	}, func(ctx context.Context, inst *MongoDBInstance) error {
		id := inst.ID
		return detailGroup(ctx, mongoGone,
			func(ctx context.Context) error {
				r := dds.CreateDescribeSecurityIpsRequest()
				r.DBInstanceId = id
				return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
					ws, err := dbSecurityIPGroups(body)
					inst.Whitelists = ws
					return err
				})
			},
			func(ctx context.Context) error {
				r := dds.CreateDescribeDBInstanceSSLRequest()
				r.DBInstanceId = id
				return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
					var err error
					inst.SSLEnabled, inst.SSLRaw, err = dbSwitch(body, "SSLStatus")
					return err
				})
			},
			func(ctx context.Context) error {
				r := dds.CreateDescribeDBInstanceTDEInfoRequest()
				r.DBInstanceId = id
				return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
					var err error
					inst.TDEEnabled, inst.TDEKeyID, inst.TDERaw, err = dbTDE(body)
					return err
				})
			})
	})
}
