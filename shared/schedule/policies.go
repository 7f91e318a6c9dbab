package schedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
)

// EnvPolicies names the environment variable that holds the deployment's custom
// policies, as JSON: {"policies":[{"id":"pci-web","name":"…","items":["ecs_sg_ssh_internet",…],
// "weekdays":[1,3,5],"windows":[18]}]}. Weekdays are 0 (Sunday) to 6; windows 0, 6, 12
// or 18 start the 6-hour windows of the tenant's day (UTC+8). A tenant names one in its
// policy.
const EnvPolicies = "CSPM_POLICIES"

// ParsePolicies reads custom policies from JSON, strictly: an unknown field, an unknown
// item id, a malformed weekday or window, an id used twice or one that is a built-in
// policy's is an error naming it, and no policy is returned.
func ParsePolicies(b []byte) ([]catalog.Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f struct {
		Policies []catalog.Policy `json:"policies"`
	}
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("custom policies: %w", err)
	}
	if dec.More() {
		return nil, errors.New("custom policies: data after the JSON object")
	}
	cat := checks.Catalog()
	seen := map[string]bool{}
	for _, p := range cat.Policies() {
		seen[p.ID] = true
	}
	var errs []error
	for i, p := range f.Policies {
		if seen[p.ID] {
			errs = append(errs, fmt.Errorf("policies[%d]: id %q is already a policy", i, p.ID))
		}
		seen[p.ID] = true
		if err := cat.CheckPolicy(p); err != nil {
			errs = append(errs, fmt.Errorf("policies[%d]: %w", i, err))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("custom policies: %w", errors.Join(errs...))
	}
	return f.Policies, nil
}

// policiesFromEnv reads EnvPolicies; unset means none.
func policiesFromEnv() ([]catalog.Policy, error) {
	v := os.Getenv(EnvPolicies)
	if v == "" {
		return nil, nil
	}
	ps, err := ParsePolicies([]byte(v))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvPolicies, err)
	}
	return ps, nil
}
