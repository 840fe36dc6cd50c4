package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/token"
)

// unauthorizedBody is the extension's 401 body, the same for a missing and a wrong token.
const unauthorizedBody = `{"detail":"Invalid or missing API token"}`

// route is one matched path.
type route struct {
	name    string   // for logs: "health", "profiles", "console-url" ...
	methods []string // allowed methods (OPTIONS preflights are handled before)
	auth    bool     // needs a token
	profile string   // console-url: the decoded, validated profile name
	badName bool     // console-url with a name outside the pattern
}

func (r *route) allows(m string) bool {
	for _, x := range r.methods {
		if x == m {
			return true
		}
	}
	return false
}

var (
	get     = []string{http.MethodGet}
	getPost = []string{http.MethodGet, http.MethodPost}
	post    = []string{http.MethodPost}
)

// match maps the escaped path onto a route (nil: 404). /v1/… is the same as /….
func match(escaped string) *route {
	p := escaped
	if rest, ok := strings.CutPrefix(p, "/v1/"); ok {
		p = "/" + rest
	}
	switch p {
	case "/health":
		return &route{name: "health", methods: get}
	case "/version":
		return &route{name: "version", methods: get}
	case "/profiles":
		return &route{name: "profiles", methods: getPost, auth: true}
	case "/profiles/enrich":
		return &route{name: "profiles-enrich", methods: getPost, auth: true}
	case "/regions":
		return &route{name: "regions", methods: getPost, auth: true}
	}
	if mid, ok := strings.CutPrefix(p, "/profiles/"); ok {
		if raw, ok := strings.CutSuffix(mid, "/console-url"); ok {
			r := &route{name: "console-url", methods: post, auth: true}
			name, err := url.PathUnescape(raw)
			if err != nil || !ValidProfileName(name) {
				r.badName = true
			} else {
				r.profile = name
			}
			return r
		}
	}
	return nil
}

