package install

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
)

// A Snap or Flatpak Firefox reaches the host only through the WebExtensions portal or the Native
// Messaging Proxy, which read the standard manifest that install already writes. What decides
// whether that works is on the user's side: the service installed, a pref, a Flatpak bus
// permission, the portal's remembered answer. These checks read exactly those files
// (docs/NATIVE-MESSAGING.md, "Snap and Flatpak Firefox").

// maxPrefsFile bounds the reads of prefs.js, user.js, the permission store and the portal binary.
const maxPrefsFile = 32 << 20

// sandboxPath places a Sandbox table path in this Env: absolute ones under SysRoot, relative ones
// under home.
func (e *Env) sandboxPath(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Join(e.SysRoot, p)
	}
	return filepath.Join(e.Home, p)
}

// firstExisting returns the first of paths (placed by sandboxPath) that exists, or "".
func (e *Env) firstExisting(paths []string) string {
	for _, p := range paths {
		if q := e.sandboxPath(p); e.exists(q) {
			return q
		}
	}
	return ""
}

// foundSandbox is a sandboxed Firefox present here and the trace that showed it.
type foundSandbox struct {
	Sandbox
	Where string
}

// sandboxes returns the Snap and Flatpak Firefoxes present on this machine.
func (e *Env) sandboxes() []foundSandbox {
	var out []foundSandbox
	for _, s := range Sandboxes {
		if w := e.firstExisting(append(slices.Clone(s.HomeDirs), s.AppPaths...)); w != "" {
			out = append(out, foundSandbox{s, w})
		}
	}
	return out
}

// portalInstalled reports whether Ubuntu's WebExtensions portal is here, and the file that says so.
func (e *Env) portalInstalled() string {
	if p := e.firstExisting(PortalFiles); p != "" {
		return p
	}
	for _, bin := range PortalBinaries {
		b, err := fsafe.ReadFile(e.sandboxPath(bin), maxPrefsFile)
		if err == nil && bytes.Contains(b, []byte(PortalName)) {
			return e.sandboxPath(bin)
		}
	}
	return ""
}

// proxyInstalled returns the proxy's activation file, or "".
func (e *Env) proxyInstalled() string { return e.firstExisting(ProxyFiles) }

// flatpakMayTalk returns the override or metadata file that lets the Flatpak talk to bus name,
// or "".
func (e *Env) flatpakMayTalk(s Sandbox, name string) string {
	for _, f := range s.Overrides {
		p := e.sandboxPath(f)
		b, err := fsafe.ReadFile(p, maxSmallFile)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) == name && strings.TrimSpace(v) == "talk" {
				return p
			}
		}
	}
	return ""
}

// profilePrefs are the two prefs of one Firefox profile as Firefox will apply them.
type profilePrefs struct {
	Dir           string
	Portal, Proxy int
}

// prefValue returns the integer an user_pref("name", N); line sets in a prefs.js or user.js; the
// last one wins, as when Firefox applies the file.
func prefValue(b []byte, name string) (int, bool) {
	val, found := 0, false
	prefix := `user_pref("` + name + `"`
	for _, line := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), prefix)
		if !ok {
			continue
		}
		rest, ok = strings.CutPrefix(strings.TrimSpace(rest), ",")
		if !ok {
			continue
		}
		num, _, ok := strings.Cut(rest, ")")
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(num)); err == nil {
			val, found = n, true
		}
	}
	return val, found
}

// profiles reads the prefs of every profile of s: user.js wins over prefs.js (Firefox applies it
// at every start), and an unset pref has the packaging's default.
func (e *Env) profiles(s Sandbox) []profilePrefs {
	var out []profilePrefs
	for _, root := range s.ProfileRoots {
		dir := filepath.Join(e.Home, root)
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, ent := range ents {
			if !ent.IsDir() {
				continue
			}
			pdir := filepath.Join(dir, ent.Name())
			prefs, perr := fsafe.ReadFile(filepath.Join(pdir, "prefs.js"), maxPrefsFile)
			user, uerr := fsafe.ReadFile(filepath.Join(pdir, "user.js"), maxPrefsFile)
			if perr != nil && uerr != nil {
				continue // not a profile
			}
			p := profilePrefs{Dir: pdir, Portal: s.PortalDefault}
			for _, b := range [][]byte{prefs, user} {
				if v, ok := prefValue(b, PortalPref); ok {
					p.Portal = v
				}
				if v, ok := prefValue(b, ProxyPref); ok {
					p.Proxy = v
				}
			}
			out = append(out, p)
		}
	}
	return out
}

// permissionAnswer reads the portal's permission store for what it remembers about host and
// appID: "no" when an entry for host exists and every answer stored for appID is "no", "yes" when
// they are all "yes", "stored" when an entry exists but the answers are mixed, "" when there is
// none. The store is a GVariant database; each answer is serialised as the application id, a NUL,
// then the answer and a NUL, which is all this looks at.
func permissionAnswer(b []byte, host, appID string) string {
	if !bytes.Contains(b, []byte(host+"\x00")) {
		return ""
	}
	key := []byte(appID + "\x00")
	yes, no := 0, 0
	for rest := b; ; {
		i := bytes.Index(rest, key)
		if i < 0 {
			break
		}
		rest = rest[i+len(key):]
		switch {
		case bytes.HasPrefix(rest, []byte("yes\x00")):
			yes++
		case bytes.HasPrefix(rest, []byte("no\x00")):
			no++
		}
	}
	switch {
	case no > 0 && yes == 0:
		return "no"
	case yes > 0 && no == 0:
		return "yes"
	}
	return "stored"
}

