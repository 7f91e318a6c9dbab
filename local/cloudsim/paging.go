package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// pageSpec is one API's documented pagination: PageNumber/PageSize and,
// for APIs that have it, NextToken/MaxResults.
type pageSpec struct {
	defaultSize, maxSize int // PageSize
	// maxResultsDefault and maxResultsMax bound MaxResults; 0 means the API
	// has no NextToken paging.
	maxResultsDefault, maxResultsMax int
}

// page is one page of a list.
type page struct {
	items      []json.RawMessage
	total      int
	pageNumber int
	pageSize   int
	nextToken  string // "" on the last page
	tokenMode  bool
}

// tokenMask makes NextToken values opaque hex instead of visible offsets.
const tokenMask = 0x5a17c0de5a17c0de

// paginate cuts one page out of items. NextToken mode applies when the
// request has NextToken or MaxResults (and the API supports it); PageSize
// and PageNumber are then ignored, as Alibaba documents. Sizes over the
// documented maximum are rejected rather than clamped, so a collector
// asking for more than the API allows fails here as it would in production.
func (c *call) paginate(items []json.RawMessage, spec pageSpec) (*page, *APIError) {
	p := &page{total: len(items)}
	token, maxResults := c.param("NextToken"), c.param("MaxResults")
	if spec.maxResultsMax > 0 && (token != "" || maxResults != "") {
		p.tokenMode = true
		size, err := intParam(maxResults, spec.maxResultsDefault, 1, spec.maxResultsMax)
		if err != nil {
			return nil, errInvalid("MaxResults")
		}
		off := 0
		if token != "" {
			v, err := strconv.ParseUint(token, 16, 64)
			o := int(v ^ tokenMask)
			if err != nil || len(token) != 16 || o <= 0 || o > len(items) {
				return nil, Errorf(http.StatusBadRequest, "InvalidNextToken.Malformed", "The specified parameter NextToken is not valid.")
			}
			off = o
		}
		end := min(off+size, len(items))
		p.items = items[off:end]
		p.pageSize, p.pageNumber = size, off/size+1
		if end < len(items) {
			p.nextToken = fmt.Sprintf("%016x", uint64(end)^tokenMask)
		}
		return p, nil
	}
	size, err := intParam(c.param("PageSize"), spec.defaultSize, 1, spec.maxSize)
	if err != nil {
		return nil, errInvalid("PageSize")
	}
	number, err := intParam(c.param("PageNumber"), 1, 1, 1<<30)
	if err != nil {
		return nil, errInvalid("PageNumber")
	}
	p.pageSize, p.pageNumber = size, number
	off := (number - 1) * size
	if off < len(items) {
		p.items = items[off:min(off+size, len(items))]
	}
	return p, nil
}

// fill sets the page's fields on a response: TotalCount, PageNumber,
// PageSize and, for token-paged APIs, NextToken.
func (p *page) fill(m map[string]any, spec pageSpec) {
	m["TotalCount"] = p.total
	m["PageNumber"] = p.pageNumber
	m["PageSize"] = p.pageSize
	if spec.maxResultsMax > 0 {
		m["NextToken"] = p.nextToken
	}
}

// intParam parses an integer parameter with a default and bounds.
func intParam(s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("out of range")
	}
	return n, nil
}
