// Package infra holds what a deployment creates — MNS queues, RAM policies and trust
// policies — as files, and reads them for the code that creates the same things locally.
package infra

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed mns/*.json ram/*.json
var files embed.FS

// Queue is one MNS queue and its attributes, as MNS names them.
type Queue struct {
	Name                   string `json:"name"`
	Purpose                string `json:"purpose"`
	VisibilityTimeout      int    `json:"VisibilityTimeout"`
	MaximumMessageSize     int    `json:"MaximumMessageSize"`
	MessageRetentionPeriod int    `json:"MessageRetentionPeriod"`
	DelaySeconds           int    `json:"DelaySeconds"`
	PollingWaitSeconds     int    `json:"PollingWaitSeconds"`
}

// Queues returns the queues a deployment creates.
func Queues() ([]Queue, error) {
	var f struct {
		Queues []Queue `json:"queues"`
	}
	if err := decode("mns/queues.json", &f); err != nil {
		return nil, err
	}
	return f.Queues, nil
}

// Policy is a RAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a RAM policy. Action and Resource may be a string or a
// list in RAM's grammar; both are read as lists.
type Statement struct {
	Effect    string                       `json:"Effect"`
	Action    StringList                   `json:"Action"`
	Resource  StringList                   `json:"Resource,omitempty"`
	Principal map[string]StringList        `json:"Principal,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// StringList is a RAM policy field that is either one string or a list of strings.
type StringList []string

// UnmarshalJSON accepts a string or a list of strings.
func (l *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*l = many
	return nil
}

// PolicyNames lists the RAM documents in infra/ram.
var PolicyNames = []string{
	"fc-role-trust", "fc-role-policy", "tenant-trust-policy", "tenant-scan-policy", "tenant-remediate-policy",
	"tenant-baseline-policy",
}

// LoadPolicy reads one RAM document by name (see PolicyNames).
func LoadPolicy(name string) (Policy, error) {
	var p Policy
	err := decode("ram/"+name+".json", &p)
	return p, err
}

func decode(path string, v any) error {
	b, err := files.ReadFile(path)
	if err != nil {
		return fmt.Errorf("infra: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("infra: %s: %w", path, err)
	}
	return nil
}
