package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
)

// JobVersion is the only version of ShardJob and FixJob this code reads and
// writes.
const JobVersion = 1

// Sites: where a tenant's account lives.
const (
	SiteCN   = "cn"   // Chinese Mainland
	SiteIntl = "intl" // Outside Chinese Mainland
)

// Shard kinds.
const (
	ShardConfig      = "config"      // configuration checks of a product in a region
	ShardBaseline    = "baseline"    // host baseline checks through Cloud Assistant
	ShardIncremental = "incremental" // rescan of one resource after a change event
	ShardVerify      = "verify"      // re-check of one item (on one resource: ResourceID) on request
)

// Fix actions.
const (
	ActionFix      = "fix"
	ActionRollback = "rollback"
)

// ShardJob is one unit of scan work: a set of check items of one product in
// one region of one tenant, carried as the JSON body of an MNS message on
// the shards queue.
type ShardJob struct {
	Version    int      `json:"version"` // JobVersion
	TenantID   string   `json:"tenant_id"`
	TaskID     string   `json:"task_id"`
	ShardID    string   `json:"shard_id"`              // e.g. "0007"
	Site       string   `json:"site"`                  // SiteCN or SiteIntl
	Region     string   `json:"region"`                // e.g. "cn-hangzhou"
	Product    string   `json:"product"`               // ecs, oss, rds, ram, ...
	Items      []string `json:"items"`                 // check item ids; never empty
	Kind       string   `json:"kind"`                  // ShardConfig, ShardBaseline, ShardIncremental or ShardVerify
	ResourceID string   `json:"resource_id,omitempty"` // the one resource of an incremental rescan (or of a verify)
	Attempt    int      `json:"attempt,omitempty"`     // 0 for the first try; set when a shard is re-sent
	Total      int      `json:"total"`                 // shards in the task
	CreatedAt  string   `json:"created_at"`            // RFC 3339
	// Part and Parts slice a baseline shard's hosts, so a region with many hosts is
	// probed by several shards within the function's time limit: the shard takes the
	// hosts with HostPart(id, Parts) == Part. Parts 0 (or 1) means every host.
	Part  int `json:"part,omitempty"`
	Parts int `json:"parts,omitempty"`
}

// HostPart is the part (0 ≤ part < parts) of a sliced baseline shard that probes the
// host: a hash of its instance id, so every shard of the region agrees without a list.
func HostPart(instanceID string, parts int) int {
	if parts <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(instanceID))
	return int(h.Sum32() % uint32(parts))
}

// FixJob asks the remediate function to fix (or roll back the fix of) one
// finding, carried as the JSON body of an MNS message on the fixes queue.
type FixJob struct {
	Version     int    `json:"version"` // JobVersion
	TenantID    string `json:"tenant_id"`
	TaskID      string `json:"task_id,omitempty"` // the scan task that found it, if any
	FindingID   string `json:"finding_id"`
	ItemID      string `json:"item_id"`
	ResourceID  string `json:"resource_id"`
	Region      string `json:"region"`
	Action      string `json:"action"`       // ActionFix or ActionRollback
	RequestedBy string `json:"requested_by"` // who asked: a user, or "auto"
	CreatedAt   string `json:"created_at"`   // RFC 3339
}

func checkVersion(v int) error {
	switch v {
	case JobVersion:
		return nil
	case 0:
		return errors.New("missing version")
	}
	return fmt.Errorf("version %d not supported (want %d)", v, JobVersion)
}

// Validate checks every field of j. Errors read "shard job: missing tenant_id".
// Identifiers must be non-empty, at most MaxIDLen bytes, free of control
// characters and path separators. ResourceID is required for incremental
// shards and may contain '/' (ARNs).
func (j ShardJob) Validate() error {
	if err := j.validate(); err != nil {
		return fmt.Errorf("shard job: %w", err)
	}
	return nil
}

func (j ShardJob) validate() error {
	if err := checkVersion(j.Version); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"tenant_id", j.TenantID}, {"task_id", j.TaskID}, {"shard_id", j.ShardID}} {
		if err := checkID(f.name, f.v); err != nil {
			return err
		}
	}
	switch j.Site {
	case SiteCN, SiteIntl:
	case "":
		return errors.New("missing site")
	default:
		return fmt.Errorf("site %s: want %q or %q", short(j.Site), SiteCN, SiteIntl)
	}
	if err := checkSlug("region", j.Region); err != nil {
		return err
	}
	if err := checkSlug("product", j.Product); err != nil {
		return err
	}
	switch j.Kind {
	case ShardConfig, ShardBaseline, ShardIncremental, ShardVerify:
	case "":
		return errors.New("missing kind")
	default:
		return fmt.Errorf("kind %s: want %s, %s, %s or %s", short(j.Kind), ShardConfig, ShardBaseline, ShardIncremental, ShardVerify)
	}
	if len(j.Items) == 0 {
		return errors.New("missing items (a shard needs at least one check item)")
	}
	seen := make(map[string]int, len(j.Items))
	for i, it := range j.Items {
		if err := checkID(fmt.Sprintf("items[%d]", i), it); err != nil {
			return err
		}
		if k, dup := seen[it]; dup {
			return fmt.Errorf("items[%d] %s repeats items[%d]", i, short(it), k)
		}
		seen[it] = i
	}
	if j.ResourceID != "" {
		if err := checkRef("resource_id", j.ResourceID); err != nil {
			return err
		}
	} else if j.Kind == ShardIncremental {
		return errors.New("missing resource_id (required for kind incremental)")
	}
	if j.Attempt < 0 {
		return fmt.Errorf("attempt %d is negative", j.Attempt)
	}
	if j.Total < 1 {
		return fmt.Errorf("total %d: want at least 1", j.Total)
	}
	switch {
	case j.Parts < 0 || j.Part < 0:
		return fmt.Errorf("part %d of %d: negative", j.Part, j.Parts)
	case j.Parts > 1 && j.Kind != ShardBaseline:
		return fmt.Errorf("parts %d: only a baseline shard is sliced", j.Parts)
	case j.Part >= max(j.Parts, 1):
		return fmt.Errorf("part %d of %d: want 0 to %d", j.Part, j.Parts, max(j.Parts, 1)-1)
	}
	return checkTime("created_at", j.CreatedAt)
}

