package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// followOpened plays the browser for a URL `console --open` opened: for a container URL it takes
// the url= parameter; a loopback hand-off URL is fetched (as this user) and its redirect returned.
// It returns the URL the browser ends up signing in with.
func followOpened(t *testing.T, opened string) string {
	t.Helper()
	u := opened
	if rest, ok := strings.CutPrefix(opened, "ext+granted-containers:"); ok {
		q, err := url.ParseQuery(rest)
		if err != nil {
			t.Fatalf("container URL %q: %v", opened, err)
		}
		u = q.Get("url")
	}
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		return u
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(u)
	if err != nil {
		t.Fatalf("hand-off %q: %v", u, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hand-off %q: status %d", u, res.StatusCode)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("hand-off headers %v", res.Header)
	}
	return res.Header.Get("Location")
}
