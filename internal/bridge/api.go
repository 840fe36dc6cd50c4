package bridge

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// The types and values a front end needs from the core, named here so that front ends import
// bridge alone.
type (
	// Profile is one entry of a profile list (PROTOCOL.md, "Profile object").
	Profile = profiles.Profile
)

// Values of Profile fields the CLI shows in words.
const (
	KindConfigOnly = profiles.KindConfigOnly
	TokenMissing   = profiles.TokenMissing
	TokenExpired   = profiles.TokenExpired
	TokenUnknown   = profiles.TokenUnknown
)

// MinSessionDuration and MaxSessionDuration bound the console session a request may ask for, in
// seconds (the console core's limits; a shorter one is raised to the minimum).
const (
	MinSessionDuration = int(awsconfig.MinSessionDuration / time.Second)
	MaxSessionDuration = int(awsconfig.MaxSessionDuration / time.Second)
)

// ListOptions selects a profile list.
type ListOptions struct {
	// Enrich reads the SSO token cache for SSO profiles (enrichSSOProfiles): all of them, or
	// those in Names.
	Enrich bool
	Names  []string
	// Offset and Limit select a page of ProfilesReply (Limit 0: as many as fit). Values past the
	// end are clamped.
	Offset, Limit int
	// Settings fills List.Settings (the CLI's --json).
	Settings bool
}

// List is a profile list: the profiles in file order and the warnings about the files as a whole.
type List struct {
	Profiles []Profile
	Warnings []string
	// Settings, with ListOptions.Settings, holds each profile's merged non-secret settings (an
	// object, sub-properties nested as the SDK reads them), in the order of Profiles.
	Settings []map[string]any
}

// Profiles reads both AWS files once they are not being written (settle.go) and builds the
// profile list.
func (s *Service) Profiles(ctx context.Context, opt ListOptions) (*List, error) {
	until := time.Now().Add(settleDeadline)
	release, err := s.acquire(ctx, until)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.buildList(ctx, opt, until)
}

func (s *Service) buildList(ctx context.Context, opt ListOptions, until time.Time) (*List, error) {
	cfg, _, err := s.loadSettled(ctx, until)
	if err != nil {
		return nil, err
	}
	now := s.now()
	list := profiles.Build(cfg, now)
	if opt.Enrich {
		profiles.EnrichSSO(list, cfg, s.Paths.SSOCacheDir, opt.Names, now)
	}
	l := &List{Profiles: list, Warnings: cfg.Warnings}
	if opt.Settings {
		l.Settings = make([]map[string]any, len(list))
		for i := range list {
			l.Settings[i] = profiles.SafeSettings(cfg.Profile(list[i].Name))
		}
	}
	return l, nil
}

// ProfilesReply is the profileList reply (compact JSON, at most MaxReply bytes) for opt: the
// page it selects, in the form that fits (profilelist.go). The default list (no Enrich, no
// paging) comes from the list cache while the files are unchanged.
func (s *Service) ProfilesReply(ctx context.Context, opt ListOptions) ([]byte, error) {
	b, _, err := s.profilesReply(ctx, opt)
	return b, err
}

func (s *Service) profilesReply(ctx context.Context, opt ListOptions) (reply []byte, hit string, err error) {
	if err := checkPage(opt.Offset, opt.Limit); err != nil { // before any wait
		return nil, "", err
	}
	until := time.Now().Add(settleDeadline) // from the request's arrival, whatever it waits for
	if !opt.Enrich && !opt.Settings && opt.Offset == 0 && opt.Limit == 0 {
		return s.defaultList(ctx, until)
	}
	release, err := s.acquire(ctx, until)
	if err != nil {
		return nil, "", err
	}
	defer release()
	l, err := s.buildList(ctx, opt, until)
	if err != nil {
		return nil, "", err
	}
	reply, err = ProfileListReply(l.Profiles, l.Warnings, opt.Offset, opt.Limit)
	return reply, "", err
}

// OpenRequest is a console sign-in (PROTOCOL.md, openProfile).
type OpenRequest struct {
	ProfileName     string
	Region          string
	Destination     string
	SessionDuration int // seconds, 0–MaxSessionDuration; 0 = the default
	MFACode         string
	LogoutFirst     bool
}

// Open is the sign-in an openProfile request asks for.
func (r Request) Open() OpenRequest {
	return OpenRequest{ProfileName: r.ProfileName, Region: r.Region, Destination: r.Destination,
		SessionDuration: r.SessionDuration, MFACode: r.MFACode, LogoutFirst: r.LogoutFirst}
}

// Request is o as the openProfile request that carries it.
func (o OpenRequest) Request() Request {
	return Request{Action: ActionOpenProfile, ProfileName: o.ProfileName, Region: o.Region, Destination: o.Destination,
		SessionDuration: o.SessionDuration, MFACode: o.MFACode, LogoutFirst: o.LogoutFirst}
}

// Open signs a profile in to the AWS Console.
func (s *Service) Open(ctx context.Context, req OpenRequest) (*ConsoleURL, error) {
	if req.ProfileName == "" {
		return nil, apierr.New(apierr.CodeMissingField, "openProfile needs a profileName")
	}
	if req.SessionDuration < 0 || req.SessionDuration > MaxSessionDuration {
		return nil, apierr.New(apierr.CodeInvalidDuration, "sessionDuration must be a number of seconds between 900 and 43200")
	}
	cfg, _, err := s.loadSettled(ctx, time.Now().Add(settleDeadline))
	if err != nil {
		return nil, err
	}
	if cfg.Profile(req.ProfileName) == nil {
		req.ProfileName = shownName(cfg, req.ProfileName)
	}
	if cfg.Profile(req.ProfileName) == nil {
		// No local paths in replies: they reach the browser (and, over HTTP, any token holder).
		return nil, apierr.New(apierr.CodeProfileNotFound, "no profile %q in your AWS config or credentials file; run `aws-profile-bridge profiles` to list them", req.ProfileName)
	}
	if s.SignIn == nil {
		return nil, apierr.New(apierr.CodeInternal, "this build cannot sign in; reinstall aws-profile-bridge")
	}
	u, err := s.SignIn(ctx, cfg, req)
	if err != nil {
		return nil, s.startSSOLogin(ctx, req.ProfileName, err)
	}
	return u, nil
}

// VersionInfo is the version reply.
type VersionInfo struct {
	Action   string `json:"action"` // "version"
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Date     string `json:"date"` // when the binary was built
	Protocol string `json:"protocol"`
}

// VersionInfo says which build and protocol this is.
func (s *Service) VersionInfo() VersionInfo {
	return VersionInfo{Action: ActionVersion, Version: s.Version, Commit: s.Commit, Date: s.BuildDate, Protocol: ProtocolVersion}
}

// shownName finds the profile whose name, not valid UTF-8 in the file, is shown (and sent in
// JSON) as name, with U+FFFD for each bad byte: a list entry must open by the name it shows. It
// returns name itself when no profile, or more than one, is shown so.
func shownName(cfg *awsconfig.Config, name string) string {
	if !strings.ContainsRune(name, utf8.RuneError) {
		return name
	}
	found := ""
	for _, p := range cfg.Profiles {
		if p != nil && !utf8.ValidString(p.Name) && strings.ToValidUTF8(p.Name, "\uFFFD") == name {
			if found != "" {
				return name
			}
			found = p.Name
		}
	}
	if found == "" {
		return name
	}
	return found
}
