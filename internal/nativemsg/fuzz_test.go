package nativemsg

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/rs/zerolog"
)

// FuzzReadFrame: ReadFrame never panics, returns exactly the declared body
// when it succeeds, and otherwise one of its documented errors.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{})
	f.Add(stream([]byte(`{"action":"getProfiles"}`)))
	f.Add(frameBytes(0, nil))
	f.Add(frameBytes(MaxInbound+1, nil))
	f.Add(frameBytes(0xFFFFFFFF, []byte("{}")))
	f.Add([]byte{2, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		body, err := ReadFrame(bytes.NewReader(data))
		if err != nil {
			if body != nil {
				t.Fatal("body with an error")
			}
			if err != io.EOF && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrFrameTooLarge) {
				t.Fatalf("unexpected error %v", err)
			}
			if err == io.EOF && len(data) != 0 {
				t.Fatal("io.EOF with data")
			}
			return
		}
		n := binary.LittleEndian.Uint32(data)
		if n > MaxInbound || len(body) != int(n) || !bytes.Equal(body, data[4:4+n]) {
			t.Fatalf("body %d bytes for length %d", len(body), n)
		}
	})
}

// FuzzServe: with an echo handler, Serve never panics and its output is
// always a sequence of frames, each at most MaxOutbound bytes and each a
// JSON object, one per complete inbound frame.
func FuzzServe(f *testing.F) {
	f.Add(stream([]byte(`{"action":"getProfiles"}`), []byte(`{"action":"openProfile","profileName":"x"}`)))
	f.Add(stream([]byte{}, []byte(`[1]`), []byte(`"s"`), []byte(`null`)))
	f.Add(stream([]byte("{\"a\":\"\xff\"}"), []byte(`{} {}`)))
	f.Add(append(stream([]byte(`{}`)), frameBytes(MaxInbound+1, nil)...))
	f.Add(append(stream([]byte(`{}`)), 3, 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		err := Serve(context.Background(), bytes.NewReader(data), &out, echo, zerolog.Nop())
		if err != nil && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrFrameTooLarge) {
			t.Fatalf("unexpected error %v", err)
		}
		replies := readAll(t, out.Bytes())
		for i, r := range replies {
			if len(r) > MaxOutbound || !isObject(r) {
				t.Fatalf("reply %d invalid: %q", i, r)
			}
		}
		// Count the complete inbound frames (and a refused oversized one).
		want := 0
		for rest := data; len(rest) >= 4; {
			n := binary.LittleEndian.Uint32(rest)
			if n > MaxInbound {
				want++
				break
			}
			if uint64(len(rest)-4) < uint64(n) {
				break
			}
			want++
			rest = rest[4+n:]
		}
		if len(replies) != want {
			t.Fatalf("%d replies for %d frames", len(replies), want)
		}
	})
}