// ValidProfileName reports whether name matches ^[A-Za-z0-9._-]{1,128}$ and is not "." or "..".
// Checked after percent-decoding, so an encoded separator or control character is refused too.
func ValidProfileName(name string) bool {
	if len(name) == 0 || len(name) > 128 || name == "." || name == ".." {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// exchange is one request in flight.
type exchange struct {
	w      http.ResponseWriter
	r      *http.Request
	id     string
	log    zerolog.Logger
	status int
	origin string // a valid extension origin, or ""
	// browserNoOrigin: a browser request (Fetch Metadata present) without an Origin, such as a
	// GET from an extension with host permission for 127.0.0.1 (Sec-Fetch-Site same-origin in
	// Firefox, none in Chromium). Its sender cannot be told apart
	// from another extension, so a token's origin binding cannot be checked for it.
	browserNoOrigin bool
}

func (x *exchange) send(status int, body []byte) {
	x.status = status
	h := x.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	x.w.WriteHeader(status)
	_, _ = x.w.Write(body)
}

// fail answers an HTTP-level error: the protocol's error object plus "detail" for the old client.
// Every refusal (4xx) hangs up.
func (x *exchange) fail(status int, code apierr.Code, msg string) {
	if status >= 400 && status < 500 {
		x.hangUp()
	}
	x.send(status, apierr.Reply(&apierr.Error{Code: code, Message: msg}, true))
}

// hangUp closes the connection after the response, without reading what is left of the body.
// Refused requests may come from web pages, which can send them from many connection pools at
// once, or from a local process with a slow body: kept alive, or drained (Go's server reads up to
// 256 KiB of an unread body, until ReadTimeout, before it answers), they would hold the MaxConns
// slots and keep the extension out. A read deadline in the past ends that drain at once.
func (x *exchange) hangUp() {
	x.w.Header().Set("Connection", "close")
	_ = http.NewResponseController(x.w).SetReadDeadline(time.Now())
}

// refuse is fail plus an audit line.
func (x *exchange) refuse(status int, code apierr.Code, msg, reason string) {
	ev := logging.Audit(x.log).Str("event", "http.refused").Str("reason", reason).Int("status", status)
	ev.Msg("request refused")
	x.fail(status, code, msg)
}

// ServeHTTP runs the guards in order, then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := &exchange{w: w, r: r, id: requestID()}
	x.log = s.cfg.Log.With().Str("request_id", x.id).Logger() // "mode":"http" comes from serve
	h := w.Header()
	h.Set("X-Request-ID", x.id)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Vary", "Origin")
	rt := s.serve(x)
	name := "unknown"
	if rt != nil {
		name = rt.name
	}
	x.log.Info().Str("method", safeMethod(r.Method)).Str("route", name).Int("status", x.status).
		Dur("took", time.Since(start)).Msg("http")
}

func (s *Server) serve(x *exchange) *route {
	r := x.r
	// 1. Host, before anything else: DNS rebinding sends the attacker's own name.
	if !s.hosts[r.Host] {
		logging.Str(logging.Audit(x.log).Str("event", "http.refused").Str("reason", "host"), "host", clip(r.Host)).Int("status", 403).Msg("request refused")
		x.fail(http.StatusForbidden, apierr.CodeForbiddenHost, "forbidden host; use http://127.0.0.1:"+strconv.Itoa(s.cfg.Port))
		return nil
	}
	// 2. Origin: absent, or exactly an extension origin.
	origins := r.Header.Values("Origin")
	switch {
	case len(origins) > 1:
		x.refuse(http.StatusForbidden, apierr.CodeForbiddenOrigin, "forbidden origin", "origin")
		return nil
	case len(origins) == 1:
		if !s.extensionOrigin(origins[0]) {
			x.refuse(http.StatusForbidden, apierr.CodeForbiddenOrigin, "forbidden origin: only the AWS Profile Containers extension may call this server", "origin")
			return nil
		}
		x.origin = origins[0]
		x.log = x.log.With().Str("origin", x.origin).Logger()
		// From here on the extension may read our answers, errors included (it maps statuses).
		x.w.Header().Set("Access-Control-Allow-Origin", x.origin)
	default:
		// No Origin: a non-browser client, or a browser's no-cors load (an <img>, a navigation)
		// from a page, which Fetch Metadata tells apart.
		switch site := r.Header.Get("Sec-Fetch-Site"); site {
		case "", "none", "same-origin":
			// Any Fetch Metadata means a browser: an extension's privileged fetch carries none
			// (Chromium) or same-origin (Firefox); only non-browser clients send no such header.
			x.browserNoOrigin = site != ""
		default:
			x.refuse(http.StatusForbidden, apierr.CodeForbiddenOrigin, "forbidden: cross-site request without an extension origin", "sec-fetch-site")
			return nil
		}
	}
	rt := match(r.URL.EscapedPath())
	// 3. Preflights: granted to extension origins only; they carry no token and prove nothing.
	if r.Method == http.MethodOptions {
		s.preflight(x, rt)
		return rt
	}
	if rt == nil {
		x.fail(http.StatusNotFound, apierr.CodeNotFound, "not found")
		return nil
	}
	if !rt.allows(r.Method) {
		x.w.Header().Set("Allow", strings.Join(rt.methods, ", "))
		x.fail(http.StatusMethodNotAllowed, apierr.CodeMethodNotAllowed, "method not allowed; use "+strings.Join(rt.methods, " or "))
		return rt
	}
	// 4. Token, throttled, then the origin binding.
	if rt.auth {
		now := s.cfg.Now()
		presented, reason := presentedToken(r)
		var tokenID string
		var ok bool
		if reason == "" {
			if tokenID, ok = s.verify(presented); !ok {
				reason = "invalid"
			}
		}
		if !ok {
			// Only failures are throttled: a valid token (about 190 bits, never guessed) is served
			// even while they are, so no local process can lock the extension out.
			if wait := s.thr.retryAfter(now); wait > 0 {
				secs := strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1))
				x.w.Header().Set("Retry-After", secs)
				logging.Audit(x.log).Str("event", "http.auth_failure").Str("reason", "throttled").Str("route", rt.name).Int("status", 429).Msg("authentication refused")
				x.fail(http.StatusTooManyRequests, apierr.CodeRateLimited, "too many failed authentication attempts; retry in "+secs+" s")
				return rt
			}
			s.unauthorized(x, rt, reason, now)
			return rt
		}
		x.log = x.log.With().Str("token_id", tokenID).Logger()
		allowed, err := s.cfg.Tokens.Use(tokenID, x.origin, now)
		if errors.Is(err, token.ErrNotFound) { // revoked between Verify and Use
			s.unauthorized(x, rt, "revoked", now)
			return rt
		}
		if err != nil {
			x.log.Warn().Err(err).Msg("cannot record token use")
		}
		if x.browserNoOrigin && rt.name != "regions" {
			// Profiles and sign-in URLs only to a caller whose origin the binding can check: the
			// extension POSTs (with its Origin); other extensions with host permissions must not
			// read them with a stolen token by sending GET.
			x.refuse(http.StatusForbidden, apierr.CodeForbiddenOrigin, "a browser request without an Origin cannot use a token here; send POST, as the extension does", "no_origin")
			return rt
		}
		if !allowed {
			if err != nil {
				x.fail(http.StatusInternalServerError, apierr.CodeInternal, "cannot record the token's use; the log has details")
				return rt
			}
			// Most often the extension was reinstalled and has a new origin: say how to move on.
			fix := "run `aws-profile-bridge token rotate " + tokenID + "` and give the extension the new token (or `aws-profile-bridge token create` for a token of its own)"
			x.log.Warn().Msg("token " + tokenID + " is bound to another extension origin; a reinstalled extension has a new one: " + fix)
			x.refuse(http.StatusForbidden, apierr.CodeOriginMismatch, "this token is bound to another extension (a reinstalled extension has a new origin); "+fix, "origin_mismatch")
			return rt
		}
	}
	// 5. The body: JSON or nothing, at most MaxBodyBytes.
	body, ok := s.readBody(x)
	if !ok {
		return rt
	}
	// 6. The route.
	switch rt.name {
	case "health":
		b, _ := json.Marshal(map[string]any{"status": "healthy", "version": s.cfg.Service.Version,
			"uptime_seconds": int64(s.cfg.Now().Sub(s.started) / time.Second)})
		x.send(http.StatusOK, b)
		return rt
	case "version":
		b, _ := json.Marshal(map[string]string{"api_version": s.cfg.Service.Version, "api_protocol": bridge.ProtocolVersion,
			"version": s.cfg.Service.Version, "commit": s.cfg.Service.Commit, "date": s.cfg.Service.BuildDate,
			"protocol": bridge.ProtocolVersion})
		x.send(http.StatusOK, b)
		return rt
	case "regions":
		s.regions(x, rt, body)
		return rt
	}
	if rt.badName {
		s.audit(x, rt, http.StatusBadRequest, apierr.CodeInvalidProfileName)
		x.fail(http.StatusBadRequest, apierr.CodeInvalidProfileName, "invalid profile name: it must match ^[A-Za-z0-9._-]{1,128}$")
		return rt
	}
	req := bridge.Request{}
	if len(body) > 0 {
		var err error
		if req, err = bridge.DecodeRequest(body); err != nil {
			code := apierr.CodeOf(err)
			s.audit(x, rt, http.StatusBadRequest, code)
			x.send(http.StatusBadRequest, apierr.Reply(err, false))
			return rt
		}
	}
	ctx := r.Context()
	switch rt.name {
	case "profiles":
		req = bridge.Request{Action: bridge.ActionGetProfiles, Offset: req.Offset, Limit: req.Limit}
	case "profiles-enrich":
		for _, n := range req.ProfileNames {
			if !ValidProfileName(n) {
				s.audit(x, rt, http.StatusBadRequest, apierr.CodeInvalidProfileName)
				x.fail(http.StatusBadRequest, apierr.CodeInvalidProfileName, "invalid profile name in profileNames: each must match ^[A-Za-z0-9._-]{1,128}$")
				return rt
			}
		}
		req = bridge.Request{Action: bridge.ActionEnrichSSO, ProfileNames: req.ProfileNames, Offset: req.Offset, Limit: req.Limit}
	case "console-url":
		req.Action, req.ProfileName, req.ProfileNames, req.Offset, req.Limit = bridge.ActionOpenProfile, rt.profile, nil, 0, 0
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.OpenTimeout)
		defer cancel()
	}
	// The request's own logger (with its id); the copy shares the bridge's list cache.
	reply, code := s.cfg.Service.WithLog(x.log).Do(ctx, req)
	s.audit(x, rt, http.StatusOK, code)
	x.send(http.StatusOK, reply)
	return rt
}

