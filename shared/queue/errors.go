package queue

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Sentinel errors. Test with errors.Is; the returned errors carry more detail.
var (
	// ErrQueueNotExist: the queue does not exist (MNS code QueueNotExist).
	ErrQueueNotExist = errors.New("queue does not exist")
	// ErrMessageNotExist: the receipt handle is expired or the message is gone
	// (MNS code MessageNotExist). A receipt handle stops working once the message's
	// visibility timeout has passed, even if nobody received it again.
	ErrMessageNotExist = errors.New("message does not exist or receipt handle expired")
	// ErrReceiptHandle: the receipt handle is malformed (MNS code ReceiptHandleError).
	ErrReceiptHandle = errors.New("invalid receipt handle")
	// ErrAuth: MNS refused the credentials (SignatureDoesNotMatch, InvalidAccessKeyId,
	// AccessDenied, TimeExpired, ...).
	ErrAuth = errors.New("authentication failed")
	// ErrBodyTooLarge: a message body is over MaxBodySize; nothing was sent.
	ErrBodyTooLarge = errors.New("message body too large")
	// ErrInvalidBody: a message body is empty or cannot travel in MNS XML (not UTF-8, or
	// holds characters XML 1.0 forbids); nothing was sent.
	ErrInvalidBody = errors.New("invalid message body")
)

// APIError is an error answer from the MNS service.
type APIError struct {
	Code      string // MNS error code, e.g. "QueueNotExist"
	Message   string // MNS error message
	RequestID string // x-mns-request-id, for support tickets
	sdk       error  // the SDK's error
}

// Error implements error.
func (e *APIError) Error() string {
	if e.Code == "" {
		return e.sdk.Error()
	}
	s := "mns " + e.Code
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// Unwrap returns the SDK's error.
func (e *APIError) Unwrap() error { return e.sdk }

// Is maps MNS codes onto the package's sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrQueueNotExist:
		return e.Code == "QueueNotExist"
	case ErrMessageNotExist:
		return e.Code == "MessageNotExist"
	case ErrReceiptHandle:
		return e.Code == "ReceiptHandleError"
	case ErrAuth:
		switch e.Code {
		case "SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "TimeExpired",
			"MissingAuthorizationHeader", "InvalidAuthorizationHeader":
			return true
		}
	}
	return false
}

// ErrorCode returns the MNS error code carried by err ("" if err is not an MNS answer).
func ErrorCode(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// The SDK reports service errors only as formatted text (its error type carries no fields):
// "ali_mns response status error,code: X, message: Y, resource: R request id: I, host id: H".
var (
	sdkCodeRe    = regexp.MustCompile(`status error,code: ([A-Za-z0-9_.]*), message: `)
	sdkMessageRe = regexp.MustCompile(`, message: (.*?), resource: `)
	sdkRequestRe = regexp.MustCompile(` request id: ([^,]*), host id: `)
)

// apiError turns an SDK error into *APIError when it is a service answer; other
// errors (network, marshalling) come back unchanged.
func apiError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	m := sdkCodeRe.FindStringSubmatch(msg)
	if m == nil {
		return err
	}
	ae := &APIError{Code: m[1], sdk: err}
	if mm := sdkMessageRe.FindStringSubmatch(msg); mm != nil {
		ae.Message = mm[1]
	}
	if mr := sdkRequestRe.FindStringSubmatch(msg); mr != nil {
		ae.RequestID = mr[1]
	}
	return ae
}

// BatchFailure is one message of a SendBatch call that MNS did not accept.
type BatchFailure struct {
	Index int   // index into the bodies passed to SendBatch
	Err   error // why; for a per-message refusal an *APIError with Code/Message
}

// BatchError reports the messages of a SendBatch call that were not accepted.
// All other messages were sent and have their ids in the returned slice.
type BatchError struct {
	Total    int            // number of bodies passed in
	Failures []BatchFailure // ascending by Index
}

// Indexes returns the indexes of the messages that were not sent, ascending.
func (e *BatchError) Indexes() []int {
	out := make([]int, len(e.Failures))
	for i, f := range e.Failures {
		out[i] = f.Index
	}
	return out
}

// Error implements error: "3 of 40 messages not sent (indexes 5, 32-33): ...".
func (e *BatchError) Error() string {
	idx := e.Indexes()
	sort.Ints(idx)
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d messages not sent (indexes %s)", len(idx), e.Total, ranges(idx))
	// Distinct reasons, at most three, in index order.
	seen := map[string]bool{}
	for _, f := range e.Failures {
		r := f.Err.Error()
		if seen[r] {
			continue
		}
		if len(seen) == 3 {
			b.WriteString("; ...")
			break
		}
		seen[r] = true
		fmt.Fprintf(&b, "; #%d: %s", f.Index, r)
	}
	return b.String()
}

// Unwrap returns the distinct underlying errors, so errors.Is sees them.
func (e *BatchError) Unwrap() []error {
	var out []error
	seen := map[error]bool{}
	for _, f := range e.Failures {
		if !seen[f.Err] {
			seen[f.Err] = true
			out = append(out, f.Err)
		}
	}
	return out
}

// ranges formats sorted ints compactly: [1 2 3 7] -> "1-3, 7".
func ranges(xs []int) string {
	var parts []string
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1] == xs[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(xs[i]))
		} else {
			parts = append(parts, strconv.Itoa(xs[i])+"-"+strconv.Itoa(xs[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
