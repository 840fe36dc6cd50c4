package main

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
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/install"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
)

// runHost is the native-messaging host: frames on stdin/stdout, logs to a file, nothing on stderr.
func runHost(caller nativemsg.Caller, stdin io.Reader, stdout io.Writer) int {
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
	st, serr := loadSettings()
	log := zerolog.Nop()
	if l, closer, err := logging.Open(st.LogDir, st.LogLevel); err == nil {
		log = l
		defer closer.Close()
	}
	log = log.With().Str("mode", "native").Str("browser", caller.Browser).Int("pid", os.Getpid()).Logger()
	detachChildIO(log)

	if serr != nil {
		log.Error().Err(serr).Msg("bad setting")
		return refuse(stdin, stdout, apierr.CodeConfigError, serr.Error()+"; fix the variable in the environment the browser starts from", log)
	}
	home := st.Home
	if err := caller.Check(install.ChromiumManifests(runtime.GOOS, home)); err != nil {
		_ = nativemsg.RefuseCaller(context.Background(), stdin, stdout, err, log)
		return 1
	}
	if os.Geteuid() == 0 {
		log.Warn().Msg("running as root: the host should run as the browser's user")
	}

	svc := &bridge.Service{Paths: st.AWS, Version: version, Commit: commit, BuildDate: date, Log: log, CacheDir: st.CacheDir,
		Console: bridge.ConsoleEnv{SigninEndpoint: st.SigninEndpoint}}
	if st.SSOAutoLogin {
		svc.SSOLogin = startDetachedSSOLogin
	}
	// No signal handler: Firefox closes stdin and then sends SIGTERM, whose default action (exit)
	// is right; log lines are written synchronously, so nothing is lost.
	ctx := context.Background()
	log.Debug().Str("version", version).Msg("host started")
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