// audit records one authenticated action (the token id is on x.log). Never the token, the body
// or a URL.
func (s *Server) audit(x *exchange, rt *route, status int, code apierr.Code) {
	ev := logging.Audit(x.log).Str("event", "http.action").Str("route", rt.name).Int("status", status)
	if rt.profile != "" {
		ev = logging.Str(ev, "profile", rt.profile)
	}
	if code != "" {
		ev = ev.Str("code", string(code))
	}
	ev.Msg("authenticated request")
}

// unauthorized counts a failed authentication for the throttle, audits it with its reason and
// answers 401 with the same body whatever the reason.
func (s *Server) unauthorized(x *exchange, rt *route, reason string, now time.Time) {
	s.thr.fail(now)
	logging.Audit(x.log).Str("event", "http.auth_failure").Str("reason", reason).Str("route", rt.name).Int("status", 401).Msg("authentication failed")
	x.hangUp()
	x.send(http.StatusUnauthorized, []byte(unauthorizedBody))
}

// verify returns the id of the presented token's record; ok is false for an unknown token or
// a server without a token store.
func (s *Server) verify(presented string) (id string, ok bool) {
	if s.cfg.Tokens == nil {
		return "", false
	}
	rec, ok := s.cfg.Tokens.Verify(presented)
	return rec.ID, ok
}

