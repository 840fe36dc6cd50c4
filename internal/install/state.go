package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// StateFile is the name of the record of what install wrote, in the config directory (mode 0600).
const StateFile = "install-state.json"

// State records what install wrote, so uninstall removes exactly that and doctor knows what to
// expect. Ids and origins given once are remembered here and kept by later installs.
type State struct {
	Binary        string      `json:"binary,omitempty"`
	ExtensionIDs  []string    `json:"extension_ids,omitempty"`  // beyond DefaultExtensionIDs
	ChromeOrigins []string    `json:"chrome_origins,omitempty"` // every origin given
	Files         []FileRec   `json:"files,omitempty"`
	Keys          []KeyRec    `json:"registry_keys,omitempty"`
	Dirs          []string    `json:"created_dirs,omitempty"` // directories install created, removed when empty
	Service       *ServiceRec `json:"service,omitempty"`
}

// FileRec is one file install wrote.
type FileRec struct {
	Path    string `json:"path"`
	Kind    string `json:"kind"` // "manifest" or "service"
	Browser string `json:"browser,omitempty"`
	System  bool   `json:"system,omitempty"`
}

// KeyRec is one registry key install set (Windows).
type KeyRec struct {
	Root    Root   `json:"root"`
	View    View   `json:"view"`
	Key     string `json:"key"`
	Value   string `json:"value"`
	Browser string `json:"browser"`
}

// ServiceRec says which service install set up.
type ServiceRec struct {
	Kind   string `json:"kind"` // "systemd", "launchd", "task"
	Path   string `json:"path"`
	Binary string `json:"binary"`
	// Started says install asked the service manager to run it; only then does uninstall ask
	// it to stop (the unit name is per user, not per HOME).
	Started bool `json:"started,omitempty"`
}

// maxSmallFile bounds what install reads back: its state, manifests and service units.
const maxSmallFile = 1 << 20

func (e *Env) statePath() string { return filepath.Join(e.ConfigDir, StateFile) }

// LoadState reads the state file; a missing file is an empty State.
func (e *Env) LoadState() (State, error) {
	var s State
	b, err := fsafe.ReadFile(e.statePath(), maxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("%s is not valid JSON (%v); delete it and run `aws-profile-bridge install` again", e.statePath(), err)
	}
	return s, nil
}

func (s *State) empty() bool {
	return len(s.Files) == 0 && len(s.Keys) == 0 && s.Service == nil && len(s.Dirs) == 0
}

func (s *State) addFile(r FileRec) {
	if !slices.ContainsFunc(s.Files, func(f FileRec) bool { return f.Path == r.Path }) {
		s.Files = append(s.Files, r)
	}
}

func (s *State) addKey(r KeyRec) {
	i := slices.IndexFunc(s.Keys, func(k KeyRec) bool { return k.Root == r.Root && k.View == r.View && k.Key == r.Key })
	if i >= 0 {
		s.Keys[i] = r
		return
	}
	s.Keys = append(s.Keys, r)
}

func (s *State) addDirs(dirs []string) {
	for _, d := range dirs {
		if !slices.Contains(s.Dirs, d) {
			s.Dirs = append(s.Dirs, d)
		}
	}
}

// saveState writes s (or removes the file when s is empty); changed reports a difference.
func (e *Env) saveState(s State) (changed bool, err error) {
	p := e.statePath()
	old, rerr := fsafe.ReadFile(p, maxSmallFile)
	if s.empty() {
		if rerr != nil {
			return false, nil
		}
		return true, os.Remove(p)
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return false, err
	}
	b = append(b, '\n')
	if rerr == nil && bytes.Equal(old, b) {
		return false, nil
	}
	if err := fsafe.EnsureDir(e.ConfigDir, false); err != nil {
		return false, err
	}
	return true, fsafe.WriteFile(p, b, fsafe.FileMode)
}

// mkdirs creates dir and missing parents with mode, returning the directories it created,
// deepest last.
func mkdirs(dir string, mode fs.FileMode) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	slices.Reverse(missing)
	var made []string
	for _, d := range missing {
		if err := os.Mkdir(d, mode); err != nil && !errors.Is(err, fs.ErrExist) {
			return made, err
		}
		if err := os.Chmod(d, mode); err != nil {
			return made, err
		}
		made = append(made, d)
	}
	return made, nil
}
