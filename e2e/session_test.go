//go:build linux

package e2e

// What the browser tests share: a temporary HOME with the host installed by install/install.sh,
// the AWS fixture and the fake AWS, a token and `serve`, the servers the extension reports to,
// starting the browser in its own process group and checking what it left behind.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

// reportDeadline bounds the wait for the extension, from the browser's start.
const reportDeadline = 40 * time.Second

// browser is what differs, for the checks, between the browsers the tests drive.
type browser struct {
	name   string // "Firefox", "Chromium": in messages
	extID  string // the test extension's id
	scheme string // the scheme of extension origins: "moz-extension://", "chrome-extension://"
	// noHost is the error the extension gets for a host name no manifest registers.
	noHost string
	// otherOrigin is an extension origin serve accepts that the token is not bound to.
	otherOrigin string
	// stranger is the origin of a second extension that the host manifest and serve do not
	// allow ("" when the test loads none), and refused the error the browser gives it.
	stranger, refused string
}

var (
	firefoxColors = set("blue", "turquoise", "green", "yellow", "orange", "red", "pink", "purple", "toolbar")
	firefoxIcons  = set("fingerprint", "briefcase", "dollar", "cart", "circle", "gift", "vacation", "food", "fruit", "pet", "tree", "chill", "fence")
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// step is one report of the extension: its reply to one request, or a phase marker.
type step struct {
	Seq     int             `json:"seq"`
	Step    string          `json:"step"`
	TMs     int             `json:"t_ms"`
	Via     string          `json:"via"`
	Request json.RawMessage `json:"request"`
	Reply   json.RawMessage `json:"reply"`
	Error   *string         `json:"error"`
	Timeout bool            `json:"timeout"`
	Disc    bool            `json:"disconnected"`
	Ms      int             `json:"ms"`
	Ports   []struct {
		Step            string  `json:"step"`
		Replied         bool    `json:"replied"`
		Disconnected    bool    `json:"disconnected"`
		DisconnectError *string `json:"disconnectError"`
		Extra           int     `json:"extra"`
	} `json:"ports"`
	Status  int               `json:"status"`
	Text    string            `json:"text"`
	Type    string            `json:"type"`
	Headers map[string]string `json:"headers"`
	Origin  string            `json:"origin"`
	ID      string            `json:"id"`
	Info    json.RawMessage   `json:"browser"`

	raw      []byte
	received time.Time
	hosts    int // host processes alive when the report arrived (for "ports")
}

// reportServer collects the extension's reports.
type reportServer struct {
	*httptest.Server
	mu    sync.Mutex
	steps []*step
	by    map[string]*step
	got   chan string // step names as they arrive
	// onPorts counts live host processes when the "ports" report arrives (the extension waits
	// for the answer before it closes the ports).
	onPorts func() int
	page    string // the web page served at /page.html
}

func newReportServer(t *testing.T, onPorts func() int) *reportServer {
	rs := &reportServer{by: map[string]*step{}, got: make(chan string, 256), onPorts: onPorts}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if r.Method == http.MethodGet && r.URL.Path == "/page.html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			rs.mu.Lock()
			page := rs.page
			rs.mu.Unlock()
			io.WriteString(w, page)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/report" {
			http.Error(w, "POST /report", http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		s := &step{raw: body, received: time.Now()}
		if err := json.Unmarshal(body, s); err != nil || s.Step == "" {
			s = &step{Step: fmt.Sprintf("unparsable-%d", time.Now().UnixNano()), raw: body, received: time.Now()}
		}
		if s.Step == "ports" && rs.onPorts != nil {
			s.hosts = rs.onPorts()
		}
		rs.mu.Lock()
		if _, dup := rs.by[s.Step]; !dup { // the extension retries a failed POST
			rs.steps = append(rs.steps, s)
			rs.by[s.Step] = s
		}
		rs.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		select {
		case rs.got <- s.Step:
		default:
		}
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *reportServer) get(name string) *step {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.by[name]
}

func (rs *reportServer) dump() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var b strings.Builder
	for _, s := range rs.steps {
		fmt.Fprintf(&b, "  %s\n", s.raw)
	}
	if b.Len() == 0 {
		return "  (no report at all)\n"
	}
	return b.String()
}

// repoRoot is the source tree (install/install.sh, e2e/extension).
func repoRoot(t *testing.T) string {
	if d := os.Getenv("APB_E2E_REPO"); d != "" {
		return d
	}
	d, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// requireBrowser fails the test (never skips it) when the browser is missing; the test itself
// runs only when gate=1 (make test, make e2e and .ci/run set it).
func requireBrowser(t *testing.T, gate, override, def, hint string) string {
	t.Helper()
	if os.Getenv(gate) != "1" {
		t.Skipf("the end-to-end test runs with %s=1 (make test, make e2e and .ci/run set it)", gate)
	}
	exe := os.Getenv(override)
	if exe == "" {
		exe = def
	}
	p, err := exec.LookPath(exe)
	if err != nil {
		t.Fatalf("FAIL: %s is not installed (%v): %s", exe, err, hint)
	}
	return p
}

// session is one browser test's world, everything under a temporary HOME.
type session struct {
	br                browser
	started           time.Time
	repo, tmp, home   string
	bin, logFile      string // aws-profile-bridge: token, serve; the host log
	host              string // aws-profile-bridge-host beside bin: what the manifests name and browsers start
	fake              *fakeaws.Server
	rs                *reportServer
	env               []string // the host's environment (CLI, serve, the browser)
	token, serveBase  string
	serveOut, browOut *lockedBuffer
	mirror            *mirrorServer
}

// newSession installs the host with install/install.sh and installArgs into a fresh HOME, writes
// the AWS fixture, creates a token and starts `serve serveArgs...`, the report server and the
// mirror.
func newSession(t *testing.T, br browser, installArgs, serveArgs []string) *session {
	t.Helper()
	s := &session{br: br, started: time.Now(), repo: repoRoot(t), tmp: t.TempDir(), browOut: &lockedBuffer{}}
	t.Logf("running as uid %d", os.Geteuid())
	for _, p := range []string{"install/install.sh", "e2e/extension/manifest.json", "e2e/extension/manifest.chromium.json",
		"e2e/extension/background.js", "e2e/extension/service_worker.js"} {
		if _, err := os.Stat(filepath.Join(s.repo, p)); err != nil {
			t.Fatalf("source tree at %s lacks %s (set APB_E2E_REPO): %v", s.repo, p, err)
		}
	}
	s.home = filepath.Join(s.tmp, "home")
	if err := os.MkdirAll(s.home, 0o700); err != nil {
		t.Fatal(err)
	}
	s.bin, s.host = runInstaller(t, s.repo, s.home, installArgs...)
	s.fake = fakeaws.Start(t)
	testaws.Home(t, s.home, s.fake)
	s.logFile = filepath.Join(s.home, ".aws", "logs", "aws_profile_bridge.log")
	// One lean host per open port (a sign-in's hand-off to aws-profile-bridge has ended by then).
	s.rs = newReportServer(t, func() int { return len(hostPIDs(s.host)) })

	// The HTTP fallback, as a user sets it up: a token, then the server.
	s.env = hostEnv(s.home, s.fake.URL, s.fake.FederationURL())
	s.token = createToken(t, s.bin, s.env, strings.ToLower(br.name)+"-e2e")
	s.serveBase, s.serveOut = startServe(t, s.bin, s.env, serveArgs...)
	s.mirror = newMirrorServer(t)
	s.rs.page = pageHTML(s.serveBase, s.mirror.URL, s.token)
	return s
}

// extensionConfig is config.js for the test extension (see e2e/extension/background.js): the
// report URL, the requests to make, the HTTP fallback; role "stranger" for an extension the
// manifest does not allow.
func (s *session) extensionConfig(role string) []byte {
	var open, failing []string
	for _, c := range openCases {
		open = append(open, c.Profile)
	}
	for name := range failCases {
		failing = append(failing, name)
	}
	sort.Strings(failing)
	cfg, _ := json.MarshalIndent(map[string]any{
		"role":     role,
		"report":   s.rs.URL + "/report",
		"open":     open,
		"failing":  failing,
		"ssoClick": ssoClick,
		"unknown":  "no-such-profile",
		"http": map[string]any{"base": localhost(s.serveBase), "base127": s.serveBase, "token": s.token,
			"mirror": localhost(s.mirror.URL), "mirror127": s.mirror.URL, "open": httpOpen, "page": s.rs.URL + "/page.html"},
	}, "", "  ")
	return []byte("// Generated by the e2e test when it packs the extension.\nvar CONFIG = " + string(cfg) + ";\n")
}

// run starts the browser (exe args, with the host's environment plus env) in its own process
// group and waits, at most reportDeadline, until every step in want has been reported.
// Afterwards (also on failure) it kills the whole group and checks that nothing the browser
// started outlives it. On failure, diagnose (when set) adds what the browser knows.
func (s *session) run(t *testing.T, exe string, args, env, want []string, diagnose func() string) {
	t.Helper()
	// A short TMPDIR of its own: Chromium puts a Unix socket there, whose path is limited to 107
	// bytes, and t.TempDir() under a long TMPDIR (scripts/e2e-unprivileged.sh) is too deep.
	tmp, err := os.MkdirTemp("", "apb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) }) // registered first: runs after the kill below
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(append([]string(nil), s.env...), "TMPDIR="+tmp), env...)
	cmd.Stdout, cmd.Stderr = s.browOut, s.browOut
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	pgid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
		}
		var group, hosts []int
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			group, hosts = groupPIDs(pgid), hostPIDs(s.host, s.bin)
			if len(group) == 0 && len(hosts) == 0 {
				return
			}
		}
		t.Errorf("5 s after killing %s's process group: group members %v, host processes %v still alive", s.br.name, group, hosts)
	})
	// Registered after the kill, so it runs before it: what went wrong, while it is all there.
	t.Cleanup(func() {
		if !t.Failed() && os.Getenv("APB_E2E_VERBOSE") == "" {
			return
		}
		t.Logf("extension report:\n%s", s.rs.dump())
		if logData, err := os.ReadFile(s.logFile); err != nil {
			t.Logf("host log %s: %v", s.logFile, err)
		} else {
			t.Logf("host log %s:\n%s", s.logFile, tail(logData, 16000))
		}
		t.Logf("headers recorded at the mirror:\n%s", s.mirror.dump())
		t.Logf("serve output:\n%s", tail([]byte(s.serveOut.String()), 4000))
		t.Logf("%s output:\n%s", s.br.name, tail([]byte(s.browOut.String()), 4000))
	})

	waiting := set(want...)
	var firstReport time.Time
