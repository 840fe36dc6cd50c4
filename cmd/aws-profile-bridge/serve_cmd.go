package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/host"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/httpapi"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/install"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/logging"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/signer"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/token"
)

const serveHelp = `aws-profile-bridge serve [--port N] [--addr 127.0.0.1|[::1]]
       [--chrome-origin chrome-extension://<id>/ ...]

Run the loopback HTTP fallback for the extension (browsers where native messaging is unavailable:
Snap or Flatpak Firefox without the portal, locked-down policies). It listens on 127.0.0.1 only
(or [::1]); any other address is refused. Every route but /health and /version needs an API token:
create one with ` + "`aws-profile-bridge token create`" + ` and paste it into the extension's settings.
SIGTERM or Ctrl-C stops it after the requests in flight finish.`

// shutdownGrace is how long in-flight requests get after SIGTERM/SIGINT.
const shutdownGrace = 10 * time.Second

func cmdServe(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveMain(ctx, args, stdout, stderr, nil)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// serveMain runs the server until ctx ends; ready (tests) gets the address once it listens.
func serveMain(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	fs := newFlagSet("serve", serveHelp, stderr)
	port := fs.Int("port", 0, "TCP port (default $AWS_PROFILE_BRIDGE_PORT or 10999)")
	addr := fs.String("addr", "127.0.0.1", "listen address: 127.0.0.1 or [::1] only")
	var chrome multiFlag
	fs.Var(&chrome, "chrome-origin", "also allow this Chromium extension `origin` (repeatable; install's --chrome-origin list is read too)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	st, err := settings.Load()
	if err != nil {
		fmt.Fprintln(stderr, "aws-profile-bridge serve:", err)
		return 1
	}
	p := st.Port
	if *port != 0 {
		p = *port
	}
	listen, err := httpapi.ListenAddress(*addr, p)
	if err != nil {
		fmt.Fprintln(stderr, "aws-profile-bridge serve: refusing to start:", err)
		return 2
	}
	for _, o := range chrome {
		// The same rule the server applies (a trailing slash optional): an origin it would drop is
		// refused here, with what to send instead.
		if _, ok := nativemsg.ChromeOriginID(strings.TrimSuffix(o, "/") + "/"); !ok {
			fmt.Fprintf(stderr, "aws-profile-bridge serve: --chrome-origin %q: want chrome-extension://<32 letters a-p>/\n", o)
			return 2
		}
	}

	// A long-running server: a soft memory limit keeps the heap small between bursts (50
	// clients on 1 000 profiles stay under 50 MB RSS). GOMEMLIMIT in the environment wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(32 << 20)
	}
	log, closer, err := logging.Open(st.LogDir, st.LogLevel)
	if err != nil {
		fmt.Fprintln(stderr, "aws-profile-bridge serve: cannot open the log:", err)
		return 1
	}
	defer closer.Close()
	log = log.With().Str("mode", "http").Int("pid", os.Getpid()).Logger()
	host.DetachChildIO(log)
	if os.Geteuid() == 0 {
		fmt.Fprintln(stderr, "aws-profile-bridge serve: warning: running as root; run it as the browser's user")
		log.Warn().Msg("running as root: the server should run as the browser's user")
	}

	store, err := token.Open(st.ConfigDir, true)
	if err != nil {
		log.Error().Err(err).Msg("token store refused")
		if errors.Is(err, token.ErrInsecureStore) {
			dir := st.ConfigDir
			fmt.Fprintf(stderr, "aws-profile-bridge serve: refusing to start: %v\n  the token store must be yours, the directory 0700 and the file 0600; run:\n    chmod 700 %s && chmod 600 %s\n",
				err, fsafe.ShellQuote(dir), fsafe.ShellQuote(filepath.Join(dir, token.FileName)))
			return 1
		}
		fmt.Fprintln(stderr, "aws-profile-bridge serve: cannot open the token store:", err)
		return 1
	}
	if recs, err := store.List(); err == nil && len(recs) == 0 {
		fmt.Fprintln(stderr, "aws-profile-bridge serve: no API token yet: run `aws-profile-bridge token create --label firefox` and paste it into the extension's settings (the server picks it up without a restart)")
	}

	origins := append([]string(nil), chrome...)
	ienv := install.Env{ConfigDir: st.ConfigDir}
	if state, err := ienv.LoadState(); err == nil {
		origins = append(origins, state.ChromeOrigins...)
	}

	svc := &bridge.Service{Paths: st.AWS, Version: version, Commit: commit, BuildDate: date, Log: log, CacheDir: st.CacheDir,
		SignIn: signer.New(signer.Env{Paths: st.AWS, SigninEndpoint: st.SigninEndpoint})}
	if st.SSOAutoLogin {
		svc.SSOLogin = startDetachedSSOLogin
	}
	srv := httpapi.New(httpapi.Config{Service: svc, Tokens: store, Log: log, ChromeOrigins: origins})

	l, err := net.Listen("tcp", listen)
	if err != nil {
		log.Error().Err(err).Msg("cannot listen")
		fmt.Fprintf(stderr, "aws-profile-bridge serve: cannot listen on %s: %v (another server running? try --port)\n", listen, err)
		return 1
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	log.Info().Str("addr", l.Addr().String()).Str("version", version).Msg("serving")
	fmt.Fprintf(stderr, "aws-profile-bridge serve: listening on http://%s (Ctrl-C to stop)\n", l.Addr())
	if ready != nil {
		ready(l.Addr().String())
	}

	select {
	case err := <-served:
		log.Error().Err(err).Msg("server stopped")
		fmt.Fprintln(stderr, "aws-profile-bridge serve:", err)
		return 1
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	code := 0
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn().Err(err).Msg("requests still running at the deadline were cut off")
	}
	if err := <-served; err != nil && !httpapi.IsClosed(err) {
		log.Error().Err(err).Msg("server stopped")
		code = 1
	}
	log.Info().Msg("stopped")
	fmt.Fprintln(stderr, "aws-profile-bridge serve: stopped")
	return code
}
