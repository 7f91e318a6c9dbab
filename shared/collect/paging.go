package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// maxPages stops a list that never ends (a service handing back the same
// NextToken, or a TotalCount that keeps growing).
const maxPages = 100_000

// malformed wraps a decoding problem as an *Error for the request's API.
func malformed(req requests.AcsRequest, region string, err error) error {
	return &Error{Code: Unknown, API: apiName(req), Region: region, Malformed: true, Attempts: 1, Err: err}
}

// byToken walks a NextToken-paged list. page builds the request for a
// token ("" first); handle decodes one answer and returns the next token
// ("" at the end). A decoding error becomes a malformed *Error.
func (c *Collector) byToken(ctx context.Context, account, region string, page func(token string) requests.AcsRequest,
	handle func(body []byte) (next string, err error)) error {
	token := ""
	seen := map[string]bool{}
	for n := 0; ; n++ {
		req := page(token)
		body, err := c.do(ctx, account, region, req)
		if err != nil {
			return err
		}
		next, err := handle(body)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return malformed(req, region, err)
		}
		if next == "" {
			return nil
		}
		if seen[next] || n >= maxPages {
			return malformed(req, region, fmt.Errorf("NextToken %q repeats", next))
		}
		seen[next] = true
		token = next
	}
}

// byNumber walks a PageNumber/PageSize list: page 1 gives TotalCount, then
// the other pages are fetched concurrently (the rate limiter sets the
// pace). handle decodes one page and returns TotalCount; it is called
// concurrently for different pages.
func (c *Collector) byNumber(ctx context.Context, account, region string, size int, page func(number int) requests.AcsRequest,
	handle func(number int, body []byte) (total int, err error)) error {
	req := page(1)
	body, err := c.do(ctx, account, region, req)
	if err != nil {
		return err
	}
	total, err := handle(1, body)
	if err != nil {
		return malformed(req, region, err)
	}
	pages := (total + size - 1) / size
	if pages > maxPages {
		return malformed(req, region, fmt.Errorf("TotalCount %d is implausible", total))
	}
	if pages <= 1 {
		return nil
	}
	g := newGroup(ctx)
	next := make(chan int)
	g.run(func(ctx context.Context) error {
		defer close(next)
		for n := 2; n <= pages; n++ {
			select {
			case next <- n:
			case <-ctx.Done():
				return nil
			}
		}
		return nil
	})
	for w := 0; w < min(c.cfg.Concurrency, pages-1); w++ {
		g.run(func(ctx context.Context) error {
			for n := range next {
				req := page(n)
				body, err := c.do(ctx, account, region, req)
				if err != nil {
					return err
				}
				if _, err := handle(n, body); err != nil {
					return malformed(req, region, err)
				}
			}
			return nil
		})
	}
	return g.wait()
}

// errGone marks a resource that disappeared between the list and a
// detail call; it is left out of the inventory.
var errGone = errors.New("collect: resource deleted during collection")

// listDescribe lists one PageNumber/PageSize API at size and, as each
// page arrives, hands its items to detail, run by up to Config.Concurrency
// workers. decode returns a page's TotalCount (or TotalRecordCount) and
// items. An item whose detail returns errGone is left out. Items come
// back in list order.
func listDescribe[T any](ctx context.Context, c *Collector, account, region string, size int,
	page func(number int) requests.AcsRequest, decode func(body []byte) (int, []*T, error),
	detail func(ctx context.Context, item *T) error) ([]T, error) {
	var (
		p    pages[*T]
		mu   sync.Mutex
		gone = map[*T]bool{}
		work = make(chan *T)
	)
	g := newGroup(ctx)
	g.run(func(ctx context.Context) error {
		defer close(work)
		return c.byNumber(ctx, account, region, size, page, func(n int, body []byte) (int, error) {
			total, items, err := decode(body)
			if err != nil {
				return 0, err
			}
			p.put(n, items)
			for _, it := range items {
				select {
				case work <- it:
				case <-ctx.Done():
					return 0, ctx.Err()
				}
			}
			return total, nil
		})
	})
	for w := 0; w < c.cfg.Concurrency; w++ {
		g.run(func(ctx context.Context) error {
			for it := range work {
				if err := detail(ctx, it); errors.Is(err, errGone) {
					mu.Lock()
					gone[it] = true
					mu.Unlock()
				} else if err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	var out []T
	for _, it := range p.all() {
		if !gone[it] {
			out = append(out, *it)
		}
	}
	return out, nil
}

// pages collects per-page item slices and joins them in page order.
type pages[T any] struct {
	mu sync.Mutex
	by map[int][]T
}

func (p *pages[T]) put(n int, items []T) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = map[int][]T{}
	}
	p.by[n] = items
}

func (p *pages[T]) all() []T {
	var out []T
	for n := 1; n <= len(p.by); n++ {
		out = append(out, p.by[n]...)
	}
	return out
}

// flexInt decodes a JSON number or a number in a string ("20"), as some
// APIs spell counters (DescribeFlowLogs) and bandwidths.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("want a number, got %s", b)
	}
	*f = flexInt(n)
	return nil
}

