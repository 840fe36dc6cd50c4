package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/signer"
)

// FuzzServeHTTP sends arbitrary requests (method, path, Host, Origin, token, content type, body)
// through every guard and route. Whatever arrives: no panic, the security headers and a request id
// on every answer, CORS only ever echoing an extension origin, a JSON body, and a 200 on a route
// that needs a token only when the right token was presented.
func FuzzServeHTTP(f *testing.F) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION"} {
		f.Setenv(k, "")
	}
	home := f.TempDir()
	dir := filepath.Join(home, ".aws")
	os.MkdirAll(dir, 0o700)
	paths := bridge.Paths{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials"), SSOCacheDir: filepath.Join(dir, "sso", "cache")}
	os.WriteFile(paths.ConfigFile, []byte(testConfig), 0o600)
	os.WriteFile(paths.CredentialsFile, []byte(testCredentials), 0o600)
	fake := fakeaws.Start(f)
	fake.Setenv(f)
	svc := &bridge.Service{Paths: paths, Version: "fuzz", Commit: "fuzz", Log: zerolog.Nop()}
	svc.SignIn = signer.New(signer.Env{Paths: paths, SigninEndpoint: fake.FederationURL()})
	srv := New(Config{Service: svc, Tokens: newFakeTokens(), Log: zerolog.Nop(), Port: 10999,
		ChromeOrigins: []string{chromeOrigin + "/"}, FailLimit: 1 << 30})

	seeds := []struct{ method, path, host, origin, tok, ctype, body string }{
		{"POST", "/profiles", "127.0.0.1:10999", mozOrigin, goodToken, "application/json", ""},
		{"OPTIONS", "/profiles/prod-admin/console-url", "localhost:10999", mozOrigin, "", "", ""},
		{"POST", "/profiles/prod%2Dadmin/console-url", "127.0.0.1:10999", mozOrigin, goodToken, "application/json", `{"region":"eu-west-1","destination":"s3"}`},
		{"GET", "/health", "evil.example:10999", "", "", "", ""},
		{"POST", "/v1/profiles/enrich", "[::1]:10999", "null", goodToken, "text/plain", "a=b"},
		{"GET", "/regions?token=" + goodToken, "127.0.0.1:10999", "", "", "", ""},
		{"POST", "/profiles/..%2F..%2Fetc/console-url", "127.0.0.1:10999", "", "Bearer " + goodToken, "application/json", "[]"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.host, s.origin, s.tok, s.ctype, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method, path, host, origin, tok, ctype string, body []byte) {
		u, err := url.ParseRequestURI(path)
		if err != nil || method == "" || strings.ContainsAny(method, " \t\r\n") {
			return // not something net/http would hand to a handler
		}
		r := &http.Request{Method: method, URL: u, RequestURI: path, Host: host, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), RemoteAddr: "127.0.0.1:40000"}
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		presented := ""
		switch {
		case strings.HasPrefix(tok, "Bearer "):
			r.Header.Set("Authorization", tok)
			presented = strings.TrimPrefix(tok, "Bearer ")
		case tok != "":
			r.Header.Set("X-API-Token", tok)
			presented = tok
		}
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		res := w.Result()
		if res.Header.Get("X-Request-ID") == "" || res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s %q: missing security headers: %v", method, path, res.Header)
		}
		if acao := res.Header.Get("Access-Control-Allow-Origin"); acao != "" {
			if acao != origin || !(strings.HasPrefix(acao, "moz-extension://") || strings.HasPrefix(acao, "chrome-extension://")) {
				t.Fatalf("CORS granted to %q (request origin %q)", acao, origin)
			}
		}
		if res.Header.Get("Access-Control-Allow-Credentials") != "" || res.Header.Get("Access-Control-Allow-Private-Network") != "" {
			t.Fatalf("forbidden CORS header: %v", res.Header)
		}
		out := w.Body.Bytes()
		if len(out) > 0 && !json.Valid(out) {
			t.Fatalf("%s %q: body is not JSON: %q", method, path, out)
		}
		open := u.Path == "/health" || u.Path == "/version" || u.Path == "/v1/health" || u.Path == "/v1/version"
		if res.StatusCode == http.StatusOK && !open && method != http.MethodOptions && presented != goodToken && presented != otherToken {
			t.Fatalf("%s %q answered 200 without a valid token (presented %q): %.200s", method, path, presented, out)
		}
	})
}
