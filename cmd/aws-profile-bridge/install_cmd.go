package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/apierr"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/bridge"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/install"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/settings"
)

// listFlag collects a repeatable flag; each value may also be a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

const installHelp = `aws-profile-bridge install [--browser LIST] [--system] [--extension-id ID ...]
       [--chrome-origin chrome-extension://<id>/ ...] [--http-service [--no-start]] [--binary PATH]

Register the native-messaging host aws_profile_bridge for every browser found (Firefox always;
Chrome, Chromium, Edge, Brave and Vivaldi when their profile directory or program is present, and
only with --chrome-origin, since a Chromium manifest must name the extension). Each manifest holds
the absolute path of the lean host aws-profile-bridge-host beside this binary (symlinks resolved),
which starts faster and hands sign-ins to this binary; without one (a ` + "`go install`" + `) it holds
this binary's path, which works but starts slower, and install says so: ` + "`make build`" + ` and the
releases put both side by side. --binary PATH registers another aws-profile-bridge (and the lean
host beside it). Firefox manifests list the AWS Profile Containers ids
  aws-profile-containers@yourname.local
  aws-profile-containers@samfakhreddine.dev
  {b2568b5f-4d45-421c-bac0-88ca342573b9}
plus every --extension-id. Ids and origins are remembered (in install-state.json in the config
directory) and kept by later runs; uninstall forgets them.

Where: Linux ~/.mozilla/native-messaging-hosts and ~/.config/<browser>/NativeMessagingHosts;
macOS ~/Library/Application Support/<browser>/NativeMessagingHosts; Windows manifest files under
%LOCALAPPDATA%\aws-profile-bridge\NativeMessagingHosts and registry keys under HKCU (Firefox in
both the 32-bit and 64-bit views). --system writes the system locations (/usr/lib/mozilla/...,
/etc/opt/chrome/..., /Library/..., HKLM) and needs root or an administrator.

A Snap or Flatpak Firefox reads the same ~/.mozilla manifest through the WebExtensions portal or
the Native Messaging Proxy; nothing is written inside ~/snap or ~/.var/app. install then prints
what is still yours to do (a pref in user.js, a flatpak override, the portal's prompt).

Running it again changes nothing and says so. Check the result with: aws-profile-bridge doctor`

