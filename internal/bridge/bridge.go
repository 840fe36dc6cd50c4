// Package bridge is the one API that every front end (native messaging, HTTP, CLI) calls: request
// and reply types, action dispatch and stable error codes. PROTOCOL.md documents it.
package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
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

// OpenFunc turns a profile into a console sign-in reply; nil means the console core (open.go).
type OpenFunc func(ctx context.Context, cfg *awsconfig.Config, req Request) (any, error)

// Service carries what the actions need. The zero value of Now is time.Now.
type Service struct {
	Paths   awsconfig.Paths
	Version string
	Commit  string
	Now     func() time.Time
	Log     zerolog.Logger
	Open    OpenFunc
	// Console is how the console core reaches AWS (federation endpoint override, HTTP client,
	// MFA prompt); Paths and Now are filled from the Service.
	Console console.Env
	// CacheDir holds the getProfiles reply cache (cache.go); "" disables it.
	CacheDir string

	cacheHits int // for tests
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
	if err == nil {
		reply, err = s.do(ctx, req)
	}
	reply, _ = s.finish(start, req.Action, len(raw), reply, err)
	return reply
}

// finish makes the reply of a request that ran (the error object when err is set) and logs one
// "request" line: the action, the sizes, the time taken, and on failure the code and the cause
// (never the request itself). requestBytes < 0 leaves the request size out.
func (s *Service) finish(start time.Time, action string, requestBytes int, reply []byte, err error) ([]byte, apierr.Code) {
	ev := s.Log.Info()
	var code apierr.Code
	if err != nil {
		reply, code = apierr.Reply(err, false), apierr.CodeOf(err)
		ev = s.Log.Warn().Str("code", string(code)).Err(err)
	}
	ev = ev.Str("action", logAction(action))
	if requestBytes >= 0 {
		ev = ev.Int("request_bytes", requestBytes)
	}
	ev.Int("reply_bytes", len(reply)).Dur("took", time.Since(start)).Msg("request")
	return reply, code
}

func (s *Service) do(ctx context.Context, req Request) ([]byte, error) {
	switch req.Action {
	case ActionGetProfiles, ActionEnrichSSO:
		cacheable := s.CacheDir != "" && req.Action == ActionGetProfiles && req.Offset == 0 && req.Limit == 0
		var stamps []fileStamp
		var build string
		if cacheable {
			stamps = s.stamps() // before reading: a change while we read means a miss next time
			if cacheable = worthCaching(stamps); cacheable {
				build = s.buildID()
				if reply, ok := s.cachedList(stamps, build); ok {
					s.cacheHits++
					return reply, nil
				}
			}
		}
		list, cfg, err := s.Profiles(req.Action == ActionEnrichSSO, req.ProfileNames)
		if err != nil {
			return nil, err
		}
		reply, err := ProfileListReply(list, cfg.Warnings, req.Offset, req.Limit)
		if err == nil && cacheable {
			s.storeList(reply, list, stamps, build)
		}
		return reply, err
	case ActionVersion:
		return marshal(map[string]string{"action": ActionVersion, "version": s.Version, "commit": s.Commit, "protocol": ProtocolVersion})
	case ActionOpenProfile:
		if req.ProfileName == "" {
			return nil, apierr.New(apierr.CodeMissingField, "openProfile needs a profileName")
		}
		cfg, err := s.load()
		if err != nil {
			return nil, err
		}
		if cfg.Profile(req.ProfileName) == nil {
			// No local paths in replies: they reach the browser (and, over HTTP, any token holder).
			return nil, apierr.New(apierr.CodeProfileNotFound, "no profile %q in your AWS config or credentials file; run `aws-profile-bridge profiles` to list them", req.ProfileName)
		}
		open := s.Open
		if open == nil {
			open = s.openProfile
		}
		v, err := open(ctx, cfg, req)
		if err != nil {
			return nil, err
		}
		return marshal(v)
	case "":
		return nil, apierr.New(apierr.CodeMissingField, "the request has no action; send one of getProfiles, enrichSSOProfiles, openProfile, version")
	}
	return nil, apierr.New(apierr.CodeUnknownAction, "unknown action %q; this host (protocol %s) knows getProfiles, enrichSSOProfiles, openProfile, version", safeAction(req.Action), ProtocolVersion)
}

// Config reads both files (once they are not being written), with the same errors as the actions.
func (s *Service) Config() (*awsconfig.Config, error) { return s.load() }

// Profiles reads both files and builds the profile list; with enrich it also reads the SSO token
// cache for SSO profiles (all, or those named).
func (s *Service) Profiles(enrich bool, names []string) ([]profiles.Profile, *awsconfig.Config, error) {
	cfg, err := s.load()
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	list := profiles.Build(cfg, now)
	if enrich {
		profiles.EnrichSSO(list, cfg, s.Paths.SSOCacheDir, names, now)
	}
	return list, cfg, nil
}

func (s *Service) load() (*awsconfig.Config, error) {
	cfg, err := s.loadSettled()
	if err != nil {
		var pe *awsconfig.ParseError
		switch {
		case errors.As(err, &pe):
			return nil, &apierr.Error{Code: apierr.CodeConfigError, Message: fmt.Sprintf("%s line %d: %s; fix that line and try again", pe.File, pe.Line, pe.Msg), Err: err}
		case errors.Is(err, fs.ErrPermission):
			return nil, &apierr.Error{Code: apierr.CodeConfigError, Message: fmt.Sprintf("cannot read the AWS files (%v); check their owner and permissions", err), Err: err}
		default:
			return nil, &apierr.Error{Code: apierr.CodeConfigError, Message: fmt.Sprintf("cannot read the AWS files: %v", err), Err: err}
		}
	}
	return cfg, nil
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
	fields := []struct {
		key string
		dst any
	}{
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
	for _, f := range fields {
		v, ok := obj[f.key]
		if !ok || string(v) == "null" {
			continue
		}
		if err := json.Unmarshal(v, f.dst); err != nil {
			return req, apierr.New(apierr.CodeInvalidRequest, "field %q has the wrong type (%s)", f.key, shortJSON(v))
		}
	}
	if req.Offset < 0 || req.Limit < 0 {
		return req, apierr.New(apierr.CodeInvalidRequest, "offset and limit must not be negative")
	}
	return req, nil
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
