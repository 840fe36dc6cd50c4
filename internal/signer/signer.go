// Package signer plugs the console core (internal/console, and with it the AWS SDK) into bridge:
// New is the bridge.Signer of aws-profile-bridge, which signs in itself (the CLI, serve, and the
// native host it still is when a manifest names it). The lean native host,
// cmd/aws-profile-bridge-host, links neither and hands sign-ins to aws-profile-bridge
// (internal/host). Front ends name the console core's types and limits through this package, as
// they name the profile core's through bridge.
package signer

import (
	"context"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

// Env is how sign-in reaches AWS: the AWS files, the federation endpoint override, the HTTP
// client, the MFA prompt of a terminal.
type Env = console.Env

// Services are the console service slugs a front end may offer or check (--service).
var Services = console.Services

// SuggestService reports whether name is a known console service and, if not, the closest one.
func SuggestService(name string) (known bool, suggestion string) { return console.SuggestService(name) }

// New returns the Signer that signs in through the console core with env.
func New(env Env) bridge.Signer {
	return func(ctx context.Context, cfg *awsconfig.Config, req bridge.OpenRequest) (*bridge.ConsoleURL, error) {
		res, err := console.SignIn(ctx, env, cfg, req.ProfileName, console.Options{
			Region:          req.Region,
			Destination:     req.Destination,
			SessionDuration: time.Duration(req.SessionDuration) * time.Second,
			MFACode:         req.MFACode,
			LogoutFirst:     req.LogoutFirst,
		})
		if err != nil {
			return nil, err
		}
		return consoleURL(cfg, req.ProfileName, res), nil
	}
}

// consoleURL builds the reply for a sign-in result.
func consoleURL(cfg *awsconfig.Config, name string, res *console.Result) *bridge.ConsoleURL {
	var settings awsconfig.Settings
	if p := cfg.Profile(name); p != nil {
		settings = p.Settings
	}
	color, icon := profiles.ColorIcon(name, settings)
	r := &bridge.ConsoleURL{
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
