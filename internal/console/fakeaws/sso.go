package fakeaws

// IAM Identity Center, as aws-sdk-go-v2's ssooidc and sso clients call it (restJson1, unsigned;
// the portal authenticates with the x-amz-sso_bearer_token header):
//
//	POST /client/register          {"clientName","clientType","scopes":[…]}          (ssooidc)
//	POST /device_authorization     {"clientId","clientSecret","startUrl"}
//	POST /token                    {"clientId","clientSecret","grantType","deviceCode"|"refreshToken"}
//	GET  /assignment/accounts      ?max_result&next_token                            (sso portal)
//	GET  /assignment/roles         ?account_id&max_result&next_token
//	POST /logout
//
// plus the verification page a person opens (GET VerifyPath?user_code=…), which approves the
// device authorization when fetched (or denies it with &deny=1), as a person clicking "Allow"
// would. OIDC errors carry x-amzn-ErrorType and the OAuth body {"error","error_description"}.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Paths of the fake's IAM Identity Center endpoints.
const (
	OIDCRegisterPath = "/client/register"
	OIDCDevicePath   = "/device_authorization"
	OIDCTokenPath    = "/token"
	// VerifyPath is the verification page; fetching it approves the device authorization.
	VerifyPath = "/device"
)

// SSO defaults of a new Server (fields of SSOConfig).
const (
	DefaultSSOTokenTTL        = time.Hour
	DefaultSSORegistrationTTL = 90 * 24 * time.Hour
	DefaultSSODeviceTTL       = 10 * time.Minute
	DefaultSSOPageSize        = 2
)

// SSOAccount is an account of the portal and the roles the user may take in it.
type SSOAccount struct {
	ID, Name, Email string
	Roles           []string
}

// SSOConfig tunes the fake's IAM Identity Center; zero fields take the defaults above.
type SSOConfig struct {
	TokenTTL        time.Duration // access tokens' expiresIn
	RegistrationTTL time.Duration // clientSecretExpiresAt - now
	DeviceTTL       time.Duration // device codes' expiresIn
	// Interval is the polling interval in seconds StartDeviceAuthorization answers (default 1).
	Interval int
	// PageSize caps every ListAccounts / ListAccountRoles page (so paging is always exercised).
	PageSize int
	Accounts []SSOAccount
}

type ssoClient struct {
	secret  string
	expires time.Time
	scopes  []string
}

type ssoDevice struct {
	clientID, startURL string
	expires            time.Time
	interval           time.Duration
	lastPoll           time.Time
	approved, denied   bool
	used               bool
}

type ssoAccess struct {
	expires   time.Time
	loggedOut bool
}

type ssoState struct {
	cfg       SSOConfig
	clients   map[string]*ssoClient
	devices   map[string]*ssoDevice // by device code
	userCodes map[string]string     // user code -> device code
	access    map[string]*ssoAccess // access tokens issued
	refresh   map[string]string     // live refresh token -> client id
}

func (s *Server) ssoLocked() *ssoState {
	if s.sso == nil {
		s.sso = &ssoState{clients: map[string]*ssoClient{}, devices: map[string]*ssoDevice{},
			userCodes: map[string]string{}, access: map[string]*ssoAccess{}, refresh: map[string]string{}}
	}
	return s.sso
}

// SetSSO replaces the IAM Identity Center configuration (accounts, lifetimes, page size).
func (s *Server) SetSSO(c SSOConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ssoLocked().cfg = c
}

// SSOAccessTokenValid reports whether the fake issued tok and it is still usable (not expired,
// not logged out).
func (s *Server) SSOAccessTokenValid(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ssoLocked().access[tok]
	return a != nil && !a.loggedOut && a.expires.After(s.Now())
}

// SSORefreshTokenLive reports whether tok is a refresh token the fake would accept now.
func (s *Server) SSORefreshTokenLive(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.ssoLocked().refresh[tok]
	return ok
}

// ExpireSSOAccessToken makes an access token the fake issued expired (its cache entry is the
// caller's business).
func (s *Server) ExpireSSOAccessToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.ssoLocked().access[tok]; a != nil {
		a.expires = s.Now().Add(-time.Second)
	}
}

