package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/rds"
)

// RDSInventory is one region's ApsaraDB RDS inventory.
type RDSInventory struct {
	Region    string
	Instances []RDSInstance
}

// RDSInstance is an RDS instance (DescribeDBInstances) with its attributes
// (DescribeDBInstanceAttribute), whitelist (DescribeDBInstanceIPArrayList),
// SSL (DescribeDBInstanceSSL), TDE (DescribeDBInstanceTDE), SQL audit
// (DescribeSQLCollectorPolicy, DescribeSQLCollectorRetention) and running
// engine parameters (DescribeParameters).
type RDSInstance struct {
	ID            string
	Name          string // DBInstanceDescription
	Region        string
	Zone          string
	Engine        string // "MySQL", "PostgreSQL", "SQLServer", "MariaDB"
	EngineVersion string
	Class         string
	Type          string // "Primary", "Readonly", "Guard", "Temp"
	Category      string // "Basic", "HighAvailability", "Finance", ...
	Status        string // "Running", ...
	NetType       string // DBInstanceNetType: "Internet" or "Intranet"
	NetworkType   string // "VPC" or "Classic"
	VPCID         string
	VSwitchID     string
	PrimaryID     string // MasterInstanceId, for read-only instances
	// ConnectionString is the endpoint; Port comes from the attributes.
	ConnectionString string
	Port             string
	// SecurityIPMode is "normal" (IP whitelists) or "safety" (enhanced
	// whitelist mode, per network type).
	SecurityIPMode     string
	DeletionProtection bool
	Whitelists         []DBWhitelist
	SSL                RDSSSL
	TDE                RDSTDE
	Audit              RDSAudit
	// Parameters maps each running engine parameter to its value
	// ("log_connections" → "on").
	Parameters map[string]string

	Raw           json.RawMessage // the DescribeDBInstances item
	AttributeRaw  json.RawMessage // the DescribeDBInstanceAttribute item
	ParametersRaw json.RawMessage // the DescribeParameters answer
}

// IsPostgreSQL reports whether the engine is PostgreSQL.
func (i RDSInstance) IsPostgreSQL() bool { return strings.EqualFold(i.Engine, "PostgreSQL") }

// OpenToInternet reports whether a whitelist group admits any address
// (0.0.0.0/0 and the like).
func (i RDSInstance) OpenToInternet() bool { return anyOpen(i.Whitelists) }

// Parameter returns a running engine parameter, and whether the instance
// reported it.
func (i RDSInstance) Parameter(name string) (string, bool) {
	v, ok := i.Parameters[name]
	return v, ok
}

// RDSSSL is DescribeDBInstanceSSL's answer.
type RDSSSL struct {
	// Enabled: SSLEnabled "Yes" (MySQL, SQL Server, MariaDB) or "on"
	// (PostgreSQL).
	Enabled bool
	// ForceEncryption: only encrypted connections are accepted
	// (ForceEncryption "1"; SQL Server and PostgreSQL report it).
	ForceEncryption  bool
	TLSVersion       string
	CAType           string // "aliyun" (cloud certificate) or "custom"
	ConnectionString string // the endpoint the certificate protects
	ExpireTime       string
	Raw              json.RawMessage
}

// RDSTDE is DescribeDBInstanceTDE's answer.
type RDSTDE struct {
	Enabled bool   // TDEStatus "Enabled"
	Mode    string // TDEMode as reported: the key's origin (service key or BYOK)
	Raw     json.RawMessage
}

// RDSAudit is SQL Explorer (SQL audit): DescribeSQLCollectorPolicy and
// DescribeSQLCollectorRetention.
type RDSAudit struct {
	Enabled bool // SQLCollectorStatus "Enable"
	// RetentionDays is how long audit logs are kept: the retention API's
	// ConfigValue, or the policy's StoragePeriod when that is all there is.
	RetentionDays int
	Raw           json.RawMessage // the policy answer
	RetentionRaw  json.RawMessage // the retention answer
}

// rdsGone are the codes RDS answers for an instance that no longer exists.
var rdsGone = []string{"InvalidDBInstanceId.NotFound"}

