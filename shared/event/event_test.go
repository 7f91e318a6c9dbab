package event

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validShard() ShardJob {
	return ShardJob{
		Version: JobVersion, TenantID: "t-acme-001", TaskID: "task-1", ShardID: "0007",
		Site: SiteCN, Region: "cn-hangzhou", Product: "ecs",
		Items: []string{"ecs-sg-open-ssh", "ecs-disk-encrypted"}, Kind: ShardConfig,
		Total: 12, CreatedAt: "2024-05-20T02:00:03Z",
	}
}

func validFix() FixJob {
	return FixJob{
		Version: JobVersion, TenantID: "t-acme-001", TaskID: "task-1", FindingID: "f-1",
		ItemID: "oss_bucket_not_public", ResourceID: "cspm-demo-logs", Region: "cn-shanghai",
		Action: ActionFix, RequestedBy: "alice@acme.example", CreatedAt: "2024-05-20T02:14:51Z",
	}
}

var src = BatchSource{Region: "cn-hangzhou", AccountID: "1234567890123456", Queue: "cspm-shards", EventBus: "MNS-run-check-shard-cspm-shards"}

func TestMNSBody(t *testing.T) {
	job := `{"version":1,"tenant_id":"t"}`
	cases := []struct {
		name, body, want, err string
	}{
		{"json object", job, job, ""},
		{"json with surrounding space kept verbatim", "  " + job + "\n", "  " + job + "\n", ""},
		{"base64 of json", base64.StdEncoding.EncodeToString([]byte(job)), job, ""},
		{"base64 with trailing newline", base64.StdEncoding.EncodeToString([]byte(job)) + "\n", job, ""},
		{"plain text", "TEST", "", `neither JSON nor base64 of JSON (starts "TEST")`},
		{"base64 of text", base64.StdEncoding.EncodeToString([]byte("mock mns message")), "", "neither JSON nor base64 of JSON"},
		{"empty", "", "", "empty message body"},
		{"blank", " \n", "", "empty message body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := MNSMessage{MessageID: "m", MessageBody: c.body}.Body()
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, string(got))
		})
	}
}

