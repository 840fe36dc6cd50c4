package nativemsg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strconv"
	"testing"
)

func frameBytes(size uint32, body []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, size)
	return append(b, body...)
}

// capReader fails the test if more than limit bytes are requested from it.
type capReader struct {
	t     testing.TB
	r     io.Reader
	limit int
	read  int
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.read+len(p) > c.limit {
		c.t.Fatalf("reader asked for %d more bytes after %d; limit %d", len(p), c.read, c.limit)
	}
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

func TestReadFrameLengths(t *testing.T) {
	tests := []struct {
		name    string
		size    uint32
		bodyLen int // bytes actually present after the length
		wantErr error
	}{
		{"zero", 0, 0, nil},
		{"one", 1, 1, nil},
		{"max inbound", MaxInbound, MaxInbound, nil},
		{"max inbound + 1", MaxInbound + 1, MaxInbound + 1, ErrFrameTooLarge},
		{"0xFFFFFFFF", 0xFFFFFFFF, 16, ErrFrameTooLarge},
		{"1 MiB", 1 << 20, 16, ErrFrameTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := bytes.Repeat([]byte{'x'}, tt.bodyLen)
			limit := 4
			if tt.wantErr == nil {
				limit += int(tt.size)
			}
			r := &capReader{t: t, r: bytes.NewReader(frameBytes(tt.size, body)), limit: limit}
			got, err := ReadFrame(r)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if got != nil {
					t.Fatalf("body = %d bytes, want nil", len(got))
				}
				if r.read != 4 {
					t.Fatalf("read %d bytes, want exactly the 4 length bytes", r.read)
				}
				return
			}
			if got == nil || len(got) != int(tt.size) {
				t.Fatalf("body len = %d (nil=%v), want %d", len(got), got == nil, tt.size)
			}
		})
	}
}

func TestReadFrameHugeLengthDoesNotAllocate(t *testing.T) {
	in := frameBytes(0xFFFFFFFF, nil)
	r := bytes.NewReader(in)
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(in)
		if _, err := ReadFrame(r); !errors.Is(err, ErrFrameTooLarge) {
			t.Fatal(err)
		}
	})
	// The length buffer and the wrapped error; never the body.
	if allocs > 4 {
		t.Fatalf("%v allocations per refused frame", allocs)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 100 {
		r.Reset(in)
		_, _ = ReadFrame(r)
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<10 {
		t.Fatalf("100 refused 4 GiB frames allocated %d bytes", d)
	}
}

func TestReadFrameEOF(t *testing.T) {
	if _, err := ReadFrame(bytes.NewReader(nil)); err != io.EOF {
		t.Fatalf("empty stream: err = %v, want io.EOF itself", err)
	}
}

// TestReadFrameTruncatedEverywhere cuts a valid frame at every byte position.
func TestReadFrameTruncatedEverywhere(t *testing.T) {
	full := frameBytes(11, []byte(`{"a":"bcd"}`))
	for cut := 1; cut < len(full); cut++ {
		_, err := ReadFrame(bytes.NewReader(full[:cut]))
		if !errors.Is(err, ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d: err = %v, want ErrTruncated wrapping io.ErrUnexpectedEOF", cut, err)
		}
	}
	if b, err := ReadFrame(bytes.NewReader(full)); err != nil || string(b) != `{"a":"bcd"}` {
		t.Fatalf("full frame: %q, %v", b, err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestReadFrameOtherError(t *testing.T) {
	boom := errors.New("boom")
	_, err := ReadFrame(errReader{boom})
	if !errors.Is(err, boom) || errors.Is(err, ErrTruncated) || err == io.EOF {
		t.Fatalf("err = %v", err)
	}
	_, err = ReadFrame(io.MultiReader(bytes.NewReader(frameBytes(5, []byte("ab"))), errReader{boom}))
	if !errors.Is(err, boom) || errors.Is(err, ErrTruncated) {
		t.Fatalf("body err = %v", err)
	}
}

// countWriter records each Write call separately.
type countWriter struct{ writes [][]byte }

func (c *countWriter) Write(p []byte) (int, error) {
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

func TestWriteFrame(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		wantErr error
	}{
		{"zero", 0, nil},
		{"one", 1, nil},
		{"largest in one write", oneWriteMax, nil},
		{"smallest in two writes", oneWriteMax + 1, nil},
		{"max outbound", MaxOutbound, nil},
		{"max outbound + 1", MaxOutbound + 1, ErrReplyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := bytes.Repeat([]byte{'y'}, tt.size)
			var w countWriter
			err := WriteFrame(&w, body)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if len(w.writes) != 0 {
					t.Fatalf("%d writes for a refused frame", len(w.writes))
				}
				return
			}
			// A small frame in one Write; a large one as its length, then its body.
			want := 1
			if tt.size > oneWriteMax {
				want = 2
				if len(w.writes) == 2 && len(w.writes[0]) != 4 {
					t.Fatalf("writes of %d and %d bytes", len(w.writes[0]), len(w.writes[1]))
				}
			}
			if len(w.writes) != want {
				t.Fatalf("%d Write calls, want %d", len(w.writes), want)
			}
			frame := bytes.Join(w.writes, nil)
			got, err := ReadFrame(bytes.NewReader(frame))
			if tt.size > MaxInbound {
				// Too large to read back with the inbound cap: check by hand.
				if n := binary.LittleEndian.Uint32(frame); int(n) != tt.size || len(frame) != 4+tt.size {
					t.Fatalf("length %d, total %d", n, len(frame))
				}
				return
			}
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("round trip: %d bytes, %v", len(got), err)
			}
		})
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) - 1, nil }

func TestWriteFrameShortWrite(t *testing.T) {
	if err := WriteFrame(shortWriter{}, []byte("{}")); !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("err = %v", err)
	}
}

func BenchmarkReadFrame(b *testing.B) {
	for _, size := range []int{64, 4 << 10, MaxInbound} {
		in := frameBytes(uint32(size), bytes.Repeat([]byte{'a'}, size))
		b.Run(byteSize(size), func(b *testing.B) {
			r := bytes.NewReader(in)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				r.Reset(in)
				if _, err := ReadFrame(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteFrame(b *testing.B) {
	for _, size := range []int{64, 4 << 10, MaxOutbound} {
		body := bytes.Repeat([]byte{'a'}, size)
		b.Run(byteSize(size), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteFrame(io.Discard, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.Itoa(n>>20) + "MiB"
	case n >= 1<<10:
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}