// RDS collects one region's RDS inventory, once per Collector.
//
// Calls: DescribeDBInstances (PageSize 100, the documented maximum; pages
// after the first concurrently), then for each instance, as its page
// arrives: DescribeDBInstanceAttribute, DescribeDBInstanceIPArrayList,
// DescribeDBInstanceSSL, DescribeDBInstanceTDE, DescribeSQLCollectorPolicy,
// DescribeSQLCollectorRetention and DescribeParameters, concurrently. An
// instance whose detail calls answer InvalidDBInstanceId.NotFound was
// deleted meanwhile and is left out.
//
// A permission, throttling or activation failure of any of them returns a
// *NotEvaluatedError for the whole product; other failures an *Error.
func (c *Collector) RDS(ctx context.Context, account, region string) (*RDSInventory, error) {
	return regional(ctx, c, "rds", account, region, c.collectRDS)
}

func (c *Collector) collectRDS(ctx context.Context, account, region string) (*RDSInventory, error) {
	insts, err := listDescribe(ctx, c, account, region, 100, func(n int) requests.AcsRequest {
		r := rds.CreateDescribeDBInstancesRequest()
		r.PageSize = requests.NewInteger(100)
		r.PageNumber = requests.NewInteger(n)
		return r
	}, func(body []byte) (int, []*RDSInstance, error) {
		return dbPage(body, "TotalRecordCount", "Items", "DBInstance", func(raw json.RawMessage) (*RDSInstance, error) {
			var a struct {
				DBInstanceId, DBInstanceDescription, RegionId, ZoneId, Engine, EngineVersion, DBInstanceClass string
				DBInstanceType, Category, DBInstanceStatus, DBInstanceNetType, InstanceNetworkType            string
				VpcId, VSwitchId, MasterInstanceId, ConnectionString                                          string
			}
			if err := decodeItem(raw, &a, "Items.DBInstance", func() string { return a.DBInstanceId }); err != nil {
				return nil, err
			}
			return &RDSInstance{ID: a.DBInstanceId, Name: a.DBInstanceDescription, Region: orDefault(a.RegionId, region),
				Zone: a.ZoneId, Engine: a.Engine, EngineVersion: a.EngineVersion, Class: a.DBInstanceClass, Type: a.DBInstanceType,
				Category: a.Category, Status: a.DBInstanceStatus, NetType: a.DBInstanceNetType, NetworkType: a.InstanceNetworkType,
				VPCID: a.VpcId, VSwitchID: a.VSwitchId, PrimaryID: a.MasterInstanceId, ConnectionString: a.ConnectionString,
				Raw: raw}, nil
		})
	}, func(ctx context.Context, inst *RDSInstance) error {
		return c.rdsDetails(ctx, account, region, inst)
	})
	if err != nil {
		return nil, err
	}
	return &RDSInventory{Region: region, Instances: insts}, nil
}

