package httpapi

// Compatibility: the extension's exact requests (measured in Firefox ESR 153), replayed, and its
// type guards applied to what comes back.

import (
	"net/http"
	"strings"
	"testing"
)

// extensionCall is what the extension does for a POST: the preflight, then (only if granted) the
// request with its token, JSON content type and no body.
func (e *testEnv) extensionCall(t *testing.T, host, path, token string) resp {
	t.Helper()
	pf := extPreflight(path)
	pf.host = host
	r := e.do(pf)
	if r.status != 204 || r.hdr.Get("Access-Control-Allow-Origin") != mozOrigin {
		t.Fatalf("preflight %s: %d %v", path, r.status, r.hdr)
	}
	return e.do(req{method: "POST", path: path, host: host, hdr: ext(token)})
}

func isString(v any) bool { _, ok := v.(string); return ok }
func isBool(v any) bool   { _, ok := v.(bool); return ok }

// profileListGuard is the extension's guard plus the keys its UI reads.
func profileListGuard(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	if m["action"] != "profileList" {
		t.Fatalf("action %v", m["action"])
	}
	arr, ok := m["profiles"].([]any)
	if !ok {
		t.Fatalf("profiles is not an array: %v", m)
	}
	var out []map[string]any
	for _, v := range arr {
		p := v.(map[string]any)
		if !isString(p["name"]) || !isBool(p["has_credentials"]) || !isBool(p["expired"]) || !isBool(p["is_sso"]) || !isString(p["color"]) || !isString(p["icon"]) {
			t.Errorf("profile shape: %v", p)
		}
		if exp, ok := p["expiration"]; !ok || (exp != nil && !isString(exp)) {
			t.Errorf("expiration: %v", p)
		}
		out = append(out, p)
	}
	return out
}

