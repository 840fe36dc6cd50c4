package httpapi

// The security suite: one or more tests per attack class of docs/SECURITY.md, each failing when its
// control is removed.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// --- Host header and DNS rebinding ---

func TestHostAllowList(t *testing.T) {
	e := newTestEnv(t)
	for _, h := range []string{"127.0.0.1", "localhost", "[::1]"} {
		if r := e.do(req{path: "/health", host: e.hostPort(h)}); r.status != 200 {
			t.Errorf("Host %s: status %d", e.hostPort(h), r.status)
		}
		if r := e.do(req{path: "/profiles", host: e.hostPort(h), hdr: tok(goodToken)}); r.status != 200 {
			t.Errorf("Host %s /profiles: status %d", e.hostPort(h), r.status)
		}
	}
	p := strconv.Itoa(e.port)
	rebinding := []string{
		"evil.example:" + p, "evil.example", "127.0.0.1", "localhost", "127.0.0.1:1", "localhost:1",
		"localhost.:" + p, "127.0.0.1.nip.io:" + p, "0.0.0.0:" + p, "127.0.0.2:" + p, "[::ffff:127.0.0.1]:" + p,
		"LOCALHOST:" + p, "127.0.0.1:" + p + ".evil.example", "evil.example:" + p + "@127.0.0.1", "[::1]",
	}
	usesBefore := e.tokens.uses
	for _, h := range rebinding {
		for _, path := range []string{"/health", "/version", "/profiles", "/profiles/prod-admin/console-url"} {
			r := e.do(req{method: "POST", path: path, host: h, hdr: ext(goodToken)})
			if path == "/health" || path == "/version" {
				r = e.do(req{path: path, host: h})
			}
			if r.status != 403 || r.json(t)["code"] != "forbidden_host" {
				t.Errorf("Host %q %s: %d %s, want 403 forbidden_host", h, path, r.status, r.body)
			}
			if r.hdr.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("Host %q: CORS granted", h)
			}
			checkSecurityHeaders(t, r)
		}
	}
	if e.tokens.uses != usesBefore {
		t.Errorf("a refused Host reached the token store")
	}
	if len(e.fake.Requests()) != 0 {
		t.Errorf("a refused Host reached AWS: %v", e.fake.Names())
	}
	// Rebinding requests must not count as failed logins either (they never got that far).
	if e.srv.thr.retryAfter(time.Now()) != 0 || len(e.srv.thr.fails) != 0 {
		t.Errorf("Host refusals counted as auth failures")
	}
}

// TestHostAbsoluteForm: a request line in absolute form names its own host, which wins over the
// Host header; an attacker-named host is refused all the same.
func TestHostAbsoluteFormAndRaw(t *testing.T) {
	e := newTestEnv(t)
	for _, raw := range []string{
		"GET http://evil.example:" + strconv.Itoa(e.port) + "/health HTTP/1.1\r\nHost: " + e.addr + "\r\n\r\n",
		"GET /health HTTP/1.0\r\n\r\n", // no Host at all
		"GET /health HTTP/1.1\r\nHost: \r\n\r\n",
	} {
		status := rawStatus(t, e.addr, raw)
		if status != 403 && status != 400 {
			t.Errorf("%q: status %d, want 403 or 400", raw, status)
		}
	}
	if got := rawStatus(t, e.addr, "GET http://"+e.addr+"/health HTTP/1.1\r\nHost: evil.example\r\n\r\n"); got != 200 {
		t.Errorf("absolute form naming us: %d", got)
	}
}

func rawStatus(t *testing.T, addr, raw string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, raw)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// --- Origin, CSRF and CORS ---

func TestOrigins(t *testing.T) {
	e := newTestEnv(t)
	refused := []string{
		"https://evil.example", "http://evil.example", "null", "http://" + e.addr, "http://localhost:" + strconv.Itoa(e.port),
		"moz-extension://not-a-uuid", mozOrigin + "/", mozOrigin + ".evil.example", "moz-extension://0B7C1A4E-4A8E-4F57-9D6C-1F2E3D4C5B6A",
		"chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba", chromeOrigin + "/", "file://", "https://" + mozOrigin, "",
		"safari-web-extension://0b7c1a4e-4a8e-4f57-9d6c-1f2e3d4c5b6a",
	}
	for _, o := range refused {
		for _, path := range []string{"/health", "/version", "/profiles", "/regions"} {
			h := tok(goodToken)
			h["Origin"] = o
			r := e.do(req{path: path, hdr: h})
			if r.status != 403 || r.json(t)["code"] != "forbidden_origin" {
				t.Errorf("Origin %q %s: %d %s", o, path, r.status, r.body)
			}
			if r.hdr.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("Origin %q: CORS granted", o)
			}
			checkSecurityHeaders(t, r)
		}
	}
	// Two Origin headers: refused.
	hr, _ := http.NewRequest("GET", "http://"+e.addr+"/profiles", nil)
	hr.Header["Origin"] = []string{mozOrigin, mozOrigin2}
	hr.Header.Set("X-API-Token", goodToken)
	if res, err := e.client.Do(hr); err != nil || res.StatusCode != 403 {
		t.Errorf("two origins: %v %v", res, err)
	}

	// Extension origins: granted by echoing exactly that origin.
	for _, o := range []string{mozOrigin, chromeOrigin} {
		h := ext(goodToken)
		h["Origin"] = o
		e.tokens.bound = map[string]string{}
		r := e.do(req{method: "POST", path: "/profiles", hdr: h})
		if r.status != 200 || r.hdr.Get("Access-Control-Allow-Origin") != o || !strings.Contains(strings.Join(r.hdr.Values("Vary"), ","), "Origin") {
			t.Errorf("origin %s: %d ACAO=%q Vary=%q", o, r.status, r.hdr.Get("Access-Control-Allow-Origin"), r.hdr.Values("Vary"))
		}
		checkSecurityHeaders(t, r)
	}
	// No Origin (curl, scripts): fine, and no CORS header.
	if r := e.do(req{path: "/profiles", hdr: tok(goodToken)}); r.status != 200 || r.hdr.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no origin: %d %v", r.status, r.hdr)
	}
}

