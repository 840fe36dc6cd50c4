// Package bridge is the one typed API that every front end (native messaging, HTTP, CLI) calls:
// Profiles, ProfilesReply, Open and Version (api.go), with the read–settle–cache policy, the list
// cache and paging behind them (settle.go, cache.go), and the wire's request decoding and action
// dispatch (Handle, Do) for the faces that speak JSON. Front ends import this package, never
// console, profiles or awsconfig. PROTOCOL.md documents the actions; internal/apierr the codes.
package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
)

// ProtocolVersion is the version of PROTOCOL.md this build speaks. It changes only additively.
const ProtocolVersion = "1"

// MaxReply is the largest reply a browser accepts from a native host (1 MB). Every reply the
// bridge builds fits in it.
const MaxReply = 1 << 20

// Actions.
const (
	ActionGetProfiles = "getProfiles"
	ActionEnrichSSO   = "enrichSSOProfiles"
	ActionOpenProfile = "openProfile"
	ActionVersion     = "version"
)

// Request is a decoded request. Unknown keys are ignored (the extension may send more).
type Request struct {
	Action       string
	ProfileNames []string // enrichSSOProfiles: only these (all SSO profiles when empty)
	ProfileName  string   // openProfile

	// Paging for getProfiles and enrichSSOProfiles (new clients). Limit 0 means "as many as fit".
	Offset, Limit int

	// openProfile options.
	Region          string
	Destination     string
	SessionDuration int // seconds; 0 = default
	MFACode         string
	LogoutFirst     bool
}

// Paths are the AWS files a Service reads (the AWS SDK's semantics; internal/settings fills them).
type Paths = awsconfig.Paths

// Service carries what the actions need. The zero value of Now is time.Now. A Service may be
// used by many goroutines at once; copies made with WithLog share its caches.
type Service struct {
	Paths   Paths
	Version string
	Commit  string
	// BuildDate is when the binary was built (RFC 3339, the commit's time in a release build).
	BuildDate string
	Now       func() time.Time
	Log       zerolog.Logger
	// SignIn signs a profile in for Open (open.go); nil: Open answers internal.
	SignIn Signer
	// CacheDir holds the getProfiles reply cache on disk (cache.go); "" disables it.
	CacheDir string
	// MapCache maps the reply cache into memory rather than copying it (fsafe.MapAll): for a
	// process that lives for a few requests, the native host. A mapping is never released.
	MapCache bool
	// SSOLogin, when set, starts the IAM Identity Center sign-in an SSO profile without a usable
	// token needs (ssologin.go); nil leaves that to the person (AWS_PROFILE_BRIDGE_SSO_AUTO_LOGIN=0).
	SSOLogin SSOLoginFunc

	shared *shared // settle.go: state every copy shares
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Handle decodes one request, runs it and returns the reply as compact JSON. It always returns a
// well-formed JSON object no larger than MaxReply: an error reply when anything fails.
func (s *Service) Handle(ctx context.Context, raw []byte) []byte {
	start := time.Now()
	req, err := DecodeRequest(raw)
	var reply []byte
	var hit string
	if err == nil {
		reply, hit, err = s.do(ctx, req)
	}
	reply, _ = s.finish(start, req.Action, len(raw), hit, reply, err)
	return reply
}

// Do runs an already-decoded request, as Handle does for raw bytes, and returns the reply JSON
// and, when the reply is an error object, its code ("" on success). The HTTP front end decodes
// the path and body itself and calls this, so both transports share one core. Like Handle it
// logs one "request" line on s.Log.
func (s *Service) Do(ctx context.Context, req Request) (reply []byte, code apierr.Code) {
	start := time.Now()
	reply, hit, err := s.do(ctx, req)
	return s.finish(start, req.Action, -1, hit, reply, err)
}

// finish makes the reply of a request that ran (the error object when err is set) and logs one
// "request" line: the action, the sizes, the time taken, which cache answered, and on failure
// the code and the cause (never the request itself). requestBytes < 0 leaves the request size
// out.
func (s *Service) finish(start time.Time, action string, requestBytes int, hit string, reply []byte, err error) ([]byte, apierr.Code) {
	ev := s.Log.Info()
	var code apierr.Code
	if err != nil {
		reply, code = apierr.Reply(err, false), apierr.CodeOf(err)
		ev = s.Log.Warn().Str("code", string(code)).Err(err)
		// The cause (what the network, a file or AWS said) helps whoever reads the log and is
		// never in the reply; redacted like every value from outside.
		if cause := errors.Unwrap(err); cause != nil {
			ev = logging.Str(ev, "cause", cause.Error())
		}
	}
	ev = ev.Str("action", logAction(action))
	if requestBytes >= 0 {
		ev = ev.Int("request_bytes", requestBytes)
	}
	if hit != "" {
		ev = ev.Str("cache", hit)
	}
	ev.Int("reply_bytes", len(reply)).Dur("took", time.Since(start)).Msg("request")
	return reply, code
}

// do dispatches one request onto the typed API; hit names the cache that answered, if any.
func (s *Service) do(ctx context.Context, req Request) (reply []byte, hit string, err error) {
	switch req.Action {
	case ActionGetProfiles, ActionEnrichSSO:
		return s.profilesReply(ctx, ListOptions{Enrich: req.Action == ActionEnrichSSO, Names: req.ProfileNames, Offset: req.Offset, Limit: req.Limit})
	case ActionVersion:
		reply, err = marshal(s.VersionInfo())
	case ActionOpenProfile:
		var u *ConsoleURL
		if u, err = s.Open(ctx, req.Open()); err == nil {
			reply, err = marshal(u)
		}
	case "":
		err = apierr.New(apierr.CodeMissingField, "the request has no action; send one of getProfiles, enrichSSOProfiles, openProfile, version")
	default:
		err = apierr.New(apierr.CodeUnknownAction, "unknown action %q; this host (protocol %s) knows getProfiles, enrichSSOProfiles, openProfile, version", safeAction(req.Action), ProtocolVersion)
	}
	return reply, "", err
}

// configError maps a failure to read the AWS files to config_error with what to do next.
func configError(err error) error {
	var pe *awsconfig.ParseError
	switch {
	case err == nil:
		return nil
	case apierr.CodeOf(err) != apierr.CodeInternal:
		return err // already coded (the settle policy's own errors)
	case errors.As(err, &pe):
		return &apierr.Error{Code: apierr.CodeConfigError, Message: fmt.Sprintf("%s line %d: %s; fix that line and try again", pe.File, pe.Line, pe.Msg), Err: err}
	case errors.Is(err, fs.ErrPermission):
		return &apierr.Error{Code: apierr.CodeConfigError, Message: fmt.Sprintf("cannot read the AWS files (%v); check their owner and permissions", err), Err: err}
	default:
		return &apierr.Error{Code: apierr.CodeConfigError, Message: fmt.Sprintf("cannot read the AWS files: %v", err), Err: err}
	}
}

// DecodeRequest parses a request strictly: valid UTF-8, one JSON object, nothing after it.
// Unknown keys are ignored; known keys of the wrong type are an error.
func DecodeRequest(raw []byte) (Request, error) {
	var req Request
	if !utf8.Valid(raw) {
		return req, apierr.New(apierr.CodeInvalidJSON, "the request is not valid UTF-8")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return req, apierr.New(apierr.CodeInvalidRequest, "the request must be a JSON object like {\"action\":\"getProfiles\"}, not a JSON %s", typeErr.Value)
		}
		return req, &apierr.Error{Code: apierr.CodeInvalidJSON, Message: "the request is not valid JSON: " + err.Error(), Err: err}
	}
	if obj == nil { // the literal null
		return req, apierr.New(apierr.CodeInvalidRequest, "the request must be a JSON object like {\"action\":\"getProfiles\"}, not null")
	}
	for _, f := range requestFields(&req) {
		v, ok := obj[f.key]
		if !ok || string(v) == "null" {
			continue
		}
		if err := json.Unmarshal(v, f.dst); err != nil {
			return req, apierr.New(apierr.CodeInvalidRequest, "field %q has the wrong type (%s)", f.key, shortJSON(v))
		}
	}
	return req, checkPage(req.Offset, req.Limit)
}

