// Package logging sets up the host's log: JSON lines through zerolog into a
// size-rotated file (lumberjack) of mode 0600 in a directory of mode 0700,
// with UTC RFC 3339 timestamps, secret redaction on every line, and audit
// events. Nothing is ever written to stdout or stderr: stdout carries
// native-messaging frames and stderr goes to the browser console.
package logging

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

const (
	// FileName is the log file's name inside the log directory.
	FileName = "aws_profile_bridge.log"
	// MaxSizeMB is the size at which the log file is rotated.
	MaxSizeMB = 10
	// MaxBackups is how many rotated files are kept.
	MaxBackups = 5
	// TimeFormat is the format of the "time" field: RFC 3339 in UTC with
	// milliseconds, e.g. 2025-01-02T03:04:05.678Z.
	TimeFormat = "2006-01-02T15:04:05.000Z07:00"
)

// Open creates dir (mode 0700, tightened to 0700 when it exists looser and
// belongs to us; refused when someone else's; the log file is never a
// symlink) and returns a logger writing JSON lines to dir/FileName (mode
// 0600, kept across rotation), rotated at MaxSizeMB with MaxBackups old files kept. The
// returned io.Closer closes the file.
//
// level is one of trace, debug, info, warn (or warning), error, disabled,
// case-insensitive; "" means info. Any other value also means info, and a
// warning saying so is the first line logged.
//
// Every line passes through Redact (see redact.go) before it reaches the
// file; a failed write is counted (Dropped) and never reported on stderr.
func Open(dir, level string) (zerolog.Logger, io.Closer, error) {
	return open(dir, level, MaxSizeMB)
}

func open(dir, level string, maxSizeMB int) (zerolog.Logger, io.Closer, error) {
	if dir == "" {
		return zerolog.Nop(), nil, fmt.Errorf("logging: no log directory")
	}
	if err := ensureDir(dir); err != nil {
		return zerolog.Nop(), nil, fmt.Errorf("logging: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if err := ensureFile(path); err != nil {
		return zerolog.Nop(), nil, fmt.Errorf("logging: %w", err)
	}
	lj := &lumberjack.Logger{Filename: path, MaxSize: maxSizeMB, MaxBackups: MaxBackups}
	lvl, lerr := ParseLevel(level)
	log := New(lj, lvl)
	if lerr != nil {
		log.Warn().Str("level_setting", Redact(level)).Msg("unknown log level; using info")
	}
	return log, lj, nil
}

// ensureDir creates dir with mode 0700 when missing and checks it (fsafe.EnsureDir: tightened to
// 0700 when ours, refused when someone else's or reached through someone else's symlink, since a
// process running as root would otherwise take over the directory the symlink points at).
func ensureDir(dir string) error {
	if err := fsafe.EnsureDir(dir, true); err != nil {
		if errors.Is(err, fsafe.ErrNotPrivate) {
			return fmt.Errorf("log directory: %w; or use a directory of your own (AWS_PROFILE_BRIDGE_LOG_DIR)", err)
		}
		return err
	}
	return nil
}

// ensureFile creates path with mode 0600 if missing and sets an existing one of ours to 0600, so
// that lumberjack (which reuses the current file's mode when it rotates) keeps 0600 on every file
// it creates. A symlink is refused (its target would be chmodded and written to).
func ensureFile(path string) error {
	if err := fsafe.EnsureFile(path, true); err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	return nil
}

// ParseLevel maps a level name to a zerolog level: trace, debug, info, warn
// or warning, error, disabled, case-insensitive and trimmed. "" is info. An
// unknown name returns info and an error.
func ParseLevel(s string) (zerolog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "info":
		return zerolog.InfoLevel, nil
	case "trace":
		return zerolog.TraceLevel, nil
	case "debug":
		return zerolog.DebugLevel, nil
	case "warn", "warning":
		return zerolog.WarnLevel, nil
	case "error":
		return zerolog.ErrorLevel, nil
	case "disabled", "off", "none":
		return zerolog.Disabled, nil
	}
	return zerolog.InfoLevel, fmt.Errorf("logging: unknown level %q", s)
}

// New returns a logger at level lvl that writes redacted JSON lines with a
// UTC "time" field to w, as Open's does. Write errors are swallowed (and
// counted in Dropped) so zerolog never prints to stderr. Use it for tests and
// for writers other than the log file.
func New(w io.Writer, lvl zerolog.Level) zerolog.Logger {
	return zerolog.New(&redactingWriter{w: w}).Level(lvl).Hook(utcTime{})
}

// utcTime adds the "time" field in UTC without touching zerolog's globals.
type utcTime struct{}

func (utcTime) Run(e *zerolog.Event, _ zerolog.Level, _ string) {
	e.Str(zerolog.TimestampFieldName, time.Now().UTC().Format(TimeFormat))
}

var dropped atomic.Uint64

// Dropped reports how many log lines failed to be written since start.
func Dropped() uint64 { return dropped.Load() }

// redactingWriter redacts each line before writing it and never fails.
type redactingWriter struct{ w io.Writer }

func (r *redactingWriter) Write(p []byte) (int, error) {
	if _, err := r.w.Write(redactJSONLine(p)); err != nil {
		dropped.Add(1)
	}
	return len(p), nil
}
