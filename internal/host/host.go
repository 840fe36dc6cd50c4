// Package host is the native-messaging host: what runs when a browser starts a binary named in
// a host manifest. Two binaries carry it (docs/DESIGN.md, "Two binaries"): aws-profile-bridge,
// which signs in itself, and aws-profile-bridge-host, the lean one that install registers, which
// links no AWS SDK and hands each sign-in to aws-profile-bridge (handoff.go).
package host

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
)

// Options are what differs between the two binaries.
type Options struct {
	// Version, Commit and Date describe the build (the version action).
	Version, Commit, Date string
	// Signer returns how openProfile signs in, given the settings and the host's log.
	Signer func(st settings.Settings, log zerolog.Logger) bridge.Signer
	// SSOLogin, when set and allowed by the settings, starts the IAM Identity Center sign-in a
	// clicked SSO profile needs (bridge.Service.SSOLogin).
	SSOLogin bridge.SSOLoginFunc
	// DetachChildIO keeps the programs the host starts off its standard streams (childio.go):
	// for the binary that runs credential_process through the SDK. The lean host starts only
	// the hand-off, whose streams it sets itself.
	DetachChildIO bool
}

// Run is the native-messaging host: frames on stdin/stdout, logs to a file, nothing on stderr.
func Run(caller nativemsg.Caller, stdin io.Reader, stdout io.Writer, opt Options) int {
	// A host process lives for one request or a few, and nearly all it allocates stays live until
	// the reply is written: collecting on the way frees little and costs time (and the collector's
	// own memory). So no collection at all (GOGC off) until the heap nears a soft 22 MiB, which
	// bounds the peak RSS with thousands of profiles (docs/PERFORMANCE.md). GOGC and GOMEMLIMIT
	// in the environment win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(-1)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(22 << 20)
	}
	if f, ok := stdout.(*os.File); ok {
		growReplyPipe(f)
	}
	st, serr := settings.Load()
	log := zerolog.Nop()
	if l, closer, err := logging.Open(st.LogDir, st.LogLevel); err == nil {
		log = l
		defer closer.Close()
	}
	log = log.With().Str("mode", "native").Str("browser", caller.Browser).Int("pid", os.Getpid()).Logger()
	if opt.DetachChildIO {
		DetachChildIO(log)
	}

	if serr != nil {
		log.Error().Err(serr).Msg("bad setting")
		return refuse(stdin, stdout, apierr.CodeConfigError, serr.Error()+"; fix the variable in the environment the browser starts from", log)
	}
	if err := caller.Check(layout.ChromiumManifests(runtime.GOOS, st.Home)); err != nil {
		_ = nativemsg.RefuseCaller(context.Background(), stdin, stdout, err, log)
		return 1
	}
	if os.Geteuid() == 0 {
		log.Warn().Msg("running as root: the host should run as the browser's user")
	}

	svc := &bridge.Service{Paths: st.AWS, Version: opt.Version, Commit: opt.Commit, BuildDate: opt.Date, Log: log, CacheDir: st.CacheDir, MapCache: true}
	if opt.Signer != nil {
		svc.SignIn = opt.Signer(st, log)
	}
	if st.SSOAutoLogin {
		svc.SSOLogin = opt.SSOLogin
	}
	// No signal handler: Firefox closes stdin and then sends SIGTERM, whose default action (exit)
	// is right; log lines are written synchronously, so nothing is lost.
	ctx := context.Background()
	log.Debug().Str("version", opt.Version).Msg("host started")
	err := nativemsg.Serve(ctx, stdin, stdout, svc.Handle, log)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, context.Canceled):
		return 0
	default:
		log.Error().Err(err).Msg("host stopped")
		return 1
	}
}

// refuse answers every request with one error frame until EOF, so the extension shows a reason
// instead of spinning.
func refuse(stdin io.Reader, stdout io.Writer, code apierr.Code, msg string, log zerolog.Logger) int {
	reply := apierr.Reply(&apierr.Error{Code: code, Message: msg}, false)
	_ = nativemsg.Serve(context.Background(), stdin, stdout, func(context.Context, []byte) []byte { return reply }, log)
	return 1
}