func (c SSOConfig) withDefaults() SSOConfig {
	if c.TokenTTL == 0 {
		c.TokenTTL = DefaultSSOTokenTTL
	}
	if c.RegistrationTTL == 0 {
		c.RegistrationTTL = DefaultSSORegistrationTTL
	}
	if c.DeviceTTL == 0 {
		c.DeviceTTL = DefaultSSODeviceTTL
	}
	if c.Interval == 0 {
		c.Interval = 1
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultSSOPageSize
	}
	return c
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// parseSSORequest fills in the service, action and parameters of an IAM Identity Center request;
// it reports false for other paths.
func parseSSORequest(r *http.Request, body []byte, req *Request) bool {
	switch r.URL.Path {
	case OIDCRegisterPath, OIDCDevicePath, OIDCTokenPath:
		req.Service = "ssooidc"
		req.Action = map[string]string{OIDCRegisterPath: "RegisterClient", OIDCDevicePath: "StartDeviceAuthorization", OIDCTokenPath: "CreateToken"}[r.URL.Path]
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		for k, v := range m {
			switch v := v.(type) {
			case string:
				req.Params.Set(k, v)
			case []any:
				for _, e := range v {
					req.Params.Add(k, fmt.Sprint(e))
				}
			}
		}
	case VerifyPath:
		req.Service, req.Action = "ssooidc", "VerifyDevice"
		req.Params = r.URL.Query()
	case "/assignment/accounts", "/assignment/roles", "/logout":
		req.Service = "sso"
		req.Action = map[string]string{"/assignment/accounts": "ListAccounts", "/assignment/roles": "ListAccountRoles", "/logout": "Logout"}[r.URL.Path]
		req.Params = r.URL.Query()
		req.BearerToken = r.Header.Get("X-Amz-Sso_bearer_token")
	default:
		return false
	}
	return true
}

// oauthError is the OAuth "error" member of each OIDC exception.
var oauthError = map[string]string{
	"AuthorizationPendingException": "authorization_pending",
	"SlowDownException":             "slow_down",
	"ExpiredTokenException":         "expired_token",
	"AccessDeniedException":         "access_denied",
	"InvalidGrantException":         "invalid_grant",
	"InvalidClientException":        "invalid_client",
	"InvalidRequestException":       "invalid_request",
	"InvalidScopeException":         "invalid_scope",
	"UnauthorizedClientException":   "unauthorized_client",
	"InternalServerException":       "server_error",
}

func writeOIDCError(w http.ResponseWriter, status int, code, msg string) {
	if status == 0 {
		status = http.StatusBadRequest
		switch code {
		case "InvalidClientException", "UnauthorizedClientException":
			status = http.StatusUnauthorized
		case "InternalServerException":
			status = http.StatusInternalServerError
		}
	}
	if msg == "" {
		msg = code
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": oauthError[code], "error_description": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// serveSSO answers under s.mu (writeError takes no lock for "sso").
func (s *Server) serveSSO(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.ssoLocked()
	cfg := st.cfg.withDefaults()
	now := s.Now()
	client := func() *ssoClient {
		c := st.clients[req.Get("clientId")]
		if c == nil || c.secret != req.Get("clientSecret") || !c.expires.After(now) {
			return nil
		}
		return c
	}
	switch req.Action {
	case "RegisterClient":
		if req.Get("clientName") == "" || req.Get("clientType") != "public" {
			writeOIDCError(w, 0, "InvalidRequestException", "clientName is required and clientType must be public")
			return
		}
		id, secret := "fake-client-"+randHex(8), "fake-client-secret-"+randHex(16)
		exp := now.Add(cfg.RegistrationTTL).Truncate(time.Second)
		st.clients[id] = &ssoClient{secret: secret, expires: exp, scopes: req.Params["scopes"]}
		writeJSON(w, map[string]any{"clientId": id, "clientSecret": secret,
			"clientIdIssuedAt": now.Unix(), "clientSecretExpiresAt": exp.Unix()})

	case "StartDeviceAuthorization":
		c := client()
		if c == nil {
			writeOIDCError(w, 0, "InvalidClientException", "invalid or expired client")
			return
		}
		if !strings.HasPrefix(req.Get("startUrl"), "https://") {
			writeOIDCError(w, 0, "InvalidRequestException", "startUrl must be an https URL")
			return
		}
		device := "fake-device-code-" + randHex(16)
		user := strings.ToUpper(randHex(2) + "-" + randHex(2))
		st.devices[device] = &ssoDevice{clientID: req.Get("clientId"), startURL: req.Get("startUrl"),
			expires: now.Add(cfg.DeviceTTL), interval: time.Duration(cfg.Interval) * time.Second}
		st.userCodes[user] = device
		writeJSON(w, map[string]any{"deviceCode": device, "userCode": user,
			"verificationUri": s.URL + VerifyPath, "verificationUriComplete": s.URL + VerifyPath + "?user_code=" + url.QueryEscape(user),
			"expiresIn": int(cfg.DeviceTTL / time.Second), "interval": cfg.Interval})

	case "VerifyDevice":
		d := st.devices[st.userCodes[req.Get("user_code")]]
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case d == nil || !d.expires.After(now):
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, "<p>Unknown or expired code.</p>")
		case req.Get("deny") != "":
			d.denied = true
			fmt.Fprint(w, "<p>Request denied.</p>")
		default:
			d.approved = true
			fmt.Fprint(w, "<p>Request approved. You can close this window.</p>")
		}

	case "CreateToken":
		c := client()
		if c == nil {
			writeOIDCError(w, 0, "InvalidClientException", "invalid or expired client")
			return
		}
		switch req.Get("grantType") {
		case "urn:ietf:params:oauth:grant-type:device_code":
			d := st.devices[req.Get("deviceCode")]
			switch {
			case d == nil || d.clientID != req.Get("clientId") || d.used:
				writeOIDCError(w, 0, "InvalidGrantException", "unknown device code")
				return
			case !d.expires.After(now):
				writeOIDCError(w, 0, "ExpiredTokenException", "the device code has expired")
				return
			case d.denied:
				writeOIDCError(w, 0, "AccessDeniedException", "the user denied the request")
				return
			case !d.lastPoll.IsZero() && now.Sub(d.lastPoll) < d.interval:
				d.lastPoll = now
				writeOIDCError(w, 0, "SlowDownException", "polled faster than the interval")
				return
			case !d.approved:
				d.lastPoll = now
				writeOIDCError(w, 0, "AuthorizationPendingException", "waiting for the user")
				return
			}
			d.used = true
			writeJSON(w, st.issueToken(req.Get("clientId"), c, now, cfg.TokenTTL))
		case "refresh_token":
			owner, ok := st.refresh[req.Get("refreshToken")]
			if !ok || owner != req.Get("clientId") {
				writeOIDCError(w, 0, "InvalidGrantException", "invalid refresh token")
				return
			}
			delete(st.refresh, req.Get("refreshToken")) // refresh tokens rotate
			writeJSON(w, st.issueToken(owner, c, now, cfg.TokenTTL))
		default:
			writeOIDCError(w, 0, "UnsupportedGrantTypeException", "unsupported grant type")
		}

	case "ListAccounts", "ListAccountRoles":
		if !st.bearerOK(req.BearerToken, now) {
			s.writeError(w, "sso", 401, "UnauthorizedException", "Session token not found or invalid")
			return
		}
		var items []map[string]string
		key := "accountList"
		if req.Action == "ListAccounts" {
			for _, a := range cfg.Accounts {
				items = append(items, map[string]string{"accountId": a.ID, "accountName": a.Name, "emailAddress": a.Email})
			}
		} else {
			key = "roleList"
			found := false
			for _, a := range cfg.Accounts {
				if a.ID == req.Get("account_id") {
					found = true
					for _, r := range a.Roles {
						items = append(items, map[string]string{"accountId": a.ID, "roleName": r})
					}
				}
			}
			if !found {
				s.writeError(w, "sso", 404, "ResourceNotFoundException", "no such account")
				return
			}
		}
		start := 0
		if t := req.Get("next_token"); t != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(t, "page-"))
			if err != nil || !strings.HasPrefix(t, "page-") || n < 0 || n > len(items) {
				s.writeError(w, "sso", 400, "InvalidRequestException", "invalid next_token")
				return
			}
			start = n
		}
		size := cfg.PageSize
		if m, err := strconv.Atoi(req.Get("max_result")); err == nil && m > 0 && m < size {
			size = m
		}
		end := min(start+size, len(items))
		out := map[string]any{key: items[start:end]}
		if end < len(items) {
			out["nextToken"] = "page-" + strconv.Itoa(end)
		}
		writeJSON(w, out)

	case "Logout":
		if req.BearerToken == "" {
			s.writeError(w, "sso", 401, "UnauthorizedException", "Session token not found or invalid")
			return
		}
		if a := st.access[req.BearerToken]; a != nil {
			a.loggedOut = true
		}
		w.WriteHeader(http.StatusOK)
	}
}

// issueToken makes an access token (and, when the client asked for a scope, a refresh token,
// as IAM Identity Center only issues one then).
func (st *ssoState) issueToken(clientID string, c *ssoClient, now time.Time, ttl time.Duration) map[string]any {
	tok := "fake-sso-access-token-" + randHex(16)
	st.access[tok] = &ssoAccess{expires: now.Add(ttl)}
	out := map[string]any{"accessToken": tok, "tokenType": "Bearer", "expiresIn": int(ttl / time.Second)}
	if len(c.scopes) > 0 {
		rt := "fake-sso-refresh-token-" + randHex(16)
		st.refresh[rt] = clientID
		out["refreshToken"] = rt
	}
	return out
}

// bearerOK accepts a token the fake issued that is still good, and (so that tests can write a
// cache entry by hand) any other non-empty token.
func (st *ssoState) bearerOK(tok string, now time.Time) bool {
	if tok == "" {
		return false
	}
	a := st.access[tok]
	return a == nil || !a.loggedOut && a.expires.After(now)
}
