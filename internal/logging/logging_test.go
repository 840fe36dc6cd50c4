package logging

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"gopkg.in/natefinch/lumberjack.v2"
)

// lines reads every log line of every file in dir, checking each is a JSON
// object.
func lines(t *testing.T, dir string) []map[string]any {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, e := range ents {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%s: line %q is not a JSON object: %v", e.Name(), sc.Text(), err)
			}
			out = append(out, m)
		}
		f.Close()
	}
	return out
}

func readAllFiles(t *testing.T, dir string) []byte {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var all []byte
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestOpenWritesJSONLinesUTC(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs", "nested")
	log, c, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Str("k", "v").Msg("hello")
	log.Debug().Msg("hidden at info")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	ls := lines(t, dir)
	if len(ls) != 1 {
		t.Fatalf("%d lines, want 1: %v", len(ls), ls)
	}
	l := ls[0]
	if l["level"] != "info" || l["message"] != "hello" || l["k"] != "v" {
		t.Fatalf("line = %v", l)
	}
	ts, _ := l["time"].(string)
	tm, err := time.Parse(time.RFC3339, ts)
	if err != nil || !strings.HasSuffix(ts, "Z") || time.Since(tm) > time.Minute {
		t.Fatalf("time %q: %v", ts, err)
	}
}

func TestLevels(t *testing.T) {
	tests := []struct {
		in      string
		want    zerolog.Level
		wantErr bool
	}{
		{"", zerolog.InfoLevel, false},
		{"debug", zerolog.DebugLevel, false},
		{" DEBUG ", zerolog.DebugLevel, false},
		{"trace", zerolog.TraceLevel, false},
		{"info", zerolog.InfoLevel, false},
		{"warn", zerolog.WarnLevel, false},
		{"warning", zerolog.WarnLevel, false},
		{"error", zerolog.ErrorLevel, false},
		{"disabled", zerolog.Disabled, false},
		{"verbose", zerolog.InfoLevel, true},
		{"-1", zerolog.InfoLevel, true},
		{"panic", zerolog.InfoLevel, true},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseLevel(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestOpenInvalidLevelWarns(t *testing.T) {
	dir := t.TempDir()
	log, c, err := Open(dir, "loud\nforged")
	if err != nil {
		t.Fatal(err)
	}
	log.Debug().Msg("debug hidden")
	log.Info().Msg("info shown")
	c.Close()
	ls := lines(t, dir)
	if len(ls) != 2 || ls[0]["level"] != "warn" || ls[1]["message"] != "info shown" {
		t.Fatalf("lines = %v", ls)
	}
}

func TestDebugLevel(t *testing.T) {
	dir := t.TempDir()
	log, c, err := Open(dir, "debug")
	if err != nil {
		t.Fatal(err)
	}
	log.Debug().Msg("debug shown")
	c.Close()
	if ls := lines(t, dir); len(ls) != 1 || ls[0]["level"] != "debug" {
		t.Fatalf("lines = %v", ls)
	}
}

func TestAudit(t *testing.T) {
	dir := t.TempDir()
	log, c, err := Open(dir, "error")
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("filtered")
	Audit(log).Str("event", "token.create").Msg("token created")
	c.Close()
	ls := lines(t, dir)
	if len(ls) != 1 || ls[0]["audit"] != true || ls[0]["level"] != "info" || ls[0]["event"] != "token.create" || ls[0]["time"] == nil {
		t.Fatalf("lines = %v", ls)
	}
}

// TestNewlineInjection: a user-controlled newline cannot start a new line.
func TestNewlineInjection(t *testing.T) {
	dir := t.TempDir()
	log, c, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	evil := "prod\n{\"level\":\"error\",\"forged\":true,\"message\":\"x\"}\r\n"
	Str(log.Info(), "profile", evil).Msg(evil)
	log.Info().Str("raw", evil).Msg("raw")
	c.Close()
	raw := readAllFiles(t, dir)
	if n := bytes.Count(raw, []byte("\n")); n != 2 {
		t.Fatalf("%d newlines in the file, want 2:\n%s", n, raw)
	}
	for _, l := range lines(t, dir) {
		if _, forged := l["forged"]; forged {
			t.Fatalf("forged field: %v", l)
		}
	}
	if ls := lines(t, dir); ls[0]["profile"] != evil {
		t.Fatalf("value not kept verbatim: %q", ls[0]["profile"])
	}
}

// TestCanariesNeverReachTheFile logs every canary through the helpers, in
// messages, in errors and as plain fields, then greps all log files.
func TestCanariesNeverReachTheFile(t *testing.T) {
	dir := t.TempDir()
	log, c, err := Open(dir, "debug")
	if err != nil {
		t.Fatal(err)
	}
	url := "https://signin.aws.amazon.com/federation?Action=login&SigninToken=" + canarySignin + "&Destination=x"
	// Canaries recognisable on their own, then the short ones in context.
	values := []string{canaryAKID, canaryASIA, canarySecret, canarySession, canaryAPIToken, canarySignin,
		url,
		"Authorization: Bearer " + canaryBearer,
		"X-Amz-Security-Token: " + canaryXAmz,
		"SigninToken=" + canaryShortSig,
		`{"SigninToken":"` + canaryShortSig + `"}`,
	}
	for _, v := range values {
		Str(log.Info(), "value", v).Msg("helper")
		Strs(log.Info(), "values", []string{"a", v}).Msg("helpers")
		Err(log.Warn(), errors.New("wrapped: "+v)).Msg("error helper")
		// Defence in depth: fields and messages not passed through the
		// helpers are redacted by the writer too.
		log.Info().Str("plain", v).Msg("plain " + v)
		log.Error().Err(errors.New(v)).Msg("plain error")
		Audit(log).Str("detail", v).Msg("audit")
	}
	c.Close()
	all := readAllFiles(t, dir)
	for _, cn := range canaries {
		if bytes.Contains(all, []byte(cn)) {
			t.Errorf("canary %q found in the log", cn)
		}
	}
	if got := len(lines(t, dir)); got != 6*len(values) {
		t.Fatalf("%d lines, want %d", got, 6*len(values))
	}
	if !bytes.Contains(all, []byte(Mask)) || !bytes.Contains(all, []byte(URLMask)) {
		t.Fatal("no mask in the log")
	}
}

// TestNothingOnStderr: logging, including a failed write, prints nothing on
// stderr (the browser console) or stdout (the frame stream).
func TestNothingOnStderr(t *testing.T) {
	rOut, wOut, _ := os.Pipe()
	rErr, wErr, _ := os.Pipe()
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = wOut, wErr
	func() {
		defer func() { os.Stdout, os.Stderr = oldOut, oldErr }()
		dir := t.TempDir()
		log, c, err := Open(dir, "bogus")
		if err != nil {
			t.Error(err)
			return
		}
		log.Info().Msg("x")
		c.Close()
		before := Dropped()
		broken := New(failWriter{}, zerolog.InfoLevel)
		broken.Error().Msg("cannot be written")
		if Dropped() != before+1 {
			t.Errorf("Dropped = %d, want %d", Dropped(), before+1)
		}
	}()
	wOut.Close()
	wErr.Close()
	out, _ := io.ReadAll(rOut)
	errOut, _ := io.ReadAll(rErr)
	if len(out) != 0 || len(errOut) != 0 {
		t.Fatalf("stdout %q, stderr %q", out, errOut)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestOpenRefusesFileAsDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o600)
	if _, _, err := Open(f, ""); err == nil {
		t.Fatal("Open on a file succeeded")
	}
	if _, _, err := Open("", ""); err == nil {
		t.Fatal("Open on empty dir succeeded")
	}
}

// TestRotationBySize writes past a 1 MB limit and checks every line lands
// whole in some file.
func TestRotationBySize(t *testing.T) {
	dir := t.TempDir()
	log, c, err := open(dir, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("p.", 500) // dots: a long token-like run would be redacted
	for i := range 1200 {
		log.Info().Int("i", i).Str("pad", pad).Msg("fill")
	}
	c.Close()
	ents, _ := os.ReadDir(dir)
	if len(ents) < 2 {
		t.Fatalf("%d files after 1.2 MB at a 1 MB limit", len(ents))
	}
	if got := len(lines(t, dir)); got != 1200 {
		t.Fatalf("%d lines, want 1200", got)
	}
	_ = c.(*lumberjack.Logger)
}
