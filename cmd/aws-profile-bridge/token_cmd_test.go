package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/token"
)

// tokHome sets a private HOME (config and log directories under it) for the token commands and
// returns the config and log directories.
func tokHome(t *testing.T) (cfg, logs string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	for _, k := range []string{"AWS_PROFILE_BRIDGE_CONFIG_DIR", "XDG_CONFIG_HOME", "AWS_PROFILE_BRIDGE_LOG_DIR", "AWS_PROFILE_BRIDGE_LOG_LEVEL"} {
		t.Setenv(k, "")
	}
	return filepath.Join(home, ".config", "aws-profile-bridge"), filepath.Join(home, ".aws", "logs")
}

// tokCLICreate runs `token create` and checks it printed exactly one line, a valid token.
func tokCLICreate(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(append([]string{"token", "create"}, args...)...)
	if code != 0 {
		t.Fatalf("token create: exit %d: %s", code, errOut)
	}
	return tokOneLine(t, out, errOut)
}

func tokOneLine(t *testing.T, out, errOut string) string {
	t.Helper()
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("stdout is not exactly one line: %q", out)
	}
	tok := strings.TrimSuffix(out, "\n")
	if !token.ValidFormat(tok) {
		t.Fatalf("stdout %q is not a token in the extension's format", tok)
	}
	if strings.Contains(errOut, tok[6:49]) {
		t.Fatalf("stderr repeats the token: %q", errOut)
	}
	return tok
}

func tokListJSON(t *testing.T) []map[string]any {
	t.Helper()
	code, out, errOut := runCLI("token", "list", "--json")
	if code != 0 {
		t.Fatalf("token list --json: exit %d: %s", code, errOut)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("token list --json: %v: %s", err, out)
	}
	return recs
}

func TestTokenCommandCreate(t *testing.T) {
	cfg, _ := tokHome(t)
	code, out, errOut := runCLI("token", "create", "--label", "firefox")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	tok := tokOneLine(t, out, errOut)
	if !strings.Contains(errOut, "will not be shown again") || !strings.Contains(errOut, "extension's settings") {
		t.Errorf("stderr lacks the guidance: %q", errOut)
	}
	s, err := token.Open(cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := s.Verify(tok)
	if !ok || rec.Label != "firefox" {
		t.Fatalf("the printed token does not verify: %+v %v", rec, ok)
	}
	if runtime.GOOS != "windows" {
		for p, want := range map[string]os.FileMode{cfg: 0o700, filepath.Join(cfg, token.FileName): 0o600} {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v, want %o (%v)", p, fi.Mode().Perm(), want, err)
			}
		}
	}
	if code, _, errOut := runCLI("token", "create", "--label", "a\x1b[2Jb"); code != 2 || !strings.Contains(errOut, "label") {
		t.Errorf("a label with an escape: exit %d %q", code, errOut)
	}
	if code, _, _ := runCLI("token", "create", "extra"); code != 2 {
		t.Errorf("an extra argument: exit %d", code)
	}
}

