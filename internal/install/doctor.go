package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// Finding is one result of Doctor: what was checked, how it went, and what to run about it.
type Finding struct {
	Check   string `json:"check"` // "binary", "manifest", "registry", "host", "logs", "tokens", "aws", "service", "sandbox"
	Browser string `json:"browser,omitempty"`
	Status  string `json:"status"` // "ok", "info", "warn", "fail"
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"` // the command to run, or what to do
}

// Finding statuses; only StatusFail makes doctor exit non-zero.
const (
	StatusOK   = "ok"
	StatusInfo = "info"
	StatusWarn = "warn"
	StatusFail = "fail"
)

// Broken reports whether any finding failed.
func Broken(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Status == StatusFail })
}

// DoctorOptions describe the running binary.
type DoctorOptions struct {
	Binary   string // absolute path of this binary
	Version  string // its version
	Protocol string // the protocol version a healthy host answers
	// AWSFiles are the AWS config and credentials files the host reads; LoadAWS reads them as the
	// host does and returns the number of profiles and the warnings (nil: not checked).
	AWSFiles []AWSFile
	LoadAWS  func() (profiles int, warnings []string, err error)
}

// Manifest is a host manifest as read back from disk.
type Manifest struct {
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Path              string   `json:"path"`
	Type              string   `json:"type"`
	AllowedExtensions []string `json:"allowed_extensions"`
	AllowedOrigins    []string `json:"allowed_origins"`
}

// ReadManifest reads and parses a host manifest (at most 1 MiB).
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	b, err := fsafe.ReadFile(path, maxSmallFile)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, err
	}
	return m, nil
}

// Doctor checks the installation and returns every finding, each with its fix.
func (e *Env) Doctor(o DoctorOptions) []Finding {
	st, serr := e.LoadState()
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	if serr != nil {
		add(Finding{Check: "state", Status: StatusWarn, Path: e.statePath(), Message: serr.Error(), Fix: "rm " + fsafe.ShellQuote(e.statePath()) + " && aws-profile-bridge install"})
	}
	add(Finding{Check: "binary", Status: StatusInfo, Path: o.Binary, Message: fmt.Sprintf("this is aws-profile-bridge %s at %s", o.Version, o.Binary)})
	if o.Binary != "" {
		if lean := layout.LeanHostBeside(e.GOOS, o.Binary); isFile(lean) {
			add(Finding{Check: "binary", Status: StatusInfo, Path: lean, Message: "the lean host beside it, which install registers: " + lean})
		} else {
			add(Finding{Check: "binary", Status: StatusInfo, Path: lean, Message: fmt.Sprintf("no lean host %s beside it: install registers this binary itself, which starts slower; `make build` and the releases put both side by side", lean)})
		}
	}

	// Before any host is started: the host itself tightens its log directory and file.
	out = append(out, e.checkPrivateDir("logs", e.LogDir, "aws_profile_bridge")...)
	out = append(out, e.checkPrivateDir("tokens", e.ConfigDir, "")...)
	out = append(out, e.checkAWS(o)...)

	ids := union(DefaultExtensionIDs, st.ExtensionIDs)
	for _, b := range layout.Browsers {
		user := filepath.Join(e.ManifestDir(b, false), layout.ManifestFile)
		sysDir := e.ManifestDir(b, true)
		sys := ""
		if sysDir != "" {
			sys = filepath.Join(sysDir, layout.ManifestFile)
		}
		found, _ := e.Detected(b)
		checked := false
		paths := []string{user, sys}
		if e.GOOS == "windows" && e.Registry != nil {
			// The browser follows the registry, which may name a manifest elsewhere (another
			// installer's); check what it will actually read.
			for _, root := range []Root{CurrentUser, LocalMachine} {
				for _, v := range RegistryViews(b) {
					if cur, err := e.Registry.Default(root, v, RegistryKey(b)); err == nil && !slices.ContainsFunc(paths, func(p string) bool { return strings.EqualFold(p, cur) }) {
						paths = append(paths, cur)
					}
				}
			}
		}
		for _, p := range paths {
			if p == "" {
				continue
			}
			if _, err := os.Lstat(p); err != nil {
				continue
			}
			checked = true
			out = append(out, e.checkManifest(b, p, p == sys, ids, o)...)
		}
		if checked {
			continue
		}
		switch {
		case layout.IsFirefox(b):
			msg := "no Firefox host manifest at " + user + ": the extension will show \"No such native application aws_profile_bridge\""
			if !found {
				msg += " (Firefox itself was not found either)"
			}
			add(Finding{Check: "manifest", Browser: b, Status: StatusFail, Path: user, Message: msg, Fix: "aws-profile-bridge install --browser firefox"})
		case found:
			add(Finding{Check: "manifest", Browser: b, Status: StatusInfo, Path: user,
				Message: layout.Titles[b] + " is installed but the host is not registered for it (only needed if you use the extension there)",
				Fix:     "aws-profile-bridge install --browser " + b + " --chrome-origin chrome-extension://<id>/"})
		}
	}
	out = append(out, e.checkService(st, o)...)
	out = append(out, e.checkSandbox()...)
	return out
}

