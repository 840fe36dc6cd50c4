package bridge

import "fmt"

// Code is a stable, append-only error code. PROTOCOL.md lists every code; never renumber,
// rename or reuse one.
type Code string

// Error codes of the bridge itself. The console package adds its own (see PROTOCOL.md).
const (
	CodeInvalidJSON      Code = "invalid_json"       // not JSON, invalid UTF-8, or trailing data
	CodeInvalidRequest   Code = "invalid_request"    // JSON but not an object, or a field of the wrong type or range
	CodeMissingField     Code = "missing_field"      // a required field is absent or empty
	CodeUnknownAction    Code = "unknown_action"     // action is not one this host knows
	CodeConfigError      Code = "config_error"       // ~/.aws/config or credentials unreadable or malformed
	CodeProfileNotFound  Code = "profile_not_found"  // no such profile in the files
	CodeNotImplemented   Code = "not_implemented"    // the action exists in the protocol but not in this build
	CodeInternal         Code = "internal_error"     // a bug: see the log
	CodeFrameTooLarge    Code = "frame_too_large"    // native messaging: inbound frame over 64 KiB
	CodeReplyTooLarge    Code = "reply_too_large"    // native messaging: reply over 1 MB (never expected)
	CodeCallerNotAllowed Code = "caller_not_allowed" // native messaging: extension id / origin not in the manifest
)

// Error is a failure with a stable code and a message that says what to do next.
type Error struct {
	Code    Code
	Message string
	Err     error // the cause, for logs; never shown to the caller
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