func TestCompatExtensionFlow(t *testing.T) {
	e := newTestEnv(t)
	for _, host := range []string{e.hostPort("127.0.0.1"), e.hostPort("localhost")} {
		// getProfiles
		r := e.extensionCall(t, host, "/profiles", goodToken)
		if r.status != 200 || r.hdr.Get("Access-Control-Allow-Origin") != mozOrigin {
			t.Fatalf("profiles: %d %v", r.status, r.hdr)
		}
		list := profileListGuard(t, r.json(t))
		names := map[string]map[string]any{}
		for _, p := range list {
			names[p["name"].(string)] = p
		}
		for _, n := range []string{"default", "prod-admin", "dev-sso", "website", "team.prod_1", "base"} {
			if names[n] == nil {
				t.Errorf("profile %s missing", n)
			}
		}
		if p := names["prod-admin"]; p["color"] != "red" || p["icon"] != "briefcase" {
			t.Errorf("prod-admin colour: %v", p)
		}
		if p := names["dev-sso"]; p["is_sso"] != true || p["sso_start_url"] != "https://corp.awsapps.com/start" || p["sso_region"] != "eu-central-1" {
			t.Errorf("dev-sso: %v", p)
		}
		// enrichSSOProfiles
		r = e.extensionCall(t, host, "/profiles/enrich", goodToken)
		list = profileListGuard(t, r.json(t))
		for _, p := range list {
			if p["name"] == "dev-sso" && p["sso_token_state"] != "missing" {
				t.Errorf("enriched dev-sso: %v", p)
			}
		}
		// openProfile, names URL-encoded as encodeURIComponent does (and percent-encoded letters).
		for path, name := range map[string]string{
			"/profiles/prod-admin/console-url":      "prod-admin",
			"/profiles/team.prod_1/console-url":     "team.prod_1",
			"/profiles/%70rod%2Dadmin/console-url":  "prod-admin",
			"/v1/profiles/prod-admin/console-url":   "prod-admin",
			"/profiles/team%2Eprod%5F1/console-url": "team.prod_1",
		} {
			r = e.extensionCall(t, host, path, goodToken)
			m := r.json(t)
			if r.status != 200 || m["action"] != "consoleUrl" || m["profileName"] != name || !isString(m["url"]) || !isString(m["color"]) || !isString(m["icon"]) {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
			if u, _ := m["url"].(string); !strings.HasPrefix(u, "https://signin.aws.amazon.com/federation?Action=login") {
				t.Errorf("%s url: %.60s", path, u)
			}
		}
		// An application error: HTTP 200 with the error object (string message) and our code.
		r = e.extensionCall(t, host, "/profiles/no-such-profile/console-url", goodToken)
		if m := r.json(t); r.status != 200 || m["action"] != "error" || !isString(m["message"]) || m["code"] != "profile_not_found" {
			t.Errorf("unknown profile: %d %s", r.status, r.body)
		}
		r = e.extensionCall(t, host, "/profiles/website/console-url", goodToken)
		if m := r.json(t); r.status != 200 || m["action"] != "error" || m["code"] != "no_credentials" {
			t.Errorf("no credentials: %d %s", r.status, r.body)
		}
		// GET /regions (no preflight: a GET with a custom header is still preflighted by the
		// browser, which we grant the same way).
		pf := extPreflight("/regions")
		pf.host = host
		pf.hdr["Access-Control-Request-Method"] = "GET"
		pf.hdr["Access-Control-Request-Headers"] = "x-api-token"
		if r := e.do(pf); r.status != 204 {
			t.Errorf("regions preflight: %d", r.status)
		}
		h := ext(goodToken)
		delete(h, "Content-Type")
		r = e.do(req{path: "/regions", host: host, hdr: h})
		m := r.json(t)
		regs, ok := m["regions"].([]any)
		if r.status != 200 || !ok || len(regs) < 20 {
			t.Fatalf("regions: %d %s", r.status, r.body)
		}
		first := regs[0].(map[string]any)
		if first["code"] != "us-east-1" || !isString(first["name"]) {
			t.Errorf("regions[0]: %v", first)
		}
		// health and version, as its settings page checks them.
		for _, p := range []string{"/health", "/version"} {
			h := map[string]string{"Origin": mozOrigin, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}
			if r := e.do(req{path: p, host: host, hdr: h}); r.status != 200 || r.hdr.Get("Access-Control-Allow-Origin") != mozOrigin {
				t.Errorf("%s: %d", p, r.status)
			}
		}
	}
	// The statuses its client maps: 401 (exact body), 400 (bad name), 429.
	r := e.do(req{method: "POST", path: "/profiles", hdr: ext("awspc_wrong")})
	if r.status != 401 || string(r.body) != `{"detail":"Invalid or missing API token"}` || r.hdr.Get("Access-Control-Allow-Origin") != mozOrigin {
		t.Errorf("401: %d %s %v", r.status, r.body, r.hdr)
	}
	r = e.do(req{method: "POST", path: "/profiles/bad%20name/console-url", hdr: ext(goodToken)})
	if m := r.json(t); r.status != 400 || !isString(m["detail"]) {
		t.Errorf("400: %d %s", r.status, r.body)
	}
	for i := 0; i < 10; i++ {
		e.do(req{method: "POST", path: "/profiles", hdr: ext("awspc_wrong")})
	}
	r = e.do(req{method: "POST", path: "/profiles", hdr: ext("awspc_wrong")})
	if r.status != http.StatusTooManyRequests || r.hdr.Get("Retry-After") == "" || r.hdr.Get("Access-Control-Allow-Origin") != mozOrigin {
		t.Errorf("429: %d %v", r.status, r.hdr)
	}
}

// TestCompatNewOptions: the request options as a JSON body, under /v1/ and the old paths.
func TestCompatNewOptions(t *testing.T) {
	e := newTestEnv(t)
	h := ext(goodToken)
	r := e.do(req{method: "POST", path: "/v1/profiles/prod-admin/console-url", hdr: h,
		body: `{"region":"eu-central-1","destination":"ec2","sessionDuration":3600,"logoutFirst":true}`})
	m := r.json(t)
	if m["action"] != "consoleUrl" || m["region"] != "eu-central-1" || m["sessionDuration"] != float64(3600) || !strings.Contains(m["destination"].(string), "ec2") {
		t.Errorf("options: %s", r.body)
	}
	// Paging of the list.
	r = e.do(req{method: "POST", path: "/v1/profiles", hdr: h, body: `{"offset":1,"limit":2}`})
	m = r.json(t)
	if ps := m["profiles"].([]any); len(ps) != 2 || m["offset"] != float64(1) {
		t.Errorf("paging: %s", r.body)
	}
	// enrich only named profiles.
	r = e.do(req{method: "POST", path: "/profiles/enrich", hdr: h, body: `{"profileNames":["dev-sso"]}`})
	profileListGuard(t, r.json(t))
	// Regions of another partition.
	r = e.do(req{path: "/regions?partition=aws-us-gov", hdr: tok(goodToken)})
	if m := r.json(t); m["partition"] != "aws-us-gov" || len(m["regions"].([]any)) != 2 {
		t.Errorf("gov regions: %s", r.body)
	}
	if r := e.do(req{path: "/regions?partition=aws-iso", hdr: tok(goodToken)}); r.status != 400 {
		t.Errorf("iso regions: %d", r.status)
	}
	// MFA code travels in the body.
	r = e.do(req{method: "POST", path: "/profiles/prod-admin/console-url", hdr: h, body: `{"mfaCode":"123456"}`})
	if m := r.json(t); m["action"] != "consoleUrl" {
		t.Errorf("mfaCode: %s", r.body)
	}
}
