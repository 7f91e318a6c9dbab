package event

import (
	"encoding/json"
	"fmt"
	"time"
)

// Timer is Function Compute's timer trigger payload:
//
//	{"triggerTime":"2023-12-26T07:49:00Z","triggerName":"nightly","payload":"..."}
//
// Payload is the trigger's configured payload string, passed through as is
// (it is often JSON, but FC does not require that). TriggerTime is kept as
// the string FC sent.
type Timer struct {
	TriggerTime string `json:"triggerTime"`
	TriggerName string `json:"triggerName"`
	Payload     string `json:"payload"`
}

// Validate reports a missing triggerTime or triggerName.
func (t Timer) Validate() error {
	if t.TriggerTime == "" {
		return fmt.Errorf("timer: missing triggerTime")
	}
	if t.TriggerName == "" {
		return fmt.Errorf("timer: missing triggerName")
	}
	return nil
}

// DecodeTimer decodes a timer trigger payload. triggerTime and triggerName
// are required; any other member than the three above is an error.
func DecodeTimer(b []byte) (Timer, error) {
	if err := checkSize(b); err != nil {
		return Timer{}, fmt.Errorf("timer: %w", err)
	}
	var t Timer
	if err := decodeStrict(b, &t); err != nil {
		return Timer{}, fmt.Errorf("timer: %w", err)
	}
	if err := t.Validate(); err != nil {
		return Timer{}, err
	}
	return t, nil
}

// NewTimer returns the payload FC's timer trigger named name delivers when
// it fires at t (the time is written in UTC, to the second, as FC does).
func NewTimer(name string, t time.Time, payload string) []byte {
	b, err := json.Marshal(Timer{
		TriggerTime: t.UTC().Format(time.RFC3339),
		TriggerName: name,
		Payload:     payload,
	})
	if err != nil { // cannot happen: three strings always marshal
		panic(err)
	}
	return b
}
