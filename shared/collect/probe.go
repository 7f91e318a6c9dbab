package collect

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/actiontrail"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/alb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/dds"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/kms"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/nlb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/polardb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/r_kvstore"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/rds"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/resourcemanager"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sas"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	slsapp "github.com/aliyun/alibaba-cloud-sdk-go/services/sls"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// probes are the cheapest read call of each product: one small page of its main list.
// A role that can make it can, as far as one call can tell, read the product.
var probes = map[string]func() requests.AcsRequest{
	"ecs": func() requests.AcsRequest {
		r := ecs.CreateDescribeInstancesRequest()
		r.PageSize = requests.NewInteger(1)
		return r
	},
	"vpc": func() requests.AcsRequest {
		r := vpc.CreateDescribeVpcsRequest()
		r.PageSize = requests.NewInteger(1)
		return r
	},
	"slb": func() requests.AcsRequest {
		r := slb.CreateDescribeLoadBalancersRequest()
		r.PageSize = requests.NewInteger(1)
		return r
	},
	"alb": func() requests.AcsRequest {
		r := alb.CreateListLoadBalancersRequest()
		r.MaxResults = requests.NewInteger(1)
		return r
	},
	"nlb": func() requests.AcsRequest {
		r := nlb.CreateListLoadBalancersRequest()
		r.MaxResults = requests.NewInteger(1)
		return r
	},
	"rds": func() requests.AcsRequest {
		r := rds.CreateDescribeDBInstancesRequest()
		r.PageSize = requests.NewInteger(30) // the API's smallest page
		return r
	},
	"redis": func() requests.AcsRequest {
		r := r_kvstore.CreateDescribeInstancesRequest()
		r.PageSize = requests.NewInteger(30)
		return r
	},
	"mongodb": func() requests.AcsRequest {
		r := dds.CreateDescribeDBInstancesRequest()
		r.PageSize = requests.NewInteger(30)
		return r
	},
	"polardb": func() requests.AcsRequest {
		r := polardb.CreateDescribeDBClustersRequest()
		r.PageSize = requests.NewInteger(30)
		return r
	},
	"ram": func() requests.AcsRequest {
		r := ram.CreateListUsersRequest()
		r.MaxItems = requests.NewInteger(1)
		return r
	},
	"actiontrail": func() requests.AcsRequest { return actiontrail.CreateDescribeTrailsRequest() },
	"kms": func() requests.AcsRequest {
		r := kms.CreateListKeysRequest()
		r.PageSize = requests.NewInteger(1)
		return r
	},
	"sas": func() requests.AcsRequest { return sas.CreateDescribeVersionConfigRequest() },
	"sls": func() requests.AcsRequest { return slsapp.CreateGetSlsServiceRequest() },
}

// regionalProbes are the probes that name their region in the request itself.
var regionalProbes = map[string]func(region string) requests.AcsRequest{
	"ack": func(region string) requests.AcsRequest {
		r := cs.CreateDescribeClustersV1Request()
		r.PageSize = requests.NewInteger(1)
		r.PageNumber = requests.NewInteger(1)
		r.QueryParams["region_id"] = region
		return r
	},
}

// ProbedProducts lists the products Probe knows, sorted.
func ProbedProducts() []string {
	out := make([]string, 0, len(probes)+len(regionalProbes))
	for p := range probes {
		out = append(out, p)
	}
	for p := range regionalProbes {
		out = append(out, p)
	}
	out = append(out, "oss")
	sort.Strings(out)
	return out
}

// Probe makes one cheap read call of product in account and region, to learn whether
// the account's credentials may read it. It returns nil when they may, a
// *NotEvaluatedError (errors.Is(err, ErrPermission) for a refusal) when they may not,
// and another error when the call itself failed. Account-level products ignore region.
func (c *Collector) Probe(ctx context.Context, account, region, product string) error {
	if product == "oss" {
		// OSS speaks its own protocol: its probe is the bucket list, once per scan.
		if _, err := c.ossBuckets(ctx, account, region); err != nil {
			return notEvaluated(product, region, err)
		}
		return nil
	}
	var r requests.AcsRequest
	switch {
	case probes[product] != nil:
		r = probes[product]()
	case regionalProbes[product] != nil:
		r = regionalProbes[product](region)
	default:
		return fmt.Errorf("collect: probe: unknown product %q (want one of %v)", product, ProbedProducts())
	}
	if _, err := c.do(ctx, account, region, r); err != nil {
		return notEvaluated(product, region, err)
	}
	if product == "sls" {
		// Projects, logstores and alert rules are SLS's data plane, with its
		// own permissions (log:ListProject): probe it too, in the scan's
		// region, or cn-hangzhou for an account-level probe (any region's
		// endpoint answers for the account's permissions).
		where := region
		if where == "" {
			where = "cn-hangzhou"
		}
		_, err := c.slsDo(ctx, account, where, "ListProject", func(cl *sls.Client) error {
			_, _, _, err := cl.ListProjectV2(0, 1)
			return err
		})
		if err != nil {
			return notEvaluated(product, region, err)
		}
	}
	return nil
}

// ServiceLinkedRoleCSPM is the role Security Center's CSPM uses in a tenant account,
// and the service it is linked to.
const (
	ServiceLinkedRoleCSPM = "AliyunServiceRoleForSasCspm"
	serviceNameCSPM       = "cspm.sas.aliyuncs.com"
)

// CreateServiceLinkedRole creates the CSPM service-linked role in account through
// ResourceManager. A role that already exists is not an error: created is false.
func (c *Collector) CreateServiceLinkedRole(ctx context.Context, account string) (created bool, err error) {
	r := resourcemanager.CreateCreateServiceLinkedRoleRequest()
	r.ServiceName = serviceNameCSPM
	if _, err := c.do(ctx, account, "", r); err != nil {
		var e *Error
		if errors.As(err, &e) && e.ErrorCode == "EntityAlreadyExists.Role" {
			return false, nil
		}
		return false, fmt.Errorf("collect: create service-linked role %s: %w", ServiceLinkedRoleCSPM, err)
	}
	return true, nil
}
