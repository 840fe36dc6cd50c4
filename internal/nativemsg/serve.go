package nativemsg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
)

// Handler answers one request. req is the raw frame body (never empty); the
// returned slice is the reply body and must be one JSON object, an error
// reply included: the handler's own tests prove that (bridge's FuzzHandle).
// Serve replaces a reply that is larger than MaxOutbound, or that is plainly
// not an object (see isObject), with an error frame of its own.
type Handler func(ctx context.Context, req []byte) []byte

// Serve reads request frames from in and writes one reply frame to out for
// each, in order, until in ends. Nothing but frames is ever written to out.
//
//   - End of stream between frames: returns nil (the port closed; exit 0).
//   - End of stream inside a frame: returns an error matching ErrTruncated;
//     nothing is written for the partial frame.
//   - A length above MaxInbound: writes one error frame (apierr.CodeFrameTooLarge)
//     and returns an error matching ErrFrameTooLarge, since the rest of the
//     stream cannot be trusted.
//   - A zero-length frame: replies with an error frame (apierr.CodeEmptyFrame) and
//     goes on.
//   - A reply above MaxOutbound: replaced by an error frame (apierr.CodeReplyTooLarge).
//   - A reply that is not valid UTF-8 between '{' and '}', or a handler
//     panic: replaced by an error frame (apierr.CodeInternal).
//   - A write error on out: returned at once.
//   - ctx done: returns ctx.Err() as soon as no handler is running. A
//     goroutine blocked reading in stays blocked until in yields or closes.
//
// After a reply Serve keeps waiting on in: the extension never disconnects
// after openProfile. One log line is written per request, with sizes and
// duration only, never a body.
func Serve(ctx context.Context, in io.Reader, out io.Writer, h Handler, log zerolog.Logger) error {
	type frame struct {
		body []byte
		err  error
	}
	frames := make(chan frame)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			body, err := ReadFrame(in)
			select {
			case frames <- frame{body, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()

	for seq := 1; ; seq++ {
		var f frame
		select {
		case <-ctx.Done():
			return ctx.Err()
		case f = <-frames:
		}
		switch {
		case f.err == io.EOF:
			log.Debug().Int("requests", seq-1).Msg("native messaging input closed")
			return nil
		case errors.Is(f.err, ErrFrameTooLarge):
			log.Warn().Int("seq", seq).Err(f.err).Msg("native request refused: frame too large")
			msg := fmt.Sprintf("request frame larger than the %d-byte limit; the host will exit", MaxInbound)
			if werr := WriteFrame(out, errorReply(apierr.CodeFrameTooLarge, msg)); werr != nil {
				return errors.Join(f.err, werr)
			}
			return f.err
		case f.err != nil:
			log.Warn().Int("seq", seq).Err(f.err).Msg("native messaging input failed")
			return f.err
		}

		start := time.Now()
		reply, code := respond(ctx, h, f.body)
		werr := WriteFrame(out, reply)
		ev := log.Info()
		if code != "" || werr != nil {
			ev = log.Warn()
		}
		ev = ev.Int("seq", seq).Int("req_bytes", len(f.body)).Int("reply_bytes", len(reply)).
			Dur("duration_ms", time.Since(start))
		if code != "" {
			ev = ev.Str("frame_error", string(code))
		}
		if werr != nil {
			ev.Err(werr).Msg("native reply not written")
			return werr
		}
		ev.Msg("native request")
	}
}

// respond runs h on req and returns the reply to send, with the code of the
// error frame Serve substituted for it, if any.
func respond(ctx context.Context, h Handler, req []byte) (reply []byte, code apierr.Code) {
	if len(req) == 0 {
		return errorReply(apierr.CodeEmptyFrame, "empty request frame: expected a JSON object"), apierr.CodeEmptyFrame
	}
	reply, panicked := call(ctx, h, req)
	switch {
	case panicked:
		return errorReply(apierr.CodeInternal, "internal error in the host; see its log"), apierr.CodeInternal
	case len(reply) > MaxOutbound:
		return errorReply(apierr.CodeReplyTooLarge, fmt.Sprintf("reply larger than the %d-byte limit", MaxOutbound)), apierr.CodeReplyTooLarge
	case !isObject(reply):
		return errorReply(apierr.CodeInternal, "internal error: the host built an invalid reply"), apierr.CodeInternal
	}
	return reply, ""
}

func call(ctx context.Context, h Handler, req []byte) (reply []byte, panicked bool) {
	defer func() {
		if recover() != nil {
			reply, panicked = nil, true
		}
	}()
	return h(ctx, req), false
}

// isObject reports whether b looks like one JSON object: valid UTF-8 from a '{'
// to a '}' (white space around them allowed). It does not parse the object:
// a full json.Valid of a large profile list was a sizeable share of every
// getProfiles (docs/PERFORMANCE.md), for replies that bridge builds and tests
// as JSON already.
func isObject(b []byte) bool {
	t := bytes.Trim(b, " \t\r\n")
	return len(t) >= 2 && t[0] == '{' && t[len(t)-1] == '}' && utf8.Valid(b)
}

// RefuseCaller serves a caller that failed Caller.Check: every request frame
// is answered with one error frame of code apierr.CodeCallerNotAllowed until in
// ends, with the same framing rules and return values as Serve. Answering
// (rather than exiting at once) lets the extension show the user why and
// what to run, instead of a bare disconnect. The message sent is
// CallerError.Hint when cause is a *CallerError, so no local file path
// reaches the caller; cause itself is logged once.
func RefuseCaller(ctx context.Context, in io.Reader, out io.Writer, cause error, log zerolog.Logger) error {
	msg := "this extension is not allowed to use aws_profile_bridge; run: aws-profile-bridge install --extension-id <your extension id>"
	var ce *CallerError
	if errors.As(cause, &ce) {
		msg = ce.Hint()
	}
	log.Warn().Err(cause).Msg("native caller refused")
	reply := errorReply(apierr.CodeCallerNotAllowed, msg)
	return Serve(ctx, in, out, func(context.Context, []byte) []byte { return reply }, log)
}

// errorReply is the error object of a frame this package answers by itself.
func errorReply(code apierr.Code, msg string) []byte {
	return apierr.Reply(&apierr.Error{Code: code, Message: msg}, false)
}
