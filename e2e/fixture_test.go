//go:build linux

package e2e

import (
	"slices"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// canaries are the fixture's secrets (testaws.Canaries, first) plus the shapes of every secret
// the fake AWS hands out (temporary secret keys, session tokens, sign-in tokens).
var canaries = append(slices.Clip(testaws.Canaries), "fakeSecretAccessKey", "FakeSessionToken", "FakeSigninToken", "SigninToken=",
	"PRIVATE KEY", "FakeLoginRefreshToken")

// openCases are the profiles the extension opens, one of every kind that can sign in, and
// what their console URLs and colours must be.
var openCases = testaws.SignIns()

// failCases are profiles whose openProfile must answer an error frame with this code.
var failCases = map[string]string{
	"mfa-role":    "mfa_required",
	"nologin-sso": "sso_token_missing",
	"website":     "no_credentials",
}

// allProfiles is every profile name in the fixture (config first, then credentials only).
var allProfiles = []string{"default", "prod-admin", "chained", "mfa-role", "dev-sso", "nologin-sso", "webid",
	"website", "gov", "cli-login", "process", "stage-granted", "temp-session", "gov-user"}
