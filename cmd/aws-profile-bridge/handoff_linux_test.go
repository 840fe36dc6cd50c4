package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConsoleOpenKeepsTheURLOffCommandLines: `console --open` used to run xdg-open (and so the
// browser) with the sign-in URL as an argument, which every local user can read in
// /proc/PID/cmdline for as long as the process lives. What is opened now is a loopback hand-off
// URL without the secret; fetching it as this user gives the sign-in URL, once.
func TestConsoleOpenKeepsTheURLOffCommandLines(t *testing.T) {
	cliHome(t)
	var opened, signin string
	var again, wrongPath int
	openBrowser = func(u string) error {
		opened = u
		signin = followOpened(t, u)
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if res, err := c.Get(u); err == nil { // a second fetch: the link is single-use
			again = res.StatusCode
			res.Body.Close()
		}
		if res, err := c.Get(u[:strings.LastIndexByte(u, '/')] + "/x"); err == nil {
			wrongPath = res.StatusCode
			res.Body.Close()
		}
		return nil
	}
	defer func() { openBrowser = openURL }()
	code, out, errOut := runCLI("console", "--open", "prod-admin")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != "" {
		t.Errorf("stdout %q", out)
	}
	for _, secret := range []string{"SigninToken", "signin.aws.amazon.com", "federation"} {
		if strings.Contains(opened, secret) {
			t.Fatalf("the browser's command line holds the sign-in URL: %q", opened)
		}
	}
	if !strings.HasPrefix(opened, "http://127.0.0.1:") {
		t.Errorf("opened %q", opened)
	}
	if !strings.HasPrefix(signin, "https://signin.aws.amazon.com/federation?Action=login") || !strings.Contains(signin, "SigninToken=") {
		t.Errorf("the hand-off leads to %q", signin)
	}
	if again != http.StatusGone || wrongPath != http.StatusForbidden {
		t.Errorf("second fetch %d (want 410), wrong path %d (want 403)", again, wrongPath)
	}
}

// TestHandoffRefusesOtherUsers: the redirect goes only to a connection owned by this user; one
// whose owner cannot be found (or is someone else) gets 403, and the CLI gives up after its wait.
func TestHandoffRefusesOtherUsers(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "tcp")
	os.WriteFile(empty, []byte("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"), 0o600)
	h, err := startHandoff("https://signin.aws.amazon.com/federation?Action=login&SigninToken=secret")
	if err != nil || h == nil {
		t.Fatal(h, err)
	}
	defer h.close()
	old := procNetTCP
	procNetTCP = empty // no socket of this user: as for a connection from another uid
	defer func() { procNetTCP = old }()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(h.url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || res.Header.Get("Location") != "" {
		t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if err := h.wait(50 * time.Millisecond); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("wait: %v", err)
	}
}

func TestFindPeerUID(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1001        0 1 1 0 20 4 30 10 -1
   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 20 4 30 10 -1
`
	client := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 0xD431}
	server := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 0x1F90}
	if a, _ := procAddr(client); a != "0100007F:D431" { // little-endian hosts, as CI runs on
		t.Skipf("big-endian host: %s", a)
	}
	if uid, err := findPeerUID(strings.NewReader(table), client, server); err != nil || uid != 1001 {
		t.Errorf("client end: %d, %v; want 1001 (the other line is the server's own end)", uid, err)
	}
	if _, err := findPeerUID(strings.NewReader(table), &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, server); err != errNoSocket {
		t.Errorf("unknown socket: %v", err)
	}
	if _, err := peerUID(client, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}); err != errNoSocket && err != nil {
		t.Errorf("real /proc/net/tcp: %v", err)
	}
}