wait:
	for deadline := time.After(reportDeadline); ; {
		select {
		case name := <-s.rs.got:
			if firstReport.IsZero() {
				firstReport = time.Now()
			}
			delete(waiting, name)
			if len(waiting) == 0 {
				break wait
			}
		case err := <-exited:
			exited <- err
			t.Fatalf("%s exited before the extension finished: %v", s.br.name, err)
		case <-deadline:
			if s.rs.get("start") == nil && diagnose != nil {
				t.Logf("the extension never ran: %s", diagnose())
			}
			t.Fatalf("no complete report from the extension within %v of %s's start (missing %v)", reportDeadline, s.br.name, keys(waiting))
		}
	}
	t.Logf("timing: %s start → first report %v, → last report %v", s.br.name,
		firstReport.Sub(start).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// check runs every check on what the extension reported, the servers saw and the host logged.
func (s *session) check(t *testing.T) {
	t.Helper()
	// Every port is closed now: each host saw EOF and must exit promptly.
	var left []int
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if left = hostPIDs(s.host, s.bin); len(left) == 0 {
			break
		}
	}
	if len(left) != 0 {
		t.Errorf("host processes %v still running 5 s after the extension closed their ports", left)
	}
	checkReports(t, s.br, s.rs, s.fake)
	checkStranger(t, s.br, s.rs, s.host, s.home, s.logFile, s.env)
	checkHTTP(t, s.br, s.rs, s.mirror, s.logFile, s.bin, s.env, s.serveBase, s.token)
	checkLog(t, s.br, s.logFile, s.rs, s.token)
	// Nor in what serve and the browser printed.
	for name, out := range map[string]string{"serve's output": s.serveOut.String(), s.br.name + "'s output": s.browOut.String()} {
		for _, secret := range append(slices.Clip(canaries), s.token) {
			if strings.Contains(out, secret) {
				t.Errorf("%s contains the secret %q", name, secret)
			}
		}
	}
	t.Logf("timing: whole test %v", time.Since(s.started).Round(time.Millisecond))
	t.Logf("timing: each request as the extension saw it, the browser starting a host for it: %s", s.rs.roundTrips())
}

// roundTrips lists the native-messaging requests the extension timed ("step via: ms"), in the
// order they were reported: what a click waits for, browser and host together.
func (rs *reportServer) roundTrips() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var out []string
	for _, st := range rs.steps {
		if st.Via == "sendNativeMessage" || st.Via == "connectNative" {
			out = append(out, fmt.Sprintf("%s %s: %d ms", st.Step, st.Via, st.Ms))
		}
	}
	return strings.Join(out, "; ")
}
