package event

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// CloudEvents attribute values used by EventBridge and the MNS queue trigger.
const (
	SpecVersion        = "1.0"
	TypeMNSSendMessage = "mns:Queue:SendMessage"
	ContentTypeJSON    = "application/json; charset=utf-8"
)

// CloudEvent is the CloudEvents 1.0 envelope EventBridge delivers to Function
// Compute, with Alibaba Cloud's extension attributes. Times are kept as the
// strings EventBridge sent (they are not always RFC 3339).
//
// Decoding (json.Unmarshal or DecodeCloudEvents) is strict about the known
// attributes: each must be a JSON string, and duplicate names are rejected.
// Other attributes are accepted only if their names are legal CloudEvents
// extension names (lower-case a-z and 0-9). They are kept in Extensions and
// written back by MarshalJSON. Any other name (for example "messageBody",
// which is what a RawData-schema trigger sends) is an error.
type CloudEvent struct {
	ID                      string `json:"id"`
	Source                  string `json:"source"`
	SpecVersion             string `json:"specversion"`
	Type                    string `json:"type"`
	DataContentType         string `json:"datacontenttype,omitempty"`
	Subject                 string `json:"subject,omitempty"`
	Time                    string `json:"time,omitempty"`
	AliyunAccountID         string `json:"aliyunaccountid,omitempty"`
	AliyunPublishTime       string `json:"aliyunpublishtime,omitempty"`
	AliyunOriginalAccountID string `json:"aliyunoriginalaccountid,omitempty"`
	AliyunEventBusName      string `json:"aliyuneventbusname,omitempty"`
	AliyunRegionID          string `json:"aliyunregionid,omitempty"`
	AliyunPublishAddr       string `json:"aliyunpublishaddr,omitempty"`
	// Data is the event payload, verbatim.
	Data json.RawMessage `json:"data,omitempty"`
	// Extensions holds any other (legal) CloudEvents attributes, verbatim.
	Extensions map[string]json.RawMessage `json:"-"`
}

// stringAttr returns the field holding string attribute name, or nil.
func (e *CloudEvent) stringAttr(name string) *string {
	switch name {
	case "id":
		return &e.ID
	case "source":
		return &e.Source
	case "specversion":
		return &e.SpecVersion
	case "type":
		return &e.Type
	case "datacontenttype":
		return &e.DataContentType
	case "subject":
		return &e.Subject
	case "time":
		return &e.Time
	case "aliyunaccountid":
		return &e.AliyunAccountID
	case "aliyunpublishtime":
		return &e.AliyunPublishTime
	case "aliyunoriginalaccountid":
		return &e.AliyunOriginalAccountID
	case "aliyuneventbusname":
		return &e.AliyunEventBusName
	case "aliyunregionid":
		return &e.AliyunRegionID
	case "aliyunpublishaddr":
		return &e.AliyunPublishAddr
	}
	return nil
}

// validExtensionName reports whether name is a legal CloudEvents attribute
// name: lower-case ASCII letters and digits only.
func validExtensionName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// UnmarshalJSON decodes one CloudEvent object (see the type's doc for the
// rules). It does not check required attributes; Validate does.
func (e *CloudEvent) UnmarshalJSON(b []byte) error {
	members, err := objectMembers(b)
	if err != nil {
		return fmt.Errorf("cloudevent: %w", err)
	}
	var out CloudEvent
	for _, m := range members {
		if p := out.stringAttr(m.key); p != nil {
			if t := bytes.TrimSpace(m.raw); len(t) == 0 || t[0] != '"' {
				return fmt.Errorf("cloudevent: attribute %q: got %s, want a string", m.key, jsonKind(m.raw))
			}
			if err := json.Unmarshal(m.raw, p); err != nil {
				return fmt.Errorf("cloudevent: attribute %q: %w", m.key, describeJSONError(err))
			}
			continue
		}
		if m.key == "data" {
			out.Data = m.raw
			continue
		}
		if !validExtensionName(m.key) {
			return fmt.Errorf("cloudevent: unknown attribute %q (CloudEvents attribute names are lower-case letters and digits)", m.key)
		}
		if out.Extensions == nil {
			out.Extensions = map[string]json.RawMessage{}
		}
		out.Extensions[m.key] = m.raw
	}
	*e = out
	return nil
}

