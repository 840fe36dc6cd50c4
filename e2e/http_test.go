//go:build linux

package e2e

// The HTTP fallback (generation 2 of the extension): `aws-profile-bridge serve` with a token the
// test creates, called by the test extension and by a web page in the same browser.

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// httpOpen are the profiles the extension opens over HTTP (a subset of openCases).
var httpOpen = []string{"dev-sso", "prod-admin", "gov"}

// recorded is one request as the browser sent it.
type recorded struct {
	Method, Host, Path string
	Header             http.Header
}

// localhost turns http://127.0.0.1:PORT into http://localhost:PORT.
func localhost(u string) string { return strings.Replace(u, "//127.0.0.1:", "//localhost:", 1) }

// mirrorServer records the headers the browser sends. It stands on another 127.0.0.1 port than the
// report server, as serve does, so a request from the page is cross-origin here too, and it grants
// every preflight (echoing the origin, as serve does for the extension) so the real request
// after it is sent and recorded as well.
type mirrorServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newMirrorServer(t *testing.T) *mirrorServer {
	m := &mirrorServer{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.reqs = append(m.reqs, recorded{r.Method, r.Host, r.URL.Path, r.Header.Clone()})
		m.mu.Unlock()
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", "content-type, x-api-token")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"action":"profileList","profiles":[]}`)
	}))
	t.Cleanup(m.Close)
	return m
}

// find returns the recorded requests to host ("localhost" or "127.0.0.1") whose Origin starts
// with prefix.
func (m *mirrorServer) find(method, host, originPrefix string) []recorded {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []recorded
	for _, r := range m.reqs {
		if r.Method == method && strings.HasPrefix(r.Host, host+":") && strings.HasPrefix(r.Header.Get("Origin"), originPrefix) {
			out = append(out, r)
		}
	}
	return out
}

func (m *mirrorServer) dump() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	for _, r := range m.reqs {
		fmt.Fprintf(&b, "  %s %s%s %v\n", r.Method, r.Host, r.Path, fetchHeaders(r.Header))
	}
	return b.String()
}

// fetchHeaders are the headers that say who sent a request.
func fetchHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Referer",
		"Access-Control-Request-Method", "Access-Control-Request-Headers", "Content-Type"} {
		if v := h.Get(k); v != "" {
			out[k] = v
		} else if _, ok := h[k]; !ok && (k == "Origin" || k == "Referer") {
			out[k] = "<absent>"
		}
	}
	return out
}

// hostEnv is the environment of the CLI commands and the server the test runs itself.
func hostEnv(home string, fakeURL, fedURL string) []string {
	self, _ := os.Executable() // opens SSO verification pages: see TestMain
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_STS=" + fakeURL, "AWS_ENDPOINT_URL_SSO=" + fakeURL, "AWS_ENDPOINT_URL_SIGNIN=" + fakeURL,
		"AWS_ENDPOINT_URL_SSO_OIDC=" + fakeURL, "AWS_PROFILE_BRIDGE_BROWSER=" + self, "APB_E2E_FETCH=1",
		"AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT=" + fedURL, "AWS_PROFILE_BRIDGE_LOG_LEVEL=debug"}
}

// createToken runs `aws-profile-bridge token create`, as a user would.
func createToken(t *testing.T, bin string, env []string, label string) string {
	t.Helper()
	cmd := exec.Command(bin, "token", "create", "--label", label)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	tok := strings.TrimSpace(string(out))
	if err != nil || len(tok) != 56 || !strings.HasPrefix(tok, "awspc_") {
		t.Fatalf("aws-profile-bridge token create: %v, stdout %d bytes, stderr:\n%s", err, len(tok), stderr.String())
	}
	return tok
}

// freePort picks a free loopback port for serve.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServe runs `aws-profile-bridge serve --port N args...` in its own process group until the
// test ends, and waits until /health answers.
func startServe(t *testing.T, bin string, env []string, args ...string) (base string, out *lockedBuffer) {
	t.Helper()
	port := freePort(t)
	out = &lockedBuffer{}
	cmd := exec.Command(bin, append([]string{"serve", "--port", strconv.Itoa(port)}, args...)...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("aws-profile-bridge serve: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})
	base = "http://127.0.0.1:" + strconv.Itoa(port)
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("aws-profile-bridge serve exited: %v\n%s", err, out.String())
		default:
		}
		if r, err := http.Get(base + "/health"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return base, out
			}
		}
	}
	t.Fatalf("aws-profile-bridge serve did not answer /health within 10 s:\n%s", out.String())
	return "", nil
}

