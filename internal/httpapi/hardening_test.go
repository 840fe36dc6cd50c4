package httpapi

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRefusedRequestsDoNotHoldConnectionSlots: a web page can send any number of requests to
// 127.0.0.1 (and, through names that resolve to 127.0.0.1, from many connection pools at once);
// they are refused, but a kept-alive connection would hold one of the MaxConns slots until
// IdleTimeout, so a page could keep the extension out. Refusals before authentication close
// the connection.
func TestRefusedRequestsDoNotHoldConnectionSlots(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.MaxConns = 2; c.IdleTimeout = time.Minute })
	refused := []struct {
		name string
		raw  string
	}{
		{"forbidden_host", "GET /profiles HTTP/1.1\r\nHost: attacker.127.0.0.1.nip.io:%d\r\n\r\n"},
		{"forbidden_origin", "POST /profiles HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: https://evil.example\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}"},
		{"sec-fetch-site", "GET /profiles HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nSec-Fetch-Site: cross-site\r\n\r\n"},
		{"preflight", "OPTIONS /profiles HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n\r\n"},
		{"preflight-no-origin", "OPTIONS /profiles HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccess-Control-Request-Method: POST\r\n\r\n"},
		{"two-origins", "GET /profiles HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: moz-extension://0b7c1a4e-4a8e-4f57-9d6c-1f2e3d4c5b6a\r\nOrigin: https://evil.example\r\n\r\n"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			var conns []net.Conn
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			for i := 0; i < 2; i++ { // fill both slots with refused, otherwise idle connections
				c, err := net.Dial("tcp", e.addr)
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, c)
				fmt.Fprintf(c, tc.raw, e.port)
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				res, err := http.ReadResponse(bufio.NewReader(c), nil)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403", res.StatusCode)
				}
				if !res.Close && !strings.EqualFold(res.Header.Get("Connection"), "close") {
					t.Errorf("refused request kept its connection alive")
				}
			}
			fast := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := fast.Get("http://" + e.addr + "/health")
			if err != nil {
				t.Fatalf("the extension is locked out by refused connections: %v", err)
			}
			res.Body.Close()
		})
	}
}
