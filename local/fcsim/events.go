package fcsim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/queue"
)

// buildMNSEvents renders a batch the way EventBridge hands it to FC: a JSON array of
// CloudEvents (event-streaming), or a single CloudEvent without streaming. The event bus
// (and source) is "MNS-<functionName>-<triggerName>".
func (s *Sim) buildMNSEvents(functionName string, q *QueueTrigger, batch []queue.Message) ([]byte, error) {
	src := event.BatchSource{
		Region:    s.opts.Region,
		AccountID: s.opts.AccountID,
		Queue:     q.Queue,
		EventBus:  "MNS-" + functionName + "-" + q.Name,
	}
	rid := newRequestID() // one MNS ReceiveMessage request id per batch
	now := time.Now()
	msgs := make([]event.QueuedMessage, len(batch))
	for i, m := range batch {
		pub := m.EnqueueTime
		if pub.IsZero() {
			pub = now
		}
		msgs[i] = event.QueuedMessage{MessageID: m.ID, RequestID: rid, Body: messageBody(q, m.Body), PublishTime: pub}
	}
	b, err := event.NewMNSCloudEvents(src, msgs)
	if err != nil || q.Streaming {
		return b, err
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(b, &arr); err != nil || len(arr) != 1 {
		return nil, fmt.Errorf("fcsim: event mode wants a batch of one message, got %d", len(batch))
	}
	return arr[0], nil
}

// messageBody applies IsBase64Decode: a body that is valid standard base64 of UTF-8 text is
// decoded; any other body is passed as is.
func messageBody(q *QueueTrigger, body []byte) []byte {
	if !q.Base64Decode || len(body) == 0 {
		return body
	}
	dec, err := base64.StdEncoding.DecodeString(string(body))
	if err != nil || !utf8.Valid(dec) {
		return body
	}
	return dec
}
