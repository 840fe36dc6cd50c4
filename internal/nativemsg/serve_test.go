package nativemsg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
)

func stream(frames ...[]byte) []byte {
	var b []byte
	for _, f := range frames {
		b = append(b, frameBytes(uint32(len(f)), f)...)
	}
	return b
}

// readAll decodes out as a sequence of frames, failing on any stray byte.
func readAll(t testing.TB, out []byte) [][]byte {
	t.Helper()
	var got [][]byte
	r := bytes.NewReader(out)
	for {
		if r.Len() >= 4 {
			if n := binary32(out[len(out)-r.Len():]); n > MaxOutbound {
				t.Fatalf("reply frame of %d bytes", n)
			}
		}
		f, err := readFrameUncapped(r)
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("output is not a sequence of frames: %v", err)
		}
		got = append(got, f)
	}
}

func binary32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func readFrameUncapped(r *bytes.Reader) ([]byte, error) {
	var hdr [4]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		if n == 0 && err == io.EOF {
			return nil, io.EOF
		}
		return nil, err
	}
	b := make([]byte, binary32(hdr[:]))
	_, err := io.ReadFull(r, b)
	return b, err
}

func code(t testing.TB, reply []byte) apierr.Code {
	t.Helper()
	var v struct {
		Action, Message string
		Code            apierr.Code
	}
	if err := json.Unmarshal(reply, &v); err != nil {
		t.Fatalf("reply %q: %v", reply, err)
	}
	if v.Action != "error" {
		return ""
	}
	if v.Message == "" {
		t.Fatalf("error frame without message: %s", reply)
	}
	return v.Code
}

func echo(_ context.Context, req []byte) []byte { return req }

func TestServe(t *testing.T) {
	big := []byte(`{"a":"` + strings.Repeat("x", MaxOutbound) + `"}`)
	tests := []struct {
		name      string
		in        []byte
		h         Handler
		wantErr   error
		wantCodes []apierr.Code // "" for a reply passed through
	}{
		{"EOF at once", nil, echo, nil, nil},
		{"one request", stream([]byte(`{"action":"getProfiles"}`)), echo, nil, []apierr.Code{""}},
		{"three requests in order", stream([]byte(`{"n":1}`), []byte(`{"n":2}`), []byte(`{"n":3}`)), echo, nil, []apierr.Code{"", "", ""}},
		{"empty frame then a good one", stream([]byte{}, []byte(`{"n":2}`)), echo, nil, []apierr.Code{apierr.CodeEmptyFrame, ""}},
		{"truncated after a good one", append(stream([]byte(`{"n":1}`)), 9, 0, 0, 0, '{'), echo, ErrTruncated, []apierr.Code{""}},
		{"truncated length", append(stream([]byte(`{"n":1}`)), 9, 0), echo, ErrTruncated, []apierr.Code{""}},
		{"too large then more", append(frameBytes(MaxInbound+1, nil), stream([]byte(`{}`))...), echo, ErrFrameTooLarge, []apierr.Code{apierr.CodeFrameTooLarge}},
		{"huge length", frameBytes(0xFFFFFFFF, nil), echo, ErrFrameTooLarge, []apierr.Code{apierr.CodeFrameTooLarge}},
		{"reply too large", stream([]byte(`{}`), []byte(`{}`)), func(context.Context, []byte) []byte { return big }, nil, []apierr.Code{apierr.CodeReplyTooLarge, apierr.CodeReplyTooLarge}},
		{"reply not JSON", stream([]byte(`{}`)), func(context.Context, []byte) []byte { return []byte("oops") }, nil, []apierr.Code{apierr.CodeInternal}},
		{"reply not an object", stream([]byte(`[1]`), []byte(`"s"`), []byte(`{}`)), echo, nil, []apierr.Code{apierr.CodeInternal, apierr.CodeInternal, ""}},
		{"reply with trailing data", stream([]byte(`{} [1]`)), echo, nil, []apierr.Code{apierr.CodeInternal}},
		{"reply cut short", stream([]byte(`{"a":[1,`)), echo, nil, []apierr.Code{apierr.CodeInternal}},
		{"reply invalid UTF-8", stream([]byte("{\"a\":\"\xff\"}")), echo, nil, []apierr.Code{apierr.CodeInternal}},
		{"reply nil", stream([]byte(`{}`)), func(context.Context, []byte) []byte { return nil }, nil, []apierr.Code{apierr.CodeInternal}},
		{"handler panics", stream([]byte(`{}`), []byte(`{}`)), func(context.Context, []byte) []byte { panic("boom") }, nil, []apierr.Code{apierr.CodeInternal, apierr.CodeInternal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, logBuf bytes.Buffer
			err := Serve(context.Background(), bytes.NewReader(tt.in), &out, tt.h, zerolog.New(&logBuf))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			replies := readAll(t, out.Bytes())
			if len(replies) != len(tt.wantCodes) {
				t.Fatalf("%d replies, want %d: %q", len(replies), len(tt.wantCodes), out.Bytes())
			}
			for i, r := range replies {
				if !isObject(r) {
					t.Errorf("reply %d not a JSON object: %q", i, r)
				}
				if got := code(t, r); got != tt.wantCodes[i] {
					t.Errorf("reply %d code %q, want %q", i, got, tt.wantCodes[i])
				}
			}
			if strings.Contains(tt.name, "in order") {
				for i, r := range replies {
					if want := `{"n":` + string(rune('1'+i)) + `}`; string(r) != want {
						t.Errorf("reply %d = %s, want %s", i, r, want)
					}
				}
			}
		})
	}
}

