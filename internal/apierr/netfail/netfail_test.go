package netfail

import (
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
)

// Failures that cannot be made on a loopback-only machine (DNS, a proxy) are recognised in the
// error chains net/http returns.
func TestNetFailureKinds(t *testing.T) {
	wrap := func(inner error) error {
		return &url.Error{Op: "Post", URL: "https://sts.eu-west-1.amazonaws.com/", Err: inner}
	}
	for _, tc := range []struct {
		name string
		err  error
		host string
		kind string
	}{
		{"dns", wrap(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "sts.eu-west-1.amazonaws.com"}}), "sts.eu-west-1.amazonaws.com", "DNS lookup of sts.eu-west-1.amazonaws.com failed"},
		{"proxy", wrap(&net.OpError{Op: "proxyconnect", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 3128}, Err: syscall.ECONNREFUSED}), "sts.eu-west-1.amazonaws.com", "the proxy 10.0.0.1:3128"},
		{"unreachable", wrap(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}), "sts.eu-west-1.amazonaws.com", "network unreachable"},
		{"reset", wrap(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), "sts.eu-west-1.amazonaws.com", "connection reset"},
		{"certificate", wrap(x509.UnknownAuthorityError{}), "sts.eu-west-1.amazonaws.com", "not trusted"},
	} {
		host, kind, ok := Classify(tc.err)
		if !ok || host != tc.host || !strings.Contains(kind, tc.kind) {
			t.Errorf("%s: netFailure = %q, %q, %v; want %q and %q", tc.name, host, kind, ok, tc.host, tc.kind)
		}
	}
	for _, err := range []error{errors.New("AccessDenied"), os.ErrNotExist, &url.Error{Op: "Post", URL: "https://x/", Err: errors.New("bad reply")}} {
		if _, _, ok := Classify(err); ok {
			t.Errorf("Classify(%v) claims a network failure", err)
		}
	}
}

func TestWrap(t *testing.T) {
	dns := &url.Error{Op: "Post", URL: "https://oidc.eu-west-1.amazonaws.com/token",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "oidc.eu-west-1.amazonaws.com"}}}
	e, ok := Wrap(dns, "IAM Identity Center")
	if !ok || e.Code != apierr.CodeAWSUnreachable || !strings.Contains(e.Message, "cannot reach oidc.eu-west-1.amazonaws.com for IAM Identity Center") || !errors.Is(e, dns) {
		t.Errorf("Wrap(DNS failure) = %v, %v", e, ok)
	}
	if e, ok := Wrap(errors.New("AccessDenied"), "STS"); ok || e != nil {
		t.Errorf("Wrap(other) = %v, %v", e, ok)
	}
}