// TestFetchMetadata: a cross-site browser request with no extension origin (an <img>, a form
// navigation) is refused even before the token.
func TestFetchMetadata(t *testing.T) {
	e := newTestEnv(t)
	for _, site := range []string{"cross-site", "same-site", "weird"} {
		h := tok(goodToken)
		h["Sec-Fetch-Site"] = site
		r := e.do(req{path: "/profiles", hdr: h})
		if r.status != 403 {
			t.Errorf("Sec-Fetch-Site %s without Origin: %d", site, r.status)
		}
		if r := e.do(req{path: "/health", hdr: map[string]string{"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}}); r.status != 403 {
			t.Errorf("image load of /health from a page: %d", r.status)
		}
	}
	// Typed into the address bar: Sec-Fetch-Site none; such a request carries no token header.
	if r := e.do(req{path: "/health", hdr: map[string]string{"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}}); r.status != 200 {
		t.Errorf("Sec-Fetch-Site none, /health: %d", r.status)
	}
	h := tok(goodToken)
	// The extension: cross-site with its origin.
	if r := e.do(req{method: "POST", path: "/profiles", hdr: ext(goodToken)}); r.status != 200 {
		t.Errorf("extension: %d", r.status)
	}
	// An extension with host permission for 127.0.0.1 GETs without an Origin (measured: Firefox
	// ESR 153 sends Sec-Fetch-Site same-origin, Chromium 156 none). The binding cannot be checked,
	// so another extension holding a stolen token must not read profiles that way; /regions stays
	// open.
	for _, site := range []string{"same-origin", "none"} {
		for _, path := range []string{"/profiles", "/profiles/enrich", "/v1/profiles"} {
			h := tok(goodToken)
			h["Sec-Fetch-Site"] = site
			h["Sec-Fetch-Mode"] = "cors"
			if r := e.do(req{path: path, hdr: h}); r.status != 403 || strings.Contains(string(r.body), "profiles\":[") {
				t.Errorf("GET %s from a browser without Origin (Sec-Fetch-Site %s): %d %s", path, site, r.status, r.body)
			}
		}
		h = tok(goodToken)
		h["Sec-Fetch-Site"] = site
		if r := e.do(req{path: "/regions", hdr: h}); r.status != 200 {
			t.Errorf("GET /regions from the extension without Origin (Sec-Fetch-Site %s): %d", site, r.status)
		}
	}
	_ = h
}

func TestTokenBoundToFirstOrigin(t *testing.T) {
	e := newTestEnv(t)
	if r := e.do(req{method: "POST", path: "/profiles", hdr: ext(goodToken)}); r.status != 200 {
		t.Fatalf("first use: %d %s", r.status, r.body)
	}
	h := ext(goodToken)
	h["Origin"] = mozOrigin2
	r := e.do(req{method: "POST", path: "/profiles", hdr: h})
	if r.status != 403 || r.json(t)["code"] != "origin_mismatch" || strings.Contains(string(r.body), "profiles\":[") {
		t.Fatalf("other extension with a bound token: %d %s", r.status, r.body)
	}
	// Another token is still free to bind to the other extension.
	h["X-API-Token"] = otherToken
	if r := e.do(req{method: "POST", path: "/profiles", hdr: h}); r.status != 200 {
		t.Errorf("other token, other origin: %d", r.status)
	}
	// A store that cannot record the binding fails closed.
	e.tokens.useErr = errors.New("disk full")
	if r := e.do(req{method: "POST", path: "/profiles", hdr: ext(goodToken)}); r.status != 500 {
		t.Errorf("Use error: %d", r.status)
	}
}

// extPreflight is exactly what Firefox sends before the extension's POST.
func extPreflight(path string) req {
	return req{method: "OPTIONS", path: path, hdr: map[string]string{
		"Origin": mozOrigin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-api-token",
		"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty",
	}}
}

func TestPreflights(t *testing.T) {
	e := newTestEnv(t)
	for _, path := range []string{"/profiles", "/profiles/enrich", "/profiles/prod-admin/console-url", "/v1/profiles", "/regions"} {
		r := e.do(extPreflight(path))
		if r.status != 204 || r.hdr.Get("Access-Control-Allow-Origin") != mozOrigin {
			t.Errorf("%s: %d ACAO=%q", path, r.status, r.hdr.Get("Access-Control-Allow-Origin"))
		}
		if m := r.hdr.Get("Access-Control-Allow-Methods"); m != "GET, POST" {
			t.Errorf("methods %q", m)
		}
		if h := r.hdr.Get("Access-Control-Allow-Headers"); h != "content-type, x-api-token, authorization" {
			t.Errorf("headers %q", h)
		}
		if !strings.Contains(strings.Join(r.hdr.Values("Vary"), ","), "Origin") {
			t.Errorf("Vary %q", r.hdr.Values("Vary"))
		}
		checkSecurityHeaders(t, r)
	}
	// Refused: web, null, other extension, missing origin, bad method, bad header.
	bad := []func(r *req){
		func(r *req) { r.hdr["Origin"] = "https://evil.example" },
		func(r *req) { r.hdr["Origin"] = "null" },
		func(r *req) { r.hdr["Origin"] = "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba" },
		func(r *req) { delete(r.hdr, "Origin") },
		func(r *req) { delete(r.hdr, "Origin"); delete(r.hdr, "Sec-Fetch-Site") }, // curl-style OPTIONS
		func(r *req) { r.hdr["Access-Control-Request-Method"] = "PUT" },
		func(r *req) { r.hdr["Access-Control-Request-Method"] = "DELETE" },
		func(r *req) { r.hdr["Access-Control-Request-Headers"] = "content-type,x-api-token,x-evil" },
		func(r *req) { r.hdr["Access-Control-Request-Headers"] = "cookie" },
	}
	for i, m := range bad {
		rq := extPreflight("/profiles")
		m(&rq)
		r := e.do(rq)
		if r.status != 403 || r.hdr.Get("Access-Control-Allow-Origin") != "" || r.hdr.Get("Access-Control-Allow-Methods") != "" {
			t.Errorf("bad preflight %d: %d %v", i, r.status, r.hdr)
		}
	}
	// GET-only route: a POST preflight is refused (console-url is POST-only the other way round).
	rq := extPreflight("/health")
	if r := e.do(rq); r.status != 403 {
		t.Errorf("POST preflight on /health: %d", r.status)
	}
	// Chrome's Private Network Access preflight is never granted.
	rq = extPreflight("/profiles")
	rq.hdr["Access-Control-Request-Private-Network"] = "true"
	if r := e.do(rq); r.hdr.Get("Access-Control-Allow-Private-Network") != "" {
		t.Errorf("private network granted")
	}
	// A granted preflight proves nothing: the POST after it still needs a token...
	h := ext("")
	delete(h, "X-API-Token")
	if r := e.do(req{method: "POST", path: "/profiles", hdr: h}); r.status != 401 {
		t.Errorf("POST without token after preflight: %d", r.status)
	}
	// ...and the origin binding.
	e.do(req{method: "POST", path: "/profiles", hdr: ext(goodToken)})
	pf := extPreflight("/profiles")
	pf.hdr["Origin"] = mozOrigin2
	if r := e.do(pf); r.status != 204 {
		t.Fatalf("preflight of the second extension: %d", r.status)
	}
	h = ext(goodToken)
	h["Origin"] = mozOrigin2
	if r := e.do(req{method: "POST", path: "/profiles", hdr: h}); r.status != 403 {
		t.Errorf("second extension with a bound token after a granted preflight: %d", r.status)
	}
}

// TestSimpleRequestCSRF: a web page can POST text/plain, form and multipart bodies without a
// preflight. Without a token they get 401; even with one, anything but JSON is 415, and nothing
// reaches AWS.
func TestSimpleRequestCSRF(t *testing.T) {
	e := newTestEnv(t)
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
		"application/json; charset=latin1", "application/json-patch+json", "application/jsonx", "text/json", "application/json, text/plain"} {
		body := `{"destination":"s3"}`
		r := e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: map[string]string{"Content-Type": ct}, body: body})
		if r.status != 401 {
			t.Errorf("%s without token: %d", ct, r.status)
		}
		h := tok(goodToken)
		h["Content-Type"] = ct
		r = e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: body})
		if r.status != 415 || r.json(t)["code"] != "unsupported_media_type" {
			t.Errorf("%s with token: %d %s", ct, r.status, r.body)
		}
		checkSecurityHeaders(t, r)
	}
	// A body with no Content-Type at all.
	if r := e.do(req{method: "POST", path: "/profiles", hdr: tok(goodToken), body: "{}"}); r.status != 415 {
		t.Errorf("body without Content-Type: %d", r.status)
	}
	// Two Content-Type headers.
	hr, _ := http.NewRequest("POST", "http://"+e.addr+"/profiles", strings.NewReader("{}"))
	hr.Header["Content-Type"] = []string{"application/json", "text/plain"}
	hr.Header.Set("X-API-Token", goodToken)
	if res, err := e.client.Do(hr); err != nil || res.StatusCode != 415 {
		t.Errorf("two content types: %v %v", res, err)
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("CSRF bodies reached AWS: %v", e.fake.Names())
	}
	// application/json (with or without charset=utf-8) is fine, as is an empty body.
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON"} {
		h := tok(goodToken)
		h["Content-Type"] = ct
		if r := e.do(req{method: "POST", path: "/profiles", hdr: h, body: "{}"}); r.status != 200 {
			t.Errorf("%s: %d %s", ct, r.status, r.body)
		}
	}
	// Secrets never on GET: console-url is POST only.
	if r := e.do(req{path: "/profiles/prod-admin/console-url", hdr: tok(goodToken)}); r.status != 405 || r.hdr.Get("Allow") != "POST" {
		t.Errorf("GET console-url: %d Allow=%q", r.status, r.hdr.Get("Allow"))
	}
	for _, m := range []string{"PUT", "DELETE", "PATCH", "HEAD", "TRACE"} {
		if r := e.do(req{method: m, path: "/profiles", hdr: tok(goodToken)}); r.status != 405 {
			t.Errorf("%s /profiles: %d", m, r.status)
		}
	}
}

