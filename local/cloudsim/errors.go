package cloudsim

import (
	"fmt"
	"net/http"
)

// APIError is an error answer in the OpenAPI gateway's shape: an HTTP status
// plus the JSON body {"RequestId","HostId","Code","Message","Recommend"}
// that the SDK turns into an *errors.ServerError. Handlers return one to
// fail a call; anything else they return is reported as InternalError.
type APIError struct {
	Status  int    // HTTP status
	Code    string // the service's error code, e.g. "InvalidInstanceId.NotFound"
	Message string // the service's message
	// AccessDeniedDetail, when set, is sent as the body's AccessDeniedDetail
	// object, as RAM-authorized products do for NoPermission.
	AccessDeniedDetail map[string]any
}

// Error formats the status, code and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Errorf returns an APIError with a formatted message.
func Errorf(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// The error table. Codes, statuses and messages are the ones the Alibaba
// Cloud OpenAPI gateway and the emulated products answer; the comments say
// where a value was chosen without a live confirmation.
var (
	// errThrottling is the gateway's flow-control answer. Alibaba documents
	// it as HTTP 400 (the SDK developers' answer at
	// developer.aliyun.com/ask/128391 shows "HTTP Status: 400
	// Error:Throttling"), not 429.
	errThrottling = &APIError{Status: http.StatusBadRequest, Code: "Throttling.User",
		Message: "Request was denied due to user flow control."}
	errServiceUnavailable = &APIError{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable",
		Message: "The request has failed due to a temporary failure of the server."}
	errInternal = &APIError{Status: http.StatusInternalServerError, Code: "InternalError",
		Message: "The request processing has failed due to some unknown error, exception or failure."}
	errActionNotFound = &APIError{Status: http.StatusNotFound, Code: "InvalidAction.NotFound",
		Message: "Specified api is not found, please check your url and method."}
	errAccessKeyNotFound = &APIError{Status: http.StatusNotFound, Code: "InvalidAccessKeyId.NotFound",
		Message: "Specified access key is not found."}
	errIncompleteSignature = &APIError{Status: http.StatusBadRequest, Code: "IncompleteSignature",
		Message: "The request signature does not conform to Aliyun standards."}
	errTokenExpired = &APIError{Status: http.StatusBadRequest, Code: "InvalidSecurityToken.Expired",
		Message: "Specified SecurityToken is expired."}
	errTokenMismatch = &APIError{Status: http.StatusBadRequest, Code: "InvalidSecurityToken.MismatchWithAccessKey",
		Message: "Specified SecurityToken mismatch with the AccessKey."}
	// errForbiddenRAM is how ECS, VPC, RDS and SLB refuse a RAM identity.
	errForbiddenRAM = &APIError{Status: http.StatusForbidden, Code: "Forbidden.RAM",
		Message: "User not authorized to operate on the specified resource, or this API doesn't support RAM."}
)

// errSignature is SignatureDoesNotMatch. The message carries the server's
// string to sign after the marker the SDK looks for ("server string to sign
// is:"), so the SDK can tell a wrong secret from a signing bug.
func errSignature(stringToSign string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "SignatureDoesNotMatch",
		Message: "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign}
}

// errMissing is the gateway's answer for a required parameter left out.
func errMissing(name string) *APIError {
	return Errorf(http.StatusBadRequest, "MissingParameter",
		"The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

// errInvalid is the generic answer for a parameter with a bad value.
func errInvalid(name string) *APIError {
	return Errorf(http.StatusBadRequest, "InvalidParameter", "The specified parameter %q is not valid.", name)
}

// errNoPermission is how RAM-native products (STS, Resource Manager, RAM,
// IMS) refuse a call, with the AccessDeniedDetail object they attach.
func errNoPermission(accountID, principal, action string) *APIError {
	return &APIError{Status: http.StatusForbidden, Code: "NoPermission",
		Message: "You are not authorized to do this action. You should be authorized by RAM.",
		AccessDeniedDetail: map[string]any{
			"AuthAction":               action,
			"AuthPrincipalOwnerId":     accountID,
			"AuthPrincipalType":        "SubUser",
			"AuthPrincipalDisplayName": principal,
			"NoPermissionType":         "ImplicitDeny",
			"PolicyType":               "AccountLevelIdentityBasedPolicy",
			"EncodedDiagnosticMessage": "cloudsim: denied by Options.Faults.PermissionDenied",
		}}
}
