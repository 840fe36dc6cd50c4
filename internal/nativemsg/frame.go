// Package nativemsg speaks the browser native-messaging wire format on stdio:
// the frame codec, the serve loop and the check of who launched the host.
//
// A frame is a 32-bit unsigned length in native byte order (little-endian on
// every platform we ship) followed by that many bytes of UTF-8 JSON. The same
// format is used both ways. Inbound frames are capped at MaxInbound, outbound
// ones at MaxOutbound (the browsers' own limit for host → browser messages).
package nativemsg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const (
	// MaxInbound is the largest request frame body the host accepts (64 KiB).
	// A larger length is refused without allocating or reading the body.
	MaxInbound = 64 << 10
	// MaxOutbound is the largest reply frame body the host sends (1 MiB).
	// Every browser drops a bigger message, so the host never writes one.
	MaxOutbound = 1 << 20
)

var (
	// ErrFrameTooLarge is returned by ReadFrame for a length above MaxInbound.
	ErrFrameTooLarge = errors.New("nativemsg: frame too large")
	// ErrTruncated is returned by ReadFrame when the stream ends inside a
	// frame's length or body. It wraps io.ErrUnexpectedEOF.
	ErrTruncated = fmt.Errorf("nativemsg: truncated frame: %w", io.ErrUnexpectedEOF)
	// ErrReplyTooLarge is returned by WriteFrame for a body above MaxOutbound.
	ErrReplyTooLarge = errors.New("nativemsg: reply too large")
)

// ReadFrame reads one frame from r and returns its body.
//
// A clean end of stream before the first length byte returns io.EOF. An end
// of stream inside the length or the body returns an error that matches both
// ErrTruncated and io.ErrUnexpectedEOF. A length above MaxInbound returns an
// error matching ErrFrameTooLarge after reading exactly the 4 length bytes:
// the body is neither read nor allocated. A zero length returns an empty,
// non-nil body and no error. Other read errors are returned wrapped.
func ReadFrame(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		switch {
		case err == io.EOF && n == 0:
			return nil, io.EOF
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("%w: %d of 4 length bytes", ErrTruncated, n)
		default:
			return nil, fmt.Errorf("nativemsg: read length: %w", err)
		}
	}
	size := binary.LittleEndian.Uint32(hdr[:])
	if size > MaxInbound {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrFrameTooLarge, size, MaxInbound)
	}
	body := make([]byte, size)
	if n, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: %d of %d body bytes", ErrTruncated, n, size)
		}
		return nil, fmt.Errorf("nativemsg: read body: %w", err)
	}
	return body, nil
}

// WriteFrame writes body as one frame to w. A body above MaxOutbound is refused with
// ErrReplyTooLarge and nothing is written. A short write returns io.ErrShortWrite.
//
// A small frame goes out in one Write; a large one as the length, then the body itself: copying
// a reply of up to a megabyte behind its length cost a fresh process more (memory it must first
// touch) than the second system call. The reader sees the same bytes either way.
func WriteFrame(w io.Writer, body []byte) error {
	if len(body) > MaxOutbound {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrReplyTooLarge, len(body), MaxOutbound)
	}
	var head [4]byte
	binary.LittleEndian.PutUint32(head[:], uint32(len(body)))
	parts := [][]byte{head[:], body}
	if len(body) <= oneWriteMax {
		parts = [][]byte{append(head[:], body...)}
	}
	for _, p := range parts {
		n, err := w.Write(p)
		if err != nil {
			return fmt.Errorf("nativemsg: write frame: %w", err)
		}
		if n != len(p) {
			return fmt.Errorf("nativemsg: write frame: %w", io.ErrShortWrite)
		}
	}
	return nil
}

// oneWriteMax is the largest body written in the same Write as its length.
const oneWriteMax = 64 << 10