// requestField is one key of a request (PROTOCOL.md) and where it lands in a Request.
type requestField struct {
	key string
	dst any // a pointer into the Request
}

// requestFields are the keys of a request and their places in req: the one list DecodeRequest
// reads and EncodeRequest writes.
func requestFields(req *Request) []requestField {
	return []requestField{
		{"action", &req.Action},
		{"profileNames", &req.ProfileNames},
		{"profileName", &req.ProfileName},
		{"offset", &req.Offset},
		{"limit", &req.Limit},
		{"region", &req.Region},
		{"destination", &req.Destination},
		{"sessionDuration", &req.SessionDuration},
		{"mfaCode", &req.MFACode},
		{"logoutFirst", &req.LogoutFirst},
	}
}

// EncodeRequest is req as a request body, its zero fields left out: what the lean host hands
// aws-profile-bridge (internal/host/handoff.go).
func EncodeRequest(req Request) ([]byte, error) {
	obj := map[string]any{}
	for _, f := range requestFields(&req) {
		if v := reflect.ValueOf(f.dst).Elem(); !v.IsZero() {
			obj[f.key] = v.Interface()
		}
	}
	return json.Marshal(obj)
}

// logAction names the action for the log: a known name or "unknown", never caller-controlled text.
func logAction(a string) string {
	switch a {
	case ActionGetProfiles, ActionEnrichSSO, ActionOpenProfile, ActionVersion, "":
		return a
	}
	return "unknown"
}

func safeAction(a string) string {
	if len(a) > 64 {
		a = a[:64] + "…"
	}
	return a
}

func shortJSON(v json.RawMessage) string {
	if len(v) > 32 {
		return string(v[:32]) + "…"
	}
	return string(v)
}

func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &apierr.Error{Code: apierr.CodeInternal, Message: "cannot encode the reply", Err: err}
	}
	if len(b) > MaxReply {
		return nil, apierr.New(apierr.CodeReplyTooLarge, "the reply would exceed 1 MB")
	}
	return b, nil
}