// pageHTML is the web page that tries the server from a page origin, with the token (so only
// the origin check can stop it), and reports what happened to the report server (same origin).
func pageHTML(serve, mirror, token string) string {
	cfg, _ := json.Marshal(map[string]string{"serve": serve, "serveLocalhost": localhost(serve), "mirror": mirror, "token": token})
	return `<!doctype html><meta charset="utf-8"><title>a web page</title>
<script>
const C = ` + strings.ReplaceAll(string(cfg), "<", `\u003c`) + `;
async function report(step, data) {
  await fetch("/report", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(Object.assign({ step, origin: location.origin }, data)) });
}
async function attempt(step, url, opts) {
  try {
    const r = await fetch(url, opts);
    let text = "";
    try { text = await r.text(); } catch (e) {}
    return { step, status: r.status, type: r.type, text };
  } catch (e) {
    return { step, error: String(e && e.message !== undefined ? e.message : e) };
  }
}
(async () => {
  const cors = { method: "POST", headers: { "X-API-Token": C.token, "Content-Type": "application/json" } };
  await report("page:profiles", await attempt("page:profiles", C.serve + "/profiles", cors));
  await report("page:profiles-localhost", await attempt("page:profiles-localhost", C.serveLocalhost + "/profiles", cors));
  await report("page:health", await attempt("page:health", C.serve + "/health", {}));
  await report("page:no-cors", await attempt("page:no-cors", C.serve + "/profiles/default/console-url",
    { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body: "{}" }));
  await report("page:mirror", await attempt("page:mirror", C.mirror + "/profiles", cors));
  await report("page:done", {});
})();
</script>
<p>` + html.EscapeString("e2e: a web page trying the loopback server") + `</p>
`
}

// replay sends one request to serve with the headers the browser sent (recorded at the mirror).
func replay(t *testing.T, base, path, token string, from http.Header) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, nil)
	for _, k := range []string{"Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "User-Agent", "Content-Type"} {
		if v := from.Get(k); v != "" {
			req.Header.Set(k, v)
		}
	}
	req.Header.Set("X-API-Token", token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("replay to serve: %v", err)
	}
	defer r.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, &m)
	return r, m
}