func (e *Env) checkManifest(b, p string, system bool, ids []string, o DoctorOptions) []Finding {
	var out []Finding
	title := layout.Titles[b]
	fixInstall := "aws-profile-bridge install --browser " + b
	if system {
		fixInstall = "sudo " + fixInstall + " --system"
		ids = DefaultExtensionIDs
	}
	fail := func(msg, fix string) []Finding {
		return append(out, Finding{Check: "manifest", Browser: b, Status: StatusFail, Path: p, Message: msg, Fix: fix})
	}
	if fsafe.ModesApply {
		for _, q := range []string{p, filepath.Dir(p)} {
			if fi, err := os.Stat(q); err == nil && !fsafe.Trusted(fi) {
				out = append(out, Finding{Check: "manifest", Browser: b, Status: StatusFail, Path: q,
					Message: fmt.Sprintf("%s has mode %o (or another owner): whoever can change it can make %s start their program instead of the host", q, fi.Mode().Perm(), title),
					Fix:     "chmod go-w " + fsafe.ShellQuote(q)})
			}
		}
	}
	if e.GOOS != "windows" && filepath.Base(p) != layout.ManifestFile {
		return fail(fmt.Sprintf("the manifest file is named %s; it must be %s", filepath.Base(p), layout.ManifestFile), fixInstall)
	}
	m, err := ReadManifest(p)
	var fe *fsafe.FileError
	if errors.As(err, &fe) {
		return fail(fmt.Sprintf("the %s manifest cannot be read (%v), so %s ignores it", title, err, title), "rm "+fsafe.ShellQuote(p)+" && "+fixInstall)
	}
	if err != nil {
		return fail(fmt.Sprintf("the %s manifest is not valid JSON (%v), so %s ignores it", title, err, title), fixInstall+"   # rewrites it")
	}
	if m.Name != layout.HostName {
		return fail(fmt.Sprintf("the %s manifest's name is %q; the extension connects to %q", title, m.Name, layout.HostName), fixInstall)
	}
	if m.Type != "stdio" {
		return fail(fmt.Sprintf("the %s manifest's type is %q; it must be \"stdio\"", title, m.Type), fixInstall)
	}
	if !isAbs(e.GOOS, m.Path) {
		return fail(fmt.Sprintf("the %s manifest's path %q is not absolute, so the browser cannot start it", title, m.Path), fixInstall)
	}
	fi, err := os.Stat(m.Path)
	switch {
	case err != nil:
		return fail(fmt.Sprintf("the %s manifest points at %s, which does not exist (moved or deleted?)", title, m.Path),
			e.reinstallFix(b, m.Path, system, o)+"   # registers this binary instead")
	case !fi.Mode().IsRegular() || !fsafe.IsExecutable(fi):
		return fail(fmt.Sprintf("the %s manifest points at %s, which is not an executable file", title, m.Path), "chmod +x "+fsafe.ShellQuote(m.Path))
	}
	if layout.IsLeanHost(m.Path) {
		// The lean host answers the list itself but hands every sign-in to aws-profile-bridge
		// beside it (internal/host/handoff.go): without that, every click fails.
		full := layout.FullBinaryBeside(e.GOOS, m.Path)
		fi, err := os.Stat(full)
		switch {
		case err != nil:
			return fail(fmt.Sprintf("the %s manifest starts the lean host %s, which signs in through aws-profile-bridge beside it, and there is none at %s: every sign-in would fail", title, m.Path, full),
				e.reinstallFix(b, m.Path, system, o)+"   # or put aws-profile-bridge back beside it")
		case !fi.Mode().IsRegular() || !fsafe.IsExecutable(fi):
			return fail(fmt.Sprintf("the %s manifest starts the lean host %s, which signs in through %s, and that is not an executable file: every sign-in would fail", title, m.Path, full),
				"chmod +x "+fsafe.ShellQuote(full))
		}
	}
	if layout.IsFirefox(b) {
		var missing []string
		for _, id := range ids {
			if !slices.Contains(m.AllowedExtensions, id) {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			out = append(out, Finding{Check: "manifest", Browser: b, Status: StatusFail, Path: p,
				Message: fmt.Sprintf("allowed_extensions lacks %s: that extension gets \"No such native application aws_profile_bridge\"", strings.Join(missing, ", ")),
				Fix:     fixInstall})
			return out
		}
	} else {
		var bad []string
		for _, o := range m.AllowedOrigins {
			if CheckChromeOrigin(o) != nil {
				bad = append(bad, o)
			}
		}
		if len(m.AllowedOrigins) == 0 || len(bad) > 0 {
			return fail(fmt.Sprintf("allowed_origins is empty or has entries that are not chrome-extension://<32 letters a-p>/ (%s)", strings.Join(bad, ", ")),
				fixInstall+" --chrome-origin chrome-extension://<id>/")
		}
	}
	if e.GOOS == "windows" && e.Registry != nil {
		root := e.root(system)
		for _, v := range RegistryViews(b) {
			key := RegistryKey(b)
			cur, err := e.Registry.Default(root, v, key)
			name := keyName(root, v, key)
			switch {
			case err != nil:
				out = append(out, Finding{Check: "registry", Browser: b, Status: StatusFail, Path: name, Message: "the registry key that tells " + title + " where the manifest is, is missing", Fix: fixInstall})
			case !strings.EqualFold(cur, p):
				out = append(out, Finding{Check: "registry", Browser: b, Status: StatusFail, Path: name, Message: fmt.Sprintf("the registry key points at %s, not at %s", cur, p), Fix: fixInstall})
			default:
				out = append(out, Finding{Check: "registry", Browser: b, Status: StatusOK, Path: name, Message: "points at the manifest"})
			}
		}
	}
	// What install of this binary writes (ManifestBinary): the lean host beside it, or itself.
	if want := layout.ManifestBinary(e.GOOS, o.Binary, isFile); o.Binary != "" && !sameFile(m.Path, want) {
		msg := fmt.Sprintf("the manifest starts %s, not this binary's host (%s)", m.Path, want)
		if sameFile(m.Path, o.Binary) {
			msg = fmt.Sprintf("the manifest starts %s itself, not the lean host beside it (%s), which starts faster", m.Path, want)
		}
		out = append(out, Finding{Check: "manifest", Browser: b, Status: StatusWarn, Path: p, Message: msg,
			Fix: "fine if intended; to switch, run: " + e.reinstallFix(b, m.Path, system, o)})
	}
	out = append(out, Finding{Check: "manifest", Browser: b, Status: StatusOK, Path: p, Message: fmt.Sprintf("%s manifest is valid and starts %s", title, m.Path)})
	out = append(out, e.probe(b, p, m, system, o, fixInstall)...)
	return out
}

// reinstallFix is the command that registers this binary (and the lean host beside it) for
// browser b in the scope of the manifest that starts current.
func (e *Env) reinstallFix(b, current string, system bool, o DoctorOptions) string {
	fix := fsafe.ShellQuote(o.Binary) + " install --browser " + b
	if system {
		if e.GOOS == "linux" && (current == PackagedBinary || current == PackagedHost) {
			return "sudo apt install --reinstall aws-profile-bridge   # or: sudo dnf reinstall aws-profile-bridge"
		}
		fix = "sudo " + fix + " --system"
	}
	return fix
}

// probe starts the host the way the browser would and asks for its version; for the lean host,
// it then starts aws-profile-bridge beside it the way the lean host does for every sign-in.
func (e *Env) probe(b, p string, m Manifest, system bool, o DoctorOptions, fix string) []Finding {
	var args []string
	if layout.IsFirefox(b) {
		id := m.AllowedExtensions[0]
		for _, want := range DefaultExtensionIDs {
			if slices.Contains(m.AllowedExtensions, want) {
				id = want
				break
			}
		}
		args = []string{p, id}
	} else {
		args = []string{m.AllowedOrigins[0]}
	}
	f, host := e.askVersion("host", b, m.Path, args, "the way "+layout.Titles[b]+" does", o, fix)
	if f.Status != StatusOK || !layout.IsLeanHost(m.Path) {
		return []Finding{f}
	}
	// The hand-off (internal/host/handoff.go) runs aws-profile-bridge with the browser's own
	// command line: a version frame shows it starts and accepts the caller as the host does.
	full := layout.FullBinaryBeside(e.GOOS, m.Path)
	h, cli := e.askVersion("handoff", b, full, args, "the way the lean host does for each sign-in", o, fix)
	if h.Status == StatusOK && (cli.Version != host.Version || cli.Commit != host.Commit) {
		h.Status = StatusWarn
		h.Message = fmt.Sprintf("the lean host %s is version %s (commit %s) but %s, which signs in for it, is %s (commit %s): they come from different builds",
			m.Path, host.Version, host.Commit, full, cli.Version, cli.Commit)
		h.Fix = "install both from one build: " + e.reinstallFix(b, m.Path, system, o)
	} else if h.Status == StatusOK {
		h.Message = fmt.Sprintf("sign-ins go through %s, which answered the same way: version %s, commit %s", full, cli.Version, cli.Commit)
	}
	return []Finding{f, h}
}

// versionReply is a version frame, or the error frame sent instead.
type versionReply struct {
	Action, Version, Commit, Protocol, Code, Message string
}

// askVersion starts bin with args (how says whose way) and asks for its version; the finding is
// of check, ok when bin answered a version frame of this binary's protocol.
func (e *Env) askVersion(check, b, bin string, args []string, how string, o DoctorOptions, fix string) (Finding, versionReply) {
	probe := e.Probe
	if probe == nil {
		probe = ProbeHost
	}
	f := Finding{Check: check, Browser: b, Path: bin}
	var r versionReply
	reply, err := probe(bin, args, []byte(`{"action":"version"}`))
	if err != nil {
		f.Status, f.Message = StatusFail, fmt.Sprintf("starting %s %s failed: %v", bin, how, err)
		f.Fix = "run it by hand to see why: " + fsafe.ShellQuote(bin) + " version; then " + fix
		return f, r
	}
	if err := json.Unmarshal(reply, &r); err != nil {
		f.Status, f.Message, f.Fix = StatusFail, fmt.Sprintf("%s answered something that is not JSON: %.100q", bin, reply), fix
		return f, r
	}
	switch {
	case r.Action == "error":
		f.Status, f.Message = StatusFail, fmt.Sprintf("%s refused the version request: %s (%s)", bin, r.Message, r.Code)
		f.Fix = fix
	case r.Action != "version":
		f.Status, f.Message = StatusFail, fmt.Sprintf("%s answered action %q to a version request: it is too old or not aws-profile-bridge", bin, r.Action)
		f.Fix = fix
	case o.Protocol != "" && r.Protocol != o.Protocol:
		f.Status, f.Message = StatusFail, fmt.Sprintf("%s speaks protocol %q, this binary %q", bin, r.Protocol, o.Protocol)
		f.Fix = fsafe.ShellQuote(o.Binary) + " install --browser " + b
	default:
		f.Status = StatusOK
		f.Message = fmt.Sprintf("started %s, the host answered: version %s, commit %s, protocol %s", how, r.Version, r.Commit, r.Protocol)
	}
	return f, r
}

// checkPrivateDir checks that dir is 0700 and the files in it (those starting with prefix) 0600.
func (e *Env) checkPrivateDir(check, dir, prefix string) []Finding {
	what := map[string]string{"logs": "log", "tokens": "token and state"}[check]
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []Finding{{Check: check, Status: StatusInfo, Path: dir, Message: fmt.Sprintf("no %s directory yet (created on first use)", what)}}
	}
	if err != nil {
		return []Finding{{Check: check, Status: StatusFail, Path: dir, Message: err.Error(), Fix: "ls -ld " + fsafe.ShellQuote(dir)}}
	}
	if !fsafe.ModesApply {
		return []Finding{{Check: check, Status: StatusOK, Path: dir, Message: fmt.Sprintf("%s directory present (private by the profile's ACL)", what)}}
	}
	var out []Finding
	if err := fsafe.CheckPrivate(dir, fi); err != nil {
		msg, fix := notPrivate(dir, err, fmt.Sprintf("the %s directory has mode %o: other users can look inside", what, fi.Mode().Perm()))
		out = append(out, Finding{Check: check, Status: StatusFail, Path: dir, Message: msg, Fix: fix})
	}
	ents, _ := os.ReadDir(dir)
	for _, ent := range ents {
		if ent.IsDir() || !strings.HasPrefix(ent.Name(), prefix) {
			continue
		}
		p := filepath.Join(dir, ent.Name())
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if err := fsafe.CheckPrivate(p, fi); err != nil {
			msg, fix := notPrivate(p, err, fmt.Sprintf("%s has mode %o: other users can read it", p, fi.Mode().Perm()))
			out = append(out, Finding{Check: check, Status: StatusFail, Path: p, Message: msg, Fix: fix})
		}
	}
	if len(out) == 0 {
		out = append(out, Finding{Check: check, Status: StatusOK, Path: dir, Message: fmt.Sprintf("%s files are private (directory 0700, files 0600)", what)})
	}
	return out
}

