package event

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventsDir is the repository's sample payloads directory.
const eventsDir = "../../events"

func readEvent(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, name))
	require.NoError(t, err)
	return b
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// roundTripEnvelope decodes CloudEvents and re-encodes them in the same mode
// (array or single object), asserting nothing was lost.
func roundTripEnvelope(t *testing.T, b []byte) []CloudEvent {
	t.Helper()
	evs, err := DecodeCloudEvents(b)
	require.NoError(t, err)
	if strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
		assert.JSONEq(t, string(b), mustJSON(t, evs))
	} else {
		require.Len(t, evs, 1)
		assert.JSONEq(t, string(b), mustJSON(t, evs[0]))
	}
	return evs
}

// messageBodies returns the decoded body of every MNS event.
func messageBodies(t *testing.T, evs []CloudEvent) [][]byte {
	t.Helper()
	var out [][]byte
	for _, e := range evs {
		m, err := e.MNSMessage()
		require.NoError(t, err)
		body, err := m.Body()
		require.NoError(t, err)
		out = append(out, body)
	}
	return out
}

// actionTrailData is the event's data with eventVersion normalised to a
// number (ActionTrail sends 1 or "1"; ActionTrail.EventVersion writes 1).
func actionTrailData(t *testing.T, e CloudEvent) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(e.Data, &m))
	if v, ok := m["eventVersion"].(string); ok {
		m["eventVersion"] = json.Number(v)
	}
	return mustJSON(t, m)
}

