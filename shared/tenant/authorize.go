package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

// AuthorizeRequest onboards one account: the role the service assumes in it, the
// ExternalId that role's trust policy demands, and the plan it bought.
type AuthorizeRequest struct {
	TenantID   string `json:"tenant_id"`
	AccountID  string `json:"account_id"`
	Site       Site   `json:"site"`
	RoleARN    string `json:"role_arn"`
	ExternalID string `json:"external_id"`
	Plan       string `json:"plan"`
}

// ErrNotAvailable says onboarding cannot complete in this build.
var ErrNotAvailable = errors.New("assuming the tenant role is not available in this build")

var roleARNPattern = regexp.MustCompile(`^acs:ram::([0-9]{16}):role/[A-Za-z0-9._-]{1,64}$`)

// Validate says what is wrong with r, naming the field.
func (r AuthorizeRequest) Validate() error {
	errs := checkIdentity(r.TenantID, r.AccountID, r.Site)
	if m := roleARNPattern.FindStringSubmatch(r.RoleARN); m == nil {
		errs = append(errs, fmt.Errorf("role_arn %q: want acs:ram::<account id>:role/<name>", r.RoleARN))
	} else if m[1] != r.AccountID {
		errs = append(errs, fmt.Errorf("role_arn %q: the role belongs to account %s, not %s", r.RoleARN, m[1], r.AccountID))
	}
	if n := len(r.ExternalID); n < 8 || n > 128 {
		errs = append(errs, fmt.Errorf("external_id: want 8 to 128 characters, got %d", n))
	}
	if r.Plan == "" {
		errs = append(errs, errors.New("plan: missing"))
	}
	return errors.Join(errs...)
}

// AuthorizeResult is what onboarding recorded.
type AuthorizeResult struct {
	TenantID string `json:"tenant_id"`
	Status   string `json:"status"`
}

// Authorizer is the authorize function.
type Authorizer struct{}

// Handle is the function's entry point. The request is decoded strictly and validated;
// the role assumption and permission probe arrive with the collectors, and until then
// a valid request is refused rather than recorded half-checked.
func (a *Authorizer) Handle(ctx context.Context, raw json.RawMessage) (AuthorizeResult, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var r AuthorizeRequest
	if err := dec.Decode(&r); err != nil {
		return AuthorizeResult{}, fmt.Errorf("authorize: decode request: %w", err)
	}
	if err := r.Validate(); err != nil {
		return AuthorizeResult{}, fmt.Errorf("authorize: %w", err)
	}
	return AuthorizeResult{}, fmt.Errorf("authorize: tenant %s: %w", r.TenantID, ErrNotAvailable)
}