// flexBool decodes true, false, "true" and "false".
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch strings.Trim(string(b), `"`) {
	case "true":
		*f = true
	case "false", "", "null":
		*f = false
	default:
		return fmt.Errorf("want a boolean, got %s", b)
	}
	return nil
}

// listOf decodes a {"<Item>": [...]} wrapper, which must be present: an
// answer without its list is malformed, not empty.
func listOf(wrapper json.RawMessage, item, field string) ([]json.RawMessage, error) {
	if len(wrapper) == 0 || string(wrapper) == "null" {
		return nil, fmt.Errorf("%s missing", field)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(wrapper, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", field, err)
	}
	raw, ok := m[item]
	if !ok {
		return nil, nil // {} is how some APIs spell an empty list
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("%s.%s: %v", field, item, err)
	}
	return items, nil
}

// decodeItem decodes one list item into v; an item missing its ID field is
// malformed.
func decodeItem(raw json.RawMessage, v any, what string, idOf func() string) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	if idOf() == "" {
		return fmt.Errorf("%s without an ID: %s", what, truncate(raw, 120))
	}
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// tokenPage decodes a NextToken answer: its NextToken and the
// {"<item>": [...]} list under field, which must be present.
func tokenPage(body []byte, field, item string) (next string, items []json.RawMessage, err error) {
	head, list, err := envelope(body, reflect.StructField{Name: "NextToken", Type: reflect.TypeFor[string]()}, field)
	if err != nil {
		return "", nil, err
	}
	items, err = listOf(list, item, field)
	if err != nil {
		return "", nil, err
	}
	return head.String(), items, nil
}

// countedPage decodes a PageNumber answer: its count (TotalCount, which
// must be present) and the {"<item>": [...]} list under field, which must
// be present too.
func countedPage(body []byte, count, field, item string) (total int, items []json.RawMessage, err error) {
	head, list, err := envelope(body, reflect.StructField{Name: count, Type: reflect.TypeFor[*flexInt]()}, field)
	if err != nil {
		return 0, nil, err
	}
	if head.IsNil() {
		return 0, nil, fmt.Errorf("%s missing", count)
	}
	items, err = listOf(list, item, field)
	if err != nil {
		return 0, nil, err
	}
	return int(*head.Interface().(*flexInt)), items, nil
}

// envelope decodes body into struct { <head>; <field> json.RawMessage }
// and returns the two fields. The struct is built here rather than spelt
// out by each list call, and decodes exactly as such a struct does: names
// match case-insensitively and errors name the same type.
func envelope(body []byte, head reflect.StructField, field string) (reflect.Value, json.RawMessage, error) {
	t := reflect.StructOf([]reflect.StructField{head, {Name: field, Type: reflect.TypeFor[json.RawMessage]()}})
	v := reflect.New(t).Elem()
	if err := json.Unmarshal(body, v.Addr().Interface()); err != nil {
		return reflect.Value{}, nil, err
	}
	return v.Field(0), v.Field(1).Interface().(json.RawMessage), nil
}
