package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ActionTrail event kinds, the last part of the CloudEvent type
// ("actiontrail:ActionTrail:ApiCall", or per service "oss:ActionTrail:ApiCall").
// EventBridge publishes write events only.
var actionTrailKinds = []string{"ApiCall", "ConsoleOperation", "AliyunServiceEvent"}

// UserIdentity says who made an ActionTrail-recorded call.
type UserIdentity struct {
	Type        string `json:"type,omitempty"` // root-account, ram-user, assumed-role, system, ...
	PrincipalID string `json:"principalId,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	UserName    string `json:"userName,omitempty"`
}

// ActionTrail is an ActionTrail management event as EventBridge delivers it
// in a CloudEvent's data. Times are kept verbatim.
//
// Decoding is strict about shape (the data must be one JSON object, modelled
// members must have the right JSON types, eventId, eventName and serviceName
// are required) but ignores members not modelled here: ActionTrail adds
// fields to its records over time ("extend", "vpcId", "resourceName"...).
// The full data stays available in Envelope.Data.
type ActionTrail struct {
	EventID             string              `json:"eventId"`
	EventVersion        json.Number         `json:"eventVersion,omitempty"` // 1 or "1"
	EventType           string              `json:"eventType,omitempty"`    // ApiCall, ConsoleOperation, AliyunServiceEvent
	EventCategory       string              `json:"eventCategory,omitempty"`
	EventRW             string              `json:"eventRW,omitempty"` // Write (EventBridge publishes write events only)
	EventName           string              `json:"eventName"`         // API name, e.g. AuthorizeSecurityGroup
	EventSource         string              `json:"eventSource,omitempty"`
	ServiceName         string              `json:"serviceName"` // Ecs, Oss, Ram, ...
	APIVersion          string              `json:"apiVersion,omitempty"`
	AcsRegion           string              `json:"acsRegion,omitempty"`
	EventTime           string              `json:"eventTime,omitempty"`
	RequestID           string              `json:"requestId,omitempty"`
	IsGlobal            bool                `json:"isGlobal"`
	SourceIPAddress     string              `json:"sourceIpAddress,omitempty"`
	UserAgent           string              `json:"userAgent,omitempty"`
	RecipientAccountID  string              `json:"recipientAccountId,omitempty"`
	UserIdentity        UserIdentity        `json:"userIdentity,omitzero"`
	ReferencedResources map[string][]string `json:"referencedResources,omitempty"` // "ACS::ECS::SecurityGroup" -> ids
	RequestParameters   json.RawMessage     `json:"requestParameters,omitempty"`
	ResponseElements    json.RawMessage     `json:"responseElements,omitempty"`
	AdditionalEventData json.RawMessage     `json:"additionalEventData,omitempty"`
	EventAttributes     json.RawMessage     `json:"eventAttributes,omitempty"`
	ErrorCode           string              `json:"errorCode,omitempty"`
	ErrorMessage        string              `json:"errorMessage,omitempty"`

	// Envelope is the CloudEvent this event came in (not part of the data).
	Envelope CloudEvent `json:"-"`
}

// IsActionTrail reports whether e's type is an ActionTrail event type,
// "<service>:ActionTrail:<ApiCall|ConsoleOperation|AliyunServiceEvent>".
func (e CloudEvent) IsActionTrail() bool {
	svc, rest, ok := strings.Cut(e.Type, ":ActionTrail:")
	if !ok || svc == "" || strings.Contains(svc, ":") {
		return false
	}
	for _, k := range actionTrailKinds {
		if rest == k {
			return true
		}
	}
	return false
}

// ActionTrail returns the ActionTrail event carried by e. It is an error if
// e's type is not an ActionTrail type (see IsActionTrail), if data is missing
// or malformed, or if eventId, eventName or serviceName is missing.
func (e CloudEvent) ActionTrail() (ActionTrail, error) {
	if !e.IsActionTrail() {
		return ActionTrail{}, fmt.Errorf("cloudevent type %s is not an ActionTrail event (want <service>:ActionTrail:%s)",
			short(e.Type), strings.Join(actionTrailKinds, "|"))
	}
	if isNull(e.Data) {
		return ActionTrail{}, errors.New("actiontrail: missing data")
	}
	var a ActionTrail
	if err := decodeLoose(e.Data, &a); err != nil {
		return ActionTrail{}, fmt.Errorf("actiontrail: data: %w", err)
	}
	switch {
	case a.EventID == "":
		return ActionTrail{}, errors.New("actiontrail: missing data.eventId")
	case a.EventName == "":
		return ActionTrail{}, errors.New("actiontrail: missing data.eventName")
	case a.ServiceName == "":
		return ActionTrail{}, errors.New("actiontrail: missing data.serviceName")
	}
	a.Envelope = e
	return a, nil
}

// AccountID returns the account the change happened in: recipientAccountId
// if present, else the envelope's aliyunoriginalaccountid, else its
// aliyunaccountid, else userIdentity.accountId.
func (a ActionTrail) AccountID() string {
	for _, s := range []string{a.RecipientAccountID, a.Envelope.AliyunOriginalAccountID, a.Envelope.AliyunAccountID, a.UserIdentity.AccountID} {
		if s != "" {
			return s
		}
	}
	return ""
}

// Resources returns the ids referenced under resource type typ (for example
// "ACS::ECS::SecurityGroup" or "ACS::OSS::Bucket"), or nil.
func (a ActionTrail) Resources(typ string) []string {
	return a.ReferencedResources[typ]
}