// --- Authentication ---

func TestTokenPlacement(t *testing.T) {
	e := newTestEnv(t)
	missing := e.do(req{path: "/profiles"})
	wrong := e.do(req{path: "/profiles", hdr: tok(otherToken + "x")})
	for _, r := range []resp{missing, wrong} {
		if r.status != 401 || string(r.body) != unauthorizedBody {
			t.Errorf("401: %d %s", r.status, r.body)
		}
		checkSecurityHeaders(t, r)
	}
	// Identical apart from the request id.
	strip := func(h http.Header) http.Header {
		h = h.Clone()
		h.Del("X-Request-ID")
		h.Del("Date")
		return h
	}
	if fmt.Sprint(strip(missing.hdr)) != fmt.Sprint(strip(wrong.hdr)) {
		t.Errorf("missing and wrong token differ:\n%v\n%v", missing.hdr, wrong.hdr)
	}
	ignored := []req{
		{path: "/profiles?token=" + goodToken},
		{path: "/profiles?api_token=" + goodToken},
		{path: "/profiles?X-API-Token=" + goodToken},
		{path: "/profiles?access_token=" + goodToken},
		{path: "/profiles", hdr: map[string]string{"Cookie": "token=" + goodToken + "; api_token=" + goodToken + "; X-API-Token=" + goodToken}},
		{path: "/profiles", hdr: map[string]string{"Authorization": "Basic " + goodToken}},
		{path: "/profiles", hdr: map[string]string{"Authorization": goodToken}},
		{path: "/profiles", hdr: map[string]string{"X-API-Token": goodToken, "Authorization": "Bearer " + otherToken}},
		{path: "/profiles", hdr: map[string]string{"X-API-Token": " "}},
		{method: "POST", path: "/profiles", hdr: map[string]string{"Content-Type": "application/json"}, body: `{"token":"` + goodToken + `","api_token":"` + goodToken + `"}`},
	}
	for _, rq := range ignored {
		if r := e.do(rq); r.status != 401 && r.status != 429 || r.status == 401 && string(r.body) != unauthorizedBody {
			t.Errorf("%v: %d %s", rq, r.status, r.body)
		}
		e.srv.thr = newThrottle(DefaultFailLimit, DefaultFailWindow)
	}
	// Accepted: X-API-Token, Authorization: Bearer (any case), or both when equal.
	for _, h := range []map[string]string{
		{"X-API-Token": goodToken},
		{"Authorization": "Bearer " + goodToken},
		{"Authorization": "bearer " + goodToken},
		{"X-API-Token": goodToken, "Authorization": "Bearer " + goodToken},
	} {
		if r := e.do(req{path: "/profiles", hdr: h}); r.status != 200 {
			t.Errorf("%v: %d", h, r.status)
		}
	}
	// /health and /version need none.
	for _, p := range []string{"/health", "/version", "/v1/health", "/v1/version"} {
		if r := e.do(req{path: p}); r.status != 200 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	// Every other route does, under /v1/ too.
	for _, p := range []string{"/profiles", "/profiles/enrich", "/regions", "/v1/profiles", "/v1/profiles/enrich", "/v1/regions"} {
		if r := e.do(req{path: p}); r.status != 401 {
			t.Errorf("%s without token: %d", p, r.status)
		}
		e.srv.thr = newThrottle(DefaultFailLimit, DefaultFailWindow)
	}
	for _, p := range []string{"/profiles/prod-admin/console-url", "/v1/profiles/prod-admin/console-url"} {
		if r := e.do(req{method: "POST", path: p}); r.status != 401 {
			t.Errorf("%s without token: %d", p, r.status)
		}
	}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestBruteForceThrottled(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e := newTestEnv(t, func(c *Config) { c.Now = clk.now })
	for i := 0; i < 10; i++ {
		if r := e.do(req{path: "/profiles", hdr: tok(fmt.Sprintf("awspc_guess%02d", i))}); r.status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.status)
		}
		clk.add(time.Second)
	}
	r := e.do(req{path: "/profiles", hdr: tok("awspc_guess11")})
	ra, _ := strconv.Atoi(r.hdr.Get("Retry-After"))
	if r.status != 429 || ra < 1 || ra > 60 || r.json(t)["code"] != "rate_limited" {
		t.Fatalf("11th attempt: %d Retry-After=%q %s", r.status, r.hdr.Get("Retry-After"), r.body)
	}
	checkSecurityHeaders(t, r)
	// Only failures are slowed: any local process can send bad tokens, and must not lock the
	// extension out. A right token (about 190 bits) is served while failures are throttled.
	if r := e.do(req{path: "/profiles", hdr: tok(goodToken)}); r.status != 200 {
		t.Errorf("right token while throttled: %d", r.status)
	}
	if r := e.do(req{method: "POST", path: "/profiles", hdr: ext(goodToken)}); r.status != 200 || r.hdr.Get("Access-Control-Allow-Origin") != mozOrigin {
		t.Errorf("extension while throttled: %d %v", r.status, r.hdr)
	}
	// The extension can read a 429 (its origin is echoed).
	if r := e.do(req{method: "POST", path: "/profiles", hdr: ext("awspc_guess12")}); r.status != 429 || r.hdr.Get("Access-Control-Allow-Origin") != mozOrigin {
		t.Errorf("extension with a wrong token while throttled: %d %v", r.status, r.hdr)
	}
	// Unauthenticated routes still answer.
	if r := e.do(req{path: "/health"}); r.status != 200 {
		t.Errorf("health while throttled: %d", r.status)
	}
	// After Retry-After a wrong token is answered 401 again, not 429.
	clk.add(time.Duration(ra) * time.Second)
	if r := e.do(req{path: "/profiles", hdr: tok("awspc_guess13")}); r.status != 401 {
		t.Errorf("after Retry-After: %d", r.status)
	}
	// Audit lines for each failure and the throttling, with no token in them.
	var fails, throttled int
	for _, l := range e.log.lines(t) {
		if l["event"] == "http.auth_failure" {
			fails++
			if l["reason"] == "throttled" {
				throttled++
			}
		}
	}
	if fails < 13 || throttled < 2 {
		t.Errorf("audit: %d failures, %d throttled", fails, throttled)
	}
}

