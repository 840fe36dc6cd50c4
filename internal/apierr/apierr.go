// Package apierr is the one error vocabulary of aws-profile-bridge: the stable codes every face
// sends (native frames, HTTP bodies, the CLI's --json), the Error type that carries one, and
// Reply, the one writer of the error object. PROTOCOL.md's error tables document every code;
// apierr_test.go checks the two against each other.
//
// Codes are append-only: never rename, renumber or reuse one (the extension and scripts match
// on them).
package apierr

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Code is a stable, machine-readable error code.
type Code string

// Request and host errors (PROTOCOL.md, "Errors").
const (
	CodeInvalidJSON      Code = "invalid_json"       // not JSON, invalid UTF-8, or trailing data
	CodeInvalidRequest   Code = "invalid_request"    // JSON but not an object, or a field of the wrong type or range
	CodeMissingField     Code = "missing_field"      // a required field is absent or empty
	CodeUnknownAction    Code = "unknown_action"     // action is not one this host knows
	CodeConfigError      Code = "config_error"       // the AWS files cannot be read or parsed, kept changing, or a setting is invalid
	CodeProfileNotFound  Code = "profile_not_found"  // no such profile in the files
	CodeNotImplemented   Code = "not_implemented"    // unused since openProfile landed; kept: codes are never reused
	CodeInternal         Code = "internal_error"     // a bug: see the log
	CodeFrameTooLarge    Code = "frame_too_large"    // native messaging: inbound frame over 64 KiB
	CodeEmptyFrame       Code = "empty_frame"        // native messaging: inbound frame of length 0
	CodeReplyTooLarge    Code = "reply_too_large"    // the reply would exceed 1 MB (never expected)
	CodeCallerNotAllowed Code = "caller_not_allowed" // native messaging: extension id / origin not in the manifest
)

// Sign-in errors (PROTOCOL.md, "Sign-in errors"); the message says what to run next.
const (
	CodeNoCredentials                 Code = "no_credentials"                  // the profile (or its source) has nothing to sign in with
	CodeSSOTokenMissing               Code = "sso_token_missing"               // no cached SSO token: aws-profile-bridge sso login
	CodeSSOTokenExpired               Code = "sso_token_expired"               // cached SSO token expired (not refreshable) or rejected: aws-profile-bridge sso login
	CodeMFARequired                   Code = "mfa_required"                    // the role needs an MFA code and none was given
	CodeMFAInvalid                    Code = "mfa_invalid"                     // STS rejected the MFA code
	CodeAccessDenied                  Code = "access_denied"                   // STS or SSO refused
	CodeSessionCredentialsUnsupported Code = "session_credentials_unsupported" // GetSessionToken credentials cannot open the console
	CodeFederationFailed              Code = "federation_failed"               // the federation endpoint or STS failed otherwise
	CodeTimeout                       Code = "timeout"                         // a network call missed the deadline
	CodeUnsupportedPartition          Code = "unsupported_partition"           // an ISO or unknown partition
	CodeInvalidDestination            Code = "invalid_destination"             // not a console page of the profile's partition
	CodeInvalidRegion                 Code = "invalid_region"                  // malformed, or outside the profile's partition
	CodeInvalidDuration               Code = "invalid_duration"                // negative, or longer than the role allows
	CodeCredentialsExpired            Code = "credentials_expired"             // the profile's own session credentials expired
	CodeInvalidConfig                 Code = "invalid_config"                  // the profile's settings cannot be used
	CodeCanceled                      Code = "canceled"                        // the caller gave up
	CodeInvalidCredentials            Code = "invalid_credentials"             // AWS does not accept the keys
	CodeLoginSessionMissing           Code = "login_session_missing"           // no cached `aws login` token
	CodeLoginSessionExpired           Code = "login_session_expired"           // the `aws login` session ended or its token is unusable
	CodeAWSUnreachable                Code = "aws_unreachable"                 // the network failed on the way to AWS: DNS, refused, proxy, TLS
	CodeSSOLoginStarted               Code = "sso_login_started"               // no usable SSO token: the sign-in was started in the browser
)

