// Package fakeaws is a local fake of the AWS endpoints the console sign-in uses: STS (query
// protocol: AssumeRole, GetFederationToken, GetCallerIdentity, AssumeRoleWithWebIdentity), the
// SSO portal (GetRoleCredentials, ListAccounts, ListAccountRoles, Logout) and SSO OIDC (device
// authorization and token refresh; see sso.go), the federation endpoint (getSigninToken) and the sign-in
// service's CreateOAuth2Token (login_session profiles; see login.go). It records every
// request, answers with realistic bodies and AWS error bodies, enforces the AWS rules the
// console package must respect (no GetFederationToken with session credentials, ≤ 1 h for role
// chaining, SessionDuration only for roles assumed with long-term keys ...), and can be told to
// fail or to answer slowly.
//
// Point the SDK at it with Setenv (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SSO,
// AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SIGNIN) and the console
// package with FederationURL. It is a normal package so that the CLI and end-to-end tests can
// reuse it; it never reaches the network.
package fakeaws

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults of a new Server.
const (
	DefaultAccount = "111122223333"
	DefaultMFACode = "123456"
	DefaultUserARN = "arn:aws:iam::111122223333:user/fake-user"
)

// Request is one recorded request.
type Request struct {
	Service string // "sts", "sso" (the portal), "ssooidc" or "signin"
	// Action is "AssumeRole", "GetFederationToken", "GetCallerIdentity",
	// "AssumeRoleWithWebIdentity", "GetRoleCredentials", "ListAccounts", "ListAccountRoles",
	// "Logout", "RegisterClient", "StartDeviceAuthorization", "CreateToken", "VerifyDevice" (the
	// verification page), "getSigninToken" or "CreateOAuth2Token".
	Action string
	Method string
	Path   string
	// Params are the STS form parameters, the SSO query parameters, the federation form
	// parameters (with Session left out: see Session), or the JSON body members of
	// CreateOAuth2Token and the SSO OIDC actions (clientId, grantType, refreshToken, scopes ...).
	Params url.Values
	// AccessKeyID signed the STS request (from the SigV4 Authorization header); for getSigninToken
	// it is the Session's sessionId; CreateOAuth2Token is unsigned (""), its proof is DPoP.
	AccessKeyID string
	// SessionToken is true when the STS request carried X-Amz-Security-Token (temporary credentials).
	SessionToken bool
	// BearerToken is the SSO request's x-amz-sso_bearer_token.
	BearerToken string
	// Session is the decoded Session of a getSigninToken request.
	Session *Session
	// DPoP is CreateOAuth2Token's decoded DPoP proof (nil when the request had none).
	DPoP *DPoPProof
	// Status is the HTTP status the fake answered.
	Status int

	requestURL, contentType string // CreateOAuth2Token: for the DPoP htu check and Content-Type
}

// Has reports whether the request carried parameter k at all (even empty).
func (r Request) Has(k string) bool { _, ok := r.Params[k]; return ok }

// Get returns parameter k.
func (r Request) Get(k string) string { return r.Params.Get(k) }

// Name is "service:Action", e.g. "sts:AssumeRole".
func (r Request) Name() string { return r.Service + ":" + r.Action }

// Session is the JSON Session of getSigninToken.
type Session struct {
	SessionID    string `json:"sessionId"`
	SessionKey   string `json:"sessionKey"`
	SessionToken string `json:"sessionToken"`
}

// Failure tells the fake how to misbehave for one action.
type Failure struct {
	// Status is the HTTP status; 0 picks AWS's usual one for Code (403 AccessDenied, 401
	// UnauthorizedException, 500 InternalFailure, 400 otherwise).
	Status int
	// Code and Message of the AWS error body (STS XML, SSO JSON with x-amzn-ErrorType, the
	// federation endpoint's plain text, or the sign-in service's JSON with __type).
	Code, Message string
	// OAuth2Error is the sign-in service's "error" member (TOKEN_EXPIRED,
	// USER_CREDENTIALS_CHANGED, INSUFFICIENT_PERMISSIONS ...); CreateOAuth2Token only.
	OAuth2Error string
	// Delay before answering (the handler gives up when the client does).
	Delay time.Duration
	// Times limits the failure to the first Times requests (0: every request).
	Times int
}