func TestThrottleWindow(t *testing.T) {
	th := newThrottle(3, time.Minute)
	t0 := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if th.retryAfter(t0) != 0 {
			t.Fatalf("blocked after %d", i)
		}
		th.fail(t0.Add(time.Duration(i) * 10 * time.Second))
	}
	if d := th.retryAfter(t0.Add(25 * time.Second)); d != 35*time.Second {
		t.Errorf("retry after %v", d)
	}
	if d := th.retryAfter(t0.Add(61 * time.Second)); d != 0 {
		t.Errorf("still blocked after the window: %v", d)
	}
}

// --- Input validation ---

func TestProfileNamesInPaths(t *testing.T) {
	e := newTestEnv(t)
	bad := []string{
		"..", ".", "..%2F..%2Fetc%2Fpasswd", "a%2Fb", "a%5Cb", "%2E%2E", "%2e%2e%2f", "prod%00admin", "prod%0Aadmin", "prod%0D%0Aadmin",
		"prod%20admin", "prod%09admin", "pr%C3%B8d", "prod%252Fadmin", "a;b", "a%3Bb", "%7Eroot", "a:b", "a%3Ab",
		strings.Repeat("a", 129), "", "a%", "a%zz", "prod'admin", "prod%22admin", "a%25",
	}
	for _, n := range bad {
		p := "/profiles/" + n + "/console-url"
		hr, err := http.NewRequest("POST", "http://"+e.addr+p, nil)
		if err != nil {
			// a path Go itself refuses to send: fine, the server never sees it
			continue
		}
		hr.Header.Set("X-API-Token", goodToken)
		res, err := e.client.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 400 && res.StatusCode != 404 {
			t.Errorf("name %q: %d %s", n, res.StatusCode, b)
		}
		if res.StatusCode == 400 && !strings.Contains(string(b), "invalid_profile_name") && !strings.Contains(string(b), "Bad Request") {
			t.Errorf("name %q: %s", n, b)
		}
	}
	// Raw traversal in the path never routes anywhere but a 400/404.
	for _, raw := range []string{"/profiles/../../etc/passwd/console-url", "/profiles/a/b/console-url", "/profiles//console-url", "/profiles/./console-url"} {
		status := rawStatus(t, e.addr, "POST "+raw+" HTTP/1.1\r\nHost: "+e.addr+"\r\nX-API-Token: "+goodToken+"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		if status != 400 && status != 404 {
			t.Errorf("%s: %d", raw, status)
		}
	}
	if len(e.fake.Requests()) != 0 {
		t.Errorf("bad names reached AWS: %v", e.fake.Names())
	}
	// 128 characters: valid shape, no such profile → the bridge's error, HTTP 200.
	r := e.do(req{method: "POST", path: "/profiles/" + strings.Repeat("a", 128) + "/console-url", hdr: ext(goodToken)})
	if r.status != 200 || r.json(t)["code"] != "profile_not_found" {
		t.Errorf("128 chars: %d %s", r.status, r.body)
	}
	// profileNames in an enrich body are held to the same pattern.
	h := tok(goodToken)
	h["Content-Type"] = "application/json"
	if r := e.do(req{method: "POST", path: "/profiles/enrich", hdr: h, body: `{"profileNames":["../x"]}`}); r.status != 400 {
		t.Errorf("enrich with a bad name: %d", r.status)
	}
	if !ValidProfileName("prod-admin.v2_x") || ValidProfileName("prod/admin") || ValidProfileName("..") {
		t.Error("ValidProfileName")
	}
}