// presentedToken reads X-API-Token or Authorization: Bearer (never the query string or a
// cookie). reason is non-empty when no usable token is present: "missing", or "ambiguous" for
// repeated headers or two different tokens.
func presentedToken(r *http.Request) (tok, reason string) {
	xs := r.Header.Values("X-Api-Token")
	as := r.Header.Values("Authorization")
	if len(xs) > 1 || len(as) > 1 {
		return "", "ambiguous"
	}
	var x, bearer string
	if len(xs) == 1 {
		x = strings.TrimSpace(xs[0])
	}
	if len(as) == 1 {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(as[0]), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return "", "not_bearer"
		}
		bearer = strings.TrimSpace(rest)
	}
	switch {
	case x != "" && bearer != "" && x != bearer:
		return "", "ambiguous"
	case x != "":
		return x, ""
	case bearer != "":
		return bearer, ""
	}
	return "", "missing"
}

// readBody enforces JSON-only bodies (415) and the size cap (413). An empty body, with or
// without Content-Type: application/json, is fine: the extension sends none.
func (s *Server) readBody(x *exchange) ([]byte, bool) {
	r := x.r
	cts := r.Header.Values("Content-Type")
	if len(cts) > 1 {
		x.fail(http.StatusUnsupportedMediaType, apierr.CodeUnsupportedMediaType, "send one Content-Type: application/json")
		return nil, false
	}
	if len(cts) == 1 {
		mt, params, err := mime.ParseMediaType(cts[0])
		cs, hasCS := params["charset"]
		if err != nil || mt != "application/json" || (hasCS && !strings.EqualFold(cs, "utf-8")) || len(params) > 1 || (len(params) == 1 && !hasCS) {
			x.fail(http.StatusUnsupportedMediaType, apierr.CodeUnsupportedMediaType, "request bodies must be application/json")
			return nil, false
		}
	}
	if r.ContentLength > s.cfg.MaxBodyBytes {
		x.fail(http.StatusRequestEntityTooLarge, apierr.CodeBodyTooLarge, "request body over "+strconv.FormatInt(s.cfg.MaxBodyBytes, 10)+" bytes")
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(x.w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			x.fail(http.StatusRequestEntityTooLarge, apierr.CodeBodyTooLarge, "request body over "+strconv.FormatInt(s.cfg.MaxBodyBytes, 10)+" bytes")
		} else {
			x.fail(http.StatusBadRequest, apierr.CodeInvalidRequest, "cannot read the request body")
		}
		return nil, false
	}
	if len(body) > 0 && len(cts) == 0 {
		x.fail(http.StatusUnsupportedMediaType, apierr.CodeUnsupportedMediaType, "request bodies must be application/json")
		return nil, false
	}
	return body, true
}

