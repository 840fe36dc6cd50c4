package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// Options are the flags of `aws-profile-bridge install`.
type Options struct {
	Browsers      []string // nil: every browser found, and Firefox always
	System        bool     // system scope (HKLM, /usr/lib/..., /Library/...)
	ExtensionIDs  []string // Firefox ids beyond DefaultExtensionIDs
	ChromeOrigins []string // chrome-extension://<id>/ origins for the Chromium family
	HTTPService   bool     // also install and start the HTTP fallback as a user service
	NoStart       bool     // with HTTPService: write the unit but do not start it
	// Binary is the absolute path of aws-profile-bridge: the service runs it, and the manifests
	// name ManifestBinary of it (the lean host beside it, when there is one).
	Binary string
}

// Change is one line of the installer's report.
type Change struct {
	Browser string `json:"browser,omitempty"`
	What    string `json:"what"`   // "manifest", "registry", "service", "state"
	Path    string `json:"path"`   // file, registry key or unit
	Action  string `json:"action"` // "created", "updated", "unchanged", "skipped", "removed", "kept", "started", "not started"
	Note    string `json:"note,omitempty"`
}

// Changed reports whether any change altered the machine.
func Changed(cs []Change) bool {
	for _, c := range cs {
		switch c.Action {
		case "created", "updated", "removed", "started":
			return true
		}
	}
	return false
}

func (o *Options) validate(goos string) error {
	if o.Binary == "" || !filepath.IsAbs(o.Binary) {
		return fmt.Errorf("the binary path %q must be absolute", o.Binary)
	}
	fi, err := os.Stat(o.Binary)
	if err != nil {
		return fmt.Errorf("the binary %s: %w", o.Binary, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("the binary %s is not a regular file", o.Binary)
	}
	if layout.IsLeanHost(o.Binary) {
		// The service runs `serve`, which only aws-profile-bridge has; its lean host is found beside it.
		return fmt.Errorf("%s is the lean host, which install finds by itself beside aws-profile-bridge; pass --binary %s", o.Binary, layout.FullBinaryBeside(goos, o.Binary))
	}
	for _, id := range o.ExtensionIDs {
		if err := CheckExtensionID(id); err != nil {
			return err
		}
	}
	for _, o := range o.ChromeOrigins {
		if err := CheckChromeOrigin(o); err != nil {
			return err
		}
	}
	if _, err := ParseBrowsers(o.Browsers); err != nil {
		return err
	}
	return nil
}

func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Install registers the host for every chosen browser, and the HTTP service when asked. It is
// idempotent: a second run with the same options writes nothing and reports "unchanged".
func (e *Env) Install(o Options) ([]Change, error) {
	if err := o.validate(e.GOOS); err != nil {
		return nil, err
	}
	st, err := e.LoadState()
	if err != nil {
		return nil, err
	}
	ids := union(DefaultExtensionIDs, st.ExtensionIDs, o.ExtensionIDs)
	origins := union(st.ChromeOrigins, o.ChromeOrigins)
	st.ExtensionIDs = union(st.ExtensionIDs, o.ExtensionIDs)
	st.ChromeOrigins = origins
	st.Binary = o.Binary

	var changes []Change
	browsers, notes := e.chooseBrowsers(o, st)
	changes = append(changes, notes...)
	host := layout.ManifestBinary(e.GOOS, o.Binary, isFile)
	registered := false
	for _, b := range browsers {
		cs, err := e.installBrowser(&st, b, o, host, ids, origins)
		changes = append(changes, cs...)
		if err != nil {
			return changes, err
		}
		registered = registered || slices.ContainsFunc(cs, func(c Change) bool { return c.What == "manifest" && c.Action != "skipped" })
	}
	if registered && host == o.Binary {
		changes = append(changes, Change{What: "host", Action: "note", Note: slowHostNote(e.GOOS, o.Binary)})
	}
	if slices.Contains(browsers, layout.Firefox) {
		changes = append(changes, e.sandboxNotes()...)
	}
	if o.HTTPService {
		cs, err := e.installService(&st, o.Binary, o.NoStart)
		changes = append(changes, cs...)
		if err != nil {
			return changes, err
		}
	}
	if made, err := mkdirs(e.ConfigDir, 0o700); err != nil {
		return changes, fmt.Errorf("creating %s: %w", e.ConfigDir, err)
	} else {
		st.addDirs(made)
	}
	if _, err := e.saveState(st); err != nil {
		return changes, fmt.Errorf("recording what was installed in %s: %w", e.statePath(), err)
	}
	return changes, nil
}

// chooseBrowsers picks the browsers to register: the forced list, or every browser found plus
// Firefox (the extension's browser) plus any already registered.
func (e *Env) chooseBrowsers(o Options, st State) ([]string, []Change) {
	if len(o.Browsers) > 0 {
		bs, _ := ParseBrowsers(o.Browsers)
		return bs, nil
	}
	var out []string
	var notes []Change
	for _, b := range layout.Browsers {
		found, _ := e.Detected(b)
		registered := slices.ContainsFunc(st.Files, func(f FileRec) bool { return f.Browser == b && f.System == o.System })
		switch {
		case found || registered:
			out = append(out, b)
		case b == layout.Firefox:
			out = append(out, b)
			notes = append(notes, Change{Browser: b, What: "browser", Action: "note",
				Note: "Firefox was not found on this machine; registering it anyway, so a Firefox installed later finds the host"})
		}
	}
	return out, notes
}

// slowHostNote says why manifests name bin itself and how to get the lean host.
func slowHostNote(goos, bin string) string {
	return fmt.Sprintf("there is no %s beside %s, so the browsers start %s itself: a complete host, but one that links the AWS SDK and starts slower on every request. For the lean host, build both with `make build` or `go install github.com/aws-profile-bridge/aws-profile-bridge/cmd/...@latest` (or take a release archive or package, which hold both), put them side by side and run install again",
		layout.ExeName(goos, layout.LeanHostName), bin, layout.ExeName(goos, layout.CLIName))
}

// installBrowser writes browser b's manifest naming host (and on Windows its registry keys).
func (e *Env) installBrowser(st *State, b string, o Options, host string, ids, origins []string) ([]Change, error) {
	dir := e.ManifestDir(b, o.System)
	if dir == "" {
		return []Change{{Browser: b, What: "manifest", Action: "skipped",
			Note: fmt.Sprintf("%s has no documented system-wide manifest location on %s; run `aws-profile-bridge install --browser %s` as each user instead", layout.Titles[b], e.GOOS, b)}}, nil
	}
	if !layout.IsFirefox(b) && len(origins) == 0 {
		return []Change{{Browser: b, What: "manifest", Action: "skipped",
			Note: fmt.Sprintf("%s was found, but a Chromium manifest needs your extension's origin; run `aws-profile-bridge install --browser %s --chrome-origin chrome-extension://<id>/` (the id is on chrome://extensions)", layout.Titles[b], b)}}, nil
	}
	content, err := RenderManifest(b, host, ids, origins)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, layout.ManifestFile)
	if o.Binary != PackagedBinary && packageOwned(e.GOOS, o.System, path) {
		return []Change{{Browser: b, What: "manifest", Path: path, Action: "skipped", Note: packageNote}}, nil
	}
	dirMode := fs.FileMode(0o755)
	action, err := writeIfChanged(path, content, 0o644, dirMode, st)
	if err != nil {
		return nil, fmt.Errorf("writing the %s manifest %s: %w%s", layout.Titles[b], path, err, sudoHint(o.System, err))
	}
	st.addFile(FileRec{Path: path, Kind: "manifest", Browser: b, System: o.System})
	changes := []Change{{Browser: b, What: "manifest", Path: path, Action: action}}
	if e.GOOS == "windows" {
		if e.Registry == nil {
			return changes, errors.New("no registry to write to")
		}
		root := e.root(o.System)
		for _, v := range RegistryViews(b) {
			key := RegistryKey(b)
			name := keyName(root, v, key)
			cur, err := e.Registry.Default(root, v, key)
			act := "unchanged"
			if err != nil || cur != path {
				act = "created"
				if err == nil {
					act = "updated"
				}
				if err := e.Registry.SetDefault(root, v, key, path); err != nil {
					return changes, fmt.Errorf("%w%s", err, sudoHint(o.System, err))
				}
			}
			st.addKey(KeyRec{Root: root, View: v, Key: key, Value: path, Browser: b})
			changes = append(changes, Change{Browser: b, What: "registry", Path: name, Action: act})
		}
	}
	return changes, nil
}

