package bridge

import (
	"context"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
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

// Signer signs a profile in to the AWS Console, for Open, which has checked the request and found
// the profile in cfg. bridge does not link the console core (and with it the AWS SDK): the binaries
// that sign in themselves plug in internal/signer, and the lean native host
// (cmd/aws-profile-bridge-host) one that hands the request to aws-profile-bridge (internal/host).
// Errors are *apierr.Error; one whose cause is an *awsconfig.SSOLogin may start that sign-in
// (ssologin.go).
type Signer func(ctx context.Context, cfg *awsconfig.Config, req OpenRequest) (*ConsoleURL, error)
