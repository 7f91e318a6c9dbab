package collect

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
)

// Inventory is what checks evaluate: the products collected for one
// account in one region. A product that could not be collected is nil,
// with the reason in NotEvaluated (a gap) or the error Collect returned (a
// failure).
type Inventory struct {
	AccountID   string
	Region      string
	ECS         *ECSInventory
	VPC         *VPCInventory
	ACK         *ACKInventory
	SLS         *SLSInventory // account-level: the same for every region
	SAS         *SASInventory // account-level: the same for every region
	OSS         *OSSInventory // the region's buckets
	RDS         *RDSInventory
	Redis       *RedisInventory   // ApsaraDB for Redis / Tair (R-kvstore)
	MongoDB     *MongoDBInventory // ApsaraDB for MongoDB (Dds)
	PolarDB     *PolarDBInventory
	SLB         *SLBInventory // Classic Load Balancer
	ALB         *ALBInventory
	NLB         *NLBInventory
	ActionTrail *ActionTrailInventory // account-level: the same for every region
	KMS         *KMSInventory
	RAM         *RAMInventory // account-level: the same for every region
	// NotEvaluated lists the products left out for a permission,
	// throttling or activation reason.
	NotEvaluated []*NotEvaluatedError
}

// NotEvaluatedFor returns why product was not collected, or nil.
func (inv *Inventory) NotEvaluatedFor(product string) *NotEvaluatedError {
	for _, ne := range inv.NotEvaluated {
		if ne.Product == product {
			return ne
		}
	}
	return nil
}

// products maps a product name to the code that collects it and returns
// how to file the result in an Inventory. Adding a product is one file
// (<product>.go) plus one entry here (and its field in Inventory).
var products = map[string]func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error){
	"ram": func(ctx context.Context, c *Collector, account, _ string) (func(*Inventory), error) {
		v, err := c.RAM(ctx, account)
		return func(inv *Inventory) { inv.RAM = v }, err
	},
	"oss": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.OSS(ctx, account, region)
		return func(inv *Inventory) { inv.OSS = v }, err
	},
	"ecs": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.ECS(ctx, account, region)
		return func(inv *Inventory) { inv.ECS = v }, err
	},
	"vpc": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.VPC(ctx, account, region)
		return func(inv *Inventory) { inv.VPC = v }, err
	},
	"ack": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.ACK(ctx, account, region)
		return func(inv *Inventory) { inv.ACK = v }, err
	},
	"sls": func(ctx context.Context, c *Collector, account, _ string) (func(*Inventory), error) {
		v, err := c.SLS(ctx, account)
		return func(inv *Inventory) { inv.SLS = v }, err
	},
	"sas": func(ctx context.Context, c *Collector, account, _ string) (func(*Inventory), error) {
		v, err := c.SAS(ctx, account)
		return func(inv *Inventory) { inv.SAS = v }, err
	},
	"rds": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.RDS(ctx, account, region)
		return func(inv *Inventory) { inv.RDS = v }, err
	},
	"redis": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.Redis(ctx, account, region)
		return func(inv *Inventory) { inv.Redis = v }, err
	},
	"mongodb": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.MongoDB(ctx, account, region)
		return func(inv *Inventory) { inv.MongoDB = v }, err
	},
	"polardb": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.PolarDB(ctx, account, region)
		return func(inv *Inventory) { inv.PolarDB = v }, err
	},
	"slb": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.SLB(ctx, account, region)
		return func(inv *Inventory) { inv.SLB = v }, err
	},
	"alb": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.ALB(ctx, account, region)
		return func(inv *Inventory) { inv.ALB = v }, err
	},
	"nlb": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.NLB(ctx, account, region)
		return func(inv *Inventory) { inv.NLB = v }, err
	},
	"actiontrail": func(ctx context.Context, c *Collector, account, _ string) (func(*Inventory), error) {
		v, err := c.ActionTrail(ctx, account)
		return func(inv *Inventory) { inv.ActionTrail = v }, err
	},
	"kms": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.KMS(ctx, account, region)
		return func(inv *Inventory) { inv.KMS = v }, err
	},
}

// accountLevel are the products collected once for the whole account (accountWide),
// not per region.
var accountLevel = map[string]bool{"ram": true, "actiontrail": true, "sls": true, "sas": true}

// AccountLevel reports whether product is collected once per account rather than once
// per region: planners put it in one shard, checks read it once.
func AccountLevel(product string) bool { return accountLevel[product] }

// Products returns the names Collect accepts, sorted.
func Products() []string {
	out := make([]string, 0, len(products))
	for p := range products {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Collect gathers products (all of them when none is named) for one
// account and region, concurrently; each is collected once per Collector,
// however many callers ask. Products left out for permission, throttling
// or activation reasons are listed in Inventory.NotEvaluated and are not
// errors. Other failures are joined into the returned error, while the
// Inventory still carries every product that was collected.
func (c *Collector) Collect(ctx context.Context, account, region string, names ...string) (*Inventory, error) {
	if len(names) == 0 {
		names = Products()
	}
	for _, n := range names {
		if products[n] == nil {
			return nil, fmt.Errorf("collect: unknown product %q (want one of %v)", n, Products())
		}
	}
	inv := &Inventory{AccountID: account, Region: region}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			file, err := products[n](ctx, c, account, region)
			mu.Lock()
			defer mu.Unlock()
			var ne *NotEvaluatedError
			switch {
			case err == nil:
				file(inv)
			case errors.As(err, &ne):
				inv.NotEvaluated = append(inv.NotEvaluated, ne)
			default:
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	sort.Slice(inv.NotEvaluated, func(i, j int) bool { return inv.NotEvaluated[i].Product < inv.NotEvaluated[j].Product })
	if err := ctx.Err(); err != nil {
		return inv, err
	}
	return inv, errors.Join(errs...)
}
