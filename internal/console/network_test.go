package console

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
)

// closedURL is the URL of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// Being offline, behind a dead proxy or a broken TLS path is not a credentials problem: each
// network failure, on each kind of call, answers aws_unreachable naming the host and the failure.
func TestNetworkFailuresSayWhatFailed(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler()) // its certificate is not trusted
	t.Cleanup(tlsSrv.Close)
	plain := httptest.NewServer(http.NotFoundHandler()) // not TLS
	t.Cleanup(plain.Close)
	plainAsTLS := "https://" + strings.TrimPrefix(plain.URL, "http://")
	for _, tc := range []struct {
		name, profile, variable, endpoint, kind string
	}{
		{"STS refused", "static", "AWS_ENDPOINT_URL_STS", "", "connection refused"},
		{"AssumeRole refused", "role", "AWS_ENDPOINT_URL_STS", "", "connection refused"},
		{"SSO refused", "sso", "AWS_ENDPOINT_URL_SSO", "", "connection refused"},
		{"STS untrusted certificate", "static", "AWS_ENDPOINT_URL_STS", tlsSrv.URL, "not trusted"},
		{"STS not TLS", "role", "AWS_ENDPOINT_URL_STS", plainAsTLS, "did not answer with TLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			endpoint := tc.endpoint
			if endpoint == "" {
				endpoint = closedURL(t)
			}
			t.Setenv(tc.variable, endpoint)
			_, err := w.signIn(tc.profile, Options{})
			u, _ := url.Parse(endpoint)
			msg := apierr.MessageOf(err)
			if apierr.CodeOf(err) != apierr.CodeAWSUnreachable || !strings.Contains(msg, u.Host) || !strings.Contains(msg, tc.kind) || !strings.Contains(msg, "AWS_ENDPOINT_URL") {
				t.Errorf("got %v; want aws_unreachable naming %s and %q", err, u.Host, tc.kind)
			}
		})
	}
	t.Run("federation endpoint refused", func(t *testing.T) {
		w := newTestWorld(t)
		w.env.SigninEndpoint = closedURL(t) + "/federation"
		_, err := w.signIn("role", Options{})
		u, _ := url.Parse(w.env.SigninEndpoint)
		if apierr.CodeOf(err) != apierr.CodeAWSUnreachable || !strings.Contains(apierr.MessageOf(err), u.Host) || !strings.Contains(apierr.MessageOf(err), "connection refused") {
			t.Errorf("got %v", err)
		}
	})
}

// A web-identity profile whose token file is gone names the file, not AWS.
func TestWebIdentityTokenFileMissing(t *testing.T) {
	w := newTestWorld(t)
	file := w.cfg.Profile("webid").Get("web_identity_token_file")
	if file == "" {
		t.Fatal("no web_identity_token_file in the test config")
	}
	must(t, os.Remove(file))
	_, err := w.signIn("webid", Options{})
	if apierr.CodeOf(err) != apierr.CodeNoCredentials || !strings.Contains(apierr.MessageOf(err), filepath.Base(file)) {
		t.Errorf("got %v; want no_credentials naming %s", err, file)
	}
}
