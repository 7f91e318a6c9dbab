package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// Input is what rules evaluate: one account's collected inventory, one
// collect.Inventory per region. Account-level products (SAS, SLS, RAM, ...)
// are the same in every region's Inventory; rules over them run once.
type Input struct {
	AccountID string
	Regions   []*collect.Inventory // sorted by region
	// Now is the time age-based rules measure against (access key age,
	// last logon); the zero value means the current time.
	Now time.Time
	// Failures explains products missing from a region without a
	// NotEvaluated entry: "region|product" → the collection error.
	Failures map[string]string

	once sync.Once
	idx  *index
}

// NewInput returns an Input over the regions' inventories, sorted by region.
func NewInput(account string, now time.Time, regions ...*collect.Inventory) *Input {
	in := &Input{AccountID: account, Regions: slices.Clone(regions), Now: now}
	slices.SortFunc(in.Regions, func(a, b *collect.Inventory) int { return strings.Compare(a.Region, b.Region) })
	return in
}

func (in *Input) now() time.Time {
	if in.Now.IsZero() {
		return time.Now()
	}
	return in.Now
}

// productInfo says where a product lives in an Inventory.
type productInfo struct {
	present func(*collect.Inventory) bool
}

// gap is the NOT_EVALUATED result for products missing from inv (or from
// every region, for account-level ones); ok is false when one is missing.
func (in *Input) gap(inv *collect.Inventory, needs []string) (Result, bool) {
	for _, p := range needs {
		if collect.AccountLevel(p) {
			if in.global(p) != nil {
				continue
			}
			return in.missing(p, "", nil), false
		}
		if inv == nil {
			return in.missing(p, "", nil), false
		}
		if presence[p].present(inv) {
			continue
		}
		return in.missing(p, inv.Region, inv), false
	}
	return Result{}, true
}

// global returns the first region's inventory that carries account-level
// product p, or nil.
func (in *Input) global(p string) *collect.Inventory {
	info := presence[p]
	for _, inv := range in.Regions {
		if info.present(inv) {
			return inv
		}
	}
	return nil
}

// missing explains why product p is missing from region (or the account,
// region ""): the collector's NotEvaluatedError when there is one.
func (in *Input) missing(p, region string, inv *collect.Inventory) Result {
	r := Result{Status: NotEvaluated, InstanceID: region, Region: region, Reason: ReasonNotCollected}
	if region == "" {
		r.InstanceID = in.AccountID
	}
	var ne *collect.NotEvaluatedError
	if inv != nil {
		ne = inv.NotEvaluatedFor(p)
	} else {
		for _, i := range in.Regions {
			if ne = i.NotEvaluatedFor(p); ne != nil {
				break
			}
		}
	}
	if ne != nil {
		switch ne.Reason {
		case collect.PermissionDenied:
			r.Reason = ReasonPermission
		case collect.Throttled:
			r.Reason = ReasonThrottling
		case collect.NotActivated:
			r.Reason = ReasonNotEnabled
		}
		r.Message = fmt.Sprintf("%s not evaluated: %s answered %s: %s", p, ne.API, ne.Code, ne.Message)
		return r
	}
	if msg := in.Failures[region+"|"+p]; msg != "" {
		r.Message = fmt.Sprintf("%s not collected: %s", p, msg)
	} else {
		r.Message = fmt.Sprintf("%s was not collected in this scan", p)
	}
	return r
}

// env is what a check sees besides the instance: the input and the region's
// inventory (for account-level products, the first region carrying them).
type env struct {
	in  *Input
	inv *collect.Inventory
}

// verdict is a check's outcome on one instance.
type verdict struct {
	status Status
	reason string
	msg    string
	ev     json.RawMessage // nil: the instance's own API object
}

func pass(msg string) verdict { return verdict{status: Pass, msg: msg} }
func fail(msg string) verdict { return verdict{status: NotPass, msg: msg} }
func failf(format string, a ...any) verdict {
	return verdict{status: NotPass, msg: fmt.Sprintf(format, a...)}
}
func passf(format string, a ...any) verdict {
	return verdict{status: Pass, msg: fmt.Sprintf(format, a...)}
}

// failIf is fail(bad) when cond holds, pass(good) otherwise.
func failIf(cond bool, bad, good string) verdict {
	if cond {
		return fail(bad)
	}
	return pass(good)
}

// notEvaluated is a check's own "cannot tell" (missing data on one instance).
func notEvaluated(reason, msg string) verdict {
	return verdict{status: NotEvaluated, reason: reason, msg: msg}
}

// evidence replaces the verdict's evidence.
func (v verdict) evidence(raw json.RawMessage) verdict {
	v.ev = raw
	return v
}

// kind says how to iterate one resource type of a product.
type kind[T any] struct {
	product string
	// list returns the resources of one inventory (regional products) or
	// of the account (account-level ones).
	list func(inv *collect.Inventory) []T
	// single, instead of list, returns the one resource of an
	// account-level product (a password policy, an edition).
	single func(inv *collect.Inventory) *T
	// describe names a resource: its ID, name, region ("" for the
	// inventory's), API object and tags.
	describe func(x *T, in *Input) (id, name, region string, raw json.RawMessage, tags map[string]string)
}

// each makes a check that runs fn on every resource of kind k, one Result
// each. A panic in fn is that resource's NOT_EVALUATED result.
func each[T any](k kind[T], fn func(x *T, e *env) verdict) evaluator {
	global := collect.AccountLevel(k.product)
	run := func(in *Input, needs []string, out []Result) []Result {
		e := &env{in: in}
		visit := func(x *T) {
			v := safe(fn, x, e)
			id, name, region, raw, tags := k.describe(x, in)
			if region == "" && !global {
				region = e.inv.Region
			}
			if v.ev != nil {
				raw = v.ev
			}
			out = append(out, Result{Status: v.status, InstanceID: id, Name: name, Region: region, Reason: v.reason,
				Message: v.msg, Evidence: raw, Tags: tags})
		}
		if global {
			var first *collect.Inventory
			if len(in.Regions) > 0 {
				first = in.Regions[0]
			}
			if g, ok := in.gap(first, needs); !ok {
				return append(out, g)
			}
			e.inv = in.global(k.product)
			if k.single != nil {
				if x := k.single(e.inv); x != nil {
					visit(x)
				}
				return out
			}
			list := k.list(e.inv)
			for i := range list {
				visit(&list[i])
			}
			return out
		}
		for _, inv := range in.Regions {
			if g, ok := in.gap(inv, needs); !ok {
				out = append(out, g)
				continue
			}
			e.inv = inv
			list := k.list(inv)
			for i := range list {
				visit(&list[i])
			}
		}
		return out
	}
	return evaluator{product: k.product, run: run}
}

// safe runs fn, turning a panic into NOT_EVALUATED with its cause.
func safe[T any](fn func(*T, *env) verdict, x *T, e *env) (v verdict) {
	defer func() {
		if p := recover(); p != nil {
			v = verdict{status: NotEvaluated, reason: ReasonError, msg: fmt.Sprintf("rule failed on this instance: %v", p)}
		}
	}()
	return fn(x, e)
}