func cmdInstall(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("install", installHelp, stderr)
	var browsers, ids, origins listFlag
	fs.Var(&browsers, "browser", "browsers to register, a comma-separated `list` of firefox, chrome, chromium, edge, brave, vivaldi, or all (default: those found, and Firefox)")
	system := fs.Bool("system", false, "register for every user of this machine (needs sudo / an administrator)")
	fs.Var(&ids, "extension-id", "an extra Firefox add-on `id` to allow (repeatable)")
	fs.Var(&origins, "chrome-origin", "a Chromium extension `origin` chrome-extension://<32 letters a-p>/ to allow (repeatable)")
	httpService := fs.Bool("http-service", false, "also install and start the HTTP fallback on 127.0.0.1 as a user service (systemd user unit, LaunchAgent or scheduled task) running \"<binary> serve\"")
	noStart := fs.Bool("no-start", false, "with --http-service: write the service unit but do not start it (no service manager session here, e.g. over SSH or in a container)")
	binary := fs.String("binary", "", "absolute path of the aws-profile-bridge to register, with the lean host beside it (default: this one)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	env, bin, code := installEnv("install", *binary, stderr)
	if code != 0 {
		return code
	}
	if *system && *httpService {
		fmt.Fprintln(stderr, "aws-profile-bridge install: --http-service installs a per-user service; run it without --system, as the user who runs the browser")
		return 2
	}
	if *system && runtime.GOOS != "windows" && os.Geteuid() != 0 {
		fmt.Fprintf(stderr, "aws-profile-bridge install --system writes system-wide locations and needs root; run:\n  sudo %s install --system%s\n", shellWord(bin), reArgs(args))
		return 1
	}
	if !*system && runtime.GOOS != "windows" && os.Geteuid() == 0 {
		fmt.Fprintln(stderr, "Warning: running as root registers the host for root only; run it as the user who runs the browser, or add --system.")
	}
	changes, err := env.Install(install.Options{
		Browsers: browsers, System: *system, ExtensionIDs: ids, ChromeOrigins: origins,
		HTTPService: *httpService, NoStart: *noStart, Binary: bin,
	})
	printChanges(stdout, changes, bin)
	if err != nil {
		fmt.Fprintf(stderr, "aws-profile-bridge install: %v\n", err)
		return 1
	}
	if !install.Changed(changes) {
		fmt.Fprintln(stdout, "Nothing changed: everything was already installed.")
	} else {
		fmt.Fprintln(stdout, "Done. Restart the browser (or reload the extension), then check with:")
		fmt.Fprintf(stdout, "  %s doctor\n", cmdName(bin))
	}
	return 0
}

const uninstallHelp = `aws-profile-bridge uninstall [--system] [--browser LIST] [--http-service] [--purge]

Remove what install wrote: the host manifests that are ours (recorded by install, or found at the
usual places naming aws-profile-bridge or aws-profile-bridge-host), their Windows registry keys,
the HTTP service (stopped first), the install state file, and the directories install created
once empty. A full uninstall (no --system, --browser or --http-service) also removes the host's
reply cache, and says where it kept your API tokens and the host's log: --purge removes those too.
Manifests of other programs are left alone, and your profiles and credentials in ~/.aws are never
touched. --http-service removes only the HTTP service. The binaries themselves stay:
install/install.sh --uninstall (or install.ps1 -Uninstall) removes both too.`

func cmdUninstall(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("uninstall", uninstallHelp, stderr)
	var browsers listFlag
	fs.Var(&browsers, "browser", "only these browsers, a comma-separated `list` (default: all); the service is removed only without --browser")
	system := fs.Bool("system", false, "remove the system-wide registration (needs sudo / an administrator)")
	serviceOnly := fs.Bool("http-service", false, "remove only the HTTP service, keep the browser registrations")
	purge := fs.Bool("purge", false, "also remove the API tokens and the host's log files")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	env, bin, code := installEnv("uninstall", "", stderr)
	if code != 0 {
		return code
	}
	changes, err := env.Uninstall(install.UninstallOptions{System: *system, Browsers: browsers, ServiceOnly: *serviceOnly, Purge: *purge})
	printChanges(stdout, changes, bin)
	if err != nil {
		fmt.Fprintf(stderr, "aws-profile-bridge uninstall: %v\n", err)
		if *system && runtime.GOOS != "windows" && os.Geteuid() != 0 {
			fmt.Fprintf(stderr, "run: sudo %s uninstall --system\n", shellWord(bin))
		}
		return 1
	}
	if !install.Changed(changes) {
		fmt.Fprintln(stdout, "Nothing to remove: aws-profile-bridge is not registered here.")
	} else {
		fmt.Fprintln(stdout, "Removed. Your profiles and credentials in ~/.aws are untouched.")
	}
	return 0
}

const doctorHelp = `aws-profile-bridge doctor [--json]

Check the installation, for every browser: is a host manifest present, valid JSON, named
aws_profile_bridge.json with name aws_profile_bridge and type stdio, pointing at an existing
executable (the lean host aws-profile-bridge-host beside this binary, as install writes it; a lean
host needs aws-profile-bridge beside it, which signs in for it), listing the expected extension
ids (Firefox) or valid origins (Chromium family), not writable by others, and (Windows) registered
in the registry; can the host be started the way the browser starts it and answer a version frame,
and aws-profile-bridge the way the lean host starts it for a sign-in; are the log files and the
token/config directory private; are ~/.aws/config and ~/.aws/credentials regular files that only
you can change (and credentials only you can read), and do they parse; is the HTTP service running
if installed; is Firefox a Snap or Flatpak (then: is the WebExtensions portal or the Native
Messaging Proxy installed, what each profile's prefs.js/user.js sets, may a Flatpak talk to the
proxy, did the portal remember a "no"). Each problem comes with the command to fix it.

Exit status: 0 when nothing is broken, 1 otherwise. --json prints {"ok":…,"findings":[…]}.`

// awsFiles are the AWS files the host reads, for doctor and profiles' checks.
func awsFiles(st settings.Settings) []install.AWSFile {
	return []install.AWSFile{{Path: st.AWS.ConfigFile}, {Path: st.AWS.CredentialsFile, Secret: true}}
}

func cmdDoctor(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("doctor", doctorHelp, stderr)
	asJSON := fs.Bool("json", false, "print the findings as JSON")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	env, bin, code := installEnv("doctor", "", stderr)
	if code != 0 {
		return code
	}
	st, _ := settings.Load() // installEnv has checked them
	findings := env.Doctor(install.DoctorOptions{Binary: bin, Version: version, Protocol: bridge.ProtocolVersion,
		AWSFiles: awsFiles(st), LoadAWS: func() (int, []string, error) {
			l, err := (&bridge.Service{Paths: st.AWS}).Profiles(context.Background(), bridge.ListOptions{})
			if err != nil {
				return 0, nil, errors.New(apierr.MessageOf(err))
			}
			list := l.Profiles
			warns := slices.Clone(l.Warnings)
			for i := range list {
				for _, w := range list[i].Warnings {
					warns = append(warns, list[i].Name+": "+w)
				}
			}
			return len(list), warns, nil
		}})
	name := cmdName(bin)
	for i := range findings {
		findings[i].Fix = withCmdName(findings[i].Fix, name)
		findings[i].Message = withCmdName(findings[i].Message, name)
	}
	broken := install.Broken(findings)
	if *asJSON {
		_ = printJSON(stdout, struct {
			OK       bool              `json:"ok"`
			Findings []install.Finding `json:"findings"`
		}{!broken, findings})
	} else {
		printFindings(stdout, findings)
	}
	if broken {
		return 1
	}
	return 0
}

func printFindings(w io.Writer, findings []install.Finding) {
	n := 0
	for _, f := range findings {
		label := map[string]string{install.StatusOK: "ok", install.StatusInfo: "info", install.StatusWarn: "WARN", install.StatusFail: "FAIL"}[f.Status]
		where := f.Check
		if f.Browser != "" {
			where += " " + f.Browser
		}
		fmt.Fprintf(w, "%-4s  %-16s %s\n", label, where, f.Message)
		if f.Fix != "" && f.Status != install.StatusOK {
			fmt.Fprintf(w, "      %-16s fix: %s\n", "", f.Fix)
		}
		if f.Status == install.StatusFail {
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "\nNothing is broken.")
	} else {
		fmt.Fprintf(w, "\n%d problem(s) found; run the fix shown under each, then run doctor again.\n", n)
	}
}

func printChanges(w io.Writer, changes []install.Change, bin string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	name := cmdName(bin)
	for _, c := range changes {
		who := layout.Titles[c.Browser]
		if who == "" {
			who = c.What
		} else if c.What != "manifest" && c.What != "browser" {
			who += " " + c.What
		}
		line := fmt.Sprintf("%s\t%s\t%s", who, c.Action, c.Path)
		if c.Note != "" {
			if c.Path == "" {
				line = fmt.Sprintf("%s\t%s\t%s", who, c.Action, withCmdName(c.Note, name))
			} else {
				line += "\n\t\t" + withCmdName(c.Note, name)
			}
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}

// installEnv builds the installer's view of this machine and finds the binary to register.
func installEnv(cmd, binFlag string, stderr io.Writer) (*install.Env, string, int) {
	st, err := settings.Load()
	if err != nil {
		errorf(stderr, cmd, "%v", err)
		return nil, "", 1
	}
	bin, err := binaryPath(binFlag)
	if err != nil {
		errorf(stderr, cmd, "%v", err)
		return nil, "", 1
	}
	return osEnv(st), bin, 0
}

func osEnv(st settings.Settings) *install.Env {
	e := &install.Env{
		GOOS: runtime.GOOS, Home: st.Home, ConfigDir: st.ConfigDir, LogDir: st.LogDir, CacheDir: st.CacheDir, CacheFiles: bridge.CacheFiles, Port: st.Port,
		ProgramFiles: os.Getenv("ProgramFiles"), UID: os.Getuid(), Registry: install.OSRegistry(),
		LookPath: exec.LookPath, Run: runCommand, HTTPGet: httpGet,
	}
	if u, err := user.Current(); err == nil {
		e.User = u.Username
	}
	return e
}

// runCommand runs a service-manager command (never through a shell) with a time limit.
func runCommand(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
		return out, err
	case <-time.After(20 * time.Second):
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
		<-done
		return out, fmt.Errorf("%s did not finish within 20 s", name)
	}
}

func httpGet(url string) (int, error) {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// binaryPath is the binary to register: --binary, or this executable with symlinks resolved.
func binaryPath(flagValue string) (string, error) {
	p := flagValue
	if p == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("cannot find this program's path (%v); pass --binary /absolute/path/to/aws-profile-bridge", err)
		}
		p = exe
	}
	p, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	} else if flagValue != "" {
		return "", fmt.Errorf("--binary %s: %v", flagValue, err)
	}
	return p, nil
}

