package install

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/nativemsg"
)

// Env is everything the installer needs from the machine. Tests build one around a temporary
// HOME, a MemRegistry and fake commands; main builds the real one with OSEnv.
type Env struct {
	GOOS         string // "linux", "darwin", "windows"
	Home         string
	ConfigDir    string   // settings.ConfigDir: holds the install state file
	LogDir       string   // settings.LogDir
	CacheDir     string   // settings.CacheDir: the host's reply cache; "" when disabled
	CacheFiles   []string // the names the host keeps in CacheDir (bridge.CacheFiles)
	Port         int      // settings.Port, for the HTTP service
	ProgramFiles string   // Windows, for --system
	User         string   // Windows: the account the scheduled task runs as (DOMAIN\user)
	UID          int      // macOS: launchctl's gui/<uid> domain
	Registry     Registry
	// SysRoot prefixes the system files the sandbox checks read (the portal's and the proxy's);
	// "" is the real root. Tests point it at a fake layout.
	SysRoot string

	// Run runs a command and returns its combined output (systemctl, launchctl, schtasks, and the
	// binary itself). Nil means "run nothing": units are written but not started.
	Run func(name string, args ...string) ([]byte, error)
	// Exists reports whether a path exists (browser detection).
	Exists func(path string) bool
	// LookPath finds a command on PATH (browser detection).
	LookPath func(name string) (string, error)
	// Probe starts the host as a browser would (bin with args) and returns its first reply to
	// the request frame. Nil means ProbeHost.
	Probe func(bin string, args []string, request []byte) ([]byte, error)
	// HTTPGet fetches a loopback URL for the service check; nil skips that check.
	HTTPGet func(url string) (int, error)
}

// DefaultExtensionIDs are the ids of the AWS Profile Containers extension (docs/NATIVE-MESSAGING.md);
// every Firefox manifest lists them.
var DefaultExtensionIDs = []string{
	"aws-profile-containers@yourname.local",
	"aws-profile-containers@samfakhreddine.dev",
	"{b2568b5f-4d45-421c-bac0-88ca342573b9}",
}

// CheckExtensionID validates a Firefox add-on id (an email-like id or a braced UUID).
func CheckExtensionID(id string) error {
	if len(id) > 255 || !nativemsg.IsGeckoID(id) {
		return fmt.Errorf("%q is not a Firefox add-on id: want name@domain or {uuid}, as shown in about:debugging", id)
	}
	return nil
}

// CheckChromeOrigin validates a Chromium extension origin, chrome-extension://<32 letters a-p>/.
func CheckChromeOrigin(o string) error {
	if _, ok := nativemsg.ChromeOriginID(o); !ok {
		return fmt.Errorf("%q is not a Chromium extension origin: want chrome-extension://<32 letters a-p>/ exactly, no wildcards (the id is on chrome://extensions)", o)
	}
	return nil
}

// ParseBrowsers turns the --browser list into browser names; "all" means every one.
func ParseBrowsers(list []string) ([]string, error) {
	var out []string
	for _, b := range list {
		if b == "all" {
			return slices.Clone(layout.Browsers), nil
		}
		if _, ok := layout.Titles[b]; !ok {
			return nil, fmt.Errorf("unknown browser %q: want one of firefox, chrome, chromium, edge, brave, vivaldi, or all", b)
		}
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out, nil
}

func (e *Env) exists(p string) bool {
	if e.Exists != nil {
		return e.Exists(p)
	}
	_, err := os.Stat(p)
	return err == nil
}

// Detected reports whether browser leaves a trace on this machine, and which.
func (e *Env) Detected(browser string) (bool, string) {
	d := Detect(e.GOOS, browser)
	for _, h := range d.HomeDirs {
		if p := filepath.Join(e.Home, h); e.exists(p) {
			return true, p
		}
	}
	for _, p := range d.AppPaths {
		if e.exists(p) {
			return true, p
		}
	}
	if e.LookPath != nil {
		for _, c := range d.Commands {
			if p, err := e.LookPath(c); err == nil {
				return true, p
			}
		}
	}
	return false, ""
}

// ManifestDir is where browser's manifest goes in the given scope ("" when there is no such place).
func (e *Env) ManifestDir(browser string, system bool) string {
	if system {
		return layout.SystemManifestDir(e.GOOS, e.ProgramFiles, browser)
	}
	return layout.UserManifestDir(e.GOOS, e.Home, browser)
}

func (e *Env) root(system bool) Root {
	if system {
		return LocalMachine
	}
	return CurrentUser
}

// ProbeHost starts bin with args, sends request as one frame, and returns the first reply frame.
// It closes stdin after the reply and gives the process 5 seconds in all.
func ProbeHost(bin string, args []string, request []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Dir(bin) // as browsers do
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { _ = cmd.Wait() }()
	defer in.Close()
	if err := nativemsg.WriteFrame(in, request); err != nil {
		return nil, fmt.Errorf("sending a frame: %w", err)
	}
	reply, err := nativemsg.ReadFrame(out)
	if err != nil {
		if ctx.Err() != nil {
			return nil, errors.New("no reply within 5 seconds")
		}
		if s := bytes.TrimSpace(stderr.Bytes()); len(s) > 0 {
			return nil, fmt.Errorf("no reply frame (%v); it wrote on stderr: %.200s", err, s)
		}
		return nil, fmt.Errorf("no reply frame: %w", err)
	}
	return reply, nil
}
