package install

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"unicode/utf16"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/layout"
	"github.com/aws-profile-bridge/aws-profile-bridge/manifests"
)

// Marker is written into every service unit we install, so uninstall and doctor can tell ours.
const Marker = "Installed by `aws-profile-bridge install --http-service`; do not edit."

// Description is the manifest's description field.
const Description = "AWS Profile Bridge: AWS profiles and console sign-in for the AWS Profile Containers extension"

// ServiceLabel names the service on every OS: the LaunchAgent label, the scheduled task, and
// (with .service) the systemd unit.
const (
	ServiceLabel = "aws-profile-bridge"
	launchdLabel = "io.github.aws-profile-bridge"
)

// templates are parsed on first use, not when the process starts: the native host (started once
// per browser request) never renders one.
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"xml": func(s string) (string, error) {
			var b strings.Builder
			err := xml.EscapeText(&b, []byte(s))
			return b.String(), err
		},
		"systemd": systemdQuote,
	}).ParseFS(manifests.FS, "*.tmpl"))
})

// systemdQuote quotes one word for a unit file: specifiers (%) and variables ($) are escaped,
// and a word with blanks, quotes or backslashes is put in double quotes.
func systemdQuote(s string) (string, error) {
	if strings.ContainsAny(s, "\n\r\x00") {
		return "", fmt.Errorf("%q cannot go in a systemd unit", s)
	}
	s = strings.ReplaceAll(s, "%", "%%")
	s = strings.ReplaceAll(s, "$", "$$")
	if !strings.ContainsAny(s, " \t\"'\\;") {
		return s, nil
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + s + `"`, nil
}

// ManifestData fills a manifest template.
type ManifestData struct {
	Name              string
	Description       string
	Path              string
	AllowedExtensions []string
	AllowedOrigins    []string
}

// RenderManifest returns the host manifest for browser: allowed_extensions for Firefox,
// allowed_origins for the Chromium family.
func RenderManifest(browser, binary string, ids, origins []string) ([]byte, error) {
	d := ManifestData{Name: layout.HostName, Description: Description, Path: binary, AllowedExtensions: ids, AllowedOrigins: origins}
	name := "chromium.json.tmpl"
	if layout.IsFirefox(browser) {
		name = "firefox.json.tmpl"
		if d.AllowedExtensions == nil {
			d.AllowedExtensions = []string{}
		}
	} else if d.AllowedOrigins == nil {
		d.AllowedOrigins = []string{}
	}
	return execute(name, d)
}

// ServiceData fills a service template.
type ServiceData struct {
	Marker    string
	Label     string
	Binary    string
	Port      int
	LogDir    string
	ConfigDir string
	User      string
}

// ServiceUnit returns the path and content of the unit that runs `<binary> serve` on goos: a
// systemd user unit, a LaunchAgent, or a Task Scheduler definition (UTF-16, as schtasks wants).
func (e *Env) ServiceUnit(binary string) (path string, content []byte, err error) {
	d := ServiceData{Marker: Marker, Label: ServiceLabel, Binary: binary, Port: e.Port, LogDir: e.LogDir, ConfigDir: e.ConfigDir, User: e.User}
	switch e.GOOS {
	case "darwin":
		d.Label = launchdLabel
		content, err = execute("launchagent.plist.tmpl", d)
	case "windows":
		content, err = execute("task.xml.tmpl", d)
		if err == nil {
			content = utf16LE(content)
		}
	default:
		content, err = execute("aws-profile-bridge.service.tmpl", d)
	}
	if err != nil {
		return "", nil, err
	}
	return e.serviceUnitPath(), content, nil
}

func execute(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := templates().ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// utf16LE encodes s as UTF-16 little-endian with a byte-order mark, with CRLF line ends.
func utf16LE(s []byte) []byte {
	text := strings.ReplaceAll(string(s), "\n", "\r\n")
	u := utf16.Encode([]rune(text))
	out := make([]byte, 2, 2+2*len(u))
	out[0], out[1] = 0xFF, 0xFE
	for _, c := range u {
		out = append(out, byte(c), byte(c>>8))
	}
	return out
}
