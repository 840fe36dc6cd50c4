package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// privDir is a temporary directory of mode 0700, as the store requires (t.TempDir follows the
// umask).
func privDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustCreate(t testing.TB, s *Store, label string) (string, Record) {
	t.Helper()
	tok, rec, err := s.Create(label)
	if err != nil {
		t.Fatal(err)
	}
	return tok, rec
}

// age makes the file look written long ago (past the racy window), as it is for a server that
// runs between CLI commands; it changes the stamp, so the next read re-reads it once. The change
// time cannot be set back, so the racy window is closed for the rest of the test instead.
func age(t testing.TB, s *Store) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(s.path, old, old); err != nil {
		t.Fatal(err)
	}
	racyWindow = 0
	t.Cleanup(func() { racyWindow = fsafe.RacyWindow })
}

func TestCreateVerify(t *testing.T) {
	s := newStore(t, filepath.Join(privDir(t), "cfg"))
	tok, rec := mustCreate(t, s, "laptop")
	if !ValidFormat(tok) {
		t.Fatalf("Create returned %q", tok)
	}
	if len(rec.ID) != 8 || rec.Label != "laptop" || rec.Created.IsZero() || !rec.LastUsed.IsZero() || rec.Origin != "" {
		t.Errorf("record %+v", rec)
	}
	got, ok := s.Verify(tok)
	if !ok || got.ID != rec.ID {
		t.Fatalf("Verify(created) = %+v, %v", got, ok)
	}
	other, _ := Generate() // right format, valid checksum, not in the store
	for name, p := range map[string]string{"other token": other, "empty": "", "garbage": "hello",
		"newline": tok + "\n", "flipped": tok[:20] + string(tok[20]^1) + tok[21:]} {
		if _, ok := s.Verify(p); ok {
			t.Errorf("Verify(%s) = true", name)
		}
	}
	// A fresh Store (the server, started later) verifies it too.
	if _, ok := newStore(t, s.dir).Verify(tok); !ok {
		t.Error("a second Store does not verify the token")
	}
}

// TestAtRestOnlyHashes greps the file for every token and its random part.
func TestAtRestOnlyHashes(t *testing.T) {
	s := newStore(t, privDir(t))
	var toks []string
	for i := 0; i < 5; i++ {
		tok, _ := mustCreate(t, s, "l"+strconv.Itoa(i))
		toks = append(toks, tok)
	}
	tok, _, err := s.Rotate(mustList(t, s)[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	toks = append(toks, tok)
	data, err := os.ReadFile(s.path)
	if err != nil {
		t.Fatal(err)
	}
	for i, tok := range toks {
		for _, piece := range []string{tok, tok[6:49], tok[6:26], tok[30:49]} {
			if bytes.Contains(data, []byte(piece)) {
				t.Fatalf("the store holds %q of a token:\n%s", piece, data)
			}
		}
		if h := hexHash(hashToken(tok)); i > 0 && !bytes.Contains(data, []byte(h)) { // toks[0] was rotated
			t.Errorf("the store lacks the hash %s", h)
		}
	}
	var fd fileData
	if err := json.Unmarshal(data, &fd); err != nil || fd.Version != 1 || len(fd.Tokens) != 5 {
		t.Fatalf("file: %v %+v", err, fd)
	}
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(s.dir, e.Name()))
		for _, tok := range toks {
			if bytes.Contains(b, []byte(tok[6:49])) {
				t.Errorf("%s holds a token", e.Name())
			}
		}
	}
}

