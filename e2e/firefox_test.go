//go:build linux

// Package e2e drives a real Firefox (Debian's firefox-esr, headless) against the host installed by
// install/install.sh into a temporary HOME. See docs/TESTING.md.
package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/console/fakeaws"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/testaws"
)

const (
	extID   = "aws-profile-bridge-e2e@aws-profile-bridge.test"
	envGate = "APB_E2E_FIREFOX" // 1: run (make test and .ci/run set it)
	// reportDeadline bounds the wait for the extension, from Firefox's start.
	reportDeadline = 40 * time.Second
	installHint    = "install it with: sudo apt-get install -y firefox-esr   (CI: .ci/run does this; set APB_FIREFOX=/path to use another ESR build)"
)

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

// TestFirefoxEndToEnd: a real Firefox ESR, headless, loads the test extension (e2e/extension),
// which drives the host installed by install/install.sh over native messaging, and the HTTP
// fallback (serve) with a token made by `token create`; a web page in the same browser tries
// the server too. Every reply is reported to this test and checked.
func TestFirefoxEndToEnd(t *testing.T) {
	if os.Getenv(envGate) != "1" {
		t.Skipf("the Firefox end-to-end test runs with %s=1 (make test, make e2e and .ci/run set it)", envGate)
	}
	testStart := time.Now()
	firefox := os.Getenv("APB_FIREFOX")
	if firefox == "" {
		firefox = "firefox-esr"
	}
	ffPath, err := exec.LookPath(firefox)
	if err != nil {
		t.Fatalf("FAIL: %s is not installed (%v): %s", firefox, err, installHint)
	}
	repo := repoRoot(t)
	t.Logf("running as uid %d with %s", os.Geteuid(), ffPath)
	for _, p := range []string{"install/install.sh", "e2e/extension/manifest.json", "e2e/extension/background.js"} {
		if _, err := os.Stat(filepath.Join(repo, p)); err != nil {
			t.Fatalf("source tree at %s lacks %s (set APB_E2E_REPO): %v", repo, p, err)
		}
	}

	// A temporary HOME, installed into by the project's own installer.
	tmp := t.TempDir()
	home := filepath.Join(tmp, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	bin := runInstaller(t, repo, home)

	fake := fakeaws.Start(t)
	testaws.Home(t, home, fake)
	logFile := filepath.Join(home, ".aws", "logs", "aws_profile_bridge.log")

	rs := newReportServer(t, func() int { return len(hostPIDs(bin)) })

	// The HTTP fallback, as a user sets it up: a token, then the server.
	env := hostEnv(home, fake.URL, fake.FederationURL())
	token := createToken(t, bin, env)
	serveBase, serveOut := startServe(t, bin, env)
	mirror := newMirrorServer(t)
	rs.page = pageHTML(serveBase, mirror.URL, token)
	httpCfg := map[string]any{"base": localhost(serveBase), "base127": serveBase, "token": token,
		"mirror": localhost(mirror.URL), "mirror127": mirror.URL, "open": httpOpen, "page": rs.URL + "/page.html"}

	profile := filepath.Join(tmp, "ffprofile")
	xpi := packExtension(t, repo, profile, rs.URL+"/report", httpCfg)
	t.Logf("extension packed: %s", xpi)

	// Firefox, in its own process group, with HOME and the fake AWS endpoints in its environment
	// (it passes them on to the host).
	var ffOut lockedBuffer
	cmd := exec.Command(ffPath, "--headless", "--no-remote", "--profile", profile, "about:blank")
	cmd.Env = []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"TMPDIR=" + tmp,
		"LANG=C.UTF-8",
		"MOZ_HEADLESS=1",
		"MOZ_CRASHREPORTER_DISABLE=1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_STS=" + fake.URL,
		"AWS_ENDPOINT_URL_SSO=" + fake.URL,
		"AWS_ENDPOINT_URL_SIGNIN=" + fake.URL,
		"AWS_PROFILE_BRIDGE_SIGNIN_ENDPOINT=" + fake.FederationURL(),
		"AWS_PROFILE_BRIDGE_LOG_LEVEL=debug",
	}
	cmd.Stdout = &ffOut
	cmd.Stderr = &ffOut
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	ffStart := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", ffPath, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	pgid := cmd.Process.Pid
	// Afterwards (also on failure) kill the whole group, and check that nothing Firefox started
	// outlives it: no process left in the group, no host process anywhere.
	t.Cleanup(func() {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
		}
		var group, hosts []int
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			group, hosts = groupPIDs(pgid), hostPIDs(bin)
			if len(group) == 0 && len(hosts) == 0 {
				return
			}
		}
		t.Errorf("5 s after killing Firefox's process group: group members %v, host processes %v still alive", group, hosts)
	})

	defer func() {
		if !t.Failed() && os.Getenv("APB_E2E_VERBOSE") == "" {
			return
		}
		t.Logf("extension report:\n%s", rs.dump())
		if logData, err := os.ReadFile(logFile); err != nil {
			t.Logf("host log %s: %v", logFile, err)
		} else {
			t.Logf("host log %s:\n%s", logFile, tail(logData, 16000))
		}
		t.Logf("headers recorded at the mirror:\n%s", mirror.dump())
		t.Logf("serve output:\n%s", tail([]byte(serveOut.String()), 4000))
		t.Logf("firefox output:\n%s", tail([]byte(ffOut.String()), 4000))
	}()

	// Wait for the extension to finish, Firefox to die, or the deadline.
	var firstReport time.Time
	deadline := time.After(reportDeadline)
	waiting := map[string]bool{"done": true, "page:done": true} // the extension's, the page's
wait:
	for {
		select {
		case name := <-rs.got:
			if firstReport.IsZero() {
				firstReport = time.Now()
			}
			delete(waiting, name)
			if len(waiting) == 0 {
				break wait
			}
		case err := <-exited:
			exited <- err
			t.Fatalf("Firefox exited before the extension finished: %v", err)
		case <-deadline:
			if rs.get("start") == nil {
				ext, _ := os.ReadFile(filepath.Join(profile, "extensions.json"))
				t.Logf("the add-on never ran; %s/extensions.json:\n%s", profile, addonState(ext))
			}
			t.Fatalf("no complete report from the extension within %v of Firefox's start", reportDeadline)
		}
	}
	doneAt := time.Now()
	t.Logf("timing: Firefox start → first report %v, → last report %v", firstReport.Sub(ffStart).Round(time.Millisecond), doneAt.Sub(ffStart).Round(time.Millisecond))

	// Every port is closed now: each host saw EOF and must exit promptly.
	var left []int
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if left = hostPIDs(bin); len(left) == 0 {
			break
		}
	}
	if len(left) != 0 {
		t.Errorf("host processes %v still running 5 s after the extension closed their ports", left)
	}

	checkReports(t, rs, fake)
	checkHTTP(t, rs, mirror, logFile, bin, env, serveBase, token)
	checkLog(t, logFile, rs, token)
	t.Logf("timing: whole test %v", time.Since(testStart).Round(time.Millisecond))
}
