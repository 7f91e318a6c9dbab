package collect

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/polardb"
)

// PolarDBInventory is one region's PolarDB inventory.
type PolarDBInventory struct {
	Region   string
	Clusters []PolarDBCluster
}

// PolarDBCluster is a DescribeDBClusters item with its whitelist and
// security groups (DescribeDBClusterAccessWhitelist), SSL
// (DescribeDBClusterSSL) and TDE (DescribeDBClusterTDE).
type PolarDBCluster struct {
	ID               string
	Name             string // DBClusterDescription
	Region           string
	Zone             string
	DBType           string // "MySQL", "PostgreSQL", "Oracle"
	DBVersion        string
	Status           string
	NetworkType      string // "VPC"
	VPCID            string
	VSwitchID        string
	Whitelists       []DBWhitelist
	SecurityGroupIDs []string // ECS security groups that also admit traffic
	// SSLEnabled: an endpoint has SSL on (SSLEnabled "Enabled"); SSL lists
	// each endpoint.
	SSLEnabled bool
	SSL        []PolarDBEndpointSSL
	TDEEnabled bool   // TDEStatus "Enabled"
	TDEKeyID   string // EncryptionKey
	Raw        json.RawMessage
	SSLRaw     json.RawMessage // DescribeDBClusterSSL's answer
	TDERaw     json.RawMessage // DescribeDBClusterTDE's answer
}

// PolarDBEndpointSSL is one endpoint's entry in DescribeDBClusterSSL.
type PolarDBEndpointSSL struct {
	EndpointID       string
	Enabled          bool
	ConnectionString string
	ExpireTime       string
}

// OpenToInternet reports whether a whitelist group admits any address.
func (c PolarDBCluster) OpenToInternet() bool { return anyOpen(c.Whitelists) }

var polardbGone = []string{"InvalidDBClusterId.NotFound"}

// PolarDB collects one region's PolarDB inventory, once per Collector.
//
// Calls: DescribeDBClusters (PageSize 100, the documented maximum), then
// for each cluster, as its page arrives: DescribeDBClusterAccessWhitelist,
// DescribeDBClusterSSL and DescribeDBClusterTDE, concurrently. Permission,
// throttling or activation failures return a *NotEvaluatedError for the
// whole product.
func (c *Collector) PolarDB(ctx context.Context, account, region string) (*PolarDBInventory, error) {
	return regional(ctx, c, "polardb", account, region, c.collectPolarDB)
}

func (c *Collector) collectPolarDB(ctx context.Context, account, region string) (*PolarDBInventory, error) {
	clusters, err := listDescribe(ctx, c, account, region, 100, func(n int) requests.AcsRequest {
		r := polardb.CreateDescribeDBClustersRequest()
		r.PageSize = requests.NewInteger(100)
		r.PageNumber = requests.NewInteger(n)
		return r
	}, func(body []byte) (int, []*PolarDBCluster, error) {
		return dbPage(body, "TotalRecordCount", "Items", "DBCluster", func(raw json.RawMessage) (*PolarDBCluster, error) {
			var a struct {
				DBClusterId, DBClusterDescription, RegionId, ZoneId, DBType, DBVersion string
				DBClusterStatus, DBClusterNetworkType, VpcId, VswitchId                string
			}
			if err := decodeItem(raw, &a, "Items.DBCluster", func() string { return a.DBClusterId }); err != nil {
				return nil, err
			}
			return &PolarDBCluster{ID: a.DBClusterId, Name: a.DBClusterDescription, Region: orDefault(a.RegionId, region),
				Zone: a.ZoneId, DBType: a.DBType, DBVersion: a.DBVersion, Status: a.DBClusterStatus,
				NetworkType: a.DBClusterNetworkType, VPCID: a.VpcId, VSwitchID: a.VswitchId, Raw: raw}, nil
		})
	}, func(ctx context.Context, cl *PolarDBCluster) error {
		id := cl.ID
		return detailGroup(ctx, polardbGone,
			func(ctx context.Context) error {
				r := polardb.CreateDescribeDBClusterAccessWhitelistRequest()
				r.DBClusterId = id
				return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
					m, err := dbFields(body, "Items")
					if err != nil {
						return err
					}
					items, err := listOf(m["Items"], "DBClusterIPArray", "Items")
					if err != nil {
						return err
					}
					ws := make([]DBWhitelist, 0, len(items))
					for _, raw := range items {
						var a struct{ DBClusterIPArrayName, DBClusterIPArrayAttribute, SecurityIps string }
						if err := decodeItem(raw, &a, "Items.DBClusterIPArray", func() string { return a.DBClusterIPArrayName }); err != nil {
							return err
						}
						ws = append(ws, DBWhitelist{Name: a.DBClusterIPArrayName, Attribute: a.DBClusterIPArrayAttribute,
							Entries: splitEntries(a.SecurityIps), Raw: raw})
					}
					var sgIDs []string
					if sg, ok := m["DBClusterSecurityGroups"]; ok && string(sg) != "null" {
						groups, err := listOf(sg, "DBClusterSecurityGroup", "DBClusterSecurityGroups")
						if err != nil {
							return err
						}
						for _, raw := range groups {
							var a struct{ SecurityGroupId string }
							if err := decodeItem(raw, &a, "DBClusterSecurityGroups.DBClusterSecurityGroup", func() string { return a.SecurityGroupId }); err != nil {
								return err
							}
							sgIDs = append(sgIDs, a.SecurityGroupId)
						}
					}
					cl.Whitelists, cl.SecurityGroupIDs = ws, sgIDs
					return nil
				})
			},
			func(ctx context.Context) error {
				r := polardb.CreateDescribeDBClusterSSLRequest()
				r.DBClusterId = id
				return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
					m, err := dbFields(body, "Items")
					if err != nil {
						return err
					}
					var items []struct{ DBEndpointId, SSLEnabled, SSLConnectionString, SSLExpireTime string }
					if err := json.Unmarshal(m["Items"], &items); err != nil {
						return fmt.Errorf("Items: %v", err)
					}
					eps := make([]PolarDBEndpointSSL, 0, len(items))
					on := false
					for _, it := range items {
						e := PolarDBEndpointSSL{EndpointID: it.DBEndpointId, Enabled: enabledWord(it.SSLEnabled),
							ConnectionString: it.SSLConnectionString, ExpireTime: it.SSLExpireTime}
						on = on || e.Enabled
						eps = append(eps, e)
					}
					cl.SSL, cl.SSLEnabled, cl.SSLRaw = eps, on, dbEvidence(m)
					return nil
				})
			},
			func(ctx context.Context) error {
				r := polardb.CreateDescribeDBClusterTDERequest()
				r.DBClusterId = id
				return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
					var err error
					cl.TDEEnabled, cl.TDEKeyID, cl.TDERaw, err = dbTDE(body)
					return err
				})
			})
	})
	if err != nil {
		return nil, err
	}
	return &PolarDBInventory{Region: region, Clusters: clusters}, nil
}