func mustList(t testing.TB, s *Store) []Record {
	t.Helper()
	recs, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestOpenMissing: without create, a missing store is empty, creates nothing, and is picked up
// once another process creates it.
func TestOpenMissing(t *testing.T) {
	dir := filepath.Join(privDir(t), "cfg")
	s, err := Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if recs := mustList(t, s); len(recs) != 0 {
		t.Fatalf("List = %v", recs)
	}
	tok, _ := Generate()
	if _, ok := s.Verify(tok); ok {
		t.Fatal("Verify on an empty store = true")
	}
	if err := s.Revoke("abcd1234"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Revoke on an empty store: %v", err)
	}
	if _, _, err := s.Rotate("abcd1234"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Rotate on an empty store: %v", err)
	}
	if n, err := s.RevokeAll(); n != 0 || err != nil {
		t.Errorf("RevokeAll on an empty store: %d %v", n, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open(create=false) and reads created %s: %v", dir, err)
	}
	tok, _ = mustCreate(t, newStore(t, dir), "cli")
	if _, ok := s.Verify(tok); !ok {
		t.Error("the store opened before the file existed does not see the new token")
	}
}

// TestInstallStateUntouched: the installer's state file in the same directory is left alone.
func TestInstallStateUntouched(t *testing.T) {
	dir := privDir(t)
	state := filepath.Join(dir, "install-state.json")
	want := []byte(`{"extension_ids":["x"]}` + "\n")
	if err := os.WriteFile(state, want, 0o600); err != nil {
		t.Fatal(err)
	}
	s := newStore(t, dir)
	_, rec := mustCreate(t, s, "a")
	if _, _, err := s.Rotate(rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeAll(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(state); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("install-state.json = %q, %v", got, err)
	}
}

// TestRotate: the old token stops working at once, in this Store and in one opened earlier
// (the running server), many times in a row (same size, same coarse mtime).
func TestRotate(t *testing.T) {
	dir := privDir(t)
	cli := newStore(t, dir)
	old, rec := mustCreate(t, cli, "ext")
	server := newStore(t, dir)
	if _, ok := server.Verify(old); !ok {
		t.Fatal("server does not verify the token")
	}
	if ok, err := server.Use(rec.ID, "moz-extension://a", time.Now()); !ok || err != nil {
		t.Fatal(ok, err)
	}
	for i := 0; i < 20; i++ {
		if i == 10 {
			age(t, cli) // out of the racy window: now the stamp alone must tell
			if _, ok := server.Verify(old); !ok {
				t.Fatal("server lost the token")
			}
		}
		tok, r2, err := cli.Rotate(rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r2.ID != rec.ID || r2.Label != "ext" || r2.Origin != "" || r2.RotatedAt.IsZero() || !r2.Created.Equal(rec.Created) {
			t.Fatalf("rotated record %+v (was %+v)", r2, rec)
		}
		if _, ok := server.Verify(old); ok {
			t.Fatalf("rotation %d: the server still accepts the old token", i)
		}
		if _, ok := cli.Verify(old); ok {
			t.Fatalf("rotation %d: the CLI store still accepts the old token", i)
		}
		if got, ok := server.Verify(tok); !ok || got.ID != rec.ID {
			t.Fatalf("rotation %d: the server does not accept the new token", i)
		}
		old = tok
	}
	if _, _, err := cli.Rotate("nope0000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Rotate(unknown) = %v", err)
	}
}

func TestRevoke(t *testing.T) {
	dir := privDir(t)
	cli := newStore(t, dir)
	server := newStore(t, dir)
	t1, r1 := mustCreate(t, cli, "one")
	t2, _ := mustCreate(t, cli, "two")
	t3, _ := mustCreate(t, cli, "three")
	age(t, cli)
	for _, tok := range []string{t1, t2, t3} {
		if _, ok := server.Verify(tok); !ok {
			t.Fatal("server does not see a new token")
		}
	}
	if err := cli.Revoke(r1.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := server.Verify(t1); ok {
		t.Fatal("a revoked token still works")
	}
	if _, ok := server.Verify(t2); !ok {
		t.Fatal("revoking one token revoked another")
	}
	if err := cli.Revoke(r1.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Revoke twice = %v", err)
	}
	n, err := cli.RevokeAll()
	if err != nil || n != 2 {
		t.Fatalf("RevokeAll = %d, %v", n, err)
	}
	for _, tok := range []string{t2, t3} {
		if _, ok := server.Verify(tok); ok {
			t.Fatal("a token survived RevokeAll")
		}
	}
	if recs := mustList(t, server); len(recs) != 0 {
		t.Fatalf("List after RevokeAll = %v", recs)
	}
	if n, err := cli.RevokeAll(); n != 0 || err != nil {
		t.Errorf("RevokeAll again = %d, %v", n, err)
	}
}

// TestNotFoundNeverEchoesAToken: a token pasted where an id belongs is not repeated in the error.
func TestNotFoundNeverEchoesAToken(t *testing.T) {
	s := newStore(t, privDir(t))
	tok, _ := mustCreate(t, s, "x")
	for _, id := range []string{tok, tok[6:49], tok[6:49] + "_" + tok[50:]} {
		err := s.Revoke(id)
		if !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), tok[6:49]) || strings.Contains(err.Error(), tok[6:20]) {
			t.Errorf("Revoke(token) = %v", err)
		}
		_, _, err = s.Rotate(id)
		if !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), tok[6:20]) {
			t.Errorf("Rotate(token) = %v", err)
		}
		_, err = s.Use(id, "", time.Now())
		if !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), tok[6:20]) {
			t.Errorf("Use(token) = %v", err)
		}
	}
	if err := s.Revoke("abc"); err == nil || !strings.Contains(err.Error(), `"abc"`) {
		t.Errorf("an id should be named: %v", err)
	}
}

