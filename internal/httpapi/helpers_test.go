package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/signer"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/token"
)

// Canary secrets: they sit in the credentials file, in tokens and in sign-in URLs, and must
// never appear in a log line.
const (
	canaryAccessKey = "AKIACANARYHTTP000001"
	canarySecret    = "canaryHttpSecretKey0000000000000000000001"
	goodToken       = "awspc_GoodTokenGoodTokenGoodTokenGoodTokenGoo_000001"
	otherToken      = "awspc_OtherTokenOtherTokenOtherTokenOtherTok_000002"
	mozOrigin       = "moz-extension://0b7c1a4e-4a8e-4f57-9d6c-1f2e3d4c5b6a"
	mozOrigin2      = "moz-extension://11111111-2222-4333-8444-555555555555"
	chromeOrigin    = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
)

// fakeTokens is a minimal Tokens for the guard tests; the real store is tested in store_test.go.
type fakeTokens struct {
	mu     sync.Mutex
	ids    map[string]string // plaintext -> id
	bound  map[string]string // id -> origin
	uses   int
	useErr error
}

func newFakeTokens() *fakeTokens {
	return &fakeTokens{ids: map[string]string{goodToken: "tok1", otherToken: "tok2"}, bound: map[string]string{}}
}

func (f *fakeTokens) Verify(p string) (token.Record, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.ids[p]
	return token.Record{ID: id}, ok
}

func (f *fakeTokens) Use(id, origin string, now time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uses++
	if f.useErr != nil {
		return false, f.useErr
	}
	if origin == "" {
		return true, nil
	}
	if b := f.bound[id]; b != "" {
		return b == origin, nil
	}
	f.bound[id] = origin
	return true, nil
}

// syncBuffer collects log lines from concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines returns the log as JSON objects.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

const testConfig = `[default]
region = us-east-1

[profile prod-admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = base
region = eu-west-1

[profile dev-sso]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
sso_account_id = 444455556666
sso_role_name = Developer

[profile website]
region = us-west-2

[profile team.prod_1]
role_arn = arn:aws:iam::111122223333:role/Team
source_profile = base
`

const testCredentials = "[base]\naws_access_key_id = " + canaryAccessKey + "\naws_secret_access_key = " + canarySecret + "\n"

// testEnv is a running server on 127.0.0.1:<random> over a temporary ~/.aws.
type testEnv struct {
	t      *testing.T
	srv    *Server
	addr   string // 127.0.0.1:port
	port   int
	tokens *fakeTokens
	log    *syncBuffer
	home   string
	paths  bridge.Paths
	fake   *fakeaws.Server
	client *http.Client
}

func newTestEnv(t *testing.T, mod ...func(*Config)) *testEnv {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	home := t.TempDir()
	dir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	paths := bridge.Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials"), SSOCacheDir: filepath.Join(dir, "sso", "cache")}
	os.WriteFile(paths.ConfigFile, []byte(testConfig), 0o600)
	os.WriteFile(paths.CredentialsFile, []byte(testCredentials), 0o600)
	fake := fakeaws.Start(t)
	fake.Setenv(t)
	buf := &syncBuffer{}
	// Raw zerolog, not logging.New: the canary sweep must catch what this package writes, not
	// what the redactor happens to mask afterwards.
	log := zerolog.New(buf).Level(zerolog.DebugLevel)
	svc := &bridge.Service{Paths: paths, Version: "1.2.3-test", Commit: "abc123", BuildDate: "2025-02-03T04:05:06Z", Log: log}
	svc.SignIn = signer.New(signer.Env{Paths: paths, SigninEndpoint: fake.FederationURL()})
	e := &testEnv{t: t, tokens: newFakeTokens(), log: buf, home: home, paths: paths, fake: fake}
	cfg := Config{Service: svc, Tokens: e.tokens, Log: log, ChromeOrigins: []string{chromeOrigin + "/"}}
	for _, m := range mod {
		m(&cfg)
	}
	e.start(cfg)
	return e
}

func (e *testEnv) start(cfg Config) {
	t := e.t
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.srv = New(cfg)
	e.addr = l.Addr().String()
	e.port = l.Addr().(*net.TCPAddr).Port
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(l) }()
	e.client = &http.Client{Transport: &http.Transport{DisableKeepAlives: false, MaxIdleConnsPerHost: 100}, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() {
		e.client.CloseIdleConnections()
		e.srv.Shutdown(t.Context())
		<-done
	})
}

// req describes one request; Host defaults to 127.0.0.1:port.
type req struct {
	method, path string
	host         string
	hdr          map[string]string
	body         string
}

type resp struct {
	status int
	hdr    http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

func (e *testEnv) do(r req) resp {
	e.t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, "http://"+e.addr+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if r.host != "" {
		hr.Host = r.host
	}
	for k, v := range r.hdr {
		hr.Header.Set(k, v)
	}
	res, err := e.client.Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, hdr: res.Header, body: b}
}

// ext is the extension's own request headers: token, JSON, its origin and Fetch Metadata.
func ext(tok string) map[string]string {
	return map[string]string{"X-API-Token": tok, "Content-Type": "application/json", "Origin": mozOrigin,
		"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}
}

// tok is a bare token header, no browser headers.
func tok(t string) map[string]string { return map[string]string{"X-API-Token": t} }

func (e *testEnv) hostPort(h string) string { return h + ":" + strconv.Itoa(e.port) }

// checkSecurityHeaders checks what every response carries.
func checkSecurityHeaders(t *testing.T, r resp) {
	t.Helper()
	want := map[string]string{
		"Cache-Control":           "no-store",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
	}
	for k, v := range want {
		if got := r.hdr.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if r.status != http.StatusNoContent {
		if ct := r.hdr.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
	}
	if id := r.hdr.Get("X-Request-ID"); len(id) != 16 {
		t.Errorf("X-Request-ID = %q", id)
	}
	if r.hdr.Get("Access-Control-Allow-Origin") == "*" || r.hdr.Get("Access-Control-Allow-Credentials") != "" || r.hdr.Get("Access-Control-Allow-Private-Network") != "" {
		t.Errorf("forbidden CORS header: %v", r.hdr)
	}
}
