package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// UninstallOptions are the flags of `aws-profile-bridge uninstall`.
type UninstallOptions struct {
	System   bool     // remove the system-scope registration instead of the user one
	Browsers []string // nil: every browser
	// ServiceOnly removes the HTTP service and leaves the browser registrations.
	ServiceOnly bool
	// Purge also removes the user's data: the API tokens and the host's log files.
	Purge bool
}

// Uninstall removes what install wrote in the chosen scope: manifests that are ours (recorded in
// the state file, or found at the known locations naming an aws-profile-bridge binary), their
// registry keys, the service, and the directories install created once they are empty; a full
// user-scope uninstall also removes the host's reply cache, and reports the tokens and log files
// it keeps ("kept"), which Purge removes too. Nothing else in ~/.aws is ever touched.
func (e *Env) Uninstall(o UninstallOptions) ([]Change, error) {
	browsers := layout.Browsers
	if len(o.Browsers) > 0 {
		bs, err := ParseBrowsers(o.Browsers)
		if err != nil {
			return nil, err
		}
		browsers = bs
	}
	st, err := e.LoadState()
	if err != nil {
		return nil, err
	}
	var changes []Change
	var errs []error
	awsDir := filepath.Join(e.Home, ".aws")
	safeRemove := func(p string) error {
		if p == awsDir || strings.HasPrefix(p, awsDir+string(filepath.Separator)) {
			return fmt.Errorf("refusing to remove %s: uninstall never touches ~/.aws", p)
		}
		return os.Remove(p)
	}

	// Manifests: the recorded ones, then any of ours at the known locations.
	candidates := map[string]string{}
	var order []string
	add := func(path, b string) {
		if _, ok := candidates[path]; !ok {
			candidates[path] = b
			order = append(order, path)
		}
	}
	for _, f := range st.Files {
		if f.Kind == "manifest" && f.System == o.System && slices.Contains(browsers, f.Browser) {
			add(f.Path, f.Browser)
		}
	}
	for _, b := range browsers {
		if d := e.ManifestDir(b, o.System); d != "" {
			add(filepath.Join(d, layout.ManifestFile), b)
		}
	}
	removed := map[string]bool{}
	if o.ServiceOnly {
		order = nil
	}
	for _, p := range order {
		b := candidates[p]
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			removed[p] = true // gone already: forget it
			continue
		}
		if packageOwned(e.GOOS, o.System, p) {
			changes = append(changes, Change{Browser: b, What: "manifest", Path: p, Action: "skipped", Note: packageNote})
			continue
		}
		if !IsOurManifest(p) {
			changes = append(changes, Change{Browser: b, What: "manifest", Path: p, Action: "skipped",
				Note: "not ours (another host name or program); left alone"})
			continue
		}
		if err := safeRemove(p); err != nil {
			errs = append(errs, fmt.Errorf("removing %s: %w%s", p, err, sudoHint(o.System, err)))
			continue
		}
		removed[p] = true
		changes = append(changes, Change{Browser: b, What: "manifest", Path: p, Action: "removed"})
	}

	// Registry keys (Windows): recorded ones, and any key of ours pointing into our directories.
	if e.GOOS == "windows" && e.Registry != nil && !o.ServiceOnly {
		root := e.root(o.System)
		for _, b := range browsers {
			key := RegistryKey(b)
			for _, v := range RegistryViews(b) {
				cur, err := e.Registry.Default(root, v, key)
				if err != nil {
					continue
				}
				recorded := slices.ContainsFunc(st.Keys, func(r KeyRec) bool { return r.Root == root && r.View == v && r.Key == key && r.Value == cur })
				if !recorded && !removed[cur] {
					changes = append(changes, Change{Browser: b, What: "registry", Path: keyName(root, v, key), Action: "skipped", Note: "points at " + cur + ", not written by us; left alone"})
					continue
				}
				if err := e.Registry.DeleteKey(root, v, key); err != nil {
					errs = append(errs, err)
					continue
				}
				changes = append(changes, Change{Browser: b, What: "registry", Path: keyName(root, v, key), Action: "removed"})
			}
		}
		st.Keys = slices.DeleteFunc(st.Keys, func(r KeyRec) bool { return r.Root == root && slices.Contains(browsers, r.Browser) })
	}
	st.Files = slices.DeleteFunc(st.Files, func(f FileRec) bool { return f.Kind == "manifest" && removed[f.Path] })

	// The service belongs to the user scope and to no browser.
	if !o.System && len(o.Browsers) == 0 {
		path := e.serviceUnitPath()
		if st.Service != nil {
			path = st.Service.Path
		}
		if _, err := os.Stat(path); err == nil {
			if st.Service != nil || isOurService(path) {
				started := st.Service == nil || st.Service.Started // unrecorded: assume it may run
				if e.Run != nil && started {
					for _, c := range e.stopCommands() {
						_, _ = e.Run(c[0], c[1:]...)
					}
				}
				if err := safeRemove(path); err != nil {
					errs = append(errs, fmt.Errorf("removing %s: %w", path, err))
				} else {
					changes = append(changes, Change{What: "service", Path: path, Action: "removed"})
					if e.GOOS == "linux" && e.Run != nil && started {
						_, _ = e.Run("systemctl", "--user", "daemon-reload")
					}
				}
			} else {
				changes = append(changes, Change{What: "service", Path: path, Action: "skipped", Note: "not written by aws-profile-bridge install; left alone"})
			}
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			st.Service = nil
			st.Files = slices.DeleteFunc(st.Files, func(f FileRec) bool { return f.Kind == "service" })
		}
	}

	// What the host and serve left: the reply cache always goes; tokens and logs are the user's
	// data and go only with Purge. Before the state's directories, which may then be empty.
	if !o.System && len(o.Browsers) == 0 && !o.ServiceOnly {
		ch, err := e.removeUserData(o.Purge)
		changes = append(changes, ch...)
		if err != nil {
			errs = append(errs, err)
		}
	}

	// Forget remembered ids and origins once nothing is left, and drop the state file.
	if len(st.Files) == 0 && len(st.Keys) == 0 && st.Service == nil {
		st.ExtensionIDs, st.ChromeOrigins, st.Binary = nil, nil, ""
		dirs := st.Dirs
		st.Dirs = nil
		if ch, err := e.saveState(st); err != nil {
			errs = append(errs, err)
		} else if ch {
			changes = append(changes, Change{What: "state", Path: e.statePath(), Action: "removed"})
		}
		// Directories install created, deepest first, when empty.
		slices.SortFunc(dirs, func(a, b string) int { return len(b) - len(a) })
		for _, d := range dirs {
			if err := safeRemove(d); err == nil {
				changes = append(changes, Change{What: "directory", Path: d, Action: "removed"})
			}
		}
	} else if _, err := e.saveState(st); err != nil {
		errs = append(errs, err)
	}
	return changes, errors.Join(errs...)
}