func TestLabels(t *testing.T) {
	s := newStore(t, privDir(t))
	for _, l := range []string{"", "laptop", "Ünïcödé ✓", strings.Repeat("x", 64)} {
		if _, _, err := s.Create(l); err != nil {
			t.Errorf("Create(%q) = %v", l, err)
		}
	}
	for _, l := range []string{"a\nb", "a\rb", "\x1b[31mred", "tab\t", "\u202eevil", strings.Repeat("x", 65), "\xff", "my awspc_token"} {
		if _, _, err := s.Create(l); !errors.Is(err, ErrBadLabel) {
			t.Errorf("Create(%q) = %v, want ErrBadLabel", l, err)
		}
	}
	if n := len(mustList(t, s)); n != 4 {
		t.Errorf("%d records", n)
	}
}

// TestOriginBinding: the first origin binds; another is refused; none (a non-browser client) is
// allowed; the binding is on disk, seen by a Store opened before it was made.
func TestOriginBinding(t *testing.T) {
	dir := privDir(t)
	server := newStore(t, dir)
	other := newStore(t, dir)
	tok, rec := mustCreate(t, server, "ext")
	now := time.Now()
	if ok, err := server.Use(rec.ID, "", now); !ok || err != nil {
		t.Fatal("no origin:", ok, err)
	}
	if r, _ := server.Verify(tok); r.Origin != "" {
		t.Fatal("an empty origin bound the token")
	}
	a, b := "moz-extension://aaaaaaaa-1111-2222-3333-444444444444", "moz-extension://bbbbbbbb-1111-2222-3333-444444444444"
	if ok, err := server.Use(rec.ID, a, now); !ok || err != nil {
		t.Fatal("first origin:", ok, err)
	}
	if ok, err := server.Use(rec.ID, a, now); !ok || err != nil {
		t.Fatal("same origin again:", ok, err)
	}
	if ok, err := server.Use(rec.ID, b, now); ok || err != nil {
		t.Fatal("another origin allowed:", ok, err)
	}
	if ok, err := other.Use(rec.ID, b, now); ok || err != nil {
		t.Fatal("another origin through a second Store allowed:", ok, err)
	}
	if ok, err := server.Use(rec.ID, "", now); !ok || err != nil {
		t.Fatal("no origin after binding:", ok, err)
	}
	if r, _ := newStore(t, dir).Verify(tok); r.Origin != a {
		t.Fatalf("binding not on disk: %+v", r)
	}
	if ok, err := server.Use(rec.ID, "moz-extension://x\n", now); ok || !errors.Is(err, ErrBadOrigin) {
		t.Errorf("control characters in an origin: %v %v", ok, err)
	}
	if ok, err := server.Use("00000000", a, now); ok || !errors.Is(err, ErrNotFound) {
		t.Errorf("Use(unknown) = %v %v", ok, err)
	}
	// Rotation clears the binding.
	if _, _, err := server.Rotate(rec.ID); err != nil {
		t.Fatal(err)
	}
	if ok, err := other.Use(rec.ID, b, now); !ok || err != nil {
		t.Fatal("after rotation, a new origin should bind:", ok, err)
	}
}

