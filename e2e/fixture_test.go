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
	"mfa-role": "mfa_required",
	"website":  "no_credentials",
}

// ssoClick is the SSO profile without a token the extension clicks (after failCases): the first
// click starts the sign-in and answers sso_login_started, the verification page opens (and
// approves itself, see TestMain), and the extension clicks again until it gets a consoleUrl.
const ssoClick = "nologin-sso"

// allProfiles is every profile name in the fixture (config first, then credentials only).
var allProfiles = []string{"default", "prod-admin", "chained", "mfa-role", "dev-sso", "nologin-sso", "webid",
	"website", "gov", "cli-login", "process", "stage-granted", "temp-session", "gov-user"}
