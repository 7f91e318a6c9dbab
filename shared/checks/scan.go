package checks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// Collect gathers, through c, what rules need from account in regions (every
// region the account has when regions is empty), one region at a time
// concurrently. Products the collector does not know are left out (their
// rules report NOT_EVALUATED, not_collected); products left out for
// permission, throttling or activation reasons are recorded in the
// inventories. Other collection failures are kept in Input.Failures and
// returned joined, alongside the Input with whatever was collected.
func Collect(ctx context.Context, c *collect.Collector, account string, regions []string, rules []*Rule, now time.Time) (*Input, error) {
	if len(regions) == 0 {
		rs, err := c.Regions(ctx, account)
		if err != nil {
			return nil, fmt.Errorf("checks: list regions: %w", err)
		}
		for _, r := range rs {
			regions = append(regions, r.ID)
		}
	}
	known := collect.Products()
	var products []string
	for _, p := range Products(rules) {
		if slices.Contains(known, p) {
			products = append(products, p)
		}
	}
	in := &Input{AccountID: account, Now: now, Failures: map[string]string{}}
	invs := make([]*collect.Inventory, len(regions))
	errs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, region := range regions {
		if len(products) == 0 {
			invs[i] = &collect.Inventory{AccountID: account, Region: region}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv, err := c.Collect(ctx, account, region, products...)
			if inv == nil {
				inv = &collect.Inventory{AccountID: account, Region: region}
			}
			invs[i], errs[i] = inv, err
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, inv := range invs {
		if errs[i] == nil {
			continue
		}
		for _, p := range products {
			if presence[p].present(inv) || inv.NotEvaluatedFor(p) != nil {
				continue
			}
			key := inv.Region + "|" + p
			if collect.AccountLevel(p) {
				key = "|" + p
			}
			in.Failures[key] = errs[i].Error()
		}
	}
	in.Regions = invs
	slices.SortFunc(in.Regions, func(a, b *collect.Inventory) int { return strings.Compare(a.Region, b.Region) })
	return in, errors.Join(errs...)
}

// Scan collects what rules need and evaluates them: the whole scan of one
// account. Collection failures do not stop it: the affected rules report
// NOT_EVALUATED and the joined failures are returned with the findings.
func Scan(ctx context.Context, c *collect.Collector, account string, regions []string, rules []*Rule, now time.Time) ([]Finding, error) {
	in, err := Collect(ctx, c, account, regions, rules, now)
	if in == nil {
		return nil, err
	}
	return Evaluate(in, rules), err
}

// VerifyRequest asks to re-check one item, on one instance or all of them.
type VerifyRequest struct {
	ItemID     string
	InstanceID string // "": every instance
	Region     string // where the instance is; "": every region (account-level items ignore it)
}

// Verify re-evaluates one item, collecting only the products it needs in the
// request's region. With an InstanceID it returns that instance's finding;
// an instance no longer present is an error. An unknown item ID is an error.
func Verify(ctx context.Context, c *collect.Collector, account string, req VerifyRequest, now time.Time) ([]Finding, error) {
	r, ok := Lookup(req.ItemID)
	if !ok {
		return nil, fmt.Errorf("checks: verify: unknown item id %q (list them with `cspm catalog`)", req.ItemID)
	}
	var regions []string
	if req.Region != "" {
		regions = []string{req.Region}
	}
	fs, err := Scan(ctx, c, account, regions, []*Rule{r}, now)
	if req.InstanceID == "" || fs == nil {
		return fs, err
	}
	for _, f := range fs {
		if f.InstanceID == req.InstanceID {
			return []Finding{f}, err
		}
	}
	// Gaps name the region or account, not the instance: report them.
	var gaps []Finding
	for _, f := range fs {
		if f.Status == NotEvaluated && (f.InstanceID == f.Region || f.InstanceID == account) {
			gaps = append(gaps, f)
		}
	}
	if len(gaps) > 0 {
		return gaps, err
	}
	where := req.Region
	if where == "" {
		where = "any region"
	}
	return nil, errors.Join(fmt.Errorf("checks: verify %s: instance %q not found in %s (released?)", req.ItemID, req.InstanceID, where), err)
}