// TestOriginBindingRace: many origins at once through two Stores: exactly one wins.
func TestOriginBindingRace(t *testing.T) {
	dir := privDir(t)
	stores := []*Store{newStore(t, dir), newStore(t, dir)}
	_, rec := mustCreate(t, stores[0], "ext")
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := stores[i%2].Use(rec.ID, fmt.Sprintf("moz-extension://%d", i), time.Now())
			if err != nil {
				t.Error(err)
			}
			if ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := allowed.Load(); n != 1 {
		t.Fatalf("%d origins allowed, want 1", n)
	}
}

// TestLastUsedThrottle: LastUsed reaches the disk on first use and then at most once a minute.
func TestLastUsedThrottle(t *testing.T) {
	s := newStore(t, privDir(t))
	_, rec := mustCreate(t, s, "x")
	t0 := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	fileAt := func() ([]byte, os.FileInfo) {
		b, err := os.ReadFile(s.path)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(s.path)
		return b, fi
	}
	if ok, err := s.Use(rec.ID, "", t0); !ok || err != nil {
		t.Fatal(ok, err)
	}
	r, _ := newStore(t, s.dir).Get(rec.ID)
	if !r.LastUsed.Equal(t0) {
		t.Fatalf("LastUsed after first use = %v", r.LastUsed)
	}
	before, fi0 := fileAt()
	for _, d := range []time.Duration{time.Second, 30 * time.Second, 59 * time.Second} {
		if ok, err := s.Use(rec.ID, "", t0.Add(d)); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	after, fi1 := fileAt()
	if !bytes.Equal(before, after) || !os.SameFile(fi0, fi1) {
		t.Fatal("the file was rewritten within a minute of the last recorded use")
	}
	if ok, err := s.Use(rec.ID, "", t0.Add(61*time.Second)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	r, _ = newStore(t, s.dir).Get(rec.ID)
	if !r.LastUsed.Equal(t0.Add(61 * time.Second)) {
		t.Fatalf("LastUsed after a minute = %v", r.LastUsed)
	}
}

// TestCrashLeavesOldFile: a write that fails before the rename (a crash, a full disk) leaves the
// old file whole and every old token working; the leftover temporary file is ignored by readers
// and removed by the next writer.
func TestCrashLeavesOldFile(t *testing.T) {
	s := newStore(t, privDir(t))
	tok, rec := mustCreate(t, s, "keep")
	want, _ := os.ReadFile(s.path)
	beforeRename = func() error { return errors.New("disk full") }
	_, _, err := s.Create("lost")
	_, _, err2 := s.Rotate(rec.ID)
	beforeRename = nil
	if err == nil || err2 == nil {
		t.Fatal("the injected failure did not surface")
	}
	if got, _ := os.ReadFile(s.path); !bytes.Equal(got, want) {
		t.Fatalf("a failed write changed the file:\n%s\nwas\n%s", got, want)
	}
	temps := func() int {
		ents, _ := os.ReadDir(s.dir)
		n := 0
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), fsafe.TempPrefix(s.path)) {
				n++
			}
		}
		return n
	}
	if n := temps(); n != 0 {
		t.Fatalf("%d temporary files: the failed writes should remove theirs", n)
	}
	// A crash mid-write: a half-written temporary file left behind.
	leftover := filepath.Join(s.dir, fsafe.TempPrefix(s.path)+"123456")
	if err := os.WriteFile(leftover, want[:len(want)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := newStore(t, s.dir)
	if _, ok := fresh.Verify(tok); !ok {
		t.Fatal("the old token stopped working after a failed write")
	}
	if n := len(mustList(t, fresh)); n != 1 {
		t.Fatalf("%d records after a failed write", n)
	}
	mustCreate(t, s, "next")
	if n := temps(); n != 0 {
		t.Errorf("the next writer left %d temporary files", n)
	}
}

// TestReadersNeverSeeATornFile: raw readers of the file, while writers replace it, always parse
// a complete store (a non-atomic write would show them an empty or partial file).
func TestReadersNeverSeeATornFile(t *testing.T) {
	s := newStore(t, privDir(t))
	mustCreate(t, s, strings.Repeat("padding ", 8))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads atomic.Int64
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				b, err := os.ReadFile(s.path)
				if err != nil {
					t.Error(err)
					return
				}
				var fd fileData
				if err := json.Unmarshal(b, &fd); err != nil || fd.Version != 1 || len(fd.Tokens) == 0 {
					t.Errorf("torn read (%d bytes): %v", len(b), err)
					return
				}
				reads.Add(1)
			}
		}()
	}
	for i := 0; i < 60; i++ {
		mustCreate(t, s, strings.Repeat("label ", 10))
	}
	close(stop)
	wg.Wait()
	t.Logf("%d reads", reads.Load())
}

