package httpapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/token"
)

// realStores opens the token store twice in one private directory: srv is the server's, cli
// stands for the `token` command running in another process.
func realStores(t *testing.T) (srv, cli *token.Store) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cfg")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var err error
	if srv, err = token.Open(dir, true); err != nil {
		t.Fatal(err)
	}
	if cli, err = token.Open(dir, false); err != nil {
		t.Fatal(err)
	}
	return srv, cli
}

func withStore(s *token.Store) func(*Config) { return func(c *Config) { c.Tokens = s } }

// TestRealStoreRotationAndRevocation: changes made by the CLI take effect on the next request,
// without a restart, even within the same second.
func TestRealStoreRotationAndRevocation(t *testing.T) {
	srvStore, cli := realStores(t)
	e := newTestEnv(t, withStore(srvStore))
	tok1, rec1, err := cli.Create("firefox")
	if err != nil {
		t.Fatal(err)
	}
	tok2, _, err := cli.Create("script")
	if err != nil {
		t.Fatal(err)
	}
	status := func(tk string) int {
		t.Helper()
		return e.do(req{method: "POST", path: "/profiles", hdr: ext(tk)}).status
	}
	if s := status(tok1); s != 200 {
		t.Fatalf("new token: %d", s)
	}
	// Rotation: the old token stops at once, the new one works.
	tok1b, _, err := cli.Rotate(rec1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := status(tok1); s != 401 {
		t.Errorf("rotated-out token: %d", s)
	}
	if s := status(tok1b); s != 200 {
		t.Errorf("rotated-in token: %d", s)
	}
	// Revocation of one token.
	if err := cli.Revoke(rec1.ID); err != nil {
		t.Fatal(err)
	}
	if s := status(tok1b); s != 401 {
		t.Errorf("revoked token: %d", s)
	}
	if s := e.do(req{path: "/profiles", hdr: tok(tok2)}).status; s != 200 {
		t.Errorf("other token after a revoke: %d", s)
	}
	// Revoke --all.
	if _, err := cli.RevokeAll(); err != nil {
		t.Fatal(err)
	}
	if s := e.do(req{path: "/profiles", hdr: tok(tok2)}).status; s != 401 {
		t.Errorf("after revoke --all: %d", s)
	}
	// A token created while the server runs works at once.
	tok3, _, err := cli.Create("later")
	if err != nil {
		t.Fatal(err)
	}
	if s := status(tok3); s != 200 {
		t.Errorf("token created while running: %d", s)
	}
}

// TestRealStoreOriginBinding: the first extension origin binds the token on disk; another
// extension gets 403; rotation clears the binding.
func TestRealStoreOriginBinding(t *testing.T) {
	srvStore, cli := realStores(t)
	e := newTestEnv(t, withStore(srvStore))
	tk, rec, err := cli.Create("firefox")
	if err != nil {
		t.Fatal(err)
	}
	if s := e.do(req{method: "POST", path: "/profiles", hdr: ext(tk)}).status; s != 200 {
		t.Fatalf("first use: %d", s)
	}
	recs, _ := cli.List()
	if len(recs) != 1 || recs[0].Origin != mozOrigin {
		t.Fatalf("binding not recorded: %+v", recs)
	}
	h := ext(tk)
	h["Origin"] = mozOrigin2
	if r := e.do(req{method: "POST", path: "/profiles", hdr: h}); r.status != 403 || r.json(t)["code"] != "origin_mismatch" {
		t.Errorf("other extension: %d %s", r.status, r.body)
	} else if fix := "aws-profile-bridge token rotate " + rec.ID; !strings.Contains(r.json(t)["message"].(string), fix) || !strings.Contains(e.log.String(), fix) {
		// A reinstalled extension has a new origin: the reply and the log say what to run.
		t.Errorf("origin_mismatch does not name %q: reply %s", fix, r.body)
	}
	// Non-browser clients (no Origin) may still use it.
	if s := e.do(req{path: "/profiles", hdr: tok(tk)}).status; s != 200 {
		t.Errorf("no origin: %d", s)
	}
	nt, _, err := cli.Rotate(rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := e.do(req{method: "POST", path: "/profiles", hdr: h}).status; s != 401 {
		t.Errorf("rotated-out token: %d", s)
	}
	h["X-API-Token"] = nt
	if s := e.do(req{method: "POST", path: "/profiles", hdr: h}).status; s != 200 {
		t.Errorf("rotated token bound to the new extension: %d", s)
	}
	if s := e.do(req{method: "POST", path: "/profiles", hdr: ext(nt)}).status; s != 403 {
		t.Errorf("first extension after the rebind: %d", s)
	}
}