func TestOpenRedirectsThroughDestination(t *testing.T) {
	e := newTestEnv(t)
	h := ext(goodToken)
	for _, d := range []string{
		"https://evil.example/", "http://console.aws.amazon.com/", "https://console.aws.amazon.com.evil.example/",
		"https://evil.example@console.aws.amazon.com/", "https://console.aws.amazon.com@evil.example/", "//evil.example/x",
		"javascript:alert(1)", "https://console.amazonaws.cn/", "https://console.aws.amazon.com:8443/", "/\\evil.example",
		"https://signin.aws.amazon.com/oauth?redirect_uri=https://evil.example",
	} {
		body := fmt.Sprintf(`{"destination":%q}`, d)
		r := e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: body})
		m := r.json(t)
		if r.status != 200 || m["action"] != "error" || m["code"] != "invalid_destination" {
			t.Errorf("destination %q: %d %s", d, r.status, r.body)
		}
	}
	if n := len(e.fake.Find("getSigninToken")); n != 0 {
		t.Errorf("%d sign-in tokens issued for refused destinations", n)
	}
	// An allowed one goes through.
	r := e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: `{"destination":"https://eu-west-1.console.aws.amazon.com/ec2/home"}`})
	if m := r.json(t); m["action"] != "consoleUrl" {
		t.Errorf("allowed destination: %s", r.body)
	}
}