func TestMNSMessageErrors(t *testing.T) {
	ev := func(typ, data string) CloudEvent {
		return CloudEvent{ID: "e", Source: "s", SpecVersion: "1.0", Type: typ, Data: json.RawMessage(data)}
	}
	cases := []struct{ name, typ, data, want string }{
		{"wrong type", "actiontrail:ActionTrail:ApiCall", `{}`, `is not an MNS queue message`},
		{"no data", TypeMNSSendMessage, ``, "missing data"},
		{"null data", TypeMNSSendMessage, `null`, "missing data"},
		{"data is a string", TypeMNSSendMessage, `"TEST"`, "got a string, want a JSON object"},
		{"no messageId", TypeMNSSendMessage, `{"messageBody":"{}"}`, "missing data.messageId"},
		{"no messageBody", TypeMNSSendMessage, `{"messageId":"m"}`, "missing data.messageBody"},
		{"body is a number", TypeMNSSendMessage, `{"messageId":"m","messageBody":1}`, `field "messageBody": got JSON number, want a string`},
		{"case variant ignored, so messageId missing", TypeMNSSendMessage, `{"MessageId":"m","messageBody":"{}"}`, "missing data.messageId"},
		{"duplicate", TypeMNSSendMessage, `{"messageId":"m","messageId":"n","messageBody":"{}"}`, `duplicate field "messageId"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ev(c.typ, c.data).MNSMessage()
			assert.ErrorContains(t, err, c.want)
		})
	}
	// Members Alibaba Cloud may add later are tolerated.
	m, err := ev(TypeMNSSendMessage, `{"requestId":"r","messageId":"m","messageBody":"{}","messageAttributes":{"a":"b"}}`).MNSMessage()
	require.NoError(t, err)
	assert.Equal(t, MNSMessage{RequestID: "r", MessageID: "m", MessageBody: "{}"}, m)
}

func TestTimesKeptVerbatim(t *testing.T) {
	evs, err := DecodeCloudEvents(readEvent(t, "actiontrail-authorize-sg.json"))
	require.NoError(t, err)
	assert.Equal(t, "2024-05-20T10:15:32.179PRC", evs[0].Time)
	assert.Equal(t, "2024-05-20T02:15:33.004Z", evs[0].AliyunPublishTime)
	out, err := json.Marshal(evs[0])
	require.NoError(t, err)
	assert.Contains(t, string(out), `"time":"2024-05-20T10:15:32.179PRC"`)

	// An MNS delivery with such times still yields its jobs, times untouched.
	body, err := validShard().Marshal()
	require.NoError(t, err)
	batch, err := NewMNSCloudEvents(src, []QueuedMessage{{MessageID: "m1", Body: body, PublishTime: time.Now()}})
	require.NoError(t, err)
	var raw []map[string]any
	require.NoError(t, json.Unmarshal(batch, &raw))
	raw[0]["time"] = "2020-11-19T21:04:42.179PRC"
	raw[0]["aliyunpublishtime"] = "2020-11-19T21:04:42.201PRC"
	batch = []byte(mustJSON(t, raw))
	ds, err := ShardJobs(batch)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	evs, err = DecodeCloudEvents(batch)
	require.NoError(t, err)
	assert.Equal(t, "2020-11-19T21:04:42.179PRC", evs[0].Time)
	assert.Equal(t, "2020-11-19T21:04:42.201PRC", evs[0].AliyunPublishTime)

	// ActionTrail eventTime is a string too.
	a, err := CloudEvent{ID: "e", Source: "acs.actiontrail", SpecVersion: "1.0", Type: "actiontrail:ActionTrail:ConsoleOperation",
		Data: json.RawMessage(`{"eventId":"x","eventName":"DeleteBucket","serviceName":"Oss","eventTime":"2020-11-19T21:04:42.179PRC"}`)}.ActionTrail()
	require.NoError(t, err)
	assert.Equal(t, "2020-11-19T21:04:42.179PRC", a.EventTime)
}

func TestHostileIDs(t *testing.T) {
	cases := []struct{ name, id, want string }{
		{"empty", "", "missing tenant_id"},
		{"slash", "t/../other", "contains a path separator '/'"},
		{"backslash", `t\other`, `contains a path separator '\\'`},
		{"dotdot", "..", `tenant_id ".." is a path element`},
		{"dot", ".", `tenant_id "." is a path element`},
		{"nul", "t\x00x", "contains control character U+0000 at byte 1"},
		{"newline (log injection)", "t\nlevel=error", "contains control character U+000A"},
		{"escape", "t\x1b[31m", "contains control character U+001B"},
		{"del", "t\x7f", "contains control character U+007F"},
		{"bidi override", "t\u202egnp.exe", "contains control character U+202E"},
		{"zero width", "t\u200bx", "contains control character U+200B"},
		{"line separator", "t\u2028x", "contains control character U+2028"},
		{"invalid utf-8", "t\xffx", "is not valid UTF-8"},
		{"leading space", " t", "leading or trailing space"},
		{"too long", strings.Repeat("x", MaxIDLen+1), "tenant_id is 129 bytes, over the 128-byte limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := validShard()
			j.TenantID = c.id
			err := j.Validate()
			assert.ErrorContains(t, err, "shard job: ")
			assert.ErrorContains(t, err, c.want)
			_, err = j.Marshal()
			assert.ErrorContains(t, err, c.want, "Marshal must validate")

			f := validFix()
			f.FindingID = c.id
			assert.ErrorContains(t, f.Validate(), "fix job: ")
			assert.ErrorContains(t, f.Validate(), strings.ReplaceAll(c.want, "tenant_id", "finding_id"))

			// The same id arriving through the queue is refused with its index.
			body, err := json.Marshal(j)
			require.NoError(t, err)
			// (json.Marshal turned invalid UTF-8 into U+FFFD, refused too.)
			batch, err := NewMNSCloudEvents(src, []QueuedMessage{
				{MessageID: "ok", Body: mustMarshal(t, validShard()), PublishTime: time.Unix(0, 0)},
				{MessageID: "bad", Body: body, PublishTime: time.Unix(0, 0)},
			})
			require.NoError(t, err)
			_, err = ShardJobs(batch)
			assert.ErrorContains(t, err, "batch[1]")
		})
	}

	// The limit itself is fine, and so are other ids everywhere else.
	j := validShard()
	j.TenantID = strings.Repeat("x", MaxIDLen)
	assert.NoError(t, j.Validate())
	j = validShard()
	j.Items = []string{"ok", "a/b"}
	assert.EqualError(t, j.Validate(), `shard job: items[1] "a/b" contains a path separator '/' at byte 1`)
	j = validShard()
	j.ShardID = "0007\r"
	assert.ErrorContains(t, j.Validate(), "shard job: shard_id")
	r := ScanRequest{TenantID: "t/x"}
	assert.ErrorContains(t, r.Validate(), "scan request: tenant_id")
	r = ScanRequest{TenantID: "t", Reason: "line1\nline2"}
	assert.ErrorContains(t, r.Validate(), "scan request: reason")
}

func mustMarshal(t *testing.T, j ShardJob) []byte {
	t.Helper()
	b, err := j.Marshal()
	require.NoError(t, err)
	return b
}

func TestShardJobValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*ShardJob)
		want string // "" means valid
	}{
		{"valid", func(*ShardJob) {}, ""},
		{"no version", func(j *ShardJob) { j.Version = 0 }, "shard job: missing version"},
		{"future version", func(j *ShardJob) { j.Version = 2 }, "shard job: version 2 not supported (want 1)"},
		{"no task", func(j *ShardJob) { j.TaskID = "" }, "shard job: missing task_id"},
		{"no shard", func(j *ShardJob) { j.ShardID = "" }, "shard job: missing shard_id"},
		{"no site", func(j *ShardJob) { j.Site = "" }, "shard job: missing site"},
		{"bad site", func(j *ShardJob) { j.Site = "eu" }, `shard job: site "eu": want "cn" or "intl"`},
		{"intl", func(j *ShardJob) { j.Site = SiteIntl; j.Region = "ap-southeast-1" }, ""},
		{"no region", func(j *ShardJob) { j.Region = "" }, "shard job: missing region"},
		{"bad region", func(j *ShardJob) { j.Region = "CN Hangzhou" }, `shard job: region "CN Hangzhou": want lower-case`},
		{"no product", func(j *ShardJob) { j.Product = "" }, "shard job: missing product"},
		{"bad product", func(j *ShardJob) { j.Product = "ecs;rm" }, `shard job: product "ecs;rm"`},
		{"no kind", func(j *ShardJob) { j.Kind = "" }, "shard job: missing kind"},
		{"bad kind", func(j *ShardJob) { j.Kind = "full" }, `shard job: kind "full": want config, baseline, incremental or verify`},
		{"baseline", func(j *ShardJob) { j.Kind = ShardBaseline }, ""},
		{"no items", func(j *ShardJob) { j.Items = nil }, "shard job: missing items"},
		{"empty items", func(j *ShardJob) { j.Items = []string{} }, "shard job: missing items"},
		{"empty item", func(j *ShardJob) { j.Items = []string{"a", ""} }, "shard job: missing items[1]"},
		{"dup item", func(j *ShardJob) { j.Items = []string{"a", "b", "a"} }, `shard job: items[2] "a" repeats items[0]`},
		{"incremental without resource", func(j *ShardJob) { j.Kind = ShardIncremental }, "shard job: missing resource_id (required for kind incremental)"},
		{"incremental", func(j *ShardJob) { j.Kind = ShardIncremental; j.ResourceID = "sg-bp1" }, ""},
		{"resource may be an ARN", func(j *ShardJob) {
			j.Kind = ShardIncremental
			j.ResourceID = "acs:ram::1234567890123456:role/aliyunservicerolefor"
		}, ""},
		{"resource with control char", func(j *ShardJob) { j.ResourceID = "sg\x00" }, "shard job: resource_id"},
		{"negative attempt", func(j *ShardJob) { j.Attempt = -1 }, "shard job: attempt -1 is negative"},
		{"zero total", func(j *ShardJob) { j.Total = 0 }, "shard job: total 0: want at least 1"},
		{"baseline part 2 of 3", func(j *ShardJob) { j.Kind, j.Part, j.Parts = ShardBaseline, 2, 3 }, ""},
		{"part past the parts", func(j *ShardJob) { j.Kind, j.Part, j.Parts = ShardBaseline, 3, 3 }, "shard job: part 3 of 3: want 0 to 2"},
		{"part without parts", func(j *ShardJob) { j.Kind, j.Part = ShardBaseline, 1 }, "shard job: part 1 of 0: want 0 to 0"},
		{"negative parts", func(j *ShardJob) { j.Kind, j.Parts = ShardBaseline, -2 }, "shard job: part 0 of -2: negative"},
		{"sliced config shard", func(j *ShardJob) { j.Parts = 2 }, "shard job: parts 2: only a baseline shard is sliced"},
		{"no created_at", func(j *ShardJob) { j.CreatedAt = "" }, "shard job: missing created_at"},
		{"bad created_at", func(j *ShardJob) { j.CreatedAt = "yesterday" }, `shard job: created_at "yesterday" is not an RFC 3339 time`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := validShard()
			c.edit(&j)
			err := j.Validate()
			if c.want == "" {
				require.NoError(t, err)
				b, err := j.Marshal()
				require.NoError(t, err)
				back, err := DecodeShardJob(b)
				require.NoError(t, err)
				assert.Equal(t, j, back)
				return
			}
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestFixJobValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*FixJob)
		want string
	}{
		{"valid", func(*FixJob) {}, ""},
		{"no task is fine", func(j *FixJob) { j.TaskID = "" }, ""},
		{"rollback", func(j *FixJob) { j.Action = ActionRollback }, ""},
		{"bad task", func(j *FixJob) { j.TaskID = "a/b" }, "fix job: task_id"},
		{"no tenant", func(j *FixJob) { j.TenantID = "" }, "fix job: missing tenant_id"},
		{"no item", func(j *FixJob) { j.ItemID = "" }, "fix job: missing item_id"},
		{"no resource", func(j *FixJob) { j.ResourceID = "" }, "fix job: missing resource_id"},
		{"no region", func(j *FixJob) { j.Region = "" }, "fix job: missing region"},
		{"no action", func(j *FixJob) { j.Action = "" }, "fix job: missing action"},
		{"no requester", func(j *FixJob) { j.RequestedBy = "" }, "fix job: missing requested_by"},
		{"no created_at", func(j *FixJob) { j.CreatedAt = "" }, "fix job: missing created_at"},
		{"version", func(j *FixJob) { j.Version = 7 }, "fix job: version 7 not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := validFix()
			c.edit(&j)
			err := j.Validate()
			if c.want == "" {
				require.NoError(t, err)
				b, err := j.Marshal()
				require.NoError(t, err)
				back, err := DecodeFixJob(b)
				require.NoError(t, err)
				assert.Equal(t, j, back)
				return
			}
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestStrictJobDecoding(t *testing.T) {
	good := string(mustMarshal(t, validShard()))
	cases := []struct{ name, in, want string }{
		{"type mismatch", strings.Replace(good, `"total":12`, `"total":"12"`, 1), `shard job: field "total": got JSON string, want an integer`},
		{"float", strings.Replace(good, `"total":12`, `"total":1.5`, 1), `field "total": got JSON number 1.5, want an integer`},
		{"items not array", strings.Replace(good, `"items":["ecs-sg-open-ssh","ecs-disk-encrypted"]`, `"items":"ecs"`, 1), `field "items": got JSON string, want an array`},
		{"item not string", strings.Replace(good, `"items":["ecs-sg-open-ssh"`, `"items":[7`, 1), `got JSON number, want a string`},
		{"null tenant", strings.Replace(good, `"tenant_id":"t-acme-001"`, `"tenant_id":null`, 1), "shard job: missing tenant_id"},
		{"array", "[" + good + "]", "shard job: got an array, want a JSON object"},
		{"empty", "", "shard job: empty payload"},
		{"garbage", "not json", "shard job: invalid JSON at byte 2: invalid character 'o'"},
		{"syntax error", strings.Replace(good, `,"task_id"`, `"task_id"`, 1), "shard job: invalid JSON at byte"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeShardJob([]byte(c.in))
			assert.ErrorContains(t, err, c.want)
		})
	}
	_, err := DecodeFixJob([]byte(good))
	assert.ErrorContains(t, err, `fix job: unknown field "shard_id"`)
}

func TestNewMNSCloudEventsRoundTrip(t *testing.T) {
	pub := time.Date(2024, 5, 20, 10, 0, 3, 412_345_678, time.FixedZone("CST", 8*3600))
	var msgs []QueuedMessage
	var want []ShardJob
	for i := range 3 {
		j := validShard()
		j.ShardID = fmt.Sprintf("%04d", i)
		want = append(want, j)
		msgs = append(msgs, QueuedMessage{MessageID: fmt.Sprintf("MSG%02d", i), RequestID: "REQ", Body: mustMarshal(t, j), PublishTime: pub})
	}
	// A console-sent, still base64-encoded body decodes too.
	msgs[2].Body = []byte(base64.StdEncoding.EncodeToString(msgs[2].Body))

	batch, err := NewMNSCloudEvents(src, msgs)
	require.NoError(t, err)
	assert.Equal(t, byte('['), batch[0])

	ds, err := ShardJobs(batch)
	require.NoError(t, err)
	require.Len(t, ds, 3)
	ids := map[string]bool{}
	for i, d := range ds {
		assert.Equal(t, want[i], d.Job)
		assert.Equal(t, msgs[i].MessageID, d.MessageID)
		assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, d.EventID)
		ids[d.EventID] = true
	}
	assert.Len(t, ids, 3, "event ids must differ")

	evs, err := DecodeCloudEvents(batch)
	require.NoError(t, err)
	e := evs[0]
	assert.Equal(t, src.EventBus, e.Source)
	assert.Equal(t, src.EventBus, e.AliyunEventBusName)
	assert.Equal(t, TypeMNSSendMessage, e.Type)
	assert.Equal(t, SpecVersion, e.SpecVersion)
	assert.Equal(t, ContentTypeJSON, e.DataContentType)
	assert.Equal(t, "acs:mns:cn-hangzhou:1234567890123456:queues/cspm-shards", e.Subject)
	assert.Equal(t, "2024-05-20T02:00:03.412Z", e.Time)
	assert.Equal(t, e.Time, e.AliyunPublishTime)
	assert.Equal(t, src.AccountID, e.AliyunAccountID)
	assert.Equal(t, src.AccountID, e.AliyunOriginalAccountID)
	assert.Equal(t, src.Region, e.AliyunRegionID)
	m, err := e.MNSMessage()
	require.NoError(t, err)
	assert.Equal(t, MNSMessage{RequestID: "REQ", MessageID: "MSG00", MessageBody: string(msgs[0].Body)}, m)

	// Deterministic: the same messages give the same bytes.
	again, err := NewMNSCloudEvents(src, msgs)
	require.NoError(t, err)
	assert.Equal(t, string(batch), string(again))

	// Fix jobs travel the same way.
	fb, err := validFix().Marshal()
	require.NoError(t, err)
	fbatch, err := NewMNSCloudEvents(BatchSource{Region: "cn-hangzhou", AccountID: "1", Queue: "cspm-fixes", EventBus: "MNS-remediate-cspm-fixes"},
		[]QueuedMessage{{MessageID: "F1", Body: fb, PublishTime: pub}})
	require.NoError(t, err)
	fds, err := FixJobs(fbatch)
	require.NoError(t, err)
	assert.Equal(t, validFix(), fds[0].Job)
	_, err = ShardJobs(fbatch)
	assert.ErrorContains(t, err, `batch[0]`)
	assert.ErrorContains(t, err, `shard job: unknown field "finding_id"`)
}

func TestNewMNSCloudEventsErrors(t *testing.T) {
	ok := QueuedMessage{MessageID: "m", Body: []byte(`{}`), PublishTime: time.Unix(1, 0)}
	cases := []struct {
		name string
		src  BatchSource
		msgs []QueuedMessage
		want string
	}{
		{"no messages", src, nil, "mns batch: empty batch"},
		{"no region", BatchSource{AccountID: "1", Queue: "q", EventBus: "b"}, []QueuedMessage{ok}, "missing source region"},
		{"no queue", BatchSource{Region: "cn-hangzhou", AccountID: "1", EventBus: "b"}, []QueuedMessage{ok}, "missing source queue"},
		{"queue with slash", BatchSource{Region: "cn-hangzhou", AccountID: "1", Queue: "a/b", EventBus: "b"}, []QueuedMessage{ok}, "source queue"},
		{"no message id", src, []QueuedMessage{ok, {Body: []byte("{}"), PublishTime: time.Unix(1, 0)}}, "message 1: missing MessageID"},
		{"duplicate id", src, []QueuedMessage{ok, ok}, `message 1: MessageID "m" repeats message 0`},
		{"no time", src, []QueuedMessage{{MessageID: "m", Body: []byte("{}")}}, "message 0: missing PublishTime"},
		{"binary body", src, []QueuedMessage{{MessageID: "m", Body: []byte{0xff, 0xfe}, PublishTime: time.Unix(1, 0)}}, "not valid UTF-8"},
		{"too big", src, []QueuedMessage{{MessageID: "m", Body: bytes.Repeat([]byte("x"), MaxAsyncPayload), PublishTime: time.Unix(1, 0)}}, "payload too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewMNSCloudEvents(c.src, c.msgs)
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestSizeGuard(t *testing.T) {
	big := append([]byte(`{"tenant_id":"t","reason":"`), bytes.Repeat([]byte("x"), MaxAsyncPayload)...)
	big = append(big, `"}`...)
	for _, d := range []decoder{viaShardJobs, viaFixJobs, viaSchedule, viaEvents, viaShardJob, viaFixJob, viaTimer} {
		t.Run(d.name, func(t *testing.T) {
			err := d.fn(big)
			assert.ErrorIs(t, err, ErrTooLarge)
			assert.ErrorContains(t, err, "over the 131072-byte Function Compute async limit")
		})
	}
	// Exactly at the limit is still accepted.
	timer := NewTimer("nightly", time.Unix(0, 0), "")
	atLimit := append(bytes.Repeat([]byte(" "), MaxAsyncPayload-len(timer)), timer...)
	require.Len(t, atLimit, MaxAsyncPayload)
	in, err := DecodeScheduleInput(atLimit)
	require.NoError(t, err)
	assert.Equal(t, KindTimer, in.Kind)
}

func TestCloudEventEnvelope(t *testing.T) {
	base := `"id":"e1","source":"acs.oss","specversion":"1.0","type":"oss:ActionTrail:ApiCall"`
	t.Run("extensions kept and written back", func(t *testing.T) {
		in := `{` + base + `,"traceparent":"00-abc-def-01","aliyunexpiry":3,"data":{"k":"v"}}`
		evs, err := DecodeCloudEvents([]byte(in))
		require.NoError(t, err)
		assert.Equal(t, json.RawMessage(`"00-abc-def-01"`), evs[0].Extensions["traceparent"])
		assert.JSONEq(t, in, mustJSON(t, evs[0]))
	})
	t.Run("no data", func(t *testing.T) {
		in := `{` + base + `}`
		evs, err := DecodeCloudEvents([]byte(in))
		require.NoError(t, err)
		assert.JSONEq(t, in, mustJSON(t, evs[0]))
		_, err = evs[0].ActionTrail()
		assert.ErrorContains(t, err, "actiontrail: missing data")
	})
	errCases := []struct{ name, in, want string }{
		{"illegal attribute name", `{` + base + `,"Data":{}}`, `batch[0]: cloudevent: unknown attribute "Data"`},
		{"attribute with underscore", `{` + base + `,"tenant_id":"t"}`, `unknown attribute "tenant_id"`},
		{"id not a string", `{"id":1,"source":"s","specversion":"1.0","type":"t"}`, `attribute "id": got a number, want a string`},
		{"null attribute", `{` + base + `,"subject":null}`, `attribute "subject": got null, want a string`},
		{"duplicate attribute", `{` + base + `,"type":"mns:Queue:SendMessage"}`, `duplicate field "type"`},
		{"no id", `{"source":"s","specversion":"1.0","type":"t"}`, "cloudevent: missing id"},
		{"no source", `{"id":"i","specversion":"1.0","type":"t"}`, "cloudevent: missing source"},
		{"no type", `{"id":"i","source":"s","specversion":"1.0"}`, "cloudevent: missing type"},
		{"not an object", `["x"]`, "batch[0]: cloudevent: got a string, want a JSON object"},
		{"number", `42`, "cloudevents: got a number, want a CloudEvent object or an array of them"},
		{"empty", ` `, "cloudevents: empty payload"},
		{"second bad", `[{` + base + `},{` + base + `,"specversion":"1.0"}]`, `batch[1]: cloudevent: duplicate field "specversion"`},
		{"trailing data", `{` + base + `} {}`, "cloudevents: invalid JSON: unexpected data after the value"},
	}
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeCloudEvents([]byte(c.in))
			assert.ErrorContains(t, err, c.want)
		})
	}
	t.Run("marshal refuses a bad extension", func(t *testing.T) {
		_, err := json.Marshal(CloudEvent{ID: "i", Extensions: map[string]json.RawMessage{"Bad": json.RawMessage(`1`)}})
		assert.ErrorContains(t, err, `extension "Bad"`)
		_, err = json.Marshal(CloudEvent{ID: "i", Extensions: map[string]json.RawMessage{"type": json.RawMessage(`"x"`)}})
		assert.ErrorContains(t, err, `extension "type"`)
	})
}

func TestActionTrail(t *testing.T) {
	types := map[string]bool{
		"actiontrail:ActionTrail:ApiCall":            true,
		"actiontrail:ActionTrail:ConsoleOperation":   true,
		"actiontrail:ActionTrail:AliyunServiceEvent": true,
		"oss:ActionTrail:ApiCall":                    true,
		"ecs:ActionTrail:ConsoleOperation":           true,
		"actiontrail:ActionTrail:ConsoleSignin":      false,
		"ActionTrail:ApiCall":                        false,
		":ActionTrail:ApiCall":                       false,
		"a:b:ActionTrail:ApiCall":                    false,
		"mns:Queue:SendMessage":                      false,
		"":                                           false,
	}
	for typ, want := range types {
		assert.Equal(t, want, CloudEvent{Type: typ}.IsActionTrail(), typ)
	}

	ev := CloudEvent{ID: "e", Source: "acs.actiontrail", SpecVersion: "1.0", Type: "actiontrail:ActionTrail:AliyunServiceEvent",
		AliyunAccountID: "222", AliyunOriginalAccountID: "111"}
	// The documented DeleteDisk sample, with fields this package does not model ("extend").
	ev.Data = json.RawMessage(`{"eventId":"92b3","eventAttributes":{"SensitiveAction":"true"},"eventVersion":1,
		"sourceIpAddress":"ecs.aliyuncs.com","userAgent":"ecs.aliyuncs.com","eventRW":"Write","eventType":"ApiCall",
		"referencedResources":{"ACS::ECS::Instance":["i-8vb"],"ACS::ECS::Disk":["d-8vb"]},
		"userIdentity":{"type":"system","userName":"ecs.aliyuncs.com"},"serviceName":"Ecs","extend":"INSTANCE",
		"requestId":"32B7","eventTime":"2022-10-22T21:52:00Z","isGlobal":false,"acsRegion":"cn-hangzhou","eventName":"DeleteDisk"}`)
	a, err := ev.ActionTrail()
	require.NoError(t, err)
	assert.Equal(t, "DeleteDisk", a.EventName)
	assert.Equal(t, []string{"d-8vb"}, a.Resources("ACS::ECS::Disk"))
	assert.Nil(t, a.Resources("ACS::OSS::Bucket"))
	assert.Equal(t, "111", a.AccountID(), "original account beats the bus account")
	a.RecipientAccountID = "333"
	assert.Equal(t, "333", a.AccountID())
	assert.Equal(t, "", ActionTrail{}.AccountID())

	bad := []struct{ name, data, want string }{
		{"no eventId", `{"eventName":"x","serviceName":"Ecs"}`, "actiontrail: missing data.eventId"},
		{"no serviceName", `{"eventId":"1","eventName":"x"}`, "actiontrail: missing data.serviceName"},
		{"wrong case only", `{"EventId":"1","eventName":"x","serviceName":"Ecs"}`, "actiontrail: missing data.eventId"},
		{"isGlobal string", `{"eventId":"1","eventName":"x","serviceName":"Ecs","isGlobal":"false"}`, `field "isGlobal": got JSON string, want a boolean`},
		{"resources not a map", `{"eventId":"1","eventName":"x","serviceName":"Ecs","referencedResources":["i-1"]}`, `field "referencedResources": got JSON array, want an object`},
		{"bad eventVersion", `{"eventId":"1","eventName":"x","serviceName":"Ecs","eventVersion":"v1"}`, "actiontrail: data:"},
		{"data array", `[]`, "actiontrail: data: got an array, want a JSON object"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			e := ev
			e.Data = json.RawMessage(c.data)
			_, err := e.ActionTrail()
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestDecodeScheduleInputShapes(t *testing.T) {
	in, err := DecodeScheduleInput(NewTimer("nightly-scan", time.Date(2024, 5, 20, 18, 0, 0, 0, time.UTC), `{"policy":"cis-v2"}`))
	require.NoError(t, err)
	assert.Equal(t, ScheduleInput{Kind: KindTimer, Timer: &Timer{TriggerTime: "2024-05-20T18:00:00Z", TriggerName: "nightly-scan", Payload: `{"policy":"cis-v2"}`}}, in)

	in, err = DecodeScheduleInput([]byte(` {"tenant_id":"t-1"} `))
	require.NoError(t, err)
	assert.Equal(t, ScheduleInput{Kind: KindScanRequest, Request: &ScanRequest{TenantID: "t-1"}}, in)

	bad := []struct{ in, want string }{
		{``, "unrecognised event: empty payload; want a timer trigger"},
		{`"scan"`, "unrecognised event: got a string; want a timer trigger"},
		{`42`, "unrecognised event: got a number"},
		{`null`, "unrecognised event: got null"},
		{`{}`, "unrecognised event: got an object with fields []"},
		{`{"triggerTime":"2024-05-20T18:00:00Z"}`, "timer: missing triggerName"},
		{`{"triggerTime":"","triggerName":"n"}`, "timer: missing triggerTime"},
		{`{"tenant_id":""}`, "scan request: missing tenant_id"},
		{`{"tenant_id":"t","policy":"../x"}`, "scan request: policy"},
		{`{"tenant_id":"t","products":["ecs"]}`, `scan request: unknown field "products"`},
		{`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}`, "fields [a, b, c, d, e, f, g, h, ...]"},
		{`{"tenant_id":"t"`, "unrecognised event: invalid JSON: unexpected end of input"},
	}
	for _, c := range bad {
		t.Run(c.in, func(t *testing.T) {
			_, err := DecodeScheduleInput([]byte(c.in))
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestNewTimer(t *testing.T) {
	at := time.Date(2023, 12, 26, 15, 49, 0, 123, time.FixedZone("CST", 8*3600))
	b := NewTimer("timer-trigger", at, "awesome-fc")
	assert.JSONEq(t, `{"triggerTime":"2023-12-26T07:49:00Z","triggerName":"timer-trigger","payload":"awesome-fc"}`, string(b))
	tm, err := DecodeTimer(b)
	require.NoError(t, err)
	assert.Equal(t, Timer{TriggerTime: "2023-12-26T07:49:00Z", TriggerName: "timer-trigger", Payload: "awesome-fc"}, tm)

	// A timer without a configured payload has none.
	tm, err = DecodeTimer([]byte(`{"triggerTime":"2023-12-26T07:49:00Z","triggerName":"t"}`))
	require.NoError(t, err)
	assert.Empty(t, tm.Payload)
}

// TestHostPart: every host falls in exactly one part, the same one every time, and the
// parts share the hosts out roughly evenly.
func TestHostPart(t *testing.T) {
	counts := make([]int, 4)
	for i := range 4000 {
		id := fmt.Sprintf("i-bp1%08x", i*7919)
		p := HostPart(id, 4)
		if p < 0 || p >= 4 || HostPart(id, 4) != p {
			t.Fatalf("HostPart(%s, 4) = %d, not a stable part in [0, 4)", id, p)
		}
		counts[p]++
	}
	for p, n := range counts {
		if n < 800 || n > 1200 {
			t.Errorf("part %d holds %d of 4000 hosts; want about 1000 (%v)", p, n, counts)
		}
	}
	if HostPart("i-x", 1) != 0 || HostPart("i-x", 0) != 0 {
		t.Error("an unsliced shard (parts 0 or 1) must take every host")
	}
}
