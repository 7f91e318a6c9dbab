package event

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// Kind says which input started schedule-scan.
type Kind string

// The inputs schedule-scan accepts.
const (
	KindTimer       Kind = "timer"
	KindActionTrail Kind = "actiontrail"
	KindScanRequest Kind = "scan-request"
)

// ScanRequest is an on-demand scan request (from the console or the CLI):
//
//	{"tenant_id":"t-001","policy":"cis-v2","reason":"pre-audit check"}
type ScanRequest struct {
	TenantID string `json:"tenant_id"`
	Policy   string `json:"policy,omitempty"` // empty: the tenant's default
	Reason   string `json:"reason,omitempty"` // free text, for the audit trail
}

// Validate checks the tenant id (required), the policy id and the reason.
func (r ScanRequest) Validate() error {
	if err := checkID("tenant_id", r.TenantID); err != nil {
		return fmt.Errorf("scan request: %w", err)
	}
	if r.Policy != "" {
		if err := checkID("policy", r.Policy); err != nil {
			return fmt.Errorf("scan request: %w", err)
		}
	}
	if err := checkText("reason", r.Reason); err != nil {
		return fmt.Errorf("scan request: %w", err)
	}
	return nil
}

// DecodeScanRequest decodes and validates a scan request strictly (unknown,
// duplicate or mistyped members are errors).
func DecodeScanRequest(b []byte) (ScanRequest, error) {
	if err := checkSize(b); err != nil {
		return ScanRequest{}, fmt.Errorf("scan request: %w", err)
	}
	var r ScanRequest
	if err := decodeStrict(b, &r); err != nil {
		return ScanRequest{}, fmt.Errorf("scan request: %w", err)
	}
	if err := r.Validate(); err != nil {
		return ScanRequest{}, err
	}
	return r, nil
}

// ScheduleInput is what started schedule-scan: exactly one of Timer, Changes,
// Request or Verify is set, as Kind says.
type ScheduleInput struct {
	Kind    Kind
	Timer   *Timer
	Changes []ActionTrail // each with its Envelope
	Request *ScanRequest
	Verify  *VerifyRequest
}

const expectedInputs = `want a timer trigger ({"triggerTime":...,"triggerName":...}), ` +
	`an ActionTrail CloudEvent or an array of them ({"specversion":"1.0","type":"<service>:ActionTrail:...",...}), ` +
	`a scan request ({"tenant_id":...}), or a verify request ({"kind":"verify","tenant_id":...,"item_id":...})`

// DecodeScheduleInput decodes schedule-scan's input by its shape:
//   - a JSON array, or an object with "specversion": CloudEvents, every one
//     of which must be an ActionTrail event (KindActionTrail);
//   - an object with "triggerTime": a Timer (KindTimer);
//   - an object with "kind": a VerifyRequest (KindVerify);
//   - an object with "tenant_id": a ScanRequest (KindScanRequest).
//
// Anything else is an error starting "unrecognised event:" that says what
// was expected and what was found. Each shape is then decoded strictly.
// Input over MaxAsyncPayload is refused.
func DecodeScheduleInput(b []byte) (ScheduleInput, error) {
	if err := checkSize(b); err != nil {
		return ScheduleInput{}, err
	}
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return ScheduleInput{}, fmt.Errorf("unrecognised event: empty payload; %s", expectedInputs)
	}
	switch t[0] {
	case '[':
		return decodeChanges(t)
	case '{':
	default:
		return ScheduleInput{}, fmt.Errorf("unrecognised event: got %s; %s", jsonKind(t), expectedInputs)
	}
	members, err := objectMembers(t)
	if err != nil {
		return ScheduleInput{}, fmt.Errorf("unrecognised event: %w", err)
	}
	keys := make([]string, len(members))
	for i, m := range members {
		keys[i] = m.key
	}
	switch {
	case slices.Contains(keys, "specversion"):
		return decodeChanges(t)
	case slices.Contains(keys, "triggerTime"):
		tm, err := DecodeTimer(t)
		if err != nil {
			return ScheduleInput{}, err
		}
		return ScheduleInput{Kind: KindTimer, Timer: &tm}, nil
	case slices.Contains(keys, "kind"):
		v, err := DecodeVerifyRequest(t)
		if err != nil {
			return ScheduleInput{}, err
		}
		return ScheduleInput{Kind: KindVerify, Verify: &v}, nil
	case slices.Contains(keys, "tenant_id"):
		r, err := DecodeScanRequest(t)
		if err != nil {
			return ScheduleInput{}, err
		}
		return ScheduleInput{Kind: KindScanRequest, Request: &r}, nil
	}
	if len(keys) > 8 {
		keys = append(keys[:8], "...")
	}
	return ScheduleInput{}, fmt.Errorf("unrecognised event: got an object with fields [%s]; %s",
		strings.Join(keys, ", "), expectedInputs)
}

func decodeChanges(b []byte) (ScheduleInput, error) {
	evs, err := DecodeCloudEvents(b)
	if err != nil {
		return ScheduleInput{}, err
	}
	changes := make([]ActionTrail, len(evs))
	for i, e := range evs {
		if changes[i], err = e.ActionTrail(); err != nil {
			return ScheduleInput{}, &BatchError{Index: i, EventID: e.ID, Err: err}
		}
	}
	return ScheduleInput{Kind: KindActionTrail, Changes: changes}, nil
}
