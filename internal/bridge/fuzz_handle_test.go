package bridge

import (
	"context"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
)

// FuzzHandle feeds arbitrary request bytes to the bridge, as a native-messaging frame body would
// arrive. Whatever arrives: no panic, and exactly one reply that is a JSON object under 1 MB with a
// string action; an error reply always has a code and a message. openProfile is answered by a stub
// opener (no network in a fuzz loop).
func FuzzHandle(f *testing.F) {
	s := newService(f, "[profile a]\nregion = eu-west-1\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n[profile b]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n",
		"[c]\naws_access_key_id = AKIAFUZZ000000000001\naws_secret_access_key = fuzzsecret\n")
	s.SignIn = func(ctx context.Context, _ *awsconfig.Config, req OpenRequest) (*ConsoleURL, error) {
		return &ConsoleURL{Action: "consoleUrl", ProfileName: req.ProfileName, URL: "https://signin.aws.amazon.com/federation"}, nil
	}
	for _, seed := range []string{
		`{"action":"getProfiles"}`, `{"action":"enrichSSOProfiles","profileNames":["b"]}`,
		`{"action":"getProfiles","offset":1,"limit":1}`, `{"action":"openProfile","profileName":"a","sessionDuration":3600}`,
		`{"action":"version"}`, `[]`, `"x"`, `null`, `{"action":`, "{\"action\":\"\xff\"}", `{"action":"getProfiles"} {}`,
		`{"action":"openProfile","profileName":"../../etc/passwd"}`, `{"action":"getProfiles","offset":-1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		reply := s.Handle(context.Background(), raw)
		if len(reply) > MaxReply || !utf8.Valid(reply) {
			t.Fatalf("reply of %d bytes (valid UTF-8: %v)", len(reply), utf8.Valid(reply))
		}
		var m map[string]any
		if err := json.Unmarshal(reply, &m); err != nil {
			t.Fatalf("reply is not a JSON object: %v: %.200s", err, reply)
		}
		action, ok := m["action"].(string)
		if !ok {
			t.Fatalf("reply without a string action: %.200s", reply)
		}
		if action == "error" {
			if c, _ := m["code"].(string); c == "" {
				t.Fatalf("error without a code: %s", reply)
			}
			if msg, _ := m["message"].(string); msg == "" {
				t.Fatalf("error without a message: %s", reply)
			}
		}
	})
}
