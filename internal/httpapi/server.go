// Package httpapi is the loopback HTTP fallback of the host: the extension's "generation 2"
// routes (and the same under /v1/) mapped onto the bridge's actions, behind the guards of
// docs/SECURITY.md: an exact Host allow-list, extension-only origins and CORS, API tokens bound to
// the first extension origin that uses them, failed-auth throttling, JSON-only bodies, body and
// header caps, timeouts and a connection cap. Every response carries X-Request-ID and the
// security headers; every authenticated action and every refusal is an audit line.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/token"
)

// Tokens is what the server needs of the token store (*token.Store satisfies it).
type Tokens interface {
	// Verify reports whether presented is a valid token and returns its record.
	Verify(presented string) (token.Record, bool)
	// Use records a successful use and binds the token to origin on first use with an origin;
	// allowed is false when it is bound to another origin.
	Use(id, origin string, now time.Time) (allowed bool, err error)
}

// Defaults of Config's limits.
const (
	DefaultMaxConns          = 64
	DefaultMaxBodyBytes      = 16 << 10
	DefaultMaxHeaderBytes    = 8 << 10
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 20 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultOpenTimeout       = 8 * time.Second
	DefaultFailLimit         = 10
	DefaultFailWindow        = 60 * time.Second
)

// Config configures a Server. Zero limits take the defaults above.
type Config struct {
	Service *bridge.Service // the core every route calls
	Tokens  Tokens
	Log     zerolog.Logger
	// Port is the port clients name in Host; 0 takes the listener's port in Serve.
	Port int
	// ChromeOrigins are the chrome-extension://<id> origins allowed besides any moz-extension://
	// origin (install's --chrome-origin list; a trailing slash is ignored).
	ChromeOrigins []string
	Now           func() time.Time

	MaxConns          int
	MaxBodyBytes      int64
	MaxHeaderBytes    int
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	OpenTimeout       time.Duration // deadline of one console-url request
	FailLimit         int           // failed authentications allowed per FailWindow
	FailWindow        time.Duration
}

// Server is the HTTP fallback. Create it with New, run it with Serve, stop it with Shutdown.
type Server struct {
	cfg     Config
	started time.Time
	hosts   map[string]bool
	chrome  map[string]bool
	thr     *throttle
	srv     *http.Server
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.MaxConns, DefaultMaxConns)
	def(&cfg.MaxHeaderBytes, DefaultMaxHeaderBytes)
	def(&cfg.FailLimit, DefaultFailLimit)
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	defD(&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	defD(&cfg.ReadTimeout, DefaultReadTimeout)
	defD(&cfg.WriteTimeout, DefaultWriteTimeout)
	defD(&cfg.IdleTimeout, DefaultIdleTimeout)
	defD(&cfg.OpenTimeout, DefaultOpenTimeout)
	defD(&cfg.FailWindow, DefaultFailWindow)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, started: cfg.Now(), chrome: map[string]bool{}, thr: newThrottle(cfg.FailLimit, cfg.FailWindow)}
	for _, o := range cfg.ChromeOrigins {
		// An Origin header has no trailing slash; the launch argument nativemsg checks has one.
		o = strings.TrimSuffix(o, "/")
		if _, ok := nativemsg.ChromeOriginID(o + "/"); ok {
			s.chrome[o] = true
		}
	}
	s.setPort(cfg.Port)
	s.srv = &http.Server{
		Handler:                      s,
		ReadHeaderTimeout:            cfg.ReadHeaderTimeout,
		ReadTimeout:                  cfg.ReadTimeout,
		WriteTimeout:                 cfg.WriteTimeout,
		IdleTimeout:                  cfg.IdleTimeout,
		MaxHeaderBytes:               goMaxHeaderBytes(cfg.MaxHeaderBytes),
		DisableGeneralOptionsHandler: true, // "OPTIONS *" goes through the guards too
		ErrorLog:                     log.New(logWriter{cfg.Log}, "", 0),
	}
	return s
}

// headerSlack is what Go's server reads beyond http.Server.MaxHeaderBytes before it answers 431.
const headerSlack = 4096

// goMaxHeaderBytes is the http.Server.MaxHeaderBytes that makes limit (request line and headers)
// the limit a client really meets.
func goMaxHeaderBytes(limit int) int { return max(limit-headerSlack, 1) }

func (s *Server) setPort(port int) {
	s.cfg.Port = port
	p := strconv.Itoa(port)
	s.hosts = map[string]bool{"127.0.0.1:" + p: true, "localhost:" + p: true, "[::1]:" + p: true}
}

// Serve accepts connections on l (at most MaxConns open at once) until Shutdown. It returns
// http.ErrServerClosed after Shutdown.
func (s *Server) Serve(l net.Listener) error {
	if s.cfg.Port == 0 {
		if a, ok := l.Addr().(*net.TCPAddr); ok {
			s.setPort(a.Port)
		}
	}
	return s.srv.Serve(newLimitListener(l, s.cfg.MaxConns))
}

// Shutdown stops accepting, waits for in-flight requests until ctx ends, then closes the rest.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	return err
}

// ListenAddress checks a --addr value and returns host:port to listen on. Only the loopback
// literals 127.0.0.1 and ::1 (written [::1], optionally with a port that then wins over port)
// are accepted: no names (localhost may resolve anywhere), no 0.0.0.0, no other 127/8 address.
func ListenAddress(addr string, port int) (string, error) {
	host := addr
	if host == "" {
		host = "127.0.0.1"
	}
	if h, p, err := net.SplitHostPort(host); err == nil {
		n, perr := strconv.Atoi(p)
		if perr != nil || n < 1 || n > 65535 || strconv.Itoa(n) != p {
			return "", fmt.Errorf("--addr %q: the port must be a number 1-65535", addr)
		}
		host, port = h, n
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if port < 1 || port > 65535 {
		return "", fmt.Errorf("port %d: want 1-65535", port)
	}
	switch host {
	case "127.0.0.1":
		return "127.0.0.1:" + strconv.Itoa(port), nil
	case "::1":
		return "[::1]:" + strconv.Itoa(port), nil
	}
	return "", fmt.Errorf("--addr %q: the HTTP fallback listens on loopback only; use 127.0.0.1 or [::1]", addr)
}

// requestID is 16 random hex digits.
func requestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// logWriter sends net/http's own messages (bad TLS, panics) to the log, never to stderr.
type logWriter struct{ log zerolog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.Warn().Str("source", "net/http").Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}

// IsClosed reports whether err is the normal result of Serve after Shutdown (for callers that
// only import this package).
func IsClosed(err error) bool { return errors.Is(err, http.ErrServerClosed) }