func TestDurationBounds(t *testing.T) {
	e := newTestEnv(t)
	h := ext(goodToken)
	for body, want := range map[string]string{
		`{"sessionDuration":-1}`:                  "invalid_duration",
		`{"sessionDuration":43201}`:               "invalid_duration",
		`{"sessionDuration":1000000000000}`:       "invalid_duration",
		`{"sessionDuration":9223372036854775807}`: "invalid_duration",
	} {
		r := e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: body})
		if m := r.json(t); r.status != 200 || m["code"] != want {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	for _, body := range []string{`{"sessionDuration":"3600"}`, `{"sessionDuration":3600.5}`, `{"sessionDuration":1e400}`, `{"sessionDuration":true}`, `{"sessionDuration":99999999999999999999}`} {
		r := e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: body})
		if m := r.json(t); r.status != 400 || m["action"] != "error" {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("bad durations reached AWS: %v", e.fake.Names())
	}
	r := e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: `{"sessionDuration":7200}`})
	if m := r.json(t); m["action"] != "consoleUrl" || m["sessionDuration"] != float64(7200) {
		t.Errorf("7200: %s", r.body)
	}
}

func TestJSONStrictness(t *testing.T) {
	e := newTestEnv(t)
	h := ext(goodToken)
	for _, body := range []string{
		`[]`, `[{"region":"eu-west-1"}]`, `"x"`, `1`, `true`, `null`, `{} {}`, `{"region":"eu-west-1"}x`, `{"region":"eu-west-1"}]`,
		"{\"region\":\"\xff\"}", "{\"mfaCode\":\"\xc3\x28\"}", `{`, `{"region":1}`, `{"logoutFirst":"yes"}`, `{"mfaCode":123456}`,
		`{"region":"eu-west-1",}`, "\xef\xbb\xbf{}", `{'region':'x'}`,
	} {
		for _, path := range []string{"/profiles/prod-admin/console-url", "/profiles", "/profiles/enrich"} {
			r := e.do(req{method: "POST", path: path, hdr: h, body: body})
			m := r.json(t)
			if r.status != 400 || m["action"] != "error" || (m["code"] != "invalid_json" && m["code"] != "invalid_request") {
				t.Errorf("%s %q: %d %s", path, body, r.status, r.body)
			}
		}
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("malformed bodies reached AWS: %v", e.fake.Names())
	}
	// Unknown keys are ignored; path beats a profileName or action in the body.
	r := e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: `{"action":"getProfiles","profileName":"website","extra":[1,2]}`})
	if m := r.json(t); m["action"] != "consoleUrl" || m["profileName"] != "prod-admin" {
		t.Errorf("body cannot redirect the action: %s", r.body)
	}
}

// --- Resource exhaustion ---