// httpReply checks a step's HTTP status and returns its JSON body.
func httpReply(t *testing.T, rs *reportServer, name string, status int) map[string]any {
	t.Helper()
	s := rs.get(name)
	if s == nil {
		t.Errorf("the extension did not report %q", name)
		return nil
	}
	if s.Error != nil || s.Status != status {
		t.Errorf("%s: status %d (error %s), want %d: %s", name, s.Status, deref(s.Error), status, s.raw)
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(s.Reply, &m); err != nil {
		t.Errorf("%s: body is not a JSON object: %s", name, s.raw)
		return nil
	}
	return m
}

func checkHTTP(t *testing.T, br browser, rs *reportServer, mirror *mirrorServer, logFile, bin string, env []string, base, token string) {
	start := rs.get("start")
	if start == nil {
		return
	}
	ext := start.Origin

	// The extension, with its token: the generation-2 routes answer what its guards accept, and
	// the server grants it CORS by echoing its exact origin.
	if m := httpReply(t, rs, "http:health", 200); m != nil && m["status"] != "healthy" {
		t.Errorf("GET /health: %v", m)
	}
	if m := httpReply(t, rs, "http:version", 200); m != nil && (m["api_protocol"] != "1" || m["api_version"] == nil) {
		t.Errorf("GET /version: %v", m)
	}
	// (These go through CORS: that the extension could read them at all means the server granted
	// its preflight and its origin. Access-Control-Allow-Origin itself is not exposed to scripts;
	// the replays below check it.)
	checkProfileList(t, "POST /profiles", httpReply(t, rs, "http:profiles", 200))
	if by := checkProfileList(t, "POST /profiles/enrich", httpReply(t, rs, "http:enrich", 200)); by != nil {
		if p := by["dev-sso"]; p != nil && p["sso_token_state"] != "valid" {
			t.Errorf("POST /profiles/enrich: dev-sso %v", p)
		}
	}
	for _, name := range httpOpen {
		for _, c := range openCases {
			if c.Profile == name {
				if m := httpReply(t, rs, "http:open:"+name, 200); m != nil {
					checkConsoleURL(t, "POST /profiles/{name}/console-url", c, m)
				}
			}
		}
	}
	// Application errors are 200 with an error object (the old server's contract).
	if m := httpReply(t, rs, "http:unknown-profile", 200); m != nil && (!isError(m) || m["code"] != "profile_not_found") {
		t.Errorf("console-url of an unknown profile: %v", m)
	}
	if m := httpReply(t, rs, "http:bad-name", 400); m != nil && m["code"] != "invalid_profile_name" {
		t.Errorf("console-url of ../../etc/passwd: %v", m)
	}
	if m := httpReply(t, rs, "http:regions", 200); m != nil {
		regions, _ := m["regions"].([]any)
		ok := len(regions) > 0
		for _, r := range regions {
			rm, _ := r.(map[string]any)
			if c, _ := rm["code"].(string); c == "" {
				ok = false
			}
			if n, _ := rm["name"].(string); n == "" {
				ok = false
			}
		}
		if !ok {
			t.Errorf("GET /regions: %v", m)
		}
	}
	for _, name := range []string{"http:no-token", "http:wrong-token"} {
		if m := httpReply(t, rs, name, 401); m != nil && m["detail"] != "Invalid or missing API token" {
			t.Errorf("%s: 401 body %v, want the extension's {\"detail\":\"Invalid or missing API token\"}", name, m)
		}
	}

	checkProfileList(t, "POST /profiles (127.0.0.1, host permission)", httpReply(t, rs, "http:profiles-127", 200))

	// What the browser really sends: the same requests, recorded at the mirror.
	extPre := mirror.find(http.MethodOptions, "localhost", ext)
	extPost := mirror.find(http.MethodPost, "localhost", ext)
	ext127Pre := mirror.find(http.MethodOptions, "127.0.0.1", ext)
	ext127Post := mirror.find(http.MethodPost, "127.0.0.1", ext)
	t.Logf("%s headers, extension → http://localhost (CORS): preflight %v; POST %v", br.name, headersOf(extPre), headersOf(extPost))
	t.Logf("%s headers, extension → http://127.0.0.1 (host permission): preflight %v; POST %v", br.name, headersOf(ext127Pre), headersOf(ext127Post))
	var ext127Get []recorded
	mirror.mu.Lock()
	for _, r := range mirror.reqs {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Host, "127.0.0.1:") {
			ext127Get = append(ext127Get, r)
		}
	}
	mirror.mu.Unlock()
	// Firefox and Chromium send a privileged GET without Origin: serve cannot check the token's
	// binding then.
	t.Logf("%s headers, extension → http://127.0.0.1 (host permission): GET %v", br.name, headersOf(ext127Get))
	if len(ext127Get) == 1 {
		// Such a GET could come from any extension holding the token: the list routes refuse it.
		req, _ := http.NewRequest(http.MethodGet, base+"/profiles", nil)
		for _, k := range []string{"Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest"} {
			req.Header.Set(k, ext127Get[0].Header.Get(k))
		}
		req.Header.Set("X-API-Token", token)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("serve answered the %s extension's GET /profiles without Origin (its origin binding cannot be checked) with %d, want 403", br.name, r.StatusCode)
		}
	}
	for _, got := range [][]recorded{extPost, ext127Post} {
		if len(got) != 1 || got[0].Header.Get("Origin") != ext || got[0].Header.Get("Sec-Fetch-Mode") != "cors" {
			t.Errorf("the extension's POST at the mirror: %v; want one with Origin %s and Sec-Fetch-Mode cors", headersOf(got), ext)
		}
	}
	if len(extPre) != 1 {
		t.Errorf("the extension's CORS POST (no host permission) came with %d preflights, want 1 as the real extension's do", len(extPre))
	}
	pagePre, pagePost := mirror.find(http.MethodOptions, "127.0.0.1", "http://"), mirror.find(http.MethodPost, "127.0.0.1", "http://")
	t.Logf("%s headers, web page → http://127.0.0.1 (other port): preflight %v; POST %v", br.name, headersOf(pagePre), headersOf(pagePost))

	// The web page, with the token, is refused by origin: its CORS requests fail in the browser,
	// its no-cors POST gets an opaque answer, and the server logs each refusal.
	for _, name := range []string{"page:profiles", "page:profiles-localhost"} {
		if p := rs.get(name); p == nil || p.Error == nil {
			t.Errorf("a web page's POST /profiles with the token was not refused: %s: %v", name, p)
		}
	}
	if p := rs.get("page:health"); p == nil || p.Error == nil {
		t.Errorf("a web page could read GET /health: %v", p)
	}
	if p := rs.get("page:no-cors"); p == nil || p.Error != nil || p.Type != "opaque" {
		t.Errorf("page's no-cors POST: %v", p)
	}
	if p := rs.get("page:mirror"); p == nil || p.Status != 200 {
		t.Errorf("the page could not reach a server that grants it (so the refusals above prove nothing): %v", p)
	}
	if data, err := os.ReadFile(logFile); err == nil {
		n := 0
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, `"http.refused"`) && strings.Contains(line, `"reason":"origin"`) {
				n++
			}
		}
		want := 4
		if br.stranger != "" {
			want++ // the stranger's preflight
		}
		if n != want {
			t.Errorf("serve logged %d refusals by origin, want %d (the page's two preflights, GET /health, no-cors POST; a stranger extension's preflight)", n, want)
		}
	}

	// Replayed from here with exactly the headers the browser sent: the extension's are accepted,
	// the page's refused, and another extension's origin does not match the bound token.
	for _, got := range [][]recorded{extPost, ext127Post} {
		if len(got) != 1 {
			continue
		}
		r, m := replay(t, base, "/profiles", token, got[0].Header)
		if r.StatusCode != 200 || !isProfileList(m) || r.Header.Get("Access-Control-Allow-Origin") != ext {
			t.Errorf("replay of the extension's request %v: %d %v ACAO %q", fetchHeaders(got[0].Header), r.StatusCode, m["action"], r.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	if len(extPost) == 1 {
		other := extPost[0].Header.Clone()
		other.Set("Origin", br.otherOrigin)
		if r, m := replay(t, base, "/profiles", token, other); r.StatusCode != 403 || m["code"] != "origin_mismatch" {
			t.Errorf("the token, from another extension: %d %v, want 403 origin_mismatch", r.StatusCode, m)
		}
		if br.stranger != "" {
			other.Set("Origin", strings.TrimSuffix(br.stranger, "/"))
			if r, m := replay(t, base, "/profiles", token, other); r.StatusCode != 403 || m["code"] != "forbidden_origin" {
				t.Errorf("the token, from an extension serve does not allow: %d %v, want 403 forbidden_origin", r.StatusCode, m)
			}
		}
	}
	if len(pagePost) > 0 {
		if r, m := replay(t, base, "/profiles", token, pagePost[0].Header); r.StatusCode != 403 || m["code"] != "forbidden_origin" || r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("replay of the page's request: %d %v ACAO %q, want 403 forbidden_origin without CORS", r.StatusCode, m, r.Header.Get("Access-Control-Allow-Origin"))
		}
	} else {
		t.Errorf("no POST from the page reached the mirror")
	}

	// The token is bound to the extension that used it first.
	cmd := exec.Command(bin, "token", "list", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	var list []map[string]any
	if err != nil || json.Unmarshal(out, &list) != nil || len(list) != 1 || list[0]["origin"] != ext {
		t.Errorf("token list --json: %v %s; want one token bound to %s", err, out, ext)
	}
	if strings.Contains(string(out), token) {
		t.Errorf("token list prints the token")
	}
}

func headersOf(rs []recorded) []map[string]string {
	var out []map[string]string
	for _, r := range rs {
		out = append(out, fetchHeaders(r.Header))
	}
	return out
}