// Issued describes credentials the fake handed out.
type Issued struct {
	Kind string // "federation", "role-direct", "role-chained", "sso", "web-identity", "login"
	ARN  string
	// Expires is when they expire.
	Expires time.Time
}

// Server is the fake. Create it with Start (or New + Close).
type Server struct {
	*httptest.Server
	// Now is the fake's clock (default time.Now).
	Now func() time.Time
	// MFACode is the code AssumeRole accepts for any SerialNumber.
	MFACode string

	mu         sync.Mutex
	reqs       []Request
	fails      map[string]*Failure
	identities map[string]string
	issued     map[string]Issued
	maxRole    map[string]time.Duration
	seq        int
	gen        int                    // bumped by Reset
	logins     map[string]*loginState // by current refresh token
	sso        *ssoState              // IAM Identity Center (sso.go)
	jtis       map[string]bool        // DPoP proof ids seen
}

// New starts a fake; Close it when done.
func New() *Server {
	s := &Server{
		Now:        time.Now,
		MFACode:    DefaultMFACode,
		fails:      map[string]*Failure{},
		identities: map[string]string{},
		issued:     map[string]Issued{},
		maxRole:    map[string]time.Duration{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Start starts a fake that is closed when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := New()
	tb.Cleanup(s.Close)
	return s
}

// Setenv points the SDK's STS, SSO, SSO-OIDC and sign-in clients at the fake for the test.
func (s *Server) Setenv(tb testing.TB) {
	tb.Helper()
	for _, k := range EndpointVars {
		tb.Setenv(k, s.URL)
	}
}

// EndpointVars are the SDK's endpoint variables Setenv sets to the fake's URL.
var EndpointVars = []string{"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_SIGNIN"}

// FederationURL is the fake federation endpoint (for AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT).
func (s *Server) FederationURL() string { return s.URL + "/federation" }

// Fail makes action fail as f says, replacing an earlier Failure for it.
func (s *Server) Fail(action string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[action] = &f
}

// SetIdentity makes GetCallerIdentity answer arn for requests signed with accessKeyID.
func (s *Server) SetIdentity(accessKeyID, arn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.identities[accessKeyID] = arn
}

// SetMaxSessionDuration sets a role's MaxSessionDuration (default 12 h).
func (s *Server) SetMaxSessionDuration(roleARN string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxRole[roleARN] = d
}

// Requests returns a copy of the recorded requests, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Names returns the recorded requests as "service:Action".
func (s *Server) Names() []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Name())
	}
	return out
}

