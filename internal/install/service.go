package install

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// serviceUnitPath is where ServiceUnit's file goes on e.GOOS (no template is rendered).
func (e *Env) serviceUnitPath() string {
	switch e.GOOS {
	case "darwin":
		return filepath.Join(e.Home, "Library", "LaunchAgents", launchdLabel+".plist")
	case "windows":
		return filepath.Join(e.Home, "AppData", "Local", "aws-profile-bridge", ServiceLabel+"-task.xml")
	}
	return filepath.Join(e.Home, ".config", "systemd", "user", ServiceLabel+".service")
}

func (e *Env) serviceKind() string {
	switch e.GOOS {
	case "darwin":
		return "launchd"
	case "windows":
		return "task"
	}
	return "systemd"
}

// launchdDomain is the per-user launchd domain the LaunchAgent is loaded into (macOS).
func (e *Env) launchdDomain() string { return "gui/" + strconv.Itoa(e.UID) }

// ServiceName is how the service is known to the OS's service manager.
func (e *Env) ServiceName() string {
	switch e.GOOS {
	case "darwin":
		return e.launchdDomain() + "/" + launchdLabel
	case "windows":
		return ServiceLabel + " (scheduled task)"
	}
	return ServiceLabel + ".service"
}

// startCommands are what install runs to (re)start the service after writing its unit.
func (e *Env) startCommands(path string) [][]string {
	switch e.GOOS {
	case "darwin":
		return [][]string{
			{"launchctl", "bootout", e.ServiceName()}, // may fail when not loaded
			{"launchctl", "bootstrap", e.launchdDomain(), path},
		}
	case "windows":
		return [][]string{
			{"schtasks", "/Create", "/TN", ServiceLabel, "/XML", path, "/F"},
			{"schtasks", "/Run", "/TN", ServiceLabel},
		}
	}
	return [][]string{
		{"systemctl", "--user", "daemon-reload"},
		{"systemctl", "--user", "enable", ServiceLabel + ".service"},
		{"systemctl", "--user", "restart", ServiceLabel + ".service"},
	}
}

// stopCommands are what uninstall runs before removing the unit; their failures are ignored.
func (e *Env) stopCommands() [][]string {
	switch e.GOOS {
	case "darwin":
		return [][]string{{"launchctl", "bootout", e.ServiceName()}}
	case "windows":
		return [][]string{{"schtasks", "/End", "/TN", ServiceLabel}, {"schtasks", "/Delete", "/TN", ServiceLabel, "/F"}}
	}
	return [][]string{{"systemctl", "--user", "disable", "--now", ServiceLabel + ".service"}}
}

// StatusCommand asks the service manager whether the service runs (exit 0 when it does).
func (e *Env) StatusCommand() []string {
	switch e.GOOS {
	case "darwin":
		return []string{"launchctl", "print", e.ServiceName()}
	case "windows":
		return []string{"schtasks", "/Query", "/TN", ServiceLabel}
	}
	return []string{"systemctl", "--user", "is-active", "--quiet", ServiceLabel + ".service"}
}

// ServeSupported reports whether binary has the `serve` command the service runs.
func (e *Env) ServeSupported(binary string) bool {
	if e.Run == nil {
		return false
	}
	_, err := e.Run(binary, "serve", "--help")
	return err == nil
}

// NoServeNote explains a service that cannot run yet.
func NoServeNote(binary string) string {
	return fmt.Sprintf("this build of %s has no `serve` command yet, so the service cannot run; the unit is in place and starts once you install a build that has it and run `aws-profile-bridge install --http-service` again", filepath.Base(binary))
}

func (e *Env) installService(st *State, binary string, noStart bool) ([]Change, error) {
	path, content, err := e.ServiceUnit(binary)
	if err != nil {
		return nil, err
	}
	// The unit's sandbox makes these writable; systemd refuses to start if they are missing.
	for _, d := range []string{e.LogDir, e.ConfigDir} {
		made, err := mkdirs(d, 0o700)
		st.addDirs(made)
		if err != nil {
			return nil, fmt.Errorf("creating %s: %w", d, err)
		}
	}
	action, err := writeIfChanged(path, content, 0o644, 0o755, st)
	if err != nil {
		return nil, fmt.Errorf("writing the service unit %s: %w", path, err)
	}
	st.addFile(FileRec{Path: path, Kind: "service"})
	started := st.Service != nil && st.Service.Started
	st.Service = &ServiceRec{Kind: e.serviceKind(), Path: path, Binary: binary, Started: started}
	changes := []Change{{What: "service", Path: path, Action: action}}
	if !e.ServeSupported(binary) {
		changes = append(changes, Change{What: "service", Path: e.ServiceName(), Action: "not started", Note: NoServeNote(binary)})
		return changes, nil
	}
	if noStart {
		st.Service.Started = false
		return append(changes, Change{What: "service", Path: e.ServiceName(), Action: "not started",
			Note: "--no-start: start it with `" + e.startHint(path) + "`"}), nil
	}
	if action == "unchanged" && e.serviceRunning() {
		changes = append(changes, Change{What: "service", Path: e.ServiceName(), Action: "unchanged", Note: "running"})
		return changes, nil
	}
	st.Service.Started = true
	cmds := e.startCommands(path)
	for i, c := range cmds {
		out, err := e.Run(c[0], c[1:]...)
		if err != nil && !(e.GOOS == "darwin" && i == 0) {
			return changes, fmt.Errorf("`%s` failed: %v: %s\nWithout a service manager session here (SSH, a container), run install with --http-service --no-start and start it later with `%s`",
				strings.Join(c, " "), err, bytes.TrimSpace(out), e.startHint(path))
		}
	}
	return append(changes, Change{What: "service", Path: e.ServiceName(), Action: "started"}), nil
}

// startHint is the one command a user runs to start the installed service.
func (e *Env) startHint(path string) string {
	var parts []string
	for _, c := range e.startCommands(path) {
		parts = append(parts, strings.Join(c, " "))
	}
	return strings.Join(parts, " && ")
}

func (e *Env) serviceRunning() bool {
	if e.Run == nil {
		return false
	}
	c := e.StatusCommand()
	_, err := e.Run(c[0], c[1:]...)
	return err == nil
}

// isOurService reports whether the unit at path carries our marker.
func isOurService(path string) bool {
	b, err := fsafe.ReadFile(path, maxSmallFile)
	if err != nil {
		return false
	}
	if bytes.Contains(b, []byte(Marker)) {
		return true
	}
	// The Windows task definition is UTF-16.
	return bytes.Contains(b, utf16LE([]byte(Marker))[2:])
}