// TestConcurrentCreate: goroutines creating through two Stores lose nothing.
func TestConcurrentCreate(t *testing.T) {
	dir := privDir(t)
	stores := []*Store{newStore(t, dir), newStore(t, dir)}
	const workers, each = 8, 8
	toks := make(chan string, workers*each)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				tok, _, err := stores[w%2].Create(fmt.Sprintf("w%d-%d", w, i))
				if err != nil {
					t.Error(err)
					return
				}
				toks <- tok
			}
		}()
	}
	wg.Wait()
	close(toks)
	check := newStore(t, dir)
	if n := len(mustList(t, check)); n != workers*each {
		t.Fatalf("%d records, want %d: updates were lost", n, workers*each)
	}
	for tok := range toks {
		if _, ok := check.Verify(tok); !ok {
			t.Fatal("a created token does not verify")
		}
	}
}

// TestCrossProcessCreate: two other processes and this one create at once; nothing is lost.
func TestCrossProcessCreate(t *testing.T) {
	if os.Getenv("TOKEN_HELPER_DIR") != "" {
		t.Skip("helper")
	}
	dir := privDir(t)
	newStore(t, dir)
	const each = 15
	var cmds []*exec.Cmd
	for i := 0; i < 2; i++ {
		c := exec.Command(os.Args[0], "-test.run=^TestHelperCreate$")
		c.Env = append(os.Environ(), "TOKEN_HELPER_DIR="+dir, "TOKEN_HELPER_N="+strconv.Itoa(each))
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(out.String())
			}
		})
		cmds = append(cmds, c)
	}
	s := newStore(t, dir)
	for i := 0; i < each; i++ {
		mustCreate(t, s, "parent")
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(mustList(t, newStore(t, dir))); n != 3*each {
		t.Fatalf("%d records, want %d", n, 3*each)
	}
}

func TestHelperCreate(t *testing.T) {
	dir := os.Getenv("TOKEN_HELPER_DIR")
	if dir == "" {
		t.Skip("run by TestCrossProcessCreate")
	}
	n, _ := strconv.Atoi(os.Getenv("TOKEN_HELPER_N"))
	s := newStore(t, dir)
	for i := 0; i < n; i++ {
		mustCreate(t, s, "child")
	}
}

// TestVerifyGarbageNoIO: a malformed token is refused before any file access.
func TestVerifyGarbageNoIO(t *testing.T) {
	s := newStore(t, privDir(t))
	tok, _ := mustCreate(t, s, "x")
	var stats atomic.Int64
	osStat = func(p string) (os.FileInfo, error) { stats.Add(1); return os.Stat(p) }
	defer func() { osStat = os.Stat }()
	l0 := loads.Load()
	bad := tok[:55] + string(tok[55]^1)
	for _, p := range []string{"", "x", bad, strings.Repeat("a", 56), "awspc_" + strings.Repeat("!", 50)} {
		if _, ok := s.Verify(p); ok {
			t.Fatalf("Verify(%q) = true", p)
		}
	}
	if stats.Load() != 0 || loads.Load() != l0 {
		t.Fatalf("garbage tokens cost %d stats and %d reads", stats.Load(), loads.Load()-l0)
	}
	s.Verify(tok)
	if stats.Load() == 0 && loads.Load() == l0 {
		t.Fatal("a well-formed token did not look at the file")
	}
}

