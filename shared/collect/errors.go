package collect

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
)

// Code classifies an error, after go-cloud's gcerrors.ErrorCode.
type Code int

// The error classes.
const (
	// Unknown is anything else: server errors after retries, malformed
	// answers, bad credentials, network failures.
	Unknown Code = iota
	// NotFound: the resource or API does not exist (codes ending in
	// ".NotFound" or containing "NotExist", HTTP 404).
	NotFound
	// PermissionDenied: the identity may not call the API (Forbidden.RAM,
	// NoPermission, AuthenticationFail.NoPermission, HTTP 403). Checks
	// depending on it are not evaluated.
	PermissionDenied
	// Throttled: flow control (Throttling, Throttling.User, Throttling.Api,
	// HTTP 429). Retried; still throttled after the last attempt, the
	// product is not evaluated.
	Throttled
	// NotActivated: the product is not enabled in the account (codes
	// containing NotActivated, NotOpen, NotEnabled or Unsubscribed).
	NotActivated
)

// String returns the class name, e.g. "PermissionDenied".
func (c Code) String() string {
	switch c {
	case NotFound:
		return "NotFound"
	case PermissionDenied:
		return "PermissionDenied"
	case Throttled:
		return "Throttled"
	case NotActivated:
		return "NotActivated"
	default:
		return "Unknown"
	}
}

// Sentinels for errors.Is. An *Error or *NotEvaluatedError matches the one
// of its class: errors.Is(err, ErrPermission).
var (
	ErrPermission   = errors.New("collect: permission denied")
	ErrThrottled    = errors.New("collect: throttled")
	ErrNotActivated = errors.New("collect: product not activated")
	ErrNotFound     = errors.New("collect: not found")
	// ErrMalformed matches an *Error for an answer that could not be
	// decoded (truncated JSON, wrong types, missing lists).
	ErrMalformed = errors.New("collect: malformed response")
)

// Error is a failed API call, classified. The SDK's error (an
// *errors.ServerError for API error answers, *errors.ClientError or a
// net error otherwise) is reachable with errors.As.
type Error struct {
	Code      Code
	API       string // "Ecs.DescribeInstances"
	Region    string // "" for account-level APIs
	ErrorCode string // the API's error code ("Forbidden.RAM"), "" if none
	Message   string
	Malformed bool // the answer arrived but could not be decoded
	Attempts  int  // calls made, retries included
	Err       error
}

// Error names the API, region, error code and message.
func (e *Error) Error() string {
	where := e.API
	if e.Region != "" {
		where += " in " + e.Region
	}
	switch {
	case e.Malformed:
		return fmt.Sprintf("collect: %s: malformed response: %v", where, e.Err)
	case e.ErrorCode != "":
		return fmt.Sprintf("collect: %s: %s: %s (%s after %d attempts)", where, e.ErrorCode, e.Message, e.Code, e.Attempts)
	default:
		return fmt.Sprintf("collect: %s: %v (%s after %d attempts)", where, e.Err, e.Code, e.Attempts)
	}
}

// Unwrap returns the SDK's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the class sentinels.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrPermission:
		return e.Code == PermissionDenied
	case ErrThrottled:
		return e.Code == Throttled
	case ErrNotActivated:
		return e.Code == NotActivated
	case ErrNotFound:
		return e.Code == NotFound
	case ErrMalformed:
		return e.Malformed
	}
	return false
}

// NotEvaluatedError says a product in a region could not be collected for
// a reason that is a gap in evidence, not a failure: the identity lacks
// permission, the API stayed throttled after every retry, or the product
// is not activated. Checks over the product report "not evaluated".
type NotEvaluatedError struct {
	Product string // "ecs"
	Region  string // "" for account-level collections
	Reason  Code   // PermissionDenied, Throttled or NotActivated
	API     string // the call that failed, "Ecs.DescribeDisks"
	Code    string // the API's error code, "Forbidden.RAM"
	Message string // the API's message
	Err     *Error // the classified call error
}

// Error says which product was not evaluated, and why.
func (e *NotEvaluatedError) Error() string {
	where := e.Product
	if e.Region != "" {
		where += " in " + e.Region
	}
	return fmt.Sprintf("collect: %s not evaluated (%s): %s: %s: %s", where, e.Reason, e.API, e.Code, e.Message)
}

// Unwrap returns the call error, so errors.As reaches the SDK's error.
func (e *NotEvaluatedError) Unwrap() error { return e.Err }

// Is matches the reason's sentinel.
func (e *NotEvaluatedError) Is(target error) bool {
	switch target {
	case ErrPermission:
		return e.Reason == PermissionDenied
	case ErrThrottled:
		return e.Reason == Throttled
	case ErrNotActivated:
		return e.Reason == NotActivated
	}
	return false
}

// ErrorCode returns the class of err: the Code of an *Error or the Reason
// of a *NotEvaluatedError found in its chain, or a classification of an
// SDK error; Unknown otherwise.
func ErrorCode(err error) Code {
	var ne *NotEvaluatedError
	if errors.As(err, &ne) {
		return ne.Reason
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return classify(se.ErrorCode(), se.HttpStatus())
	}
	return Unknown
}

// classify maps an API error code and HTTP status to a Code.
func classify(code string, status int) Code {
	switch {
	case strings.HasPrefix(code, "Throttling") || strings.Contains(code, ".Throttling") ||
		status == http.StatusTooManyRequests:
		return Throttled
	case code == "Forbidden.RAM" || code == "NoPermission" || code == "Forbidden" ||
		strings.HasSuffix(code, ".NoPermission") || strings.HasPrefix(code, "Forbidden.") ||
		strings.HasPrefix(code, "NoPermission.") || strings.Contains(code, "Unauthorized"):
		if isNotActivated(code) {
			return NotActivated
		}
		return PermissionDenied
	case isNotActivated(code):
		return NotActivated
	case strings.HasPrefix(code, "InvalidAccessKeyId") || strings.HasPrefix(code, "InvalidSecurityToken") ||
		code == "SignatureDoesNotMatch" || code == "IncompleteSignature" || code == "MissingSecurityToken":
		return Unknown // bad credentials are a configuration failure, not a gap
	case strings.HasSuffix(code, ".NotFound") || strings.Contains(code, "NotExist") || status == http.StatusNotFound:
		return NotFound
	case status == http.StatusForbidden:
		return PermissionDenied
	}
	return Unknown
}

func isNotActivated(code string) bool {
	for _, s := range []string{"NotActivated", "NotActive", "NotOpen", "NotEnabled", "Unsubscribed", "NotPurchase", "NotBuy"} {
		if strings.Contains(code, s) {
			return true
		}
	}
	return false
}

// retryable reports whether a failed call may succeed when repeated:
// throttling, 5xx answers and their codes, and transport failures.
func retryable(code string, status int, transport bool) bool {
	switch {
	case transport:
		return true
	case classify(code, status) == Throttled:
		return true
	case status >= 500:
		return true
	case code == "ServiceUnavailable" || code == "InternalError" || code == "UnknownError" ||
		strings.HasPrefix(code, "ServiceUnavailable.") || code == "SDK.TimeoutError" || code == "Timeout":
		return true
	}
	return false
}
