package console

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr/netfail"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/partition"
)

// maxFederationReply bounds the federation endpoint's reply we read.
const maxFederationReply = 64 << 10

// signinToken asks the federation endpoint for a SigninToken: a POST whose form body carries the
// Session JSON (and SessionDuration when the kind allows it), so credentials never sit in a URL.
func (s *signer) signinToken(ctx context.Context, p *partition.Partition, region string, cr *consoleCreds, m mode) (string, error) {
	endpoint := s.env.SigninEndpoint
	if endpoint == "" {
		endpoint = "https://" + p.SigninHost(region) + "/federation"
	}
	session, err := json.Marshal(struct {
		ID    string `json:"sessionId"`
		Key   string `json:"sessionKey"`
		Token string `json:"sessionToken"`
	}{cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken})
	if err != nil {
		return "", newErr(apierr.CodeFederationFailed, err, "cannot encode the session")
	}
	form := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if cr.sessionDuration > 0 {
		form.Set("SessionDuration", secondsString(cr.sessionDuration))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", newErr(apierr.CodeFederationFailed, err, "the sign-in endpoint URL is not valid; check AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	s.addCall("signin:getSigninToken")
	s.requests.Add(1)
	resp, err := s.fedClient.Do(req)
	if err != nil {
		if e := s.ctxErr(ctx, err, "the AWS sign-in endpoint"); e != nil {
			return "", e
		}
		host, kind, ok := netfail.Classify(err)
		if !ok {
			kind = "the request failed"
		}
		if host == "" {
			host = hostOf(endpoint)
		}
		return "", netfail.Unreachable(err, host, kind, "the AWS sign-in endpoint (getSigninToken)")
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFederationReply))
	if err != nil {
		if e := s.ctxErr(ctx, err, "the AWS sign-in endpoint"); e != nil {
			return "", e
		}
		return "", newErr(apierr.CodeFederationFailed, err, "the AWS sign-in endpoint's reply was cut off; try again")
	}
	if resp.StatusCode != http.StatusOK {
		status := strconv.Itoa(resp.StatusCode)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && (m == modeCheckedAsIs || m == modeAsIs) {
			return "", newErr(apierr.CodeSessionCredentialsUnsupported, nil,
				"the AWS sign-in endpoint refused the credentials of profile %q (HTTP %s): they have expired, or cannot open the console (GetSessionToken credentials cannot); refresh them or use a role profile", s.profile, status)
		}
		if resp.StatusCode >= 500 {
			return "", newErr(apierr.CodeFederationFailed, nil, "the AWS sign-in endpoint failed (HTTP %s); try again in a moment", status)
		}
		return "", newErr(apierr.CodeFederationFailed, nil, "the AWS sign-in endpoint refused the sign-in for profile %q (HTTP %s); try again, and report it if it persists", s.profile, status)
	}
	var reply struct{ SigninToken string }
	if err := json.Unmarshal(body, &reply); err != nil || reply.SigninToken == "" {
		return "", newErr(apierr.CodeFederationFailed, err, "the AWS sign-in endpoint sent no sign-in token; try again")
	}
	s.addSecret(reply.SigninToken)
	return reply.SigninToken, nil
}

// loginURL is the console login URL on the partition's sign-in host. It carries the SigninToken:
// a bearer secret for about 15 minutes.
func loginURL(p *partition.Partition, region, issuer, destination, token string) string {
	return "https://" + p.SigninHost(region) + "/federation?Action=login" +
		"&Issuer=" + url.QueryEscape(issuer) +
		"&Destination=" + url.QueryEscape(destination) +
		"&SigninToken=" + url.QueryEscape(token)
}

// logoutFirstURL signs the browser out of any console session first, then follows the login URL.
func logoutFirstURL(p *partition.Partition, region, login string) string {
	return logoutURL(p, region) + "?Action=logout&redirect_uri=" + url.QueryEscape(login)
}

func hostOf(u string) string {
	if x, err := url.Parse(u); err == nil && x.Host != "" {
		return x.Host
	}
	return "(invalid URL)"
}
