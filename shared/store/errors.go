package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// The error codes. Every error a Store method returns for one of these reasons wraps
// the code, so callers test it with errors.Is. Errors caused by the service also wrap
// the SDK's *tablestore.OtsError, reachable with errors.As.
var (
	// ErrNotFound: the row (tenant, task, shard, quota counter) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a condition failed. The shard is claimed under another live lease,
	// or already done; the lease id is not the current one; a concurrent writer won.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input was rejected before anything was written (an empty, too
	// long or malformed key, a bad value, a duplicate key in one batch), or the service
	// rejected a parameter.
	ErrInvalid = errors.New("invalid")
	// ErrExhausted: a quota reservation would take the counter over its cap.
	ErrExhausted = errors.New("quota exhausted")
)

// Tablestore error codes the store acts on.
const (
	codeConditionCheckFail = "OTSConditionCheckFail"
	codeParameterInvalid   = "OTSParameterInvalid"
	codeObjectAlreadyExist = "OTSObjectAlreadyExist"
	codeObjectNotExist     = "OTSObjectNotExist"
)

// otsCode returns the service error code of err, or "" when err is not an OtsError.
func otsCode(err error) string {
	var oe *tablestore.OtsError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return ""
}

func isConditionFailed(err error) bool { return otsCode(err) == codeConditionCheckFail }

// rowError turns a per-row failure inside a BatchWriteRowResponse into an OtsError, so
// it is handled like the error of a single-row request.
func rowError(e tablestore.Error) error {
	return &tablestore.OtsError{Code: e.Code, Message: e.Message}
}

// codeOf maps an SDK error to one of the package's codes, or nil.
func codeOf(err error) error {
	switch otsCode(err) {
	case codeConditionCheckFail:
		return ErrConflict
	case codeParameterInvalid:
		return ErrInvalid
	}
	return nil
}

// fail wraps an SDK error once: "store: <op>: <code>: <sdk error>". A nil err gives nil.
func fail(op string, err error) error {
	if err == nil {
		return nil
	}
	if code := codeOf(err); code != nil {
		return fmt.Errorf("store: %s: %w: %w", op, code, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// failf reports an error the store found itself: "store: <op>: <code>: <detail>".
func failf(op string, code error, format string, args ...any) error {
	return fmt.Errorf("store: %s: %w: %s", op, code, fmt.Sprintf(format, args...))
}

// retryable reports whether a failed row or request may succeed if sent again. Errors
// that say the request itself is wrong, or that a condition failed, are final.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch otsCode(err) {
	case codeConditionCheckFail, codeParameterInvalid, codeObjectNotExist, codeObjectAlreadyExist,
		"OTSAuthFailed", "OTSNoPermissionAccess", "OTSRequestBodyTooLarge", "OTSUnsupportOperation",
		"OTSInvalidPK", "OTSOutOfColumnCountLimit", "OTSOutOfRowSizeLimit", "OTSMethodNotAllowed":
		return false
	}
	return true
}

// failDetail wraps an SDK error with a code and an explanation:
// "store: <op>: <code>: <detail>: <sdk error>".
func failDetail(op string, code error, detail string, err error) error {
	return fmt.Errorf("store: %s: %w: %s: %w", op, code, detail, err)
}