// preflight grants a CORS preflight only to an extension origin, for a method the route takes
// and headers we read; it never grants credentials or private-network access.
func (s *Server) preflight(x *exchange, rt *route) {
	r := x.r
	h := x.w.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	if x.origin == "" {
		x.refuse(http.StatusForbidden, apierr.CodePreflightRefused, "CORS is granted to the extension only", "preflight_origin")
		return
	}
	if rt == nil {
		h.Del("Access-Control-Allow-Origin")
		x.fail(http.StatusNotFound, apierr.CodeNotFound, "not found")
		return
	}
	m := r.Header.Get("Access-Control-Request-Method")
	okHeaders := true
	for _, v := range r.Header.Values("Access-Control-Request-Headers") {
		for _, name := range strings.Split(v, ",") {
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "content-type", "x-api-token", "authorization", "":
			default:
				okHeaders = false
			}
		}
	}
	if !rt.allows(m) || !okHeaders {
		h.Del("Access-Control-Allow-Origin")
		x.refuse(http.StatusForbidden, apierr.CodePreflightRefused, "preflight refused: methods GET, POST; headers content-type, x-api-token, authorization", "preflight")
		return
	}
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "content-type, x-api-token, authorization")
	h.Set("Access-Control-Max-Age", "600")
	x.status = http.StatusNoContent
	x.w.WriteHeader(http.StatusNoContent)
}

// extensionOrigin reports whether o is exactly moz-extension://<uuid> or an allowed
// chrome-extension://<id>.
func (s *Server) extensionOrigin(o string) bool {
	if rest, ok := strings.CutPrefix(o, "moz-extension://"); ok {
		return isUUID(rest)
	}
	return s.chrome[o]
}

// isUUID: 8-4-4-4-12 lower-case hex digits, as Firefox writes an extension's internal UUID.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// regions answers the built-in table: ?partition= or a JSON body {"partition":…}; default aws.
func (s *Server) regions(x *exchange, rt *route, body []byte) {
	part := x.r.URL.Query().Get("partition")
	if len(body) > 0 {
		var b struct {
			Partition string `json:"partition"`
		}
		if _, err := bridge.DecodeRequest(body); err != nil {
			x.send(http.StatusBadRequest, apierr.Reply(err, false))
			return
		}
		if err := json.Unmarshal(body, &b); err != nil {
			x.fail(http.StatusBadRequest, apierr.CodeInvalidRequest, "partition must be a string")
			return
		}
		if b.Partition != "" {
			part = b.Partition
		}
	}
	if part == "" {
		part = "aws"
	}
	list, ok := regionTable()[part]
	if !ok {
		x.fail(http.StatusBadRequest, apierr.CodeInvalidPartition, "unknown partition; use aws, aws-us-gov, aws-cn or aws-eusc")
		return
	}
	s.audit(x, rt, http.StatusOK, "")
	b, _ := json.Marshal(map[string]any{"partition": part, "regions": list})
	x.send(http.StatusOK, b)
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

func safeMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodOptions, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodPatch:
		return m
	}
	return "other"
}