// Find returns the recorded requests of one action.
func (s *Server) Find(action string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// IssuedFor returns what the fake knows about credentials it issued.
func (s *Server) IssuedFor(accessKeyID string) (Issued, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.issued[accessKeyID]
	return i, ok
}

// Reset forgets recorded requests and failures (not issued credentials or login sessions).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
	s.gen++
	s.fails = map[string]*Failure{}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	req := Request{Method: r.Method, Path: r.URL.Path, Params: url.Values{}}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	switch {
	case parseSSORequest(r, body, &req):
	case r.URL.Path == LoginTokenPath:
		req.Service, req.Action = "signin", "CreateOAuth2Token"
		parseLoginRequest(r, body, &req)
	case r.URL.Path == "/federation/credentials":
		req.Service, req.Action = "sso", "GetRoleCredentials"
		req.Params = r.URL.Query()
		req.BearerToken = r.Header.Get("X-Amz-Sso_bearer_token")
	case r.URL.Path == "/federation":
		req.Service = "signin"
		form, _ := url.ParseQuery(string(body))
		if r.Method == http.MethodGet {
			form = r.URL.Query()
		}
		req.Action = form.Get("Action")
		if sess := form.Get("Session"); sess != "" {
			var se Session
			if json.Unmarshal([]byte(sess), &se) == nil {
				req.Session = &se
				req.AccessKeyID = se.SessionID
			}
		}
		form.Del("Session")
		req.Params = form
	default:
		req.Service = "sts"
		form, _ := url.ParseQuery(string(body))
		req.Action = form.Get("Action")
		req.Params = form
		req.AccessKeyID = sigv4Key(r.Header.Get("Authorization"))
		req.SessionToken = r.Header.Get("X-Amz-Security-Token") != ""
	}

	s.mu.Lock()
	idx, gen := len(s.reqs), s.gen
	s.reqs = append(s.reqs, req)
	f := s.fails[req.Action]
	var fail *Failure
	if f != nil {
		if f.Times >= 0 {
			copyF := *f
			fail = &copyF
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				f.Times = -1 // used up
			}
		}
	}
	s.mu.Unlock()

	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		if gen == s.gen && idx < len(s.reqs) { // not forgotten by Reset meanwhile
			s.reqs[idx].Status = rec.status
		}
		s.mu.Unlock()
	}()
	if fail != nil && fail.Delay > 0 {
		select {
		case <-time.After(fail.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if fail != nil && (fail.Code != "" || fail.Status != 0) {
		if req.Service == "ssooidc" {
			writeOIDCError(rec, fail.Status, fail.Code, fail.Message)
			return
		}
		if req.Action == "CreateOAuth2Token" {
			writeLoginError(rec, fail.Status, fail.Code, fail.OAuth2Error, fail.Message)
			return
		}
		s.writeError(rec, req.Service, fail.Status, fail.Code, fail.Message)
		return
	}
	switch {
	case req.Action == "CreateOAuth2Token":
		s.createOAuth2Token(rec, req)
	case req.Service == "ssooidc" || req.Service == "sso" && req.Action != "GetRoleCredentials":
		s.serveSSO(rec, req)
	case req.Service == "sso":
		s.getRoleCredentials(rec, req)
	case req.Service == "signin":
		s.getSigninToken(rec, req)
	default:
		s.sts(rec, req)
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(c int) {
	if r.status == 0 {
		r.status = c
	}
	r.ResponseWriter.WriteHeader(c)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

var credRE = regexp.MustCompile(`Credential=([A-Za-z0-9]+)/`)

func sigv4Key(auth string) string {
	if m := credRE.FindStringSubmatch(auth); m != nil {
		return m[1]
	}
	return ""
}

func defaultStatus(code string) int {
	switch code {
	case "AccessDenied", "AccessDeniedException", "ForbiddenException", "InvalidClientTokenId", "SignatureDoesNotMatch":
		return http.StatusForbidden
	case "UnauthorizedException":
		return http.StatusUnauthorized
	case "InternalFailure", "InternalServerError":
		return http.StatusInternalServerError
	case "ServiceUnavailable", "ServiceUnavailableException":
		return http.StatusServiceUnavailable
	case "TooManyRequestsException", "Throttling":
		return http.StatusTooManyRequests
	}
	return http.StatusBadRequest
}

func (s *Server) writeError(w http.ResponseWriter, service string, status int, code, msg string) {
	if status == 0 {
		status = defaultStatus(code)
	}
	if msg == "" {
		msg = code
	}
	switch service {
	case "sso":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
	case "signin":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, msg)
	default:
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			typ, xmlEscape(code), xmlEscape(msg), s.requestID())
	}
}

func xmlEscape(v string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(v))
	return b.String()
}

func (s *Server) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", s.seq)
}

// issue makes new temporary credentials and remembers them.
func (s *Server) issue(kind, arn string, d time.Duration) (id, secret, token string, exp time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id = fmt.Sprintf("ASIAFAKE%012d", s.seq)
	secret = fmt.Sprintf("fakeSecretAccessKey%021d", s.seq)
	token = fmt.Sprintf("FakeSessionToken//%d//%s", s.seq, strings.Repeat("x", 32))
	exp = s.Now().Add(d).UTC().Truncate(time.Second)
	s.issued[id] = Issued{Kind: kind, ARN: arn, Expires: exp}
	return
}

var (
	nameRE     = regexp.MustCompile(`^[\w+=,.@-]{2,32}$`)
	sessNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	codeRE     = regexp.MustCompile(`^[0-9]{6}$`)
)

func (s *Server) sts(w http.ResponseWriter, req Request) {
	vErr := func(msg string) { s.writeError(w, "sts", 400, "ValidationError", msg) }
	s.mu.Lock()
	caller, callerKnown := s.issued[req.AccessKeyID]
	s.mu.Unlock()
	if caller.Expires.Before(s.Now()) && callerKnown {
		s.writeError(w, "sts", 400, "ExpiredToken", "The security token included in the request is expired")
		return
	}
	switch req.Action {
	case "GetCallerIdentity":
		arn := s.arnOf(req.AccessKeyID)
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDAFAKE</UserId><Account>%s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
			xmlEscape(arn), accountOf(arn), s.requestID())

	case "GetFederationToken":
		if req.SessionToken {
			s.writeError(w, "sts", 403, "AccessDenied", "Cannot call GetFederationToken with session credentials")
			return
		}
		name := req.Get("Name")
		if !nameRE.MatchString(name) {
			vErr("1 validation error detected: Value at 'name' failed to satisfy constraint")
			return
		}
		d, ok := durationParam(req, 43200*time.Second)
		if !ok || d < 900*time.Second || d > 129600*time.Second {
			vErr("1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint")
			return
		}
		arn := s.arnOf(req.AccessKeyID)
		if strings.HasSuffix(arn, ":root") && d > time.Hour {
			vErr("The requested DurationSeconds exceeds the 1 hour session limit for the root user.")
			return
		}
		fedARN := "arn:" + partitionOf(arn) + ":sts::" + accountOf(arn) + ":federated-user/" + name
		id, secret, token, exp := s.issue("federation", fedARN, d)
		fmt.Fprintf(w, `<GetFederationTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetFederationTokenResult><Credentials><SessionToken>%s</SessionToken><SecretAccessKey>%s</SecretAccessKey><Expiration>%s</Expiration><AccessKeyId>%s</AccessKeyId></Credentials><FederatedUser><Arn>%s</Arn><FederatedUserId>%s:%s</FederatedUserId></FederatedUser><PackedPolicySize>6</PackedPolicySize></GetFederationTokenResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></GetFederationTokenResponse>`,
			xmlEscape(token), secret, exp.Format(time.RFC3339), id, xmlEscape(fedARN), accountOf(arn), xmlEscape(name), s.requestID())

	case "AssumeRole", "AssumeRoleWithWebIdentity":
		role := req.Get("RoleArn")
		if !strings.HasPrefix(role, "arn:") || !strings.Contains(role, ":role/") {
			vErr("1 validation error detected: Value at 'roleArn' failed to satisfy constraint")
			return
		}
		if !sessNameRE.MatchString(req.Get("RoleSessionName")) {
			vErr("1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint")
			return
		}
		d, ok := durationParam(req, time.Hour)
		if !ok || d < 900*time.Second || d > 43200*time.Second {
			vErr("1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint")
			return
		}
		kind := "role-direct"
		if req.Action == "AssumeRoleWithWebIdentity" {
			kind = "web-identity"
			if req.Get("WebIdentityToken") == "" {
				s.writeError(w, "sts", 400, "InvalidIdentityToken", "No web identity token")
				return
			}
		} else if req.SessionToken {
			kind = "role-chained"
			if d > time.Hour {
				vErr("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
				return
			}
		}
		s.mu.Lock()
		max, set := s.maxRole[role]
		s.mu.Unlock()
		if !set {
			max = 12 * time.Hour
		}
		if d > max {
			vErr("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
			return
		}
		if req.Has("SerialNumber") || req.Has("TokenCode") {
			if !codeRE.MatchString(req.Get("TokenCode")) || req.Get("TokenCode") != s.MFACode || req.Get("SerialNumber") == "" {
				s.writeError(w, "sts", 403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
				return
			}
		}
		roleName := role[strings.LastIndex(role, "/")+1:]
		arn := "arn:" + partitionOf(role) + ":sts::" + accountOf(role) + ":assumed-role/" + roleName + "/" + req.Get("RoleSessionName")
		id, secret, token, exp := s.issue(kind, arn, d)
		resp := req.Action + "Response"
		result := req.Action + "Result"
		fmt.Fprintf(w, `<%s xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%s><AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials></%s><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%s>`,
			resp, result, xmlEscape(arn), xmlEscape(req.Get("RoleSessionName")), id, secret, xmlEscape(token), exp.Format(time.RFC3339), result, s.requestID(), resp)

	default:
		s.writeError(w, "sts", 400, "InvalidAction", "Could not find operation "+req.Action)
	}
}

func durationParam(req Request, def time.Duration) (time.Duration, bool) {
	if !req.Has("DurationSeconds") {
		return def, true
	}
	n, err := strconv.Atoi(req.Get("DurationSeconds"))
	if err != nil {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

func (s *Server) arnOf(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.issued[key]; ok {
		return i.ARN
	}
	if a, ok := s.identities[key]; ok {
		return a
	}
	return DefaultUserARN
}

func accountOf(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) > 4 && p[4] != "" {
		return p[4]
	}
	return DefaultAccount
}

func partitionOf(arn string) string {
	p := strings.Split(arn, ":")
	if len(p) > 1 && p[1] != "" {
		return p[1]
	}
	return "aws"
}

func (s *Server) getRoleCredentials(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	ok := s.ssoLocked().bearerOK(req.BearerToken, s.Now())
	s.mu.Unlock()
	if !ok {
		s.writeError(w, "sso", 401, "UnauthorizedException", "Session token not found or invalid")
		return
	}
	acct, role := req.Get("account_id"), req.Get("role_name")
	if acct == "" || role == "" {
		s.writeError(w, "sso", 400, "InvalidRequestException", "account_id and role_name are required")
		return
	}
	arn := "arn:aws:sts::" + acct + ":assumed-role/AWSReservedSSO_" + role + "_0123456789abcdef/fake-sso-user"
	id, secret, token, exp := s.issue("sso", arn, time.Hour)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"roleCredentials": map[string]any{
		"accessKeyId": id, "secretAccessKey": secret, "sessionToken": token, "expiration": exp.UnixMilli(),
	}})
}

func (s *Server) getSigninToken(w http.ResponseWriter, req Request) {
	bad := func(msg string) { s.writeError(w, "signin", 400, "", msg) }
	if req.Action != "getSigninToken" {
		bad("unknown Action")
		return
	}
	se := req.Session
	if se == nil || se.SessionID == "" || se.SessionKey == "" || se.SessionToken == "" {
		bad("Session must hold sessionId, sessionKey and sessionToken")
		return
	}
	s.mu.Lock()
	iss, known := s.issued[se.SessionID]
	s.mu.Unlock()
	if known && iss.Expires.Before(s.Now()) {
		bad("expired credentials")
		return
	}
	if req.Has("SessionDuration") {
		n, err := strconv.Atoi(req.Get("SessionDuration"))
		if err != nil || n < 900 || n > 43200 {
			bad("SessionDuration out of range")
			return
		}
		if known && iss.Kind != "role-direct" {
			bad("SessionDuration is not allowed for " + iss.Kind + " credentials")
			return
		}
	}
	s.mu.Lock()
	s.seq++
	tok := fmt.Sprintf("FakeSigninToken-%d-%s", s.seq, strings.Repeat("s", 24))
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"SigninToken": tok})
}
