package bridge

import (
	"context"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// ConsoleURL is the openProfile reply: the extension's consoleUrl shape (action, profileName,
// url, color, icon) plus our additive fields.
type ConsoleURL struct {
	Action          string   `json:"action"` // "consoleUrl"
	ProfileName     string   `json:"profileName"`
	URL             string   `json:"url"`
	Color           string   `json:"color"`
	Icon            string   `json:"icon"`
	ExpiresAt       *string  `json:"expiresAt"` // RFC 3339 UTC: when the console session ends; null when unknown
	Kind            string   `json:"kind"`
	Region          string   `json:"region"`
	Partition       string   `json:"partition"`
	Destination     string   `json:"destination"`
	SessionDuration int      `json:"sessionDuration,omitempty"` // seconds sent to the federation endpoint
	Warnings        []string `json:"warnings,omitempty"`
}

// openProfile signs the profile in through the console core.
func (s *Service) openProfile(ctx context.Context, cfg *awsconfig.Config, req OpenRequest) (*ConsoleURL, error) {
	env := s.Console
	env.Paths = s.Paths
	if env.Now == nil {
		env.Now = s.Now
	}
	res, err := console.SignIn(ctx, env, cfg, req.ProfileName, console.Options{
		Region:          req.Region,
		Destination:     req.Destination,
		SessionDuration: time.Duration(req.SessionDuration) * time.Second,
		MFACode:         req.MFACode,
		LogoutFirst:     req.LogoutFirst,
	})
	if err != nil {
		return nil, s.startSSOLogin(ctx, req.ProfileName, err)
	}
	return newConsoleURL(cfg, req.ProfileName, res), nil
}

// newConsoleURL builds the reply for a sign-in result.
func newConsoleURL(cfg *awsconfig.Config, name string, res *console.Result) *ConsoleURL {
	var settings map[string]string
	if p := cfg.Profile(name); p != nil {
		settings = p.Settings
	}
	color, icon := profiles.ColorIcon(name, settings)
	r := &ConsoleURL{
		Action: "consoleUrl", ProfileName: name, URL: res.URL, Color: color, Icon: icon,
		Kind: string(res.Kind), Region: res.Region, Partition: res.Partition, Destination: res.Destination,
		SessionDuration: int(res.SessionDuration / time.Second), Warnings: res.Warnings,
	}
	if !res.ExpiresAt.IsZero() {
		e := res.ExpiresAt.UTC().Format(time.RFC3339)
		r.ExpiresAt = &e
	}
	return r
}
