package console

import (
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/partition"
)

// serviceRE is a console service slug: "s3", "ec2", "cloudwatch", "iam", "lambda" ...
var serviceRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`) }) // lazy: keeps process start fast

const maxDestinationLen = 2048

// destinationURL turns the requested destination into the console URL the sign-in lands on.
//
//   - ""                       → https://<console host>/console/home?region=<region>
//   - a service slug ("ec2")   → https://<console host>/ec2/home?region=<region>
//   - a path ("/ec2/home?...") → that path on the region's console host
//   - an https URL             → kept, if its host is exactly a console host of the partition
//     (console.<domain>, <region>.console.<domain> for a region of the partition, s3.console.<domain>)
//
// Anything else is an invalid_destination error: the sign-in URL must never redirect off the
// console (an open redirect through a bearer-token URL would be a phishing aid).
func destinationURL(p *partition.Partition, region, dest string) (string, error) {
	host := p.ConsoleHost(region)
	q := "?region=" + url.QueryEscape(region)
	switch {
	case dest == "":
		return "https://" + host + "/console/home" + q, nil
	case len(dest) > maxDestinationLen:
		return "", newErr(apierr.CodeInvalidDestination, nil, "the destination is longer than %d characters", maxDestinationLen)
	case strings.ContainsAny(dest, "\\ \t\r\n") || strings.ContainsFunc(dest, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", newErr(apierr.CodeInvalidDestination, nil, "the destination contains spaces, backslashes or control characters")
	case serviceRE().MatchString(dest):
		return "https://" + host + "/" + dest + "/home" + q, nil
	case strings.HasPrefix(dest, "/"):
		if strings.HasPrefix(dest, "//") {
			return "", newErr(apierr.CodeInvalidDestination, nil, "a console path must start with a single \"/\"")
		}
		u, err := url.Parse(dest)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			return "", newErr(apierr.CodeInvalidDestination, err, "the destination path is not a valid URL path")
		}
		return "https://" + host + u.RequestURI() + fragment(u), nil
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "https" || u.Opaque != "" {
		return "", newErr(apierr.CodeInvalidDestination, err,
			"the destination must be a service name (\"ec2\"), a console path (\"/ec2/home\") or an https:// URL on the %s console", p.ID)
	}
	h := strings.ToLower(u.Host)
	if u.User != nil || u.Port() != "" || !allowedConsoleHost(p, h) {
		return "", newErr(apierr.CodeInvalidDestination, nil,
			"the destination host %q is not an AWS Console host of the %s partition (use %s or a service name)", truncate(u.Host, 80), p.ID, p.ConsoleHost(region))
	}
	u.Host = h
	return u.String(), nil
}

func fragment(u *url.URL) string {
	if u.Fragment == "" {
		return ""
	}
	return "#" + u.EscapedFragment()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