// Validate checks every field of j. Errors read "fix job: missing finding_id".
// TaskID is optional; ResourceID and RequestedBy may contain '/' (ARNs).
func (j FixJob) Validate() error {
	if err := j.validate(); err != nil {
		return fmt.Errorf("fix job: %w", err)
	}
	return nil
}

func (j FixJob) validate() error {
	if err := checkVersion(j.Version); err != nil {
		return err
	}
	if err := checkID("tenant_id", j.TenantID); err != nil {
		return err
	}
	if j.TaskID != "" {
		if err := checkID("task_id", j.TaskID); err != nil {
			return err
		}
	}
	if err := checkID("finding_id", j.FindingID); err != nil {
		return err
	}
	if err := checkID("item_id", j.ItemID); err != nil {
		return err
	}
	if err := checkRef("resource_id", j.ResourceID); err != nil {
		return err
	}
	if err := checkSlug("region", j.Region); err != nil {
		return err
	}
	switch j.Action {
	case ActionFix, ActionRollback:
	case "":
		return errors.New("missing action")
	default:
		return fmt.Errorf("action %s: want %q or %q", short(j.Action), ActionFix, ActionRollback)
	}
	if err := checkRef("requested_by", j.RequestedBy); err != nil {
		return err
	}
	return checkTime("created_at", j.CreatedAt)
}

// DecodeShardJob decodes and validates a shard job body. Member names must
// match exactly; unknown, duplicate or mistyped members are errors.
func DecodeShardJob(b []byte) (ShardJob, error) {
	var j ShardJob
	if err := decodeJob(b, &j); err != nil {
		return ShardJob{}, fmt.Errorf("shard job: %w", err)
	}
	if err := j.Validate(); err != nil {
		return ShardJob{}, err
	}
	return j, nil
}

// DecodeFixJob decodes and validates a fix job body, as strictly as
// DecodeShardJob.
func DecodeFixJob(b []byte) (FixJob, error) {
	var j FixJob
	if err := decodeJob(b, &j); err != nil {
		return FixJob{}, fmt.Errorf("fix job: %w", err)
	}
	if err := j.Validate(); err != nil {
		return FixJob{}, err
	}
	return j, nil
}

func decodeJob(b []byte, v any) error {
	if err := checkSize(b); err != nil {
		return err
	}
	return decodeStrict(b, v)
}

// Marshal validates j and returns its JSON, ready to send as a message body.
func (j ShardJob) Marshal() ([]byte, error) {
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// Marshal validates j and returns its JSON, ready to send as a message body.
func (j FixJob) Marshal() ([]byte, error) {
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// ShardDelivery is one shard job delivered by the MNS trigger, with the ids
// needed to log it and to recognise a redelivery.
type ShardDelivery struct {
	EventID   string // CloudEvent id
	MessageID string // MNS message id
	Job       ShardJob
}

// FixDelivery is one fix job delivered by the MNS trigger.
type FixDelivery struct {
	EventID   string
	MessageID string
	Job       FixJob
}

// ShardJobs decodes a whole MNS-trigger delivery (an event-streaming array
// or an event-mode object): CloudEvents, then their MNS messages, then the
// ShardJobs in the message bodies (plain or base64 JSON). Every element must
// be a valid shard job; the first bad one fails the call with a *BatchError
// giving its index and ids. Input over MaxAsyncPayload is refused.
func ShardJobs(b []byte) ([]ShardDelivery, error) {
	return deliveries(b, DecodeShardJob, func(e, m string, j ShardJob) ShardDelivery {
		return ShardDelivery{EventID: e, MessageID: m, Job: j}
	})
}

// FixJobs is ShardJobs for the fixes queue.
func FixJobs(b []byte) ([]FixDelivery, error) {
	return deliveries(b, DecodeFixJob, func(e, m string, j FixJob) FixDelivery {
		return FixDelivery{EventID: e, MessageID: m, Job: j}
	})
}

func deliveries[J, D any](b []byte, decode func([]byte) (J, error), wrap func(string, string, J) D) ([]D, error) {
	evs, err := DecodeCloudEvents(b)
	if err != nil {
		return nil, err
	}
	out := make([]D, 0, len(evs))
	for i, e := range evs {
		msg, err := e.MNSMessage()
		if err != nil {
			return nil, &BatchError{Index: i, EventID: e.ID, Err: err}
		}
		body, err := msg.Body()
		if err == nil {
			var j J
			if j, err = decode(body); err == nil {
				out = append(out, wrap(e.ID, msg.MessageID, j))
				continue
			}
		}
		return nil, &BatchError{Index: i, EventID: e.ID, MessageID: msg.MessageID, Err: err}
	}
	return out, nil
}
