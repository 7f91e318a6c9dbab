package event

import (
	"errors"
	"fmt"
)

// KindVerify is a verify request's kind, on the request and in ScheduleInput.
const KindVerify Kind = "verify"

// VerifyRequest asks schedule-scan to re-check one check item of a tenant, on one
// instance or on all of them, collecting only what the item needs (from the console
// or `cspm verify`):
//
//	{"kind":"verify","tenant_id":"t-001","item_id":"ecs_sg_ssh_internet","instance_id":"sg-bp1..."}
//
// Whether the item exists is checked by schedule-scan against the catalogue.
type VerifyRequest struct {
	Kind       string `json:"kind"` // always "verify"
	TenantID   string `json:"tenant_id"`
	ItemID     string `json:"item_id"`
	InstanceID string `json:"instance_id,omitempty"` // empty: every instance of the item
	// Region is where the instance is, when the caller knows; empty: schedule-scan
	// takes it from the stored finding, or checks every region of the tenant.
	Region string `json:"region,omitempty"`
}

// Validate checks every field of r. Errors read "verify request: missing item_id".
// InstanceID may contain '/' (ARNs) and any printable character.
func (r VerifyRequest) Validate() error {
	if err := r.validate(); err != nil {
		return fmt.Errorf("verify request: %w", err)
	}
	return nil
}

func (r VerifyRequest) validate() error {
	switch r.Kind {
	case string(KindVerify):
	case "":
		return errors.New("missing kind")
	default:
		return fmt.Errorf("kind %s: want %q", short(r.Kind), KindVerify)
	}
	if err := checkID("tenant_id", r.TenantID); err != nil {
		return err
	}
	if err := checkID("item_id", r.ItemID); err != nil {
		return err
	}
	if r.InstanceID != "" {
		if err := checkRef("instance_id", r.InstanceID); err != nil {
			return err
		}
	}
	if r.Region != "" {
		return checkSlug("region", r.Region)
	}
	return nil
}

// DecodeVerifyRequest decodes and validates a verify request strictly (unknown,
// duplicate or mistyped members are errors).
func DecodeVerifyRequest(b []byte) (VerifyRequest, error) {
	if err := checkSize(b); err != nil {
		return VerifyRequest{}, fmt.Errorf("verify request: %w", err)
	}
	var r VerifyRequest
	if err := decodeStrict(b, &r); err != nil {
		return VerifyRequest{}, fmt.Errorf("verify request: %w", err)
	}
	if err := r.Validate(); err != nil {
		return VerifyRequest{}, err
	}
	return r, nil
}
