package nativemsg

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// HostNames are the host names our manifests may carry: the current one and
// the one the extension used for a day.
var HostNames = []string{"aws_profile_bridge", "com.samfakhreddine.aws_profile_bridge"}

// Browser families, as found in Caller.Browser.
const (
	Firefox  = "firefox"
	Chromium = "chromium"
)

// Caller is who launched the host, as told by its command-line arguments.
type Caller struct {
	Browser      string // Firefox or Chromium
	ManifestPath string // Firefox: absolute path of the host manifest it read
	ExtensionID  string // Firefox: the add-on id; Chromium: the 32-letter id
	Origin       string // Chromium: "chrome-extension://<id>/"
}

// ParseCaller tells a browser launch from a command-line invocation. args are
// the arguments after the program name (os.Args[1:]).
//
// Firefox passes exactly two: the absolute path of the host manifest (ending
// in .json) and the add-on id. The Chromium family passes the caller origin
// chrome-extension://<32 letters a-p>/ and, on Windows, --parent-window=<n>,
// in either order. Anything else — a subcommand, a relative manifest path, a
// malformed id or origin, extra arguments — is not a browser launch and
// returns false.
func ParseCaller(args []string) (Caller, bool) {
	switch len(args) {
	case 1:
		if id, ok := ChromeOriginID(args[0]); ok {
			return Caller{Browser: Chromium, ExtensionID: id, Origin: args[0]}, true
		}
	case 2:
		for i := range 2 {
			if id, ok := ChromeOriginID(args[i]); ok && isParentWindow(args[1-i]) {
				return Caller{Browser: Chromium, ExtensionID: id, Origin: args[i]}, true
			}
		}
		path, id := args[0], args[1]
		if filepath.IsAbs(path) && strings.EqualFold(filepath.Ext(path), ".json") &&
			len(id) <= 255 && IsGeckoID(id) {
			return Caller{Browser: Firefox, ManifestPath: path, ExtensionID: id}, true
		}
	}
	return Caller{}, false
}

// ErrCallerNotAllowed is matched by every error Caller.Check returns.
var ErrCallerNotAllowed = errors.New("nativemsg: caller not allowed")

// CallerError explains why Check refused a caller and what to run about it.
type CallerError struct {
	Caller Caller
	Reason string   // what is wrong, without file paths
	Files  []string // the manifest files involved, for the log
	Err    error    // the underlying error, if any
}

func (e *CallerError) who() string {
	if e.Caller.Browser == Chromium {
		return e.Caller.Origin
	}
	return e.Caller.ExtensionID
}

func (e *CallerError) fix() string {
	// A Chromium-family manifest lists origins, which only --chrome-origin adds (for every
	// Chromium-family browser found); --extension-id is Firefox's.
	if e.Caller.Browser == Chromium && e.Caller.Origin != "" {
		return "run: aws-profile-bridge install --chrome-origin " + e.Caller.Origin
	}
	id := e.Caller.ExtensionID
	if id == "" {
		id = "<your extension id>"
	}
	return "run: aws-profile-bridge install --extension-id " + id
}

// Hint is the message safe to send back to the caller: who was refused, why,
// and what to run, with no local file path.
func (e *CallerError) Hint() string {
	return fmt.Sprintf("extension %s is not allowed to use aws_profile_bridge: %s; %s", e.who(), e.Reason, e.fix())
}

func (e *CallerError) Error() string {
	s := fmt.Sprintf("nativemsg: caller %s not allowed: %s", e.who(), e.Reason)
	if len(e.Files) > 0 {
		s += " (" + strings.Join(e.Files, ", ") + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s + "; " + e.fix()
}

// Unwrap returns ErrCallerNotAllowed and the underlying error.
func (e *CallerError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrCallerNotAllowed, e.Err}
	}
	return []error{ErrCallerNotAllowed}
}

// hostManifest holds the fields of a native host manifest that Check reads.
type hostManifest struct {
	Name              string   `json:"name"`
	Type              string   `json:"type"`
	AllowedExtensions []string `json:"allowed_extensions"`
	AllowedOrigins    []string `json:"allowed_origins"`
}

// maxManifest bounds how much of a manifest file Check reads.
const maxManifest = 1 << 20

func readManifest(path string) (hostManifest, error) {
	var m hostManifest
	b, err := fsafe.ReadFile(path, maxManifest)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("manifest is not valid JSON: %w", err)
	}
	if !slices.Contains(HostNames, m.Name) {
		return m, fmt.Errorf("manifest name %q is not one of %v", m.Name, HostNames)
	}
	if m.Type != "stdio" {
		return m, fmt.Errorf("manifest type %q is not \"stdio\"", m.Type)
	}
	return m, nil
}

// Check confirms, against the host manifests, that the caller is one we
// allow; the browser already enforced the same lists, so a refusal means a
// misconfiguration (or a forged command line). Every error matches
// ErrCallerNotAllowed and is a *CallerError.
//
// Firefox: the manifest at ManifestPath must be a JSON host manifest named
// like ours, of type stdio, whose allowed_extensions holds ExtensionID.
// Chromium: Origin must be in the union of allowed_origins of the given
// manifest files; missing or invalid files are skipped, and no usable file
// at all is a refusal.
func (c Caller) Check(chromiumManifests []string) error {
	switch c.Browser {
	case Firefox:
		m, err := readManifest(c.ManifestPath)
		if err != nil {
			return &CallerError{Caller: c, Reason: "its host manifest cannot be used", Files: []string{c.ManifestPath}, Err: err}
		}
		if !slices.Contains(m.AllowedExtensions, c.ExtensionID) {
			return &CallerError{Caller: c, Reason: "its id is not in the manifest's allowed_extensions", Files: []string{c.ManifestPath}}
		}
		return nil
	case Chromium:
		var used, skipped []string
		var errs []error
		for _, p := range chromiumManifests {
			m, err := readManifest(p)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					skipped = append(skipped, p)
					errs = append(errs, fmt.Errorf("%s: %w", p, err))
				}
				continue
			}
			used = append(used, p)
			if slices.Contains(m.AllowedOrigins, c.Origin) {
				return nil
			}
		}
		if len(used) == 0 {
			return &CallerError{Caller: c, Reason: "no usable Chromium host manifest was found", Files: skipped, Err: errors.Join(errs...)}
		}
		return &CallerError{Caller: c, Reason: "its origin is not in allowed_origins", Files: used, Err: errors.Join(errs...)}
	}
	return &CallerError{Caller: c, Reason: "unknown browser " + fmt.Sprintf("%q", c.Browser)}
}