func TestGoldenRoundTrip(t *testing.T) {
	cases := map[string]func(t *testing.T, b []byte){
		"timer.json": func(t *testing.T, b []byte) {
			tm, err := DecodeTimer(b)
			require.NoError(t, err)
			assert.Equal(t, "nightly-scan", tm.TriggerName)
			assert.Equal(t, `{"policy":"cis-v2"}`, tm.Payload)
			assert.JSONEq(t, string(b), mustJSON(t, tm))

			in, err := DecodeScheduleInput(b)
			require.NoError(t, err)
			assert.Equal(t, KindTimer, in.Kind)
			assert.Equal(t, &tm, in.Timer)
		},
		"scan-request.json": func(t *testing.T, b []byte) {
			r, err := DecodeScanRequest(b)
			require.NoError(t, err)
			assert.JSONEq(t, string(b), mustJSON(t, r))

			in, err := DecodeScheduleInput(b)
			require.NoError(t, err)
			assert.Equal(t, KindScanRequest, in.Kind)
			assert.Equal(t, &r, in.Request)
		},
		"verify-request.json": func(t *testing.T, b []byte) {
			r, err := DecodeVerifyRequest(b)
			require.NoError(t, err)
			assert.JSONEq(t, string(b), mustJSON(t, r))

			in, err := DecodeScheduleInput(b)
			require.NoError(t, err)
			assert.Equal(t, KindVerify, in.Kind)
			assert.Equal(t, &r, in.Verify)
		},
		"fix-job.json": func(t *testing.T, b []byte) {
			j, err := DecodeFixJob(b)
			require.NoError(t, err)
			out, err := j.Marshal()
			require.NoError(t, err)
			assert.JSONEq(t, string(b), string(out))
		},
		"mns-shard-batch.json": func(t *testing.T, b []byte) {
			evs := roundTripEnvelope(t, b)
			require.Len(t, evs, 2)
			ds, err := ShardJobs(b)
			require.NoError(t, err)
			require.Len(t, ds, 2)
			for i, body := range messageBodies(t, evs) {
				out, err := ds[i].Job.Marshal()
				require.NoError(t, err)
				assert.JSONEq(t, string(body), string(out))
				assert.Equal(t, evs[i].ID, ds[i].EventID)
			}
			assert.Equal(t, "C6DB60D1574661357FA2272774451A02", ds[1].MessageID)
			assert.Equal(t, "0008", ds[1].Job.ShardID)
			assert.Equal(t, 1, ds[1].Job.Attempt)
		},
		"mns-shard-event.json": func(t *testing.T, b []byte) {
			evs := roundTripEnvelope(t, b)
			ds, err := ShardJobs(b)
			require.NoError(t, err)
			require.Len(t, ds, 1)
			j := ds[0].Job
			assert.Equal(t, ShardIncremental, j.Kind)
			assert.Equal(t, SiteIntl, j.Site)
			assert.Equal(t, "sg-t4n7d8k2fj3qz0x1abcd", j.ResourceID)
			out, err := j.Marshal()
			require.NoError(t, err)
			assert.JSONEq(t, string(messageBodies(t, evs)[0]), string(out))
		},
		"mns-shard-base64.json": func(t *testing.T, b []byte) {
			evs := roundTripEnvelope(t, b)
			m, err := evs[0].MNSMessage()
			require.NoError(t, err)
			assert.False(t, json.Valid([]byte(m.MessageBody)), "sample body should be base64")
			ds, err := ShardJobs(b)
			require.NoError(t, err)
			require.Len(t, ds, 1)
			assert.Equal(t, "0009", ds[0].Job.ShardID)
			out, err := ds[0].Job.Marshal()
			require.NoError(t, err)
			assert.JSONEq(t, string(messageBodies(t, evs)[0]), string(out))
		},
		"mns-fix-batch.json": func(t *testing.T, b []byte) {
			evs := roundTripEnvelope(t, b)
			ds, err := FixJobs(b)
			require.NoError(t, err)
			require.Len(t, ds, 2)
			for i, body := range messageBodies(t, evs) {
				out, err := ds[i].Job.Marshal()
				require.NoError(t, err)
				assert.JSONEq(t, string(body), string(out))
			}
			assert.Equal(t, ActionRollback, ds[1].Job.Action)
			assert.Empty(t, ds[1].Job.TaskID)
			assert.Equal(t, "acs:ram::1234567890123456:user/ops-bob", ds[1].Job.RequestedBy)
		},
		"actiontrail-authorize-sg.json": func(t *testing.T, b []byte) {
			evs := roundTripEnvelope(t, b)
			in, err := DecodeScheduleInput(b)
			require.NoError(t, err)
			assert.Equal(t, KindActionTrail, in.Kind)
			require.Len(t, in.Changes, 1)
			a := in.Changes[0]
			assert.Equal(t, "AuthorizeSecurityGroup", a.EventName)
			assert.Equal(t, "Ecs", a.ServiceName)
			assert.Equal(t, []string{"sg-bp1fg655nh68xyz9srfd"}, a.Resources("ACS::ECS::SecurityGroup"))
			assert.Equal(t, "ram-user", a.UserIdentity.Type)
			assert.Equal(t, "1234567890123456", a.AccountID())
			assert.Equal(t, evs[0].ID, a.Envelope.ID)
			var params map[string]string
			require.NoError(t, json.Unmarshal(a.RequestParameters, &params))
			assert.Equal(t, "0.0.0.0/0", params["SourceCidrIp"])
			assert.JSONEq(t, actionTrailData(t, evs[0]), mustJSON(t, a))
		},
		"actiontrail-put-bucket-acl.json": func(t *testing.T, b []byte) {
			evs := roundTripEnvelope(t, b)
			in, err := DecodeScheduleInput(b)
			require.NoError(t, err)
			assert.Equal(t, KindActionTrail, in.Kind)
			require.Len(t, in.Changes, 1)
			a := in.Changes[0]
			assert.Equal(t, "oss:ActionTrail:ApiCall", a.Envelope.Type)
			assert.Equal(t, "PutBucketAcl", a.EventName)
			assert.Equal(t, json.Number("1"), a.EventVersion) // sent as the string "1"
			assert.Equal(t, []string{"cspm-demo-logs"}, a.Resources("ACS::OSS::Bucket"))
			assert.JSONEq(t, actionTrailData(t, evs[0]), mustJSON(t, a))
		},
	}

	files, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := filepath.Base(f)
		check, ok := cases[name]
		if !assert.True(t, ok, "events/%s has no golden test case", name) {
			continue
		}
		t.Run(name, func(t *testing.T) { check(t, readEvent(t, name)) })
	}
	for name := range cases {
		assert.FileExists(t, filepath.Join(eventsDir, name))
	}
}
