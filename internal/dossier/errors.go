package dossier

import (
	"errors"
	"fmt"
)

// Code classifies an error; the HTTP layer maps each code to one status.
type Code string

// Error codes.
const (
	EInvalid              Code = "invalid"               // 400: malformed request
	EUnprocessable        Code = "unprocessable"         // 422: well-formed but not acceptable
	ENotFound             Code = "not_found"             // 404
	EConflict             Code = "conflict"              // 409: lost race, wrong state, duplicate
	ELocked               Code = "locked"                // 423: archived or on legal hold
	EPreconditionFailed   Code = "precondition_failed"   // 412: If-Match is stale
	EPreconditionRequired Code = "precondition_required" // 428: If-Match missing
	EUnauthorized         Code = "unauthorized"          // 401
	EForbidden            Code = "forbidden"             // 403
	ETooLarge             Code = "too_large"             // 413
	EUnsupportedMedia     Code = "unsupported_media"     // 415
	ETooManyRequests      Code = "too_many_requests"     // 429
	EUnavailable          Code = "unavailable"           // 503: a backend is down
	EInternal             Code = "internal"              // 500
)

// Error is an error meant for the caller: Message says what to fix.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EInternal.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic text that leaks nothing of an internal error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
