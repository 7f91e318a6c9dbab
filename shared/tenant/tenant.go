// Package tenant describes the accounts the service works for: who they are, on which
// site, which regions and products they use, and which check policy they run.
//
// Tenants live in the store's tenant table; a tenants file (LoadFile) seeds it for the
// demo and for local runs.
package tenant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"os"
	"regexp"
	"slices"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// Site is one of the two sites an Alibaba Cloud account works in. Assets, findings and
// quota are kept apart per site.
type Site string

// The two sites.
const (
	SiteChina Site = "cn"   // Chinese Mainland
	SiteIntl  Site = "intl" // Outside Chinese Mainland
)

// Tenant is one onboarded Alibaba Cloud account.
type Tenant struct {
	ID        string   `json:"tenant_id"`
	AccountID string   `json:"account_id"`
	Site      Site     `json:"site"`
	Regions   []string `json:"regions"`
	Products  []string `json:"products"`
	Policy    string   `json:"policy"`
	// Plan is what the tenant bought, as in force now (entitlement.Plan.At), with its
	// authorization: it decides which items are planned.
	Plan entitlement.Plan `json:"plan"`
}

var (
	idPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	accountPattern = regexp.MustCompile(`^[0-9]{16}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}-[a-z0-9-]{2,30}$`)
)

// Products lists the cloud products the collectors know, in scan order.
var Products = []string{"ecs", "vpc", "slb", "alb", "nlb", "ram", "oss", "rds", "redis", "mongodb", "polardb", "actiontrail", "sls", "kms", "ack", "sas"}

// Global reports whether a product is account-level: it is read once per scan, not once
// per region (collect.AccountLevel decides).
func Global(product string) bool { return collect.AccountLevel(product) }

// checkIdentity says what is wrong with the fields every tenant record carries.
func checkIdentity(id, accountID string, site Site) []error {
	var errs []error
	if !idPattern.MatchString(id) {
		errs = append(errs, fmt.Errorf("tenant_id %q: want lower-case letters, digits and '-', at most 63", id))
	}
	if !accountPattern.MatchString(accountID) {
		errs = append(errs, fmt.Errorf("account_id %q: want the 16-digit Alibaba Cloud account id", accountID))
	}
	if site != SiteChina && site != SiteIntl {
		errs = append(errs, fmt.Errorf("site %q: want %q (Chinese Mainland) or %q (Outside Chinese Mainland)", site, SiteChina, SiteIntl))
	}
	return errs
}

// Validate says what is wrong with t, naming the field.
func (t Tenant) Validate() error {
	errs := checkIdentity(t.ID, t.AccountID, t.Site)
	if len(t.Regions) == 0 {
		errs = append(errs, errors.New("regions: at least one region is needed"))
	}
	for _, r := range t.Regions {
		if !regionPattern.MatchString(r) {
			errs = append(errs, fmt.Errorf("regions: %q is not a region id such as cn-hangzhou", r))
		}
	}
	if len(t.Products) == 0 {
		errs = append(errs, errors.New("products: at least one product is needed"))
	}
	for _, p := range t.Products {
		if !slices.Contains(Products, p) {
			errs = append(errs, fmt.Errorf("products: unknown product %q (known: %v)", p, Products))
		}
	}
	if t.Policy == "" {
		errs = append(errs, errors.New("policy: missing"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("tenant %q: %w", t.ID, err)
	}
	return nil
}

// File is the on-disk list of tenants.
type File struct {
	Tenants []Tenant `json:"tenants"`
}

// LoadFile reads and validates a tenants file. Unknown fields and duplicate ids are errors.
func LoadFile(path string) ([]Tenant, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tenants file: %w", err)
	}
	return Parse(path, b)
}

// Parse reads and validates a tenants file's contents; name is used in errors.
func Parse(path string, b []byte) ([]Tenant, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("tenants file %s: %w", path, err)
	}
	seen := map[string]bool{}
	for i, t := range f.Tenants {
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("tenants file %s: tenants[%d]: %w", path, i, err)
		}
		if seen[t.ID] {
			return nil, fmt.Errorf("tenants file %s: tenants[%d]: duplicate tenant_id %q", path, i, t.ID)
		}
		seen[t.ID] = true
	}
	return f.Tenants, nil
}

// ByAccount finds the tenant that owns an account id.
func ByAccount(ts []Tenant, accountID string) (Tenant, bool) {
	for _, t := range ts {
		if t.AccountID == accountID {
			return t, true
		}
	}
	return Tenant{}, false
}