// HTTP-level refusals (PROTOCOL.md, "Statuses and HTTP error codes"); never sent over native
// messaging.
const (
	CodeForbiddenHost        Code = "forbidden_host"         // 403: Host is not 127.0.0.1/localhost/[::1] with our port
	CodeForbiddenOrigin      Code = "forbidden_origin"       // 403: a web, null or unknown origin, or a cross-site fetch without one
	CodePreflightRefused     Code = "preflight_refused"      // 403: a preflight for a method or header we do not grant
	CodeNotFound             Code = "not_found"              // 404
	CodeMethodNotAllowed     Code = "method_not_allowed"     // 405
	CodeRateLimited          Code = "rate_limited"           // 429: too many failed authentications
	CodeOriginMismatch       Code = "origin_mismatch"        // 403: the token is bound to another extension origin
	CodeUnsupportedMediaType Code = "unsupported_media_type" // 415: a body that is not application/json
	CodeBodyTooLarge         Code = "body_too_large"         // 413: body over 16 KiB
	CodeInvalidProfileName   Code = "invalid_profile_name"   // 400: name outside ^[A-Za-z0-9._-]{1,128}$
	CodeInvalidPartition     Code = "invalid_partition"      // 400: /regions?partition= names no partition with a console
)

// Codes lists every code, in PROTOCOL.md's order.
var Codes = []Code{
	CodeInvalidJSON, CodeInvalidRequest, CodeMissingField, CodeUnknownAction, CodeConfigError,
	CodeProfileNotFound, CodeNotImplemented, CodeInternal, CodeFrameTooLarge, CodeEmptyFrame,
	CodeReplyTooLarge, CodeCallerNotAllowed,

	CodeNoCredentials, CodeSSOTokenMissing, CodeSSOTokenExpired, CodeMFARequired, CodeMFAInvalid,
	CodeAccessDenied, CodeSessionCredentialsUnsupported, CodeFederationFailed, CodeTimeout,
	CodeUnsupportedPartition, CodeInvalidDestination, CodeInvalidRegion, CodeInvalidDuration,
	CodeCredentialsExpired, CodeInvalidConfig, CodeCanceled, CodeInvalidCredentials,
	CodeLoginSessionMissing, CodeLoginSessionExpired, CodeAWSUnreachable, CodeSSOLoginStarted,

	CodeForbiddenHost, CodeForbiddenOrigin, CodePreflightRefused, CodeNotFound, CodeMethodNotAllowed,
	CodeRateLimited, CodeOriginMismatch, CodeUnsupportedMediaType, CodeBodyTooLarge,
	CodeInvalidProfileName, CodeInvalidPartition,
}

// Error is a failure with a stable Code and a Message for people that says what to do next. Err
// is the cause, kept for errors.Is/As and logs, never sent to a caller.
//
// Neither Message nor Error() may hold a secret (keys, tokens, sign-in URLs); Error() leaves the
// cause's text out because errors from lower layers (the SDK, net/http) may quote request
// details.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// Error returns "code: message".
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	return string(e.Code) + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is a bare *Error with the same Code, so that
// errors.Is(err, &apierr.Error{Code: apierr.CodeTimeout}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e != nil && t.Code == e.Code && t.Message == "" && t.Err == nil
}

// New makes an *Error with a code and a message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap makes an *Error with a code, a cause and a message.
func Wrap(code Code, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// CodeOf returns the code of the first *Error in err's chain: internal_error when there is none,
// "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// MessageOf returns the message for people of err: the *Error's message, or a generic one for an
// error without a code (its text may hold anything, so it is never shown).
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error in aws-profile-bridge; the log file has the details"
}

// maxMessage bounds the message of an error object, so that an error reply is always far below
// the 1 MB reply limit whatever it is given.
const maxMessage = 4 << 10

// Reply is the error object for err, as every face writes it: compact JSON
// {"action":"error","code":…,"message":…}. With detail (HTTP-level refusals) "detail" repeats the
// message, for the extension's HTTP client, which reads FastAPI's shape. A message over 4 KiB is
// cut at a rune boundary; invalid UTF-8 becomes U+FFFD.
func Reply(err error, detail bool) []byte {
	msg := MessageOf(err)
	if len(msg) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	v := struct {
		Action  string `json:"action"`
		Code    Code   `json:"code"`
		Message string `json:"message"`
		Detail  string `json:"detail,omitempty"`
	}{Action: "error", Code: CodeOf(err), Message: msg}
	if detail {
		v.Detail = msg
	}
	b, jerr := json.Marshal(v)
	if jerr != nil { // cannot happen for strings
		return []byte(`{"action":"error","code":"internal_error","message":"internal error"}`)
	}
	return b
}