func TestTokenCommandList(t *testing.T) {
	tokHome(t)
	if code, out, errOut := runCLI("token", "list"); code != 0 || out != "" || !strings.Contains(errOut, "token create") {
		t.Fatalf("list of none: %d %q %q", code, out, errOut)
	}
	if recs := tokListJSON(t); len(recs) != 0 {
		t.Fatalf("list --json of none = %v", recs)
	}
	t1 := tokCLICreate(t, "--label", "firefox")
	t2 := tokCLICreate(t)
	code, out, errOut := runCLI("token", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := tokListJSON(t)
	if len(recs) != 2 || recs[0]["label"] != "firefox" || recs[1]["label"] != "" {
		t.Fatalf("list --json = %v", recs)
	}
	_, jsonOut, _ := runCLI("token", "list", "--json")
	for _, r := range recs {
		id := r["id"].(string)
		if !strings.Contains(out, id) {
			t.Errorf("list lacks id %s:\n%s", id, out)
		}
		for k := range r {
			switch k {
			case "id", "label", "created", "last_used", "origin", "rotated_at":
			default:
				t.Errorf("list --json shows %q", k)
			}
		}
	}
	if !strings.Contains(out, "firefox") || !strings.Contains(out, "never") {
		t.Errorf("list:\n%s", out)
	}
	for _, tok := range []string{t1, t2} {
		sum := sha256.Sum256([]byte(tok))
		h := hex.EncodeToString(sum[:])
		for name, o := range map[string]string{"list": out, "list --json": jsonOut, "stderr": errOut} {
			if strings.Contains(o, tok[6:49]) || strings.Contains(o, h[:16]) {
				t.Errorf("%s shows a token or its hash:\n%s", name, o)
			}
		}
	}
}

func TestTokenCommandRotateRevoke(t *testing.T) {
	cfg, _ := tokHome(t)
	old := tokCLICreate(t, "--label", "ext")
	keep := tokCLICreate(t, "--label", "other")
	server, err := token.Open(cfg, false) // a running server, opened before the changes
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := server.Verify(old)
	if !ok {
		t.Fatal("server does not verify the token")
	}
	code, out, errOut := runCLI("token", "rotate", rec.ID)
	if code != 0 {
		t.Fatalf("rotate: exit %d: %s", code, errOut)
	}
	tok := tokOneLine(t, out, errOut)
	if _, ok := server.Verify(old); ok {
		t.Fatal("the old token still works after rotate")
	}
	if r, ok := server.Verify(tok); !ok || r.ID != rec.ID || r.Label != "ext" {
		t.Fatalf("the rotated token: %+v %v", r, ok)
	}
	for _, args := range [][]string{{"rotate", "deadbeef"}, {"revoke", "deadbeef"}} {
		code, out, errOut := runCLI(append([]string{"token"}, args...)...)
		if code != 1 || out != "" || !strings.Contains(errOut, "no such token") || !strings.Contains(errOut, "deadbeef") || !strings.Contains(errOut, "token list") {
			t.Errorf("%v: exit %d, %q, %q", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"rotate"}, {"revoke"}, {"revoke", rec.ID, "--all"}, {"rotate", "a", "b"}} {
		if code, _, _ := runCLI(append([]string{"token"}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	code, out, errOut = runCLI("token", "revoke", rec.ID)
	if code != 0 || out != "" {
		t.Fatalf("revoke: exit %d %q %s", code, out, errOut)
	}
	if _, ok := server.Verify(tok); ok {
		t.Fatal("a revoked token still works")
	}
	if _, ok := server.Verify(keep); !ok {
		t.Fatal("revoke took another token")
	}
	tokCLICreate(t)
	code, _, errOut = runCLI("token", "revoke", "--all")
	if code != 0 || !strings.Contains(errOut, "Revoked 2 tokens") {
		t.Fatalf("revoke --all: exit %d %s", code, errOut)
	}
	if _, ok := server.Verify(keep); ok {
		t.Fatal("a token survived revoke --all")
	}
	if recs := tokListJSON(t); len(recs) != 0 {
		t.Fatalf("after revoke --all: %v", recs)
	}
}

func TestTokenCommandHelp(t *testing.T) {
	tokHome(t)
	for _, args := range [][]string{{"token", "--help"}, {"token", "help"}, {"help", "token"}, {"token", "create", "--help"},
		{"token", "list", "--help"}, {"token", "rotate", "--help"}, {"token", "revoke", "--help"}, {"token", "revoke", "-h"}} {
		code, out, errOut := runCLI(args...)
		if code != 0 || !strings.HasPrefix(out, "Usage: aws-profile-bridge token") || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if code, _, errOut := runCLI("token"); code != 2 || !strings.Contains(errOut, "Usage:") {
		t.Errorf("token alone: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI("token", "show"); code != 2 || !strings.Contains(errOut, `unknown command "show"`) {
		t.Errorf("token show: exit %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("HOME"), ".config")); !os.IsNotExist(err) {
		t.Errorf("help created the config directory: %v", err)
	}
}

// TestTokenCommandAudit: one audit line per change, with the id and never the token.
func TestTokenCommandAudit(t *testing.T) {
	_, logs := tokHome(t)
	tok := tokCLICreate(t, "--label", "ff")
	id := tokListJSON(t)[0]["id"].(string)
	_, out, _ := runCLI("token", "rotate", id)
	tok2 := strings.TrimSpace(out)
	runCLI("token", "revoke", id)
	tokCLICreate(t)
	runCLI("token", "revoke", "--all")
	var events []string
	b, err := os.ReadFile(filepath.Join(logs, "aws_profile_bridge.log"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if m["audit"] != true {
			continue
		}
		ev, _ := m["event"].(string)
		if ev != "token.create" && ev != "token.revoke_all" && m["token_id"] != id {
			t.Errorf("audit line without the id: %s", sc.Text())
		}
		events = append(events, ev)
	}
	want := "token.create token.rotate token.revoke token.create token.revoke_all"
	if got := strings.Join(events, " "); got != want {
		t.Fatalf("audit events %q, want %q", got, want)
	}
	for _, tk := range []string{tok, tok2} {
		if strings.Contains(string(b), tk[6:49]) {
			t.Fatal("the log holds a token")
		}
	}
}

// TestTokenCommandCanary runs every command and greps everything it printed (but the one line of
// create and rotate), the log and the config directory for the tokens.
func TestTokenCommandCanary(t *testing.T) {
	cfg, logs := tokHome(t)
	var printed []string // everything but the token lines
	var toks []string
	runAll := func(args ...string) (int, string, string) {
		code, out, errOut := runCLI(args...)
		printed = append(printed, errOut)
		if len(args) >= 2 && (args[1] == "create" || args[1] == "rotate") && code == 0 {
			toks = append(toks, tokOneLine(t, out, errOut))
		} else {
			printed = append(printed, out)
		}
		return code, out, errOut
	}
	runAll("token", "create", "--label", "canary")
	runAll("token", "create")
	id := tokListJSON(t)[0]["id"].(string)
	runAll("token", "list")
	runAll("token", "list", "--json")
	runAll("token", "rotate", id)
	runAll("token", "list")
	// The user pastes tokens where ids belong.
	for _, tk := range toks {
		for _, args := range [][]string{{"token", "revoke", tk}, {"token", "rotate", tk}, {"token", "revoke", tk[6:49]}, {"token", "create", "--label", tk}, {"token", tk},
			{"token", tk[6:49]}, {"token", "list", tk[6:49]}, {"token", "create", "--" + tk}, {"token", "list", "--label=" + tk}} {
			if code, _, _ := runAll(args...); code == 0 {
				t.Fatalf("%v succeeded", args[:1])
			}
		}
	}
	runAll("token", "revoke", id)
	runAll("token", "revoke", "--all")
	runAll("token", "list", "--json")
	if len(toks) != 3 {
		t.Fatalf("%d tokens printed, want 3", len(toks))
	}
	files := map[string]string{}
	for _, dir := range []string{cfg, logs} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				files[p] = string(b)
			}
			return nil
		})
	}
	if len(files) < 2 {
		t.Fatalf("nothing to grep: %v", files)
	}
	for _, tk := range toks {
		for i, o := range printed {
			if strings.Contains(o, tk[6:49]) || strings.Contains(o, tk[6:26]) {
				t.Errorf("output %d holds a token: %q", i, o)
			}
		}
		for p, b := range files {
			if strings.Contains(b, tk[6:49]) || strings.Contains(b, tk[6:26]) {
				t.Errorf("%s holds a token", p)
			}
		}
	}
}

func TestTokenCommandLooseStore(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes")
	}
	cfg, _ := tokHome(t)
	tokCLICreate(t)
	if err := os.Chmod(cfg, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"token", "list"}, {"token", "create"}, {"token", "revoke", "--all"}} {
		code, out, errOut := runCLI(args...)
		if code != 1 || out != "" || !strings.Contains(errOut, "chmod 700 "+cfg) {
			t.Errorf("%v: exit %d %q %q", args, code, out, errOut)
		}
	}
}
