package bridge

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/profiles"
)

func TestDecodeRequest(t *testing.T) {
	for _, tc := range []struct {
		in   string
		code apierr.Code // "" = ok
		want Request
	}{
		{`{"action":"getProfiles"}`, "", Request{Action: "getProfiles"}},
		{`{"action":"getProfiles","extra":{"ignored":true}}`, "", Request{Action: "getProfiles"}},
		{` {"action":"enrichSSOProfiles","profileNames":["a","b"]} `, "", Request{Action: "enrichSSOProfiles", ProfileNames: []string{"a", "b"}}},
		{`{"action":"openProfile","profileName":"x","region":"eu-west-1","sessionDuration":3600,"logoutFirst":true,"mfaCode":"123456","destination":"s3"}`, "",
			Request{Action: "openProfile", ProfileName: "x", Region: "eu-west-1", SessionDuration: 3600, LogoutFirst: true, MFACode: "123456", Destination: "s3"}},
		{`{"action":"getProfiles","offset":5,"limit":10}`, "", Request{Action: "getProfiles", Offset: 5, Limit: 10}},
		{`{"action":"getProfiles","profileNames":null}`, "", Request{Action: "getProfiles"}},
		{`{"action":`, apierr.CodeInvalidJSON, Request{}},
		{``, apierr.CodeInvalidJSON, Request{}},
		{`{"action":"getProfiles"}{}`, apierr.CodeInvalidJSON, Request{}},
		{"{\"action\":\"get\xffProfiles\"}", apierr.CodeInvalidJSON, Request{}},
		{`[]`, apierr.CodeInvalidRequest, Request{}},
		{`"getProfiles"`, apierr.CodeInvalidRequest, Request{}},
		{`42`, apierr.CodeInvalidRequest, Request{}},
		{`null`, apierr.CodeInvalidRequest, Request{}},
		{`{"action":42}`, apierr.CodeInvalidRequest, Request{}},
		{`{"action":"enrichSSOProfiles","profileNames":"a"}`, apierr.CodeInvalidRequest, Request{}},
		{`{"action":"enrichSSOProfiles","profileNames":[1]}`, apierr.CodeInvalidRequest, Request{}},
		{`{"action":"getProfiles","offset":-1}`, apierr.CodeInvalidRequest, Request{}},
		{`{"action":"getProfiles","limit":1.5}`, apierr.CodeInvalidRequest, Request{}},
		{`{"action":"openProfile","logoutFirst":"yes"}`, apierr.CodeInvalidRequest, Request{}},
	} {
		got, err := DecodeRequest([]byte(tc.in))
		if tc.code != "" {
			if apierr.CodeOf(err) != tc.code {
				t.Errorf("%q: code %q (%v), want %q", tc.in, apierr.CodeOf(err), err, tc.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func mkProfiles(n int, withWarnings bool) []profiles.Profile {
	out := make([]profiles.Profile, n)
	for i := range out {
		out[i] = profiles.Profile{Name: fmt.Sprintf("profile-number-%06d", i), Color: "blue", Icon: "circle", Kind: profiles.KindStatic, Partition: "aws", Region: "eu-west-1", AWSRegion: "eu-west-1"}
		if withWarnings {
			out[i].Warnings = []string{strings.Repeat("w", 200)}
		}
	}
	return out
}

type listReply struct {
	Action     string            `json:"action"`
	Profiles   []json.RawMessage `json:"profiles"`
	Total      int               `json:"total"`
	Offset     int               `json:"offset"`
	NextOffset *int              `json:"next_offset"`
	Compact    bool              `json:"compact"`
	Truncated  bool              `json:"truncated"`
}

func decodeList(t *testing.T, b []byte) listReply {
	t.Helper()
	if len(b) > MaxReply {
		t.Fatalf("reply of %d bytes is over the 1 MB limit", len(b))
	}
	var r listReply
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("reply is not JSON: %v: %.200s", err, b)
	}
	if r.Action != "profileList" || r.Profiles == nil {
		t.Fatalf("not a profileList with a profiles array: %.200s", b)
	}
	return r
}

func TestProfileListReplyFitsAndPages(t *testing.T) {
	// Small: full form, no paging fields.
	r := decodeList(t, must(ProfileListReply(mkProfiles(3, true), nil, 0, 0)))
	if len(r.Profiles) != 3 || r.Compact || r.Truncated || r.NextOffset != nil || r.Total != 3 {
		t.Errorf("small list: %+v", r)
	}
	if !strings.Contains(string(r.Profiles[0]), `"kind"`) {
		t.Errorf("full form lost additive fields: %s", r.Profiles[0])
	}
	// Empty list: still an array.
	r = decodeList(t, must(ProfileListReply(nil, nil, 0, 0)))
	if len(r.Profiles) != 0 || r.Total != 0 {
		t.Errorf("empty list: %+v", r)
	}
	// Too big with every field, fits compact.
	r = decodeList(t, must(ProfileListReply(mkProfiles(4000, true), nil, 0, 0)))
	if !r.Compact || r.Truncated || len(r.Profiles) != 4000 || strings.Contains(string(r.Profiles[0]), `"kind"`) {
		t.Errorf("compact fallback: compact=%v truncated=%v n=%d", r.Compact, r.Truncated, len(r.Profiles))
	}
	// Too big even compact: truncated, and paging walks every profile exactly once.
	all := mkProfiles(20000, false)
	seen := map[string]bool{}
	offset, pages := 0, 0
	for {
		r = decodeList(t, must(ProfileListReply(all, nil, offset, 0)))
		pages++
		for _, p := range r.Profiles {
			var m map[string]any
			json.Unmarshal(p, &m)
			name := m["name"].(string)
			if seen[name] {
				t.Fatalf("%s sent twice", name)
			}
			seen[name] = true
		}
		if r.NextOffset == nil {
			break
		}
		if !r.Truncated || *r.NextOffset <= offset {
			t.Fatalf("bad paging: %+v", r)
		}
		offset = *r.NextOffset
	}
	if len(seen) != len(all) || pages < 2 {
		t.Errorf("paging saw %d of %d profiles in %d pages", len(seen), len(all), pages)
	}
	// Explicit limit.
	r = decodeList(t, must(ProfileListReply(all, nil, 10, 5)))
	if len(r.Profiles) != 5 || r.Offset != 10 || r.NextOffset == nil || *r.NextOffset != 15 || r.Truncated {
		t.Errorf("limit page: %+v", r)
	}
	// Offset past the end: empty page, no next.
	r = decodeList(t, must(ProfileListReply(all[:3], nil, 99, 0)))
	if len(r.Profiles) != 0 || r.NextOffset != nil {
		t.Errorf("offset past end: %+v", r)
	}
	// Values at the edge of int: clamped, never an overflow (a panic, or a page from the start).
	const maxInt = int(^uint(0) >> 1)
	for _, c := range []struct{ offset, limit, want int }{{1, maxInt, 2}, {maxInt, maxInt, 0}, {maxInt, 1, 0}, {2, maxInt - 1, 1}} {
		r = decodeList(t, must(ProfileListReply(all[:3], nil, c.offset, c.limit)))
		if len(r.Profiles) != c.want || r.NextOffset != nil || r.Total != 3 {
			t.Errorf("offset %d limit %d: %+v", c.offset, c.limit, r)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func newService(t testing.TB, config, credentials string) *Service {
	t.Helper()
	dir := t.TempDir()
	p := awsconfig.Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials"), SSOCacheDir: filepath.Join(dir, "sso", "cache")}
	if config != "" {
		os.WriteFile(p.ConfigFile, []byte(config), 0o600)
	}
	if credentials != "" {
		os.WriteFile(p.CredentialsFile, []byte(credentials), 0o600)
	}
	return &Service{Paths: p, Version: "1.2.3", Commit: "abc", BuildDate: "2025-01-01T00:00:00Z", Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }}
}

func handle(t *testing.T, s *Service, req string) map[string]any {
	t.Helper()
	b := s.Handle(context.Background(), []byte(req))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: reply not JSON: %s", req, b)
	}
	return m
}

func TestHandleActions(t *testing.T) {
	s := newService(t, "[profile a]\nregion = eu-west-1\n", "[b]\naws_access_key_id = AKIAX\naws_secret_access_key = y\n")
	r := handle(t, s, `{"action":"getProfiles"}`)
	if r["action"] != "profileList" || len(r["profiles"].([]any)) != 2 {
		t.Errorf("getProfiles: %v", r)
	}
	r = handle(t, s, `{"action":"version"}`)
	if r["version"] != "1.2.3" || r["commit"] != "abc" || r["date"] != "2025-01-01T00:00:00Z" || r["protocol"] != ProtocolVersion {
		t.Errorf("version: %v", r)
	}
	for req, code := range map[string]apierr.Code{
		`{"action":"openProfile","profileName":"zzz"}`: apierr.CodeProfileNotFound,
		`{"action":"openProfile","profileName":"a"}`:   apierr.CodeInternal, // no Signer plugged in
		`{"action":"openProfile"}`:                     apierr.CodeMissingField,
		`{"action":"nope"}`:                            apierr.CodeUnknownAction,
		`{}`:                                           apierr.CodeMissingField,
	} {
		r = handle(t, s, req)
		if r["action"] != "error" || r["code"] != string(code) || r["message"] == "" {
			t.Errorf("%s: %v, want code %s", req, r, code)
		}
	}
	// An opener, once wired, is called with the parsed request and its reply is passed through.
	s.SignIn = func(ctx context.Context, cfg *awsconfig.Config, req OpenRequest) (*ConsoleURL, error) {
		return &ConsoleURL{Action: "consoleUrl", ProfileName: req.ProfileName, Region: req.Region}, nil
	}
	r = handle(t, s, `{"action":"openProfile","profileName":"a","region":"us-west-2"}`)
	if r["action"] != "consoleUrl" || r["profileName"] != "a" || r["region"] != "us-west-2" {
		t.Errorf("openProfile via Open: %v", r)
	}
}

func TestHandleConfigErrors(t *testing.T) {
	// An unreadable file is an error, not an empty list.
	s := newService(t, "", "")
	if err := os.Mkdir(s.Paths.ConfigFile, 0o700); err != nil { // a directory where the file should be
		t.Fatal(err)
	}
	r := handle(t, s, `{"action":"getProfiles"}`)
	if r["action"] != "error" || r["code"] != string(apierr.CodeConfigError) || !strings.Contains(r["message"].(string), "config") {
		t.Errorf("unreadable config: %v", r)
	}
	// A missing file is an empty file.
	s = newService(t, "", "")
	r = handle(t, s, `{"action":"getProfiles"}`)
	if r["action"] != "profileList" || len(r["profiles"].([]any)) != 0 {
		t.Errorf("missing files: %v", r)
	}
}

// EncodeRequest writes the keys DecodeRequest reads: a request with every field set survives the
// round trip, and so does the sign-in the lean host hands on.
func TestEncodeRequestRoundTrip(t *testing.T) {
	full := Request{Action: ActionOpenProfile, ProfileNames: []string{"a", "b"}, ProfileName: "prod", Offset: 2, Limit: 5,
		Region: "eu-west-1", Destination: "s3", SessionDuration: 7200, MFACode: "123456", LogoutFirst: true}
	for _, req := range []Request{full, {Action: ActionVersion}} {
		b, err := EncodeRequest(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeRequest(b)
		if err != nil || !reflect.DeepEqual(got, req) {
			t.Errorf("%s decodes to %+v (%v), want %+v", b, got, err, req)
		}
	}
	if b, _ := EncodeRequest(Request{Action: ActionVersion}); string(b) != `{"action":"version"}` {
		t.Errorf("zero fields written: %s", b)
	}
	open := OpenRequest{ProfileName: "prod", Region: "us-west-2", Destination: "/ec2/home", SessionDuration: 900, MFACode: "654321", LogoutFirst: true}
	if got := open.Request().Open(); got != open {
		t.Errorf("OpenRequest round trip: %+v, want %+v", got, open)
	}
}