// TestVerifyCaches: an unchanged file is not re-read; a changed one is, once.
func TestVerifyCaches(t *testing.T) {
	s := newStore(t, privDir(t))
	tok, _ := mustCreate(t, s, "x")
	age(t, s)
	s.Verify(tok) // the stamp changed: one re-read
	l0 := loads.Load()
	for i := 0; i < 100; i++ {
		if _, ok := s.Verify(tok); !ok {
			t.Fatal("Verify = false")
		}
	}
	if n := loads.Load() - l0; n != 0 {
		t.Fatalf("100 Verify calls on an unchanged file read it %d times", n)
	}
	// A fresh write is re-read while it is within the racy window, then cached again.
	cli := newStore(t, s.dir)
	mustCreate(t, cli, "y")
	l0 = loads.Load()
	s.Verify(tok)
	if loads.Load() == l0 {
		t.Fatal("a changed file was not re-read")
	}
}

func TestCorruptOrForeignFile(t *testing.T) {
	for name, content := range map[string]string{
		"not json":      "{",
		"array":         "[]",
		"version 2":     `{"version":2,"tokens":[]}`,
		"bad hash":      `{"version":1,"tokens":[{"id":"a","sha256":"xyz"}]}`,
		"duplicate ids": `{"version":1,"tokens":[{"id":"a","sha256":"` + strings.Repeat("0", 64) + `"},{"id":"a","sha256":"` + strings.Repeat("1", 64) + `"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := privDir(t)
			p := filepath.Join(dir, FileName)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir, false); err == nil || !strings.Contains(err.Error(), p) {
				t.Fatalf("Open = %v, want an error naming %s", err, p)
			}
			if _, err := Open(dir, true); err == nil {
				t.Fatal("Open(create) accepted it")
			}
			if got, _ := os.ReadFile(p); string(got) != content {
				t.Fatal("Open overwrote a file it could not read")
			}
		})
	}
	// A store that goes bad while open fails closed.
	s := newStore(t, privDir(t))
	tok, _ := mustCreate(t, s, "x")
	if err := os.WriteFile(s.path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Verify(tok); ok {
		t.Fatal("Verify accepted a token from a corrupt file")
	}
	if s.Err() == nil {
		t.Fatal("Err() = nil for a corrupt file")
	}
	if _, _, err := s.Create("y"); err == nil {
		t.Fatal("Create overwrote a corrupt file")
	}
}

func TestEmptyFileIsEmptyStore(t *testing.T) {
	dir := privDir(t)
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := newStore(t, dir)
	if n := len(mustList(t, s)); n != 0 {
		t.Fatal(n)
	}
	mustCreate(t, s, "x")
}

func BenchmarkVerify(b *testing.B) {
	s := newStore(b, privDir(b))
	var tok string
	for i := 0; i < 10; i++ {
		tok, _ = mustCreate(b, s, "x")
	}
	age(b, s)
	s.Verify(tok)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.Verify(tok); !ok {
			b.Fatal("Verify = false")
		}
	}
}

func BenchmarkVerifyParallel(b *testing.B) {
	s := newStore(b, privDir(b))
	var tok string
	for i := 0; i < 10; i++ {
		tok, _ = mustCreate(b, s, "x")
	}
	age(b, s)
	s.Verify(tok)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := s.Verify(tok); !ok {
				b.Fatal("Verify = false")
			}
		}
	})
}

func BenchmarkVerifyWrong(b *testing.B) {
	s := newStore(b, privDir(b))
	for i := 0; i < 10; i++ {
		mustCreate(b, s, "x")
	}
	age(b, s)
	wrong, _ := Generate()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.Verify(wrong); ok {
			b.Fatal("Verify = true")
		}
	}
}

func BenchmarkVerifyGarbage(b *testing.B) {
	s := newStore(b, privDir(b))
	mustCreate(b, s, "x")
	bad := "awspc_" + strings.Repeat("A", 43) + "_0DofJ9" // one checksum character off
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.Verify(bad); ok {
			b.Fatal("Verify = true")
		}
	}
}