func TestBodyCap(t *testing.T) {
	e := newTestEnv(t)
	h := ext(goodToken)
	big := `{"region":"` + strings.Repeat("a", 16<<10) + `"}`
	r := e.do(req{method: "POST", path: "/profiles", hdr: h, body: big})
	if r.status != 413 || r.json(t)["code"] != "body_too_large" {
		t.Errorf("16 KiB+: %d %s", r.status, r.body)
	}
	checkSecurityHeaders(t, r)
	// Exactly at the cap: accepted.
	pad := `{"limit":0}`
	exact := pad + strings.Repeat(" ", 16<<10-len(pad))
	if r := e.do(req{method: "POST", path: "/profiles", hdr: h, body: exact}); r.status != 200 {
		t.Errorf("16 KiB exactly: %d %s", r.status, r.body)
	}
	// Chunked, no Content-Length: the reader stops at the cap.
	pr, pw := io.Pipe()
	go func() {
		chunk := []byte(strings.Repeat(" ", 4096))
		pw.Write([]byte("{"))
		for i := 0; i < 64; i++ {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	hr, _ := http.NewRequest("POST", "http://"+e.addr+"/profiles", pr)
	for k, v := range h {
		hr.Header.Set(k, v)
	}
	res, err := e.client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	pr.Close()
	if res.StatusCode != 413 {
		t.Errorf("chunked 256 KiB: %d", res.StatusCode)
	}
}

// TestHeaderCapIsTheDocumentedOne: Go's server allows MaxHeaderBytes plus 4 KiB of slack; the
// documented 8 KiB (request line and headers) is the limit a client really meets.
func TestHeaderCapIsTheDocumentedOne(t *testing.T) {
	e := newTestEnv(t)
	send := func(total int) int {
		t.Helper()
		c, err := net.Dial("tcp", e.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		head := "GET /health HTTP/1.1\r\nHost: " + e.addr + "\r\nX-Padding: "
		pad := total - len(head) - len("\r\n\r\n")
		io.WriteString(c, head+strings.Repeat("a", pad)+"\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%d bytes of header: %v", total, err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := send(DefaultMaxHeaderBytes - 64); got != 200 {
		t.Errorf("headers just under 8 KiB: %d", got)
	}
	if got := send(DefaultMaxHeaderBytes + 64); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("headers just over 8 KiB: %d, want 431", got)
	}
}

// TestRefusedRequestClosesWithoutReadingTheBody: a request refused before its body is read (a
// wrong token here) must free its connection at once, not wait for a slow body until ReadTimeout:
// otherwise a few dozen such connections hold every slot.
func TestRefusedRequestClosesWithoutReadingTheBody(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.ReadTimeout = time.Hour })
	c, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /profiles HTTP/1.1\r\nHost: "+e.addr+"\r\nX-API-Token: awspc_wrong\r\n"+
		"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":")
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("status %d", res.StatusCode)
	}
	// The server must now close the connection without waiting for the other 994 bytes.
	if _, err := io.Copy(io.Discard, br); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("the server kept the connection of a refused request open, waiting for its body")
		}
	}
}

func TestHeaderCap(t *testing.T) {
	e := newTestEnv(t)
	h := tok(goodToken)
	h["X-Padding"] = strings.Repeat("a", 64<<10)
	hr, _ := http.NewRequest("GET", "http://"+e.addr+"/health", nil)
	for k, v := range h {
		hr.Header.Set(k, v)
	}
	res, err := e.client.Do(hr)
	if err == nil {
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("64 KiB header: %d", res.StatusCode)
		}
	}
}

// TestSlowloris: a client that never finishes its headers is cut off after ReadHeaderTimeout.
func TestSlowloris(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.ReadHeaderTimeout = 300 * time.Millisecond })
	c, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /health HTTP/1.1\r\nHost: "+e.addr+"\r\nX-Slow: a")
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	for {
		_, err := c.Read(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the server kept a half-sent request open for 5 s")
			}
			break
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("closed after %v", d)
	}
}