// MarshalJSON writes the envelope, including Extensions.
func (e CloudEvent) MarshalJSON() ([]byte, error) {
	type plain CloudEvent // drops the methods, so no recursion
	b, err := json.Marshal(plain(e))
	if err != nil || len(e.Extensions) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(e.Extensions))
	for k := range e.Extensions {
		if !validExtensionName(k) || k == "data" || e.stringAttr(k) != nil {
			return nil, fmt.Errorf("cloudevent: extension %q is not a legal extension attribute name", k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1]) // without the closing brace
	for _, k := range keys {
		v := e.Extensions[k]
		if !json.Valid(v) {
			return nil, fmt.Errorf("cloudevent: extension %q holds invalid JSON", k)
		}
		kb, _ := json.Marshal(k)
		buf.WriteByte(',')
		buf.Write(kb)
		buf.WriteByte(':')
		if err := json.Compact(&buf, v); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Validate checks the attributes every CloudEvent must carry: specversion
// "1.0", id, source and type.
func (e CloudEvent) Validate() error {
	switch {
	case e.SpecVersion == "":
		return errors.New("cloudevent: missing specversion (is this a CloudEvent?)")
	case e.SpecVersion != SpecVersion:
		return fmt.Errorf("cloudevent: specversion %s, want %q", short(e.SpecVersion), SpecVersion)
	case e.ID == "":
		return errors.New("cloudevent: missing id")
	case e.Source == "":
		return errors.New("cloudevent: missing source")
	case e.Type == "":
		return errors.New("cloudevent: missing type")
	}
	return nil
}

// BatchError reports which element of a delivered batch was bad. In event
// mode (a single object) Index is 0.
type BatchError struct {
	Index     int    // position in the batch, from 0
	EventID   string // the CloudEvent's id, if it got that far
	MessageID string // the MNS message id, if it got that far
	Err       error
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "batch[%d]", e.Index)
	if e.EventID != "" {
		fmt.Fprintf(&b, " (event %s", short(e.EventID))
		if e.MessageID != "" {
			fmt.Fprintf(&b, ", message %s", short(e.MessageID))
		}
		b.WriteByte(')')
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *BatchError) Unwrap() error { return e.Err }

// DecodeCloudEvents decodes what an EventBridge-backed trigger delivers: a
// JSON array of CloudEvents (event-streaming mode) or a single CloudEvent
// object (event mode). It returns the events in order. An empty array is
// ErrEmptyBatch; an invalid element is a *BatchError naming its index.
func DecodeCloudEvents(b []byte) ([]CloudEvent, error) {
	if err := checkSize(b); err != nil {
		return nil, fmt.Errorf("cloudevents: %w", err)
	}
	t := bytes.TrimSpace(b)
	var elems []json.RawMessage
	switch {
	case len(t) == 0:
		return nil, errors.New("cloudevents: empty payload, want a CloudEvent object or an array of them")
	case t[0] == '[':
		var err error
		if elems, err = arrayElements(t); err != nil {
			return nil, fmt.Errorf("cloudevents: %w", err)
		}
		if len(elems) == 0 {
			return nil, fmt.Errorf("cloudevents: %w", ErrEmptyBatch)
		}
	case t[0] == '{':
		if _, err := objectMembers(t); err != nil {
			return nil, fmt.Errorf("cloudevents: %w", err)
		}
		elems = []json.RawMessage{t}
	default:
		return nil, fmt.Errorf("cloudevents: got %s, want a CloudEvent object or an array of them", jsonKind(t))
	}
	out := make([]CloudEvent, len(elems))
	for i, raw := range elems {
		if err := out[i].UnmarshalJSON(raw); err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
		if err := out[i].Validate(); err != nil {
			return nil, &BatchError{Index: i, EventID: out[i].ID, Err: err}
		}
	}
	return out, nil
}

// MNSMessage is the data of an MNS queue CloudEvent (type
// "mns:Queue:SendMessage").
type MNSMessage struct {
	RequestID   string `json:"requestId"`
	MessageID   string `json:"messageId"`
	MessageBody string `json:"messageBody"`
}

// MNSMessage returns the queue message carried by e. It is an error if e is
// not of type "mns:Queue:SendMessage", if data is missing or not an object,
// if messageId is missing or empty, or if messageBody is missing. Members of
// data other than the three above are ignored.
func (e CloudEvent) MNSMessage() (MNSMessage, error) {
	if e.Type != TypeMNSSendMessage {
		return MNSMessage{}, fmt.Errorf("cloudevent type %s is not an MNS queue message (want %q)", short(e.Type), TypeMNSSendMessage)
	}
	if isNull(e.Data) {
		return MNSMessage{}, errors.New("mns message: missing data")
	}
	members, err := objectMembers(e.Data)
	if err != nil {
		return MNSMessage{}, fmt.Errorf("mns message: data: %w", err)
	}
	var m MNSMessage
	if err := decodeLoose(e.Data, &m); err != nil {
		return MNSMessage{}, fmt.Errorf("mns message: data: %w", err)
	}
	if m.MessageID == "" {
		return MNSMessage{}, errors.New("mns message: missing data.messageId")
	}
	if !slices.ContainsFunc(members, func(m member) bool { return m.key == "messageBody" }) {
		return MNSMessage{}, errors.New("mns message: missing data.messageBody")
	}
	return m, nil
}

// Body returns the JSON document the message carries. The body is returned
// as is when it is JSON. When it is not, but is standard base64 of JSON, the
// decoded bytes are returned: a trigger with IsBase64Decode=false hands over
// bodies still encoded, as the MNS console and some SDKs encode them. Any
// other body (empty, plain text, base64 of non-JSON) is an error, because
// every queue of this product carries JSON.
func (m MNSMessage) Body() ([]byte, error) {
	s := strings.TrimSpace(m.MessageBody)
	if s == "" {
		return nil, errors.New("mns message: empty message body")
	}
	if json.Valid([]byte(s)) {
		return []byte(m.MessageBody), nil
	}
	if dec, err := base64.StdEncoding.DecodeString(s); err == nil && json.Valid(dec) {
		return dec, nil
	}
	return nil, fmt.Errorf("mns message: body is neither JSON nor base64 of JSON (starts %s)", short(s))
}

// BatchSource says where simulated MNS messages come from.
type BatchSource struct {
	Region    string // e.g. "cn-hangzhou"
	AccountID string // the queue owner's account id
	Queue     string // queue name, e.g. "cspm-shards"
	EventBus  string // the trigger's bus name, e.g. "MNS-run-check-shard-shards"; also the source
}

// QueuedMessage is one MNS message to deliver.
type QueuedMessage struct {
	MessageID   string
	RequestID   string // optional
	Body        []byte // must be valid UTF-8
	PublishTime time.Time
}

// eventTime is the format EventBridge uses for time and aliyunpublishtime.
const eventTime = "2006-01-02T15:04:05.000Z"

// eventID derives a stable, UUID-shaped CloudEvent id for a message, so a
// redelivered message gets the same id and emulator runs are reproducible.
func eventID(subject, messageID string) string {
	sum := sha256.Sum256([]byte(subject + "\n" + messageID))
	sum[6] = sum[6]&0x0f | 0x80 // version 8 (custom)
	sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// NewMNSCloudEvents builds the event-streaming batch (a JSON array of
// CloudEvents) that an FC MNS queue trigger delivers for msgs, for the local
// FC emulator. Each event has type "mns:Queue:SendMessage", source and
// aliyuneventbusname src.EventBus, subject "acs:mns:<region>:<account>:queues/<queue>",
// time and aliyunpublishtime from PublishTime (UTC, milliseconds), and data
// {requestId, messageId, messageBody}. Ids are derived from the subject and
// message id. Every message needs a MessageID, a PublishTime and a UTF-8
// body. The result is refused if it would exceed MaxAsyncPayload: deliver
// fewer messages per batch.
func NewMNSCloudEvents(src BatchSource, msgs []QueuedMessage) ([]byte, error) {
	if err := checkSlug("source region", src.Region); err != nil {
		return nil, fmt.Errorf("mns batch: %w", err)
	}
	for _, f := range []struct{ name, v string }{
		{"source account id", src.AccountID}, {"source queue", src.Queue}, {"source event bus", src.EventBus},
	} {
		if err := checkID(f.name, f.v); err != nil {
			return nil, fmt.Errorf("mns batch: %w", err)
		}
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("mns batch: %w", ErrEmptyBatch)
	}
	subject := "acs:mns:" + src.Region + ":" + src.AccountID + ":queues/" + src.Queue
	evs := make([]CloudEvent, len(msgs))
	seen := map[string]int{}
	for i, m := range msgs {
		if m.MessageID == "" {
			return nil, fmt.Errorf("mns batch: message %d: missing MessageID", i)
		}
		if j, dup := seen[m.MessageID]; dup {
			return nil, fmt.Errorf("mns batch: message %d: MessageID %s repeats message %d", i, short(m.MessageID), j)
		}
		seen[m.MessageID] = i
		if m.PublishTime.IsZero() {
			return nil, fmt.Errorf("mns batch: message %d: missing PublishTime", i)
		}
		if !utf8.Valid(m.Body) {
			return nil, fmt.Errorf("mns batch: message %d: body is not valid UTF-8 (base64-encode binary bodies)", i)
		}
		data, err := json.Marshal(MNSMessage{RequestID: m.RequestID, MessageID: m.MessageID, MessageBody: string(m.Body)})
		if err != nil {
			return nil, err
		}
		ts := m.PublishTime.UTC().Format(eventTime)
		evs[i] = CloudEvent{
			ID:                      eventID(subject, m.MessageID),
			Source:                  src.EventBus,
			SpecVersion:             SpecVersion,
			Type:                    TypeMNSSendMessage,
			DataContentType:         ContentTypeJSON,
			Subject:                 subject,
			Time:                    ts,
			AliyunAccountID:         src.AccountID,
			AliyunPublishTime:       ts,
			AliyunOriginalAccountID: src.AccountID,
			AliyunEventBusName:      src.EventBus,
			AliyunRegionID:          src.Region,
			Data:                    data,
		}
	}
	b, err := json.Marshal(evs)
	if err != nil {
		return nil, err
	}
	if err := checkSize(b); err != nil {
		return nil, fmt.Errorf("mns batch of %d messages: %w", len(msgs), err)
	}
	return b, nil
}
