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
	AccountID string
	Region    string
	ECS       *ECSInventory
	VPC       *VPCInventory
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
	"ecs": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.ECS(ctx, account, region)
		return func(inv *Inventory) { inv.ECS = v }, err
	},
	"vpc": func(ctx context.Context, c *Collector, account, region string) (func(*Inventory), error) {
		v, err := c.VPC(ctx, account, region)
		return func(inv *Inventory) { inv.VPC = v }, err
	},
}

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
