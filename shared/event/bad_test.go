package event

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type decoder struct {
	name string
	fn   func([]byte) error
}

var (
	viaShardJobs = decoder{"ShardJobs", func(b []byte) error { _, err := ShardJobs(b); return err }}
	viaFixJobs   = decoder{"FixJobs", func(b []byte) error { _, err := FixJobs(b); return err }}
	viaSchedule  = decoder{"DecodeScheduleInput", func(b []byte) error { _, err := DecodeScheduleInput(b); return err }}
	viaEvents    = decoder{"DecodeCloudEvents", func(b []byte) error { _, err := DecodeCloudEvents(b); return err }}
	viaShardJob  = decoder{"DecodeShardJob", func(b []byte) error { _, err := DecodeShardJob(b); return err }}
	viaFixJob    = decoder{"DecodeFixJob", func(b []byte) error { _, err := DecodeFixJob(b); return err }}
	viaTimer     = decoder{"DecodeTimer", func(b []byte) error { _, err := DecodeTimer(b); return err }}
)

type badCheck struct {
	via  decoder
	want []string // substrings the error must contain
}

// TestBadEvents feeds every file in events/bad to the decoders it could
// reach in production and checks the error names the problem.
func TestBadEvents(t *testing.T) {
	cases := map[string][]badCheck{
		"truncated.json": {
			{viaShardJobs, []string{"unexpected end of input"}},
			{viaSchedule, []string{"unexpected end of input"}},
		},
		"empty-array.json": {
			{viaShardJobs, []string{"empty batch"}},
			{viaFixJobs, []string{"empty batch"}},
			{viaSchedule, []string{"empty batch"}},
		},
		"unknown-type.json": {
			{viaShardJobs, []string{"batch[0]", `"oss:ObjectCreated:PutObject" is not an MNS queue message`}},
			{viaSchedule, []string{"batch[0]", `"oss:ObjectCreated:PutObject" is not an ActionTrail event`}},
		},
		"data-not-a-job.json": {
			{viaShardJobs, []string{"batch[0]", "C6DB60D1574661357FA2272774451A09", `shard job: unknown field "hello"`}},
			{viaFixJobs, []string{"batch[0]", `fix job: unknown field "hello"`}},
		},
		"body-not-json.json": {
			{viaShardJobs, []string{"batch[0]", `neither JSON nor base64 of JSON (starts "TEST")`}},
		},
		"shard-batch-second-missing-tenant.json": {
			{viaShardJobs, []string{"batch[1]", "C6DB60D1574661357FA2272774451A02", "shard job: missing tenant_id"}},
		},
		"job-unknown-field.json": {
			{viaShardJob, []string{`shard job: unknown field "priority"`}},
		},
		"job-case-variant-field.json": {
			{viaShardJob, []string{`shard job: unknown field "Tenant_ID"`}},
		},
		"job-duplicate-field.json": {
			{viaShardJob, []string{`shard job: duplicate field "tenant_id"`}},
		},
		"job-hostile-tenant-id.json": {
			{viaShardJob, []string{`shard job: tenant_id "../../t-other" contains a path separator`}},
		},
		"job-wrong-version.json": {
			{viaShardJob, []string{"shard job: version 2 not supported (want 1)"}},
		},
		"fix-job-bad-action.json": {
			{viaFixJob, []string{`fix job: action "delete": want "fix" or "rollback"`}},
		},
		"missing-specversion.json": {
			{viaEvents, []string{"batch[0]", "missing specversion"}},
			{viaSchedule, []string{"unrecognised event", "want a timer trigger"}},
		},
		"wrong-specversion.json": {
			{viaEvents, []string{"batch[0]", `specversion "0.3", want "1.0"`}},
			{viaSchedule, []string{`specversion "0.3", want "1.0"`}},
		},
		"rawdata-schema.json": {
			{viaShardJobs, []string{`unknown attribute "requestId"`}},
		},
		"timer-unknown-field.json": {
			{viaTimer, []string{`timer: unknown field "cron"`}},
			{viaSchedule, []string{`timer: unknown field "cron"`}},
		},
		"timer-payload-object.json": {
			{viaTimer, []string{`field "payload": got JSON object, want a string`}},
		},
		"unrecognised.json": {
			{viaSchedule, []string{"unrecognised event: got an object with fields [hello, when]", "scan request"}},
		},
		"actiontrail-mixed-batch.json": {
			{viaSchedule, []string{"batch[1]", `"mns:Queue:SendMessage" is not an ActionTrail event`}},
		},
		"actiontrail-missing-event-name.json": {
			{viaSchedule, []string{"batch[0]", "actiontrail: missing data.eventName"}},
		},
		"verify-missing-item.json": {
			{viaSchedule, []string{"verify request: missing item_id"}},
		},
		"verify-wrong-kind.json": {
			{viaSchedule, []string{`verify request: kind "rescan": want "verify"`}},
		},
		"trailing-data.json": {
			{viaShardJob, []string{"unexpected data after the value"}},
		},
	}

	files, err := filepath.Glob(filepath.Join(eventsDir, "bad", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := filepath.Base(f)
		checks, ok := cases[name]
		if !assert.True(t, ok, "events/bad/%s has no test case", name) {
			continue
		}
		b := readEvent(t, filepath.Join("bad", name))
		for _, c := range checks {
			t.Run(name+"/"+c.via.name, func(t *testing.T) {
				err := c.via.fn(b)
				require.Error(t, err)
				for _, w := range c.want {
					assert.Contains(t, err.Error(), w)
				}
			})
		}
	}
	for name := range cases {
		assert.FileExists(t, filepath.Join(eventsDir, "bad", name))
	}
}

func TestBadEventErrorTypes(t *testing.T) {
	_, err := ShardJobs(readEvent(t, "bad/empty-array.json"))
	assert.ErrorIs(t, err, ErrEmptyBatch)

	_, err = ShardJobs(readEvent(t, "bad/shard-batch-second-missing-tenant.json"))
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 1, be.Index)
	assert.Equal(t, "c2g7a1f0-5e3d-4b8c-9f21-7a6d0e3b4c02", be.EventID)
	assert.Equal(t, "C6DB60D1574661357FA2272774451A02", be.MessageID)
	assert.EqualError(t, be.Err, "shard job: missing tenant_id")
	assert.False(t, errors.Is(err, ErrEmptyBatch))
}
