package signer_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
)

func TestOpenProfileStartsSSOLogin(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION"} {
		t.Setenv(k, "")
	}
	const cfg = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin

[profile chained]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = legacy

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Admin

[profile keys]
region = eu-west-1
`
	tests := []struct {
		name, profile string
		start         bridge.SSOLoginStart
		startErr      error
		wantTarget    *bridge.SSOTarget
		wantCode      string
		wantMsg       string
	}{
		{"session", "dev", bridge.SSOLoginStart{UserCode: "ABCD-EFGH"}, nil, &bridge.SSOTarget{Session: "corp"}, "sso_login_started", "(it shows the code ABCD-EFGH), then click dev again"},
		{"chained to a legacy profile", "chained", bridge.SSOLoginStart{UserCode: "X"}, nil, &bridge.SSOTarget{Profile: "legacy"}, "sso_login_started", "click chained again"},
		{"already waiting", "dev", bridge.SSOLoginStart{AlreadyRunning: true}, nil, &bridge.SSOTarget{Session: "corp"}, "sso_login_started", "already waiting"},
		{"cannot start", "dev", bridge.SSOLoginStart{}, errors.New("no network"), &bridge.SSOTarget{Session: "corp"}, "sso_token_missing", "aws-profile-bridge sso login --sso-session corp"},
		{"offline", "dev", bridge.SSOLoginStart{}, apierr.New(apierr.CodeAWSUnreachable, "cannot reach oidc.eu-west-1.amazonaws.com for IAM Identity Center (DNS lookup failed)"),
			&bridge.SSOTarget{Session: "corp"}, "aws_unreachable", "cannot reach oidc.eu-west-1.amazonaws.com for IAM Identity Center"},
		{"not SSO", "keys", bridge.SSOLoginStart{}, nil, nil, "no_credentials", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newService(t, cfg, "")
			var got *bridge.SSOTarget
			s.SSOLogin = func(_ context.Context, target bridge.SSOTarget) (bridge.SSOLoginStart, error) {
				got = &target
				return tc.start, tc.startErr
			}
			var r map[string]string
			if err := json.Unmarshal(s.Handle(context.Background(), []byte(`{"action":"openProfile","profileName":"`+tc.profile+`"}`)), &r); err != nil {
				t.Fatal(err)
			}
			if r["code"] != tc.wantCode || !strings.Contains(r["message"], tc.wantMsg) {
				t.Errorf("reply %v, want %s %q", r, tc.wantCode, tc.wantMsg)
			}
			if (got == nil) != (tc.wantTarget == nil) || got != nil && *got != *tc.wantTarget {
				t.Errorf("SSOLogin called with %+v, want %+v", got, tc.wantTarget)
			}
		})
	}
}