// userJSFix is the step that sets pref to v in profile dir ("" when there is no profile yet).
func userJSFix(dir, pref string, v int) string {
	if dir == "" {
		return fmt.Sprintf("start Firefox once, then in about:config set %s to %d", pref, v)
	}
	return fmt.Sprintf("echo 'user_pref(\"%s\", %d);' >> %s", pref, v, fsafe.ShellQuote(filepath.Join(dir, "user.js")))
}

// checkSandbox explains, for each Snap or Flatpak Firefox here, whether it can reach the host and
// what to do when it cannot.
func (e *Env) checkSandbox() []Finding {
	if e.GOOS != "linux" {
		return nil
	}
	found := e.sandboxes()
	if len(found) == 0 {
		return nil
	}
	manifest := filepath.Join(e.ManifestDir(layout.Firefox, false), layout.ManifestFile)
	portal, proxy := e.portalInstalled(), e.proxyInstalled()
	state := func(p string) string {
		if p == "" {
			return "not installed"
		}
		return "installed: " + p
	}
	var out []Finding
	for _, s := range found {
		add := func(status, path, msg, fix string) {
			out = append(out, Finding{Check: "sandbox", Browser: layout.Firefox, Status: status, Path: path, Message: msg, Fix: fix})
		}
		add(StatusInfo, s.Where, fmt.Sprintf("Firefox is a %s here (%s): it cannot start the host by itself. It asks the WebExtensions portal (%s) "+
			"or, from Firefox 157, the Native Messaging Proxy (%s); both start the host from %s (docs/NATIVE-MESSAGING.md)",
			s.Title, s.Where, state(portal), state(proxy), manifest), "")
		if portal == "" && proxy == "" {
			fix := "install your distribution's xdg-native-messaging-proxy package (Firefox 157+)"
			if s.Kind == "snap" {
				fix = "on Ubuntu: sudo apt install xdg-desktop-portal (Ubuntu's carries the portal)"
			}
			add(StatusWarn, s.Where, fmt.Sprintf("neither service is installed, so this %s Firefox cannot start any native host", s.Title),
				fix+"; or use the HTTP fallback: aws-profile-bridge install --http-service   # then pair the extension with a token")
			continue
		}
		// A Flatpak reaches only the bus names it was granted; the Snap's rules are its packager's.
		talk := s.Kind != "flatpak" || e.flatpakMayTalk(s.Sandbox, ProxyName) != ""
		profs := e.profiles(s.Sandbox)
		if len(profs) == 0 {
			// No profile yet: judge by the packaging's defaults; the fix goes through about:config.
			profs = []profilePrefs{{Portal: s.PortalDefault}}
		}
		viaPortal := false
		for _, p := range profs {
			name, path := filepath.Base(p.Dir), p.Dir
			if p.Dir == "" {
				name, path = "(no profile yet)", filepath.Join(e.Home, s.ProfileRoots[0])
			}
			switch {
			case proxy != "" && p.Proxy != 0 && talk:
				add(StatusOK, path, fmt.Sprintf("profile %s: %s is %d, so Firefox 157+ asks the Native Messaging Proxy, which starts the host without asking you", name, ProxyPref, p.Proxy), "")
			case portal != "" && p.Portal != 0:
				viaPortal = true
				add(StatusOK, path, fmt.Sprintf("profile %s: %s is %d, so Firefox asks the WebExtensions portal; the first time, allow \"Allow Firefox to start WebExtension backend?\"", name, PortalPref, p.Portal), "")
			default:
				msg := fmt.Sprintf("profile %s: %s is %d and %s is %d: ", name, PortalPref, p.Portal, ProxyPref, p.Proxy)
				if p.Portal != 0 && portal == "" {
					msg += "Firefox asks a WebExtensions portal that is not installed, so native messaging fails for every extension"
				} else {
					msg += "this Firefox will not reach the host"
				}
				var steps []string
				if proxy != "" {
					if !talk {
						steps = append(steps, "flatpak override --user --talk-name="+ProxyName+" "+s.AppID)
					}
					steps = append(steps, userJSFix(p.Dir, ProxyPref, 1)+"   # Firefox 157 or later")
				} else {
					v := 1
					if s.Kind == "snap" {
						v = 2
					}
					steps = append(steps, userJSFix(p.Dir, PortalPref, v))
				}
				add(StatusWarn, path, msg, strings.Join(steps, " && ")+"; then restart Firefox")
			}
		}
		if !viaPortal {
			continue
		}
		db := filepath.Join(e.Home, PermissionStore)
		b, err := fsafe.ReadFile(db, maxPrefsFile)
		if err != nil {
			continue
		}
		switch permissionAnswer(b, layout.HostName, s.AppID) {
		case "no":
			add(StatusWarn, db, fmt.Sprintf("the portal's permission store remembers \"no\" for %s starting %s: you most likely clicked \"Don't allow\", and it will not ask again", s.AppID, layout.HostName),
				"flatpak permission-remove webextensions "+layout.HostName+"   # the portal asks again on the next connection")
		case "stored":
			add(StatusInfo, db, fmt.Sprintf("the portal's permission store holds an answer for %s", layout.HostName),
				"flatpak permissions webextensions   # shows it; if it is no: flatpak permission-remove webextensions "+layout.HostName)
		}
	}
	return out
}

// sandboxNotes turns the sandbox findings into the installer's notes, so install tells a Snap or
// Flatpak user what doctor would.
func (e *Env) sandboxNotes() []Change {
	var out []Change
	for _, f := range e.checkSandbox() {
		note := f.Message
		if f.Fix != "" {
			note += "; to fix: " + f.Fix
		}
		out = append(out, Change{Browser: layout.Firefox, What: "sandbox", Path: f.Path, Action: "note", Note: note})
	}
	return out
}
