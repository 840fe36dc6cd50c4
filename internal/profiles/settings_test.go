package profiles

import (
	"reflect"
	"testing"
)

func TestSafeSettings(t *testing.T) {
	p := prof("p",
		"aws_access_key_id=AKIA", "aws_secret_access_key=s", "aws_session_token=t", "aws_security_token=t2",
		"region=eu-west-1", "role_arn=arn:aws:iam::1:role/r", "sso_registration_scopes=sso:account:access",
		"web_identity_token_file=/var/run/token", "x_security_token_expires=2025-01-01T00:00:00Z",
		"my_client_secret=x", "oidc_token=y", "db_password=z", "credential_process=/bin/creds",
		"sso_start_url=https://x", "granted_color=red",
	)
	got := SafeSettings(p)
	want := map[string]any{
		"region": "eu-west-1", "role_arn": "arn:aws:iam::1:role/r", "sso_registration_scopes": "sso:account:access",
		"web_identity_token_file": "/var/run/token", "x_security_token_expires": "2025-01-01T00:00:00Z",
		"credential_process": "/bin/creds", "sso_start_url": "https://x", "granted_color": "red",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SafeSettings = %v\nwant %v", got, want)
	}
	got["region"] = "changed"
	if p.Settings.Get("region") != "eu-west-1" {
		t.Error("SafeSettings aliases the profile's settings")
	}
	if s := SafeSettings(nil); s == nil || len(s) != 0 {
		t.Errorf("nil profile: %v, want an empty map", s)
	}
	p.SubProperties = map[string]map[string]string{"s3": {"max_concurrent_requests": "10", "sso_token": "x"}}
	p.Settings.Set("s3", "")
	p.Settings.Set("ec2", "")
	got = SafeSettings(p)
	if s3, ec2 := got["s3"], got["ec2"]; !reflect.DeepEqual(s3, map[string]string{"max_concurrent_requests": "10"}) || ec2 != "" {
		t.Errorf("s3 = %#v, ec2 = %#v: want the sub-properties without the secret one, and an empty string", s3, ec2)
	}
}
