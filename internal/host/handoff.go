package host

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/awsconfig"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
)

// HandOff is the lean host's Signer. Linking the AWS SDK costs every host start more than a
// whole cached profile list (docs/PERFORMANCE.md), and only a sign-in needs it, so the lean host
// leaves sign-ins to exe (aws-profile-bridge): it starts exe with args, the command line the
// browser gave the lean host, so that exe runs as the same host (caller check, settings, log,
// SSO sign-in start and all), sends it the request as one frame, closes its stdin and returns
// its one reply. exe's errors come back with their codes; a failure to run exe is internal.
func HandOff(exe string, args []string, log zerolog.Logger) bridge.Signer {
	return func(ctx context.Context, _ *awsconfig.Config, req bridge.OpenRequest) (*bridge.ConsoleURL, error) {
		body, err := bridge.EncodeRequest(req.Request())
		if err != nil {
			return nil, apierr.Wrap(apierr.CodeInternal, err, "cannot encode the sign-in request")
		}
		var in bytes.Buffer
		if err := nativemsg.WriteFrame(&in, body); err != nil {
			return nil, apierr.Wrap(apierr.CodeInternal, err, "cannot encode the sign-in request")
		}
		ctx, cancel := context.WithTimeout(ctx, handOffTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Stdin = &in
		out := &capped{max: 4 + bridge.MaxReply}
		cmd.Stdout = out            // stderr: the null device, as for the browser
		cmd.WaitDelay = time.Second // once killed, do not wait on a grandchild holding its stdout
		runErr := cmd.Run()
		reply, ferr := nativemsg.ReadFrame(bytes.NewReader(out.buf.Bytes()))
		if ferr != nil {
			log.Error().Err(errors.Join(runErr, ferr)).Str("exe", exe).Msg("sign-in hand-off failed")
			if errors.Is(runErr, exec.ErrNotFound) || errors.Is(runErr, os.ErrNotExist) {
				return nil, apierr.Wrap(apierr.CodeInternal, runErr, "the host signs in through aws-profile-bridge, which is not at %s; reinstall aws-profile-bridge, or run: aws-profile-bridge doctor", exe)
			}
			if ctx.Err() != nil {
				return nil, apierr.Wrap(apierr.CodeInternal, ctx.Err(), "aws-profile-bridge (%s) did not answer the sign-in within %s; see its log, or run: aws-profile-bridge doctor", exe, handOffTimeout)
			}
			return nil, apierr.Wrap(apierr.CodeInternal, errors.Join(runErr, ferr), "aws-profile-bridge (%s) did not answer the sign-in; run: aws-profile-bridge doctor", exe)
		}
		return decodeReply(reply)
	}
}

// handOffTimeout bounds a hand-off, so that a sign-in that hangs cannot hold the host for ever:
// well above what aws-profile-bridge allows itself (the console core's deadline, then starting an
// SSO sign-in).
var handOffTimeout = 30 * time.Second

// decodeReply turns aws-profile-bridge's reply back into what the Signer returns.
func decodeReply(reply []byte) (*bridge.ConsoleURL, error) {
	var head struct {
		Action  string      `json:"action"`
		Code    apierr.Code `json:"code"`
		Message string      `json:"message"`
	}
	if err := json.Unmarshal(reply, &head); err != nil {
		return nil, apierr.Wrap(apierr.CodeInternal, err, "aws-profile-bridge answered the sign-in with something that is not JSON")
	}
	switch head.Action {
	case "consoleUrl":
		var u bridge.ConsoleURL
		if err := json.Unmarshal(reply, &u); err != nil {
			return nil, apierr.Wrap(apierr.CodeInternal, err, "aws-profile-bridge answered the sign-in with a malformed consoleUrl")
		}
		return &u, nil
	case "error":
		if head.Code == "" {
			head.Code = apierr.CodeInternal
		}
		return nil, &apierr.Error{Code: head.Code, Message: head.Message}
	}
	return nil, apierr.New(apierr.CodeInternal, "aws-profile-bridge answered the sign-in with action %q", head.Action)
}

// capped keeps the first max bytes written to it and drops the rest, so a runaway child cannot
// fill the host's memory.
type capped struct {
	buf bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

var _ io.Writer = (*capped)(nil)

// String keeps fmt from printing the buffer (it may hold a sign-in URL).
func (c *capped) String() string { return fmt.Sprintf("capped(%d bytes)", c.buf.Len()) }