// TestConnectionCap: with MaxConns open connections, the next one waits until one closes.
func TestConnectionCap(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxConns = 4; c.ReadHeaderTimeout = 20 * time.Second })
	var idle []net.Conn
	for i := 0; i < 4; i++ {
		c, err := net.Dial("tcp", e.addr)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	time.Sleep(100 * time.Millisecond)
	fast := &http.Client{Timeout: 700 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	if res, err := fast.Get("http://" + e.addr + "/health"); err == nil {
		res.Body.Close()
		t.Fatalf("a 5th connection was served while 4 were open: %d", res.StatusCode)
	}
	idle[0].Close()
	fast.Timeout = 5 * time.Second
	res, err := fast.Get("http://" + e.addr + "/health")
	if err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	res.Body.Close()
	for _, c := range idle[1:] {
		c.Close()
	}
}

// --- Deployment ---

func TestListenAddress(t *testing.T) {
	ok := map[string]string{
		"": "127.0.0.1:10999", "127.0.0.1": "127.0.0.1:10999", "::1": "[::1]:10999", "[::1]": "[::1]:10999",
		"127.0.0.1:8080": "127.0.0.1:8080", "[::1]:8080": "[::1]:8080",
	}
	for in, want := range ok {
		if got, err := ListenAddress(in, 10999); err != nil || got != want {
			t.Errorf("ListenAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"0.0.0.0", "::", "[::]", "0.0.0.0:10999", ":10999", "localhost", "localhost:10999", "example.com",
		"127.0.0.2", "127.1", "0x7f000001", "2130706433", "::ffff:127.0.0.1", "[::ffff:127.0.0.1]", "127.0.0.1 ", " 127.0.0.1",
		"127.0.0.1:0", "127.0.0.1:99999", "127.0.0.1:+80", "127.0.0.1:080", "192.168.1.10", "[fe80::1%lo]", "127.0.0.1%lo", "unix:/tmp/x"} {
		if got, err := ListenAddress(in, 10999); err == nil {
			t.Errorf("ListenAddress(%q) = %q, want refusal", in, got)
		}
	}
	if _, err := ListenAddress("127.0.0.1", 0); err == nil {
		t.Error("port 0 accepted")
	}
}

// TestCanarySweep runs successes and failures of every route with canary secrets in tokens,
// headers, bodies and the credentials file, then checks no log line holds any of them, and that
// every response's request id is in the log.
func TestCanarySweep(t *testing.T) {
	e := newTestEnv(t)
	const bodyCanary = "CanaryBodyValue7f3a9"
	const bearerCanary = "awspc_CanaryBearerCanaryBearerCanaryBearerCan_999999"
	var ids []string
	var signinURL string
	run := func(rq req) resp {
		r := e.do(rq)
		ids = append(ids, r.hdr.Get("X-Request-ID"))
		return r
	}
	h := ext(goodToken)
	r := run(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: `{"destination":"s3","mfaCode":"` + bodyCanary + `"}`})
	if m := r.json(t); m["action"] == "consoleUrl" {
		signinURL, _ = m["url"].(string)
	} else {
		t.Fatalf("sign-in failed: %s", r.body)
	}
	run(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: `{"destination":"https://evil.example/` + bodyCanary + `"}`})
	// (Not in region: the console core's invalid_region message quotes the value, which is not a
	// secret, and the bridge logs that message.)
	run(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: `{"region":"bogus","mfaCode":"` + bodyCanary + `"}`})
	run(req{method: "POST", path: "/profiles", hdr: h, body: `{"x":"` + bodyCanary + `"`})
	run(req{method: "POST", path: "/profiles/enrich", hdr: h})
	run(req{path: "/regions", hdr: h})
	run(req{path: "/profiles", hdr: map[string]string{"Authorization": "Bearer " + bearerCanary}})
	run(req{path: "/profiles", hdr: map[string]string{"X-API-Token": bearerCanary, "Cookie": "t=" + bodyCanary}})
	run(req{path: "/profiles?token=" + bearerCanary})
	run(req{path: "/health", host: "evil.example", hdr: map[string]string{"X-API-Token": bearerCanary}})
	h2 := ext(goodToken)
	h2["Origin"] = mozOrigin2
	run(req{method: "POST", path: "/profiles", hdr: h2})
	run(req{method: "POST", path: "/profiles", hdr: map[string]string{"X-API-Token": goodToken, "Content-Type": "text/plain"}, body: bodyCanary})

	logText := e.log.String()
	secrets := []string{goodToken, otherToken, bearerCanary, bodyCanary, canarySecret, canaryAccessKey, "SigninToken", "Authorization"}
	if signinURL == "" {
		t.Fatal("no sign-in URL to look for")
	}
	u, _ := url.Parse(signinURL)
	secrets = append(secrets, signinURL, u.Query().Get("SigninToken"))
	for _, s := range secrets {
		if s != "" && strings.Contains(logText, s) {
			t.Errorf("log holds a secret %q", s)
		}
	}
	for _, id := range ids {
		if !strings.Contains(logText, `"request_id":"`+id+`"`) {
			t.Errorf("request id %s not in the log", id)
		}
	}
	// Audit lines: every authenticated action and every refusal.
	events := map[string]int{}
	for _, l := range e.log.lines(t) {
		if l["audit"] == true {
			events[fmt.Sprint(l["event"])]++
		}
	}
	if events["http.action"] < 4 || events["http.auth_failure"] < 3 || events["http.refused"] < 2 {
		t.Errorf("audit events: %v", events)
	}
}

func TestHealthAndVersionRevealNothing(t *testing.T) {
	e := newTestEnv(t)
	r := e.do(req{path: "/health"})
	m := r.json(t)
	if len(m) != 3 || m["status"] != "healthy" || m["version"] != "1.2.3-test" {
		t.Errorf("health: %s", r.body)
	}
	if _, ok := m["uptime_seconds"].(float64); !ok {
		t.Errorf("uptime: %s", r.body)
	}
	for _, p := range []string{"/health", "/version", "/v1/version"} {
		b := string(e.do(req{path: p}).body)
		for _, leak := range []string{e.home, ".aws", "prod-admin", "website", "10999", "config"} {
			if strings.Contains(b, leak) {
				t.Errorf("%s reveals %q: %s", p, leak, b)
			}
		}
	}
	v := e.do(req{path: "/v1/version"}).json(t)
	if v["api_protocol"] != "1" || v["protocol"] != "1" || v["version"] != "1.2.3-test" || v["commit"] != "abc123" || v["date"] != "2025-02-03T04:05:06Z" || v["api_version"] == nil {
		t.Errorf("version: %v", v)
	}
}

func TestNotFound(t *testing.T) {
	e := newTestEnv(t)
	for _, p := range []string{"/", "/v1", "/v1/", "/v2/profiles", "/profiles/", "/profiles/x", "/docs", "/openapi.json", "/v1/v1/profiles", "/HEALTH"} {
		r := e.do(req{path: p, hdr: tok(goodToken)})
		if r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
		checkSecurityHeaders(t, r)
	}
	// OPTIONS * goes through the guards, not net/http's own handler.
	if got := rawStatus(t, e.addr, "OPTIONS * HTTP/1.1\r\nHost: evil.example\r\n\r\n"); got != 403 {
		t.Errorf("OPTIONS * with a foreign Host: %d", got)
	}
}