// cmdName is how the user should type this binary: its bare name when PATH finds this very
// file, else its full path.
func cmdName(bin string) string {
	if p, err := exec.LookPath("aws-profile-bridge"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil && r == bin {
			return "aws-profile-bridge"
		}
	}
	return shellWord(bin)
}

// withCmdName rewrites "aws-profile-bridge …" commands in a hint to use name.
func withCmdName(s, name string) string {
	if name == "aws-profile-bridge" {
		return s
	}
	s = strings.ReplaceAll(s, "`aws-profile-bridge ", "`"+name+" ")
	s = strings.ReplaceAll(s, "sudo aws-profile-bridge ", "sudo "+name+" ")
	s = strings.ReplaceAll(s, "&& aws-profile-bridge ", "&& "+name+" ")
	if strings.HasPrefix(s, "aws-profile-bridge ") {
		s = name + strings.TrimPrefix(s, "aws-profile-bridge")
	}
	return s
}

func shellWord(p string) string {
	if runtime.GOOS == "windows" {
		if strings.ContainsAny(p, " \t") {
			return "& '" + strings.ReplaceAll(p, "'", "''") + "'"
		}
		return p
	}
	return fsafe.ShellQuote(p)
}

func reArgs(args []string) string {
	var b strings.Builder
	for _, a := range args {
		if a == "--system" || a == "-system" {
			continue
		}
		b.WriteString(" " + shellWord(a))
	}
	return b.String()
}
