package checks

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
)

// Finding is the result of one item on one instance, with the item's
// metadata: what the store keeps, the report prints and the mutelist
// matches. The JSON names are stable; other tools read them.
type Finding struct {
	ItemID       string `json:"item_id"`
	Title        string `json:"title"`
	Product      string `json:"product"`
	ResourceType string `json:"resource_type"`
	AccountID    string `json:"account_id"`
	InstanceID   string `json:"instance_id"`
	InstanceName string `json:"instance_name,omitempty"`
	Region       string `json:"region"`
	Status       Status `json:"status"`
	// OriginalStatus is the status a WHITELISTED finding had before it was
	// muted; empty otherwise.
	OriginalStatus Status           `json:"original_status,omitempty"`
	Severity       catalog.Severity `json:"severity"`
	Category       catalog.Category `json:"category"`
	// Reason is a code for any status but PASS and NOT_PASS: the
	// NOT_EVALUATED cause (permission, throttling, product_not_enabled,
	// not_collected, error), manual, whitelist or mutelist.
	Reason string `json:"reason,omitempty"`
	// Message says what was found (for MANUAL, the audit guidance).
	Message string `json:"message,omitempty"`
	// Remark is the whitelist or mutelist entry's reason.
	Remark string `json:"remark,omitempty"`
	// Evidence is the API object the verdict rests on, or null.
	Evidence   json.RawMessage   `json:"evidence"`
	Frameworks []string          `json:"frameworks"`
	Free       bool              `json:"free"`
	FixType    catalog.FixType   `json:"fix_type"`
	Tags       map[string]string `json:"tags,omitempty"`
}

// Failed reports whether the finding is a failure that counts: NOT_PASS
// (a muted failure is WHITELISTED and does not count).
func (f *Finding) Failed() bool { return f.Status == NotPass }

// newFinding joins a result with its item.
func newFinding(r *Rule, account string, res *Result) Finding {
	ev := res.Evidence
	if len(ev) == 0 {
		ev = json.RawMessage("null")
	}
	return Finding{
		ItemID: r.ID, Title: r.Title, Product: r.Product, ResourceType: r.ResourceType, AccountID: account,
		InstanceID: res.InstanceID, InstanceName: res.Name, Region: res.Region, Status: res.Status,
		Severity: r.Severity, Category: r.Category, Reason: res.Reason, Message: res.Message, Evidence: ev,
		Frameworks: r.Frameworks, Free: r.Free, FixType: r.Fix, Tags: res.Tags,
	}
}

// Evaluate runs rules over in and returns their findings: one per instance
// for each automated rule, one MANUAL finding (on the account, with the
// audit guidance) for each manual rule. Findings are sorted by item, region
// and instance.
func Evaluate(in *Input, rules []*Rule) []Finding {
	var out []Finding
	var buf []Result
	for _, r := range rules {
		if !r.Automated() {
			out = append(out, Finding{
				ItemID: r.ID, Title: r.Title, Product: r.Product, ResourceType: r.ResourceType, AccountID: in.AccountID,
				InstanceID: in.AccountID, Status: Manual, Severity: r.Severity, Category: r.Category, Reason: ReasonManual,
				Message: r.Audit, Evidence: json.RawMessage("null"), Frameworks: r.Frameworks, Free: r.Free, FixType: r.Fix,
			})
			continue
		}
		buf = r.AppendEval(in, buf[:0])
		for i := range buf {
			out = append(out, newFinding(r, in.AccountID, &buf[i]))
		}
	}
	SortFindings(out)
	return out
}

// SortFindings orders findings by item ID, region and instance ID.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := strings.Compare(a.ItemID, b.ItemID); c != 0 {
			return c
		}
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		return strings.Compare(a.InstanceID, b.InstanceID)
	})
}

// Summary counts findings by status.
type Summary map[Status]int

// Summarize counts findings by status.
func Summarize(fs []Finding) Summary {
	s := Summary{}
	for i := range fs {
		s[fs[i].Status]++
	}
	return s
}