func sudoHint(system bool, err error) string {
	if !errors.Is(err, fs.ErrPermission) {
		return ""
	}
	if system {
		return "; a system-wide install needs an administrator: run it with sudo (Windows: an elevated PowerShell)"
	}
	return ""
}

// writeIfChanged writes content to path with mode unless it already holds exactly that; it
// creates missing directories with dirMode and records them in st.
func writeIfChanged(path string, content []byte, mode, dirMode fs.FileMode, st *State) (string, error) {
	old, err := fsafe.ReadFile(path, maxSmallFile)
	if fi, serr := os.Lstat(path); err == nil && bytes.Equal(old, content) && serr == nil && fi.Mode().IsRegular() {
		if fi.Mode().Perm() == mode || !fsafe.ModesApply {
			return "unchanged", nil
		}
		return "updated", os.Chmod(path, mode)
	}
	// A symlink in the file's place is replaced by the file, never chmodded through.
	action := "created"
	if err == nil {
		action = "updated"
	}
	made, merr := mkdirs(filepath.Dir(path), dirMode)
	st.addDirs(made)
	if merr != nil {
		return "", merr
	}
	return action, fsafe.WriteFile(path, content, mode)
}

// IsOurManifest reports whether the manifest file at path is one of ours: valid JSON, our host
// name, and a path naming aws-profile-bridge or its lean host.
func IsOurManifest(path string) bool {
	m, err := ReadManifest(path)
	if err != nil {
		return false
	}
	return m.Name == layout.HostName && isOurBinaryName(m.Path)
}

// PackagedBinary and PackagedHost are where the .deb and .rpm packages put the two binaries
// (docs/INSTALL.md); the packaged manifest names PackagedHost (LeanHostBeside PackagedBinary). A
// system manifest that starts either belongs to the package manager, which must remove or
// replace it (packages before the lean host named PackagedBinary).
const (
	PackagedBinary = "/usr/bin/aws-profile-bridge"
	PackagedHost   = "/usr/bin/aws-profile-bridge-host"
)

// packageOwned reports whether the system-scope manifest at path was installed by a package:
// install --system and uninstall --system leave it to apt or dnf, so that the package's file
// list stays true.
func packageOwned(goos string, system bool, path string) bool {
	if goos != "linux" || !system {
		return false
	}
	m, err := ReadManifest(path)
	return err == nil && (m.Path == PackagedBinary || m.Path == PackagedHost)
}

// packageNote says what to run instead of touching a packaged manifest.
const packageNote = "installed by the aws-profile-bridge package; left to the package manager (sudo apt remove aws-profile-bridge, or sudo dnf remove aws-profile-bridge)"