// notPrivate is the finding's message and fix for path breaking the private rule (err from
// fsafe.CheckPrivate): modeMsg when its mode is too open, the owner when it is someone else's.
func notPrivate(path string, err error, modeMsg string) (msg, fix string) {
	var pe *fsafe.PermError
	if !errors.As(err, &pe) {
		return err.Error(), "ls -ld " + fsafe.ShellQuote(path)
	}
	q := fsafe.ShellQuote(path)
	if pe.UID != -1 {
		return fmt.Sprintf("%s belongs to uid %d, not to you (uid %d)", path, pe.UID, pe.EUID),
			fmt.Sprintf("sudo chown %d %s && chmod %o %s", pe.EUID, q, pe.Want, q)
	}
	return modeMsg, fmt.Sprintf("chmod %o %s", pe.Want, q)
}

func (e *Env) checkService(st State, o DoctorOptions) []Finding {
	path := e.serviceUnitPath()
	if st.Service != nil {
		path = st.Service.Path
	}
	if _, err := os.Stat(path); err != nil {
		if st.Service != nil {
			return []Finding{{Check: "service", Status: StatusFail, Path: path, Message: "the HTTP service was installed but its unit is gone", Fix: "aws-profile-bridge install --http-service"}}
		}
		return []Finding{{Check: "service", Status: StatusInfo, Message: "the HTTP fallback service is not installed (optional: native messaging needs no service)", Fix: "aws-profile-bridge install --http-service   # only for a browser without native messaging"}}
	}
	bin := o.Binary
	if st.Service != nil && st.Service.Binary != "" {
		bin = st.Service.Binary
	}
	if !e.ServeSupported(bin) {
		return []Finding{{Check: "service", Status: StatusFail, Path: path, Message: "the HTTP service is installed but cannot run: " + NoServeNote(bin),
			Fix: "aws-profile-bridge uninstall --http-service   # removes just the unit, until a build with `serve` is installed"}}
	}
	var out []Finding
	if !e.serviceRunning() {
		out = append(out, Finding{Check: "service", Status: StatusFail, Path: e.ServiceName(), Message: "the HTTP service is installed but not running", Fix: e.restartHint()})
	}
	if e.HTTPGet != nil {
		url := fmt.Sprintf("http://127.0.0.1:%d/health", e.Port)
		code, err := e.HTTPGet(url)
		if err != nil || code != 200 {
			msg := fmt.Sprintf("%s did not answer 200 (%d, %v)", url, code, err)
			out = append(out, Finding{Check: "service", Status: StatusFail, Path: url, Message: msg, Fix: e.restartHint()})
		} else if len(out) == 0 {
			out = append(out, Finding{Check: "service", Status: StatusOK, Path: url, Message: "the HTTP service is running and healthy"})
		}
	}
	return out
}

func (e *Env) restartHint() string {
	switch e.GOOS {
	case "darwin":
		return "launchctl kickstart -k gui/<uid>/" + launchdLabel + "   # logs: " + e.LogDir
	case "windows":
		return "schtasks /Run /TN " + ServiceLabel
	}
	return "systemctl --user restart " + ServiceLabel + ".service; journalctl --user -u " + ServiceLabel + ".service"
}

func isAbs(goos, p string) bool {
	if filepath.IsAbs(p) {
		return true
	}
	if goos == "windows" {
		return len(p) > 2 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') || strings.HasPrefix(p, `\\`)
	}
	return strings.HasPrefix(p, "/")
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
