package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr/netfail"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/sso"
)

// A click on an SSO profile without a usable token starts the sign-in (PROTOCOL.md,
// sso_login_started). The browser usually closes the popup when the verification page opens and
// then stops the host, so the device flow cannot live in the host: the host starts
// `aws-profile-bridge sso login-detached …`, a process in its own session that opens the page,
// tells the host on its stdout how that went (one line: "started CODE", "running" when another
// sign-in to the same target holds the lock, "unreachable MESSAGE" when IAM Identity Center could
// not be reached, or "error MESSAGE"), closes stdout, and polls until
// the person approves or the device code expires, writing the token cache and logging to the
// usual log. The next click signs in with the cached token.

// detachedStartTimeout bounds how long the host waits for the page to open (two calls to IAM
// Identity Center); openProfile's own deadline is shorter when it has one.
const detachedStartTimeout = 8 * time.Second

// startDetachedSSOLogin is the bridge's SSOLoginFunc: it starts the detached sign-in process and
// waits for its one line.
func startDetachedSSOLogin(ctx context.Context, target bridge.SSOTarget) (bridge.SSOLoginStart, error) {
	exe, err := os.Executable()
	if err != nil {
		return bridge.SSOLoginStart{}, err
	}
	args := []string{"sso", "login-detached"}
	if target.Session != "" {
		args = append(args, "--sso-session", target.Session)
	} else {
		args = append(args, "--profile", target.Profile)
	}
	cmd, out, err := startDetached(func() *exec.Cmd { return exec.Command(exe, args...) })
	if err != nil {
		return bridge.SSOLoginStart{}, fmt.Errorf("starting the sign-in process: %w", err)
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(io.LimitReader(out, 4096)).ReadString('\n')
		lines <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait() // reaped here when this process outlives it (serve)
	}()
	ctx, cancel := context.WithTimeout(ctx, detachedStartTimeout)
	defer cancel()
	select {
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		return bridge.SSOLoginStart{}, fmt.Errorf("the sign-in process did not open the page in time: %w", ctx.Err())
	case line := <-lines:
		switch verb, rest, _ := strings.Cut(line, " "); verb {
		case "started":
			return bridge.SSOLoginStart{UserCode: rest}, nil
		case "running":
			return bridge.SSOLoginStart{AlreadyRunning: true}, nil
		case "unreachable":
			return bridge.SSOLoginStart{}, apierr.New(apierr.CodeAWSUnreachable, "%s", rest)
		case "error":
			return bridge.SSOLoginStart{}, errors.New(rest)
		}
		return bridge.SSOLoginStart{}, fmt.Errorf("the sign-in process ended without starting (said %q)", line)
	}
}

// startWith starts cmd with attr and returns its stdout (stdin and stderr: the null device).
func startWith(cmd *exec.Cmd, attr *syscall.SysProcAttr) (*exec.Cmd, io.ReadCloser, error) {
	cmd.SysProcAttr = attr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	return cmd, out, nil
}

// cmdSSOLoginDetached is the detached process (not for people: not in the usage).
func cmdSSOLoginDetached(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sso login-detached", "aws-profile-bridge sso login-detached (--sso-session NAME | --profile NAME)", stderr)
	session := fs.String("sso-session", "", "sso-session `NAME`")
	profile := fs.String("profile", "", "profile `NAME`")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	say := func(format string, a ...any) {
		fmt.Fprintf(stdout, format+"\n", a...)
		if c, ok := stdout.(io.Closer); ok {
			_ = c.Close() // the host reads one line; it may be gone after it
		}
	}
	var msg strings.Builder
	e := openSSO("sso login", *session, *profile, &msg)
	if e == nil {
		say("error %s", strings.TrimSpace(strings.ReplaceAll(msg.String(), "\n", " ")))
		return 1
	}
	defer e.close()
	flow := &sso.Flow{OIDC: e.oidc, Log: &e.log, Open: pageOpener(e.st)}
	ctx, cancel := context.WithTimeout(context.Background(), detachedStartTimeout)
	a, unlock, err := flow.StartExclusive(ctx, e.target)
	cancel()
	switch {
	case errors.Is(err, sso.ErrRunning):
		say("running")
		return 0
	case err != nil:
		e.log.Warn().Str("sso", e.target.String()).Err(err).Msg("sso: detached sign-in did not start")
		if u, ok := netfail.Wrap(err, "IAM Identity Center"); ok {
			say("unreachable %s", u.Message)
			return 1
		}
		say("error %v", err)
		return 1
	}
	defer unlock()
	say("started %s", a.UserCode)
	// Bounded by the device code's lifetime.
	ctx, cancel = context.WithDeadline(context.Background(), a.Expires.Add(time.Minute))
	defer cancel()
	if _, err := flow.Wait(ctx, a); err != nil {
		e.log.Warn().Str("sso", e.target.String()).Err(err).Msg("sso: detached sign-in ended without a token")
		return 1
	}
	return 0
}