// rdsDetails fills one instance's settings with its seven detail calls.
func (c *Collector) rdsDetails(ctx context.Context, account, region string, inst *RDSInstance) error {
	id := inst.ID
	var policyDays, retentionDays int // combined once both calls are back
	err := detailGroup(ctx, rdsGone,
		func(ctx context.Context) error {
			r := rds.CreateDescribeDBInstanceAttributeRequest()
			r.DBInstanceId = id
			return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
				m, err := dbFields(body, "Items")
				if err != nil {
					return err
				}
				items, err := listOf(m["Items"], "DBInstanceAttribute", "Items")
				if err != nil {
					return err
				}
				for _, raw := range items {
					var a struct {
						DBInstanceId, Port, SecurityIPMode string
						DeletionProtection                 flexBool
					}
					if err := decodeItem(raw, &a, "Items.DBInstanceAttribute", func() string { return a.DBInstanceId }); err != nil {
						return err
					}
					if strings.EqualFold(a.DBInstanceId, id) {
						inst.Port, inst.SecurityIPMode, inst.DeletionProtection = a.Port, a.SecurityIPMode, bool(a.DeletionProtection)
						inst.AttributeRaw = raw
					}
				}
				if inst.AttributeRaw == nil {
					return fmt.Errorf("Items.DBInstanceAttribute has no item for %s", id)
				}
				return nil
			})
		},
		func(ctx context.Context) error {
			r := rds.CreateDescribeDBInstanceIPArrayListRequest()
			r.DBInstanceId = id
			return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
				m, err := dbFields(body, "Items")
				if err != nil {
					return err
				}
				items, err := listOf(m["Items"], "DBInstanceIPArray", "Items")
				if err != nil {
					return err
				}
				ws := make([]DBWhitelist, 0, len(items))
				for _, raw := range items {
					var a struct {
						DBInstanceIPArrayName, DBInstanceIPArrayAttribute, SecurityIPType, WhitelistNetworkType, SecurityIPList string
					}
					if err := decodeItem(raw, &a, "Items.DBInstanceIPArray", func() string { return a.DBInstanceIPArrayName }); err != nil {
						return err
					}
					ws = append(ws, DBWhitelist{Name: a.DBInstanceIPArrayName, Attribute: a.DBInstanceIPArrayAttribute,
						IPType: strings.ToLower(a.SecurityIPType), NetworkType: a.WhitelistNetworkType,
						Entries: splitEntries(a.SecurityIPList), Raw: raw})
				}
				inst.Whitelists = ws
				return nil
			})
		},
		func(ctx context.Context) error {
			r := rds.CreateDescribeDBInstanceSSLRequest()
			r.DBInstanceId = id
			return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
				m, err := dbFields(body, "SSLEnabled")
				if err != nil {
					return err
				}
				var s [6]string
				for i, f := range []string{"SSLEnabled", "ForceEncryption", "TlsVersion", "CAType", "ConnectionString", "SSLExpireTime"} {
					if s[i], err = dbString(m, f); err != nil {
						return err
					}
				}
				inst.SSL = RDSSSL{Enabled: enabledWord(s[0]), ForceEncryption: enabledWord(s[1]), TLSVersion: s[2], CAType: s[3],
					ConnectionString: s[4], ExpireTime: s[5], Raw: dbEvidence(m)}
				return nil
			})
		},
		func(ctx context.Context) error {
			r := rds.CreateDescribeDBInstanceTDERequest()
			r.DBInstanceId = id
			return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
				m, err := dbFields(body, "TDEStatus")
				if err != nil {
					return err
				}
				status, err := dbString(m, "TDEStatus")
				if err != nil {
					return err
				}
				mode, err := dbString(m, "TDEMode")
				if err != nil {
					return err
				}
				inst.TDE = RDSTDE{Enabled: enabledWord(status), Mode: mode, Raw: dbEvidence(m)}
				return nil
			})
		},
		func(ctx context.Context) error {
			r := rds.CreateDescribeSQLCollectorPolicyRequest()
			r.DBInstanceId = id
			return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
				m, err := dbFields(body, "SQLCollectorStatus")
				if err != nil {
					return err
				}
				status, err := dbString(m, "SQLCollectorStatus")
				if err != nil {
					return err
				}
				var period flexInt
				if p, ok := m["StoragePeriod"]; ok {
					if err := json.Unmarshal(p, &period); err != nil {
						return fmt.Errorf("StoragePeriod: %v", err)
					}
				}
				inst.Audit.Enabled, inst.Audit.Raw, policyDays = enabledWord(status), dbEvidence(m), int(period)
				return nil
			})
		},
		func(ctx context.Context) error {
			r := rds.CreateDescribeSQLCollectorRetentionRequest()
			r.DBInstanceId = id
			return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
				m, err := dbFields(body, "ConfigValue")
				if err != nil {
					return err
				}
				var days flexInt
				if err := json.Unmarshal(m["ConfigValue"], &days); err != nil {
					return fmt.Errorf("ConfigValue: %v", err)
				}
				inst.Audit.RetentionRaw, retentionDays = dbEvidence(m), int(days)
				return nil
			})
		},
		func(ctx context.Context) error {
			r := rds.CreateDescribeParametersRequest()
			r.DBInstanceId = id
			return c.dbDescribe(ctx, account, region, r, func(body []byte) error {
				m, err := dbFields(body, "RunningParameters")
				if err != nil {
					return err
				}
				items, err := listOf(m["RunningParameters"], "DBInstanceParameter", "RunningParameters")
				if err != nil {
					return err
				}
				params := make(map[string]string, len(items))
				for _, raw := range items {
					var a struct{ ParameterName, ParameterValue string }
					if err := decodeItem(raw, &a, "RunningParameters.DBInstanceParameter", func() string { return a.ParameterName }); err != nil {
						return err
					}
					params[a.ParameterName] = a.ParameterValue
				}
				inst.Parameters, inst.ParametersRaw = params, dbEvidence(m)
				return nil
			})
		},
	)
	inst.Audit.RetentionDays = retentionDays
	if retentionDays == 0 {
		inst.Audit.RetentionDays = policyDays
	}
	return err
}