// TestServeLogsNoBody checks there is one line per request and no body.
func TestServeLogsNoBody(t *testing.T) {
	const canary = "CANARY-7f3a-body"
	in := stream([]byte(`{"action":"openProfile","profileName":"`+canary+`"}`), []byte(`{"x":"`+canary+`"}`))
	var out, logBuf bytes.Buffer
	h := func(_ context.Context, req []byte) []byte { return []byte(`{"url":"` + canary + `"}`) }
	if err := Serve(context.Background(), bytes.NewReader(in), &out, h, zerolog.New(&logBuf)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logBuf.String(), canary) {
		t.Fatalf("log holds a body: %s", logBuf.String())
	}
	if n := strings.Count(logBuf.String(), `"native request"`); n != 2 {
		t.Fatalf("%d request lines, want 2:\n%s", n, logBuf.String())
	}
	for _, key := range []string{`"req_bytes"`, `"reply_bytes"`, `"duration_ms"`} {
		if !strings.Contains(logBuf.String(), key) {
			t.Errorf("log lacks %s", key)
		}
	}
}

// TestServeWaitsAfterReply: after a reply Serve keeps reading until EOF.
func TestServeWaitsAfterReply(t *testing.T) {
	pr, pw := io.Pipe()
	out := &syncBuffer{ch: make(chan struct{}, 10)}
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), pr, out, echo, zerolog.Nop()) }()
	if _, err := pw.Write(stream([]byte(`{"action":"openProfile"}`))); err != nil {
		t.Fatal(err)
	}
	<-out.ch
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v before EOF", err)
	case <-time.After(50 * time.Millisecond):
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatalf("err after EOF = %v", err)
	}
}

func TestServeContextCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, pr, io.Discard, echo, zerolog.Nop()) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestServeWriteError(t *testing.T) {
	err := Serve(context.Background(), bytes.NewReader(stream([]byte(`{}`), []byte(`{}`))), failWriter{}, echo, zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("err = %v", err)
	}
}

type syncBuffer struct {
	ch chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) { s.ch <- struct{}{}; return len(p), nil }

func TestRefuseCaller(t *testing.T) {
	c := Caller{Browser: Chromium, ExtensionID: strings.Repeat("a", 32), Origin: "chrome-extension://" + strings.Repeat("a", 32) + "/"}
	cause := &CallerError{Caller: c, Reason: "its origin is not in allowed_origins", Files: []string{"/secret/path/host.json"}}
	var out, logBuf bytes.Buffer
	err := RefuseCaller(context.Background(), bytes.NewReader(stream([]byte(`{}`), []byte(`{}`))), &out, cause, zerolog.New(&logBuf))
	if err != nil {
		t.Fatal(err)
	}
	replies := readAll(t, out.Bytes())
	if len(replies) != 2 {
		t.Fatalf("%d replies", len(replies))
	}
	for _, r := range replies {
		if code(t, r) != apierr.CodeCallerNotAllowed {
			t.Fatalf("reply %s", r)
		}
		if bytes.Contains(r, []byte("/secret/path")) {
			t.Fatalf("reply leaks a path: %s", r)
		}
		if !bytes.Contains(r, []byte("aws-profile-bridge install --chrome-origin "+c.Origin)) {
			t.Fatalf("reply lacks the fix: %s", r)
		}
	}
	if !strings.Contains(logBuf.String(), "/secret/path") {
		t.Fatalf("log lacks the detailed cause: %s", logBuf.String())
	}
}
