// Package netfail tells a network failure on the way to AWS from any other error, and words it
// for a person (aws_unreachable). It is apart from apierr so that what only reads files (the
// native host) links no TLS or network code.
package netfail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
)

// Classify says what went wrong on the way to AWS, when that is what failed: the host it tried
// (or the proxy) and the kind of failure, so that being offline or behind a broken proxy does not
// read as a problem with the profile's credentials.
func Classify(err error) (host, kind string, ok bool) {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Host
		}
	}
	var oe *net.OpError
	hasOp := errors.As(err, &oe)
	var dnsErr *net.DNSError
	var recErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case hasOp && oe.Op == "proxyconnect":
		proxy := ""
		if oe.Addr != nil {
			proxy = " " + oe.Addr.String()
		}
		return host, "the proxy" + proxy + " could not be reached or refused the connection", true
	case errors.As(err, &dnsErr):
		if host == "" {
			host = dnsErr.Name
		}
		return host, "DNS lookup of " + dnsErr.Name + " failed", true
	case errors.As(err, &recErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http replaces tls.RecordHeaderError by a plain error with this text.
		return host, "the server did not answer with TLS", true
	case errors.As(err, &certErr), errors.As(err, &authErr), errors.As(err, &hostErr):
		return host, "its TLS certificate is not trusted", true
	case errors.Is(err, syscall.ECONNREFUSED):
		kind = "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		kind = "connection reset"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		kind = "network unreachable"
	case hasOp && oe.Op == "dial":
		kind = "cannot connect"
	default:
		return "", "", false
	}
	if host == "" && hasOp && oe.Addr != nil {
		host = oe.Addr.String()
	}
	return host, kind, true
}

// Unreachable is the aws_unreachable error for a network failure on the way to what (an AWS call,
// the sign-in endpoint, IAM Identity Center): it names the host and the kind of failure, and what
// to check.
func Unreachable(err error, host, kind, what string) *apierr.Error {
	if host == "" {
		host = "AWS"
	}
	return apierr.Wrap(apierr.CodeAWSUnreachable, err,
		"cannot reach %s for %s (%s); check your network connection and proxy settings (HTTPS_PROXY, NO_PROXY), and any AWS_ENDPOINT_URL_* variable that points elsewhere",
		host, what, kind)
}

// Wrap is the aws_unreachable error (Unreachable) for err when err is a network failure on the way
// to what (Classify); ok is false for any other error.
func Wrap(err error, what string) (e *apierr.Error, ok bool) {
	host, kind, ok := Classify(err)
	if !ok {
		return nil, false
	}
	return Unreachable(err, host, kind, what), true
}
